import { createHash } from 'node:crypto';
import { estimateTokens } from '@genesis/schema/request';
import * as v from 'valibot';
import type { Checkpoint } from './cache.ts';

/**
 * The Converse / ConverseStream request body (docs/bedrock.md §2), checked the way Bedrock checks it: union members
 * with exactly one key set, `maxTokens` >= 1, `temperature` and `topP` in [0, 1]. Members the emulator doesn't
 * use (guardrails, prompt variables, ...) pass through.
 */
const MEMBER_MIN_1 = 'Member must have value greater than or equal to 1';
const MEMBER_0_TO_1 = 'Member must have value between 0 and 1';

function exactlyOneOf<T extends Record<string, unknown>>(keys: readonly string[]) {
  return v.check<T, string>(
    (block) =>
      Object.keys(block).filter((k) => block[k] !== undefined).length === 1 &&
      keys.includes(Object.keys(block)[0]!),
    `Member must have exactly one of these members set: ${keys.join(', ')}`,
  );
}

const CachePointSchema = v.object(
  {
    type: v.literal('default', 'Member must satisfy enum value set: [default]'),
    ttl: v.optional(v.picklist(['5m', '1h'], 'Member must satisfy enum value set: [5m, 1h]')),
  },
  'Member must be an object',
);

const CONTENT_KEYS = [
  'text',
  'image',
  'document',
  'video',
  'audio',
  'toolUse',
  'toolResult',
  'guardContent',
  'cachePoint',
  'reasoningContent',
  'citationsContent',
  'searchResult',
  'toolAddition',
  'toolRemoval',
] as const;

const ContentBlockSchema = v.pipe(
  v.looseObject(
    {
      text: v.optional(v.string('Member must be a string')),
      cachePoint: v.optional(CachePointSchema),
      toolUse: v.optional(
        v.looseObject({ toolUseId: v.string(), name: v.string(), input: v.unknown() }),
      ),
    },
    'Member must be an object',
  ),
  exactlyOneOf(CONTENT_KEYS),
);

const SystemBlockSchema = v.pipe(
  v.looseObject(
    {
      text: v.optional(v.pipe(v.string(), v.minLength(1, 'Member must have length >= 1'))),
      cachePoint: v.optional(CachePointSchema),
    },
    'Member must be an object',
  ),
  exactlyOneOf(['text', 'guardContent', 'cachePoint']),
);

const ToolSchema = v.pipe(
  v.looseObject(
    {
      toolSpec: v.optional(
        v.looseObject({
          name: v.pipe(
            v.string(),
            v.regex(
              /^[a-zA-Z0-9_-]{1,64}$/,
              'Member must satisfy regular expression [a-zA-Z0-9_-]{1,64}',
            ),
          ),
          description: v.optional(v.string()),
          inputSchema: v.object({ json: v.unknown() }, 'Member must have a json member'),
        }),
      ),
      cachePoint: v.optional(CachePointSchema),
    },
    'Member must be an object',
  ),
  exactlyOneOf(['toolSpec', 'systemTool', 'cachePoint']),
);

const ToolChoiceSchema = v.pipe(
  v.looseObject(
    {
      auto: v.optional(v.object({})),
      any: v.optional(v.object({})),
      tool: v.optional(v.object({ name: v.string('Member must be a string') })),
    },
    'Member must be an object',
  ),
  exactlyOneOf(['auto', 'any', 'tool']),
);

const unitInterval = v.pipe(
  v.number('Member must be a number'),
  v.minValue(0, MEMBER_0_TO_1),
  v.maxValue(1, MEMBER_0_TO_1),
);

export const ConverseRequestSchema = v.looseObject(
  {
    messages: v.pipe(
      v.array(
        v.object({
          role: v.picklist(
            ['user', 'assistant'],
            'Member must satisfy enum value set: [user, assistant]',
          ),
          content: v.array(ContentBlockSchema, 'Member must be a list'),
        }),
        'Member must be a list',
      ),
      v.minLength(1, 'Member must have length greater than or equal to 1'),
    ),
    system: v.optional(v.array(SystemBlockSchema, 'Member must be a list')),
    inferenceConfig: v.optional(
      v.object({
        maxTokens: v.optional(
          v.pipe(
            v.number('Member must be a number'),
            v.integer(MEMBER_MIN_1),
            v.minValue(1, MEMBER_MIN_1),
          ),
        ),
        temperature: v.optional(unitInterval),
        topP: v.optional(unitInterval),
        stopSequences: v.optional(
          v.array(
            v.pipe(
              v.string(),
              v.minLength(1, 'Member must have length greater than or equal to 1'),
            ),
          ),
        ),
      }),
    ),
    toolConfig: v.optional(
      v.object({
        tools: v.pipe(
          v.array(ToolSchema, 'Member must be a list'),
          v.minLength(1, 'Member must have length greater than or equal to 1'),
        ),
        toolChoice: v.optional(ToolChoiceSchema),
      }),
    ),
  },
  'The request body must be a JSON object',
);
export type ConverseRequest = v.InferOutput<typeof ConverseRequestSchema>;

/** A request Bedrock would refuse with a 400 ValidationException; the message is Bedrock-worded. */
export class RequestValidationError extends Error {
  override name = 'RequestValidationError';
}

/** Bedrock's path style: `messages.1.member.content` for `messages[0].content` (1-based list members). */
function formatPath(path: readonly v.IssuePathItem[] | undefined): string {
  return (path ?? [])
    .map((item) => {
      const key: unknown = item.key;
      return typeof key === 'number' ? `${key + 1}.member` : String(key);
    })
    .join('.');
}

/** Bedrock allows at most 4 cache checkpoints per request (docs/bedrock.md §5). */
export const MAX_CACHE_POINTS = 4;

/**
 * Parses a request body as Bedrock would, or throws RequestValidationError with a message like Bedrock's:
 * `1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: ...`.
 */
export function parseConverseRequest(body: string): ConverseRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new RequestValidationError(
      'Malformed input request: the request body is not valid JSON.',
    );
  }
  const result = v.safeParse(ConverseRequestSchema, json);
  if (!result.success) {
    const errors = result.issues.map((issue) =>
      issue.path?.length
        ? `Value at '${formatPath(issue.path)}' failed to satisfy constraint: ${issue.message}`
        : issue.message,
    );
    throw new RequestValidationError(
      `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`,
    );
  }
  const request = result.output;
  if (request.messages[0]!.role !== 'user') {
    throw new RequestValidationError(
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  }
  if (request.messages.some((m, i) => i > 0 && m.role === request.messages[i - 1]!.role)) {
    throw new RequestValidationError(
      'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
    );
  }
  const cachePoints =
    (request.toolConfig?.tools ?? []).filter((t) => t.cachePoint).length +
    (request.system ?? []).filter((b) => b.cachePoint).length +
    request.messages.flatMap((m) => m.content).filter((b) => b.cachePoint).length;
  if (cachePoints > MAX_CACHE_POINTS) {
    throw new RequestValidationError(
      `A maximum of ${MAX_CACHE_POINTS} cachePoint blocks are allowed per request; this request has ${cachePoints}.`,
    );
  }
  const choice = request.toolConfig?.toolChoice?.tool?.name;
  if (choice !== undefined && !request.toolConfig?.tools.some((t) => t.toolSpec?.name === choice)) {
    throw new RequestValidationError(
      `The tool named in toolChoice (${choice}) is not defined in toolConfig.tools.`,
    );
  }
  return request;
}

/** What the emulator needs to know about a valid request. */
export interface RequestFacts {
  /** All input tokens (cached or not), estimated at 4 characters a token. */
  inputTokens: number;
  /** The cache checkpoints in prompt order: tools, then system, then messages. */
  checkpoints: Checkpoint[];
  /** The system prompt: the text blocks joined by blank lines. */
  system: string;
  /** Text of the last user message: where the slot request is. */
  lastUserText: string;
  /** The tool the model must call (`toolChoice.tool`, or the first tool for `toolChoice.any`), else null. */
  forcedTool: string | null;
  hasCachePoints: boolean;
}

/** Token counts, cache prefixes and the prompt parts of a validated request. */
export function describeRequest(request: ConverseRequest): RequestFacts {
  const hash = createHash('sha256');
  const checkpoints: Checkpoint[] = [];
  let tokens = 0;
  const add = (piece: string) => {
    hash.update(piece);
    hash.update('\u0000');
    tokens += estimateTokens(piece);
  };
  const mark = (cachePoint: { ttl?: '5m' | '1h' | undefined }) => {
    checkpoints.push({ hash: hash.copy().digest('hex'), tokens, ttl: cachePoint.ttl ?? '5m' });
  };
  for (const tool of request.toolConfig?.tools ?? []) {
    if (tool.cachePoint) mark(tool.cachePoint);
    else add(JSON.stringify(tool));
  }
  for (const block of request.system ?? []) {
    if (block.cachePoint) mark(block.cachePoint);
    else add(typeof block.text === 'string' ? block.text : JSON.stringify(block));
  }
  for (const message of request.messages) {
    hash.update(`\u0001${message.role}`);
    for (const block of message.content) {
      if (block.cachePoint) mark(block.cachePoint);
      else add(typeof block.text === 'string' ? block.text : JSON.stringify(block));
    }
  }
  const lastUser = request.messages.findLast((m) => m.role === 'user');
  const choice = request.toolConfig?.toolChoice;
  const firstTool = request.toolConfig?.tools.find((t) => t.toolSpec)?.toolSpec?.name ?? null;
  return {
    inputTokens: tokens,
    checkpoints,
    system: (request.system ?? [])
      .flatMap((b) => (typeof b.text === 'string' ? [b.text] : []))
      .join('\n\n'),
    lastUserText: (lastUser?.content ?? [])
      .flatMap((b) => (typeof b.text === 'string' ? [b.text] : []))
      .join('\n'),
    forcedTool: choice?.tool ? choice.tool.name : choice?.any ? firstTool : null,
    hasCachePoints: checkpoints.length > 0,
  };
}
