import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type net from 'node:net';
import { Random } from '@genesis/schema/random';
import { estimateTokens, extractSlotRequest } from '@genesis/schema/request';
import * as v from 'valibot';
import { defaultAnswer } from './default-answer.ts';
import { type Fault, FaultPlan, shapeAnswer } from './faults.ts';
import {
  type AnswerFunction,
  type EmulatorOptions,
  FAULT_KINDS,
  type FaultKind,
  type ResolvedEmulatorOptions,
  resolveEmulatorOptions,
} from './options.ts';
import { Quota } from './quota.ts';
import {
  applicableFaults,
  askModel,
  bump,
  drawLatency,
  readBody,
  sleep,
  untilAborted,
} from './serving.ts';

/**
 * An OpenAI-compatible chat-completions server for tests and development (what Ollama, vLLM, LM Studio and OpenAI
 * itself speak): `POST /v1/chat/completions` and `GET /v1/models`. It shares the Bedrock emulator's quotas, faults,
 * latency and injected answer function (`EmulatorOptions`), and answers errors the way OpenAI does: a JSON body
 * `{"error": {"message", "type", "code"}}` with 429 (`rate_limit_exceeded`, with `retry-after-ms`), 500/503, and
 * `x-ratelimit-*` headers on every answer when a quota is set.
 */
export interface OpenAIEmulatorOptions extends Omit<EmulatorOptions, 'midStreamException'> {
  /** The model ids `GET /v1/models` lists and chat completions accept (default: any model, listing `emulated`). */
  models?: string[];
  /** Bearer token the server requires (default: any or none, like a local Ollama). */
  apiKey?: string;
  /** Send `x-ratelimit-*` headers when a quota is set (default true); without them clients fall back to AIMD. */
  rateLimitHeaders?: boolean;
}

export interface OpenAIEmulatorStats {
  /** Chat-completion requests received, whatever their outcome. */
  requests: number;
  /** Responses by HTTP status; a stalled request has none. */
  byStatus: Record<string, number>;
  /** Requests refused with 429 by the RPM/TPM quota (injected throttles count under `faults.throttle`). */
  throttled: number;
  faults: Record<FaultKind, number>;
  /** Requests refused with 400. */
  invalid: number;
  tokensIn: number;
  tokensOut: number;
  /** `GET /v1/models` requests. */
  modelLists: number;
}

export interface OpenAIEmulator {
  /** `http://host:port/v1`: the `baseURL` of the openai client (or GENESIS_OPENAI_BASE_URL). */
  url: string;
  stats(): OpenAIEmulatorStats;
  reset(overrides?: Omit<OpenAIEmulatorOptions, 'port' | 'host'>): void;
  stop(): Promise<void>;
}

/** The chat-completions body, as far as the emulator reads it; unknown members pass through like OpenAI's. */
const ChatRequestSchema = v.looseObject({
  model: v.pipe(v.string('model must be a string'), v.minLength(1, 'model is required')),
  messages: v.pipe(
    v.array(
      v.looseObject({
        role: v.picklist(['system', 'developer', 'user', 'assistant', 'tool'], 'unknown role'),
        content: v.nullish(
          v.union([
            v.string(),
            v.array(v.looseObject({ type: v.string(), text: v.optional(v.string()) })),
          ]),
        ),
      }),
      'messages must be an array',
    ),
    v.minLength(1, 'messages must not be empty'),
  ),
  max_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(1))),
  max_completion_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(1))),
  temperature: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
  stream: v.nullish(v.boolean()),
});
type ChatRequest = v.InferOutput<typeof ChatRequestSchema>;

const DEFAULT_MAX_TOKENS = 4096;

function textOf(content: ChatRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => p.text ?? '').join('');
}

function emptyStats(): OpenAIEmulatorStats {
  return {
    requests: 0,
    byStatus: {},
    throttled: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    invalid: 0,
    tokensIn: 0,
    tokensOut: 0,
    modelLists: 0,
  };
}

interface State {
  options: ResolvedEmulatorOptions;
  models: string[] | null;
  apiKey: string | undefined;
  headers: boolean;
  answer: AnswerFunction;
  stats: OpenAIEmulatorStats;
  quota: Quota;
  faults: FaultPlan;
  latencyRandom: Random;
  contentRandom: Random;
}

function createState(options: OpenAIEmulatorOptions): State {
  const { models, apiKey, rateLimitHeaders, ...rest } = options;
  const resolved = resolveEmulatorOptions(rest);
  const seed = String(resolved.seed);
  return {
    options: resolved,
    models: models ?? null,
    apiKey,
    headers: rateLimitHeaders ?? true,
    answer: resolved.answer ?? defaultAnswer,
    stats: emptyStats(),
    quota: new Quota({ rpm: resolved.rpm, tpm: resolved.tpm }),
    faults: new FaultPlan({
      script: resolved.script,
      rates: resolved.faults,
      throttleStorm: resolved.throttleStorm,
      random: new Random(`${seed}:faults`),
    }),
    latencyRandom: new Random(`${seed}:latency`),
    contentRandom: new Random(`${seed}:content`),
  };
}

/** OpenAI's duration format in reset headers: `1s`, `6m0s`, `120ms`. */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  return `${Math.floor(s / 60)}m${Number((s % 60).toFixed(3))}s`;
}

/**
 * Starts an OpenAI-compatible chat-completions emulator over HTTP/1.1 (the openai client uses fetch). Answers come
 * from `options.answer`, exactly as in the Bedrock emulator, so tests inject the application's writers.
 */
export async function startOpenAIEmulator(
  options: OpenAIEmulatorOptions = {},
): Promise<OpenAIEmulator> {
  let state = createState(options);
  const active = new Set<AbortController>();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const controller = new AbortController();
    active.add(controller);
    res.on('close', () => {
      active.delete(controller);
      if (!res.writableFinished) controller.abort();
    });
    serve(state, req, res, controller.signal).catch((error: unknown) => {
      if (controller.signal.aborted) return;
      if (res.headersSent) res.end();
      else sendError(state, res, 500, 'server_error', `Emulator error: ${String(error)}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  const resolved = resolveEmulatorOptions({ port: options.port, host: options.host });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/v1`,
    stats: () => structuredClone(state.stats),
    reset: (overrides = {}) => {
      state = createState({ ...options, ...overrides });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const controller of active) controller.abort();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function sendJson(
  state: State,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  bump(state.stats.byStatus, String(status));
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_${randomUUID().replaceAll('-', '')}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function sendError(
  state: State,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const type =
    status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(state, res, status, { error: { message, type, param: null, code } }, headers);
}

/** The `x-ratelimit-*` headers of the model's buckets, as OpenAI sends them. */
function rateLimitHeaders(state: State, model: string, tokens: number): Record<string, string> {
  const { rpm, tpm } = state.options;
  if (!state.headers || (rpm === null && tpm === null)) return {};
  const level = state.quota.levels(model);
  const headers: Record<string, string> = {};
  if (rpm !== null && level.requests !== null) {
    const remaining = Math.floor(level.requests);
    headers['x-ratelimit-limit-requests'] = String(rpm);
    headers['x-ratelimit-remaining-requests'] = String(Math.max(0, remaining));
    headers['x-ratelimit-reset-requests'] = formatResetDuration(
      (Math.max(0, 1 - (level.requests - remaining)) * 60_000) / rpm,
    );
  }
  if (tpm !== null && level.tokens !== null) {
    headers['x-ratelimit-limit-tokens'] = String(tpm);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(level.tokens)));
    headers['x-ratelimit-reset-tokens'] = formatResetDuration(
      (Math.max(0, Math.min(tokens, tpm) - level.tokens) * 60_000) / tpm,
    );
  }
  return headers;
}

async function serve(
  state: State,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const body = await readBody(req);
  if (state.apiKey && req.headers.authorization !== `Bearer ${state.apiKey}`) {
    sendError(state, res, 401, 'invalid_api_key', 'Incorrect API key provided.');
    return;
  }
  if (req.method === 'GET' && path === '/v1/models') {
    state.stats.modelLists++;
    const ids = state.models ?? ['emulated'];
    sendJson(state, res, 200, {
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'genesis' })),
    });
    return;
  }
  if (req.method !== 'POST' || path !== '/v1/chat/completions') {
    sendError(state, res, 404, 'unknown_url', `Unknown request URL: ${req.method} ${path}`);
    return;
  }
  const { stats, options } = state;
  stats.requests++;
  let request: ChatRequest;
  try {
    const parsed = v.safeParse(ChatRequestSchema, JSON.parse(body));
    if (!parsed.success) {
      stats.invalid++;
      const issue = parsed.issues[0];
      sendError(
        state,
        res,
        400,
        'invalid_request',
        `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`,
      );
      return;
    }
    request = parsed.output;
  } catch {
    stats.invalid++;
    sendError(state, res, 400, 'invalid_json', 'The request body is not valid JSON.');
    return;
  }
  if (request.stream) {
    stats.invalid++;
    sendError(state, res, 400, 'unsupported', 'The emulator does not stream: send stream: false.');
    return;
  }
  const model = request.model;
  if (state.models && !state.models.includes(model)) {
    sendError(
      state,
      res,
      404,
      'model_not_found',
      `The model \`${model}\` does not exist or you do not have access to it.`,
    );
    return;
  }
  const system = request.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content))
    .join('\n\n');
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
  const userText = lastUser ? textOf(lastUser.content) : '';
  const inputTokens = request.messages.reduce((n, m) => n + estimateTokens(textOf(m.content)), 0);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS;
  const slotRequest = extractSlotRequest(userText);

  const fault: Fault | null = state.faults.next(applicableFaults(false, slotRequest));
  if (fault) stats.faults[fault.kind]++;
  if (fault?.kind === 'throttle') {
    sendError(
      state,
      res,
      429,
      'rate_limit_exceeded',
      `Rate limit reached for ${model}. Please try again in 20ms.`,
      { 'retry-after-ms': '20', ...rateLimitHeaders(state, model, 0) },
    );
    return;
  }
  if (fault?.kind === 'server') {
    sendError(
      state,
      res,
      fault.status ?? 500,
      'server_error',
      fault.status === 503
        ? 'The server is overloaded or not ready yet.'
        : 'The server had an error while processing your request.',
    );
    return;
  }
  const reserveTokens = inputTokens + maxTokens;
  const reservation = state.quota.reserve(model, reserveTokens);
  if (typeof reservation === 'string') {
    stats.throttled++;
    const headers = rateLimitHeaders(state, model, reserveTokens);
    const reset =
      reservation === 'requests'
        ? headers['x-ratelimit-reset-requests']
        : headers['x-ratelimit-reset-tokens'];
    sendError(
      state,
      res,
      429,
      'rate_limit_exceeded',
      `Rate limit reached for ${model} on ${reservation === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)'}. Please try again in ${reset ?? '1s'}.`,
      headers,
    );
    return;
  }
  if (fault?.kind === 'stall') {
    await untilAborted(signal);
    state.quota.settle(model, reservation, inputTokens);
    return;
  }
  let text: string;
  try {
    text = await askModel(state.answer, {
      modelId: model,
      system,
      lastUserText: userText,
      messages: request.messages,
      slotRequest,
      fault,
      seed: options.seed,
      contentRandom: state.contentRandom,
    });
  } catch (error) {
    state.quota.settle(model, reservation, inputTokens);
    sendError(
      state,
      res,
      500,
      'server_error',
      `The model could not answer: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }
  const shaped = shapeAnswer(text, fault, maxTokens, state.contentRandom);
  text = shaped.text;
  const finishReason = shaped.cut ? 'length' : 'stop';
  const outputTokens = estimateTokens(text);
  const latencyMs = drawLatency(options.latency, model, outputTokens, state.latencyRandom);
  await sleep(latencyMs, signal);
  if (signal.aborted) {
    state.quota.settle(model, reservation, inputTokens);
    return;
  }
  state.quota.settle(model, reservation, inputTokens + outputTokens);
  stats.tokensIn += inputTokens;
  stats.tokensOut += outputTokens;
  sendJson(
    state,
    res,
    200,
    {
      id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: {
        prompt_tokens: inputTokens,
        completion_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    },
    rateLimitHeaders(state, model, 0),
  );
}
