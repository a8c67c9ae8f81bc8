import {
  BedrockRuntimeClient,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type SystemContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { MessageCode } from '@genesis/schema/messages';
import {
  checkDetail,
  hintOf,
  type ModelAnswer,
  type ModelCall,
  type ModelProvider,
  modelAccessCheck,
  type ProviderCheck,
  ProviderError,
} from './provider.ts';

export interface BedrockOptions {
  model: string;
  region?: string;
  /** A Bedrock-compatible endpoint, such as the in-repo emulator. */
  endpoint?: string;
  /** Per-call timeout; the HTTP/2 handler's requestTimeout throws TimeoutError when it passes (docs/bedrock.md §10). */
  requestTimeoutMs?: number;
  /** The runner owns retries and pacing, so the SDK's own retries are off by default; they would stack. */
  maxAttempts?: number;
  /**
   * Use ConverseStream: tokens arrive as they are written, so a stalled answer is noticed by the stream's idle
   * timeout and a mid-stream exception surfaces as a retryable error.
   */
  stream?: boolean;
  client?: BedrockRuntimeClient;
}

const THROTTLED = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'TooManyRequestsException',
]);
const SERVER = new Set([
  'InternalServerException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'ModelErrorException',
]);
const TIMEOUT = new Set([
  'TimeoutError',
  'ModelTimeoutException',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * Configuration problems: no retry fixes them and no slot is to blame. Missing, invalid or expired credentials,
 * access denied (model access not enabled, IAM policy), and a model id Bedrock does not know in this region.
 */
const CONFIG = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'ResourceNotFoundException',
]);
/** ValidationExceptions about the model itself (unknown id, no on-demand throughput), not about one request. */
const MODEL_INVALID =
  /model identifier is invalid|provided model identifier|on-demand throughput|model id.*(not|invalid)|inference profile|model.*(not found|does not exist|is not supported)|unknown model/i;

/** The hints for a Bedrock configuration problem, first match wins (`check.bedrock.other` when none does). */
const BEDROCK_HINTS: readonly (readonly [RegExp, MessageCode])[] = [
  [/CredentialsProviderError|Could not load credentials/i, 'check.bedrock.noCredentials'],
  [/Expired|TokenRefreshRequired/i, 'check.bedrock.expired'],
  [
    /UnrecognizedClient|InvalidSignature|IncompleteSignature|InvalidClientTokenId|MissingAuthenticationToken/i,
    'check.bedrock.invalidCredentials',
  ],
  [/AccessDenied/i, 'check.bedrock.accessDenied'],
  [/on-demand throughput|inference profile/i, 'check.bedrock.inferenceProfile'],
  [/ResourceNotFound|ValidationException/i, 'check.bedrock.modelId'],
  [/Throttl|ServiceQuota|TooManyRequests/i, 'check.bedrock.throttled'],
];

/** The code of what to do about a Bedrock configuration problem (`check.bedrock.*`). */
export function bedrockHintCode(message: string): MessageCode {
  return BEDROCK_HINTS.find(([pattern]) => pattern.test(message))?.[1] ?? 'check.bedrock.other';
}

/** What to do about a Bedrock configuration problem (the doctor and a paused job say the same). */
export function bedrockHint(message: string): string {
  return hintOf(bedrockHintCode(message));
}

/** Maps an SDK error to what the runner can act on. */
export function classifyBedrockError(err: unknown): ProviderError {
  const e = err as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    code?: string;
  };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const message = `${name}: ${e?.message ?? String(err)}`;
  if (name === 'AbortError') return new ProviderError(message, 'aborted');
  if (
    CONFIG.has(name) ||
    status === 401 ||
    status === 403 ||
    (name === 'ValidationException' && MODEL_INVALID.test(e?.message ?? ''))
  )
    return new ProviderError(message, 'config');
  if (THROTTLED.has(name) || status === 429) return new ProviderError(message, 'throttled');
  if (TIMEOUT.has(name)) return new ProviderError(message, 'timeout');
  if (SERVER.has(name) || (status !== undefined && status >= 500))
    return new ProviderError(message, 'server');
  if (e?.code && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN)$/.test(e.code)) {
    return new ProviderError(message, 'server');
  }
  return new ProviderError(message, 'client');
}

/**
 * Whether Bedrock can be called as configured: credentials from the standard chain, then a one-token call to the
 * model (access, region, model id). Shared by `genesis doctor` and the check before a Bedrock job starts.
 * A throttled or failing one-token call is reported (the doctor fails it) but is transient: `config` on the
 * model-access check says whether it is a configuration problem.
 */
export async function checkBedrockAccess(
  client: BedrockRuntimeClient,
  model: string,
): Promise<(ProviderCheck & { config?: boolean })[]> {
  const checks: (ProviderCheck & { config?: boolean })[] = [];
  try {
    await client.config.credentials();
    checks.push({
      name: 'AWS credentials',
      ok: true,
      ...checkDetail('check.credentialsFound'),
    });
  } catch (err) {
    checks.push({
      name: 'AWS credentials',
      ok: false,
      config: true,
      ...checkDetail('check.credentialsNone', { error: (err as Error).name }),
    });
    return checks;
  }
  checks.push(
    await modelAccessCheck(
      model,
      () =>
        client.send(
          new ConverseCommand({
            modelId: model,
            messages: [{ role: 'user', content: [{ text: 'Reply with OK.' }] }],
            inferenceConfig: { maxTokens: 1 },
          }),
        ),
      classifyBedrockError,
      bedrockHintCode,
    ),
  );
  return checks;
}

/**
 * Amazon Bedrock through the Converse API. The system prompt and the few-shot block are each followed by a
 * cache point, so repeated calls of a job read them from the prompt cache (and are billed as cache reads).
 */
export class BedrockProvider implements ModelProvider {
  readonly name = 'bedrock' as const;
  readonly model: string;
  readonly #client: BedrockRuntimeClient;
  readonly #stream: boolean;

  constructor(options: BedrockOptions) {
    this.model = options.model;
    this.#stream = options.stream ?? false;
    this.#client =
      options.client ??
      new BedrockRuntimeClient({
        region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        maxAttempts: options.maxAttempts ?? 1,
        // An options object (not an instance) configures the default HTTP/2 handler.
        requestHandler: { requestTimeout: options.requestTimeoutMs ?? 120_000 },
      });
  }

  /** Credentials and model access (see {@link checkBedrockAccess}); only configuration problems fail it. */
  async check(): Promise<ProviderCheck[]> {
    const checks = await checkBedrockAccess(this.#client, this.model);
    // A throttle or a 5xx on the one-token call says nothing about the configuration: the job may start.
    return checks.map(({ config, ...c }) =>
      c.ok || config ? c : { ...c, ok: true, optional: true },
    );
  }

  async call(request: ModelCall): Promise<ModelAnswer> {
    const system: SystemContentBlock[] = [
      { text: request.system },
      { cachePoint: { type: 'default' } },
    ];
    const content: ContentBlock[] = request.examples
      ? [{ text: request.examples }, { cachePoint: { type: 'default' } }, { text: request.prompt }]
      : [{ text: request.prompt }];
    const input: ConverseCommandInput = {
      modelId: this.model,
      system,
      messages: [{ role: 'user', content }],
      inferenceConfig: { maxTokens: request.maxTokens, temperature: request.temperature },
    };
    const started = performance.now();
    try {
      return this.#stream
        ? await this.#callStream(input, request, started)
        : await this.#callOnce(input, request, started);
    } catch (err) {
      if (request.signal?.aborted) throw new ProviderError('aborted', 'aborted');
      throw classifyBedrockError(err);
    }
  }

  async #callOnce(
    input: ConverseCommandInput,
    request: ModelCall,
    started: number,
  ): Promise<ModelAnswer> {
    const out = await this.#client.send(
      new ConverseCommand(input),
      request.signal ? { abortSignal: request.signal } : {},
    );
    const blocks = out.output?.message?.content ?? [];
    const toolInput = blocks.find((b) => b.toolUse)?.toolUse?.input;
    return {
      text: blocks.map((b) => b.text ?? '').join(''),
      ...(toolInput !== undefined ? { toolInput } : {}),
      usage: {
        inputTokens: out.usage?.inputTokens ?? 0,
        outputTokens: out.usage?.outputTokens ?? 0,
        cacheReadTokens: out.usage?.cacheReadInputTokens ?? 0,
        cacheWriteTokens: out.usage?.cacheWriteInputTokens ?? 0,
      },
      stopReason: out.stopReason ?? 'end_turn',
      model: this.model,
      latencyMs: out.metrics?.latencyMs ?? performance.now() - started,
    };
  }

  async #callStream(
    input: ConverseCommandInput,
    request: ModelCall,
    started: number,
  ): Promise<ModelAnswer> {
    const out = await this.#client.send(
      new ConverseStreamCommand(input),
      request.signal ? { abortSignal: request.signal } : {},
    );
    let text = '';
    let toolJson = '';
    let stopReason = 'end_turn';
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    // A throttle or server error after the stream has started is raised here, by the iterator; the SDK does not
    // retry it, so the runner's retry path handles it like any other failed call.
    for await (const event of out.stream ?? []) {
      if (event.contentBlockDelta?.delta?.text) text += event.contentBlockDelta.delta.text;
      if (event.contentBlockDelta?.delta?.toolUse?.input)
        toolJson += event.contentBlockDelta.delta.toolUse.input;
      if (event.messageStop?.stopReason) stopReason = event.messageStop.stopReason;
      if (event.metadata?.usage) {
        usage.inputTokens = event.metadata.usage.inputTokens ?? 0;
        usage.outputTokens = event.metadata.usage.outputTokens ?? 0;
        usage.cacheReadTokens = event.metadata.usage.cacheReadInputTokens ?? 0;
        usage.cacheWriteTokens = event.metadata.usage.cacheWriteInputTokens ?? 0;
      }
    }
    let toolInput: unknown;
    if (toolJson) {
      try {
        toolInput = JSON.parse(toolJson);
      } catch {
        text ||= toolJson;
      }
    }
    return {
      text,
      ...(toolInput !== undefined ? { toolInput } : {}),
      usage,
      stopReason,
      model: this.model,
      latencyMs: performance.now() - started,
    };
  }

  destroy() {
    this.#client.destroy();
  }
}
