import type { MessageCode } from '@genesis/schema/messages';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources';
import {
  checkDetail,
  failedCheckDetail,
  hintOf,
  type ModelAnswer,
  type ModelCall,
  type ModelProvider,
  modelAccessCheck,
  type ProviderCheck,
  ProviderError,
} from './provider.ts';

/**
 * Any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, LM Studio) through the official `openai`
 * client. The request contract is the one every provider answers (docs/bedrock.md §1): the system prompt as the
 * system message, then one user message holding the few-shot block and the slot request (in that order, so the
 * shared prefix stays cacheable where the server caches prefixes). Retries belong to the runner, so the client's
 * own are off; pacing follows the server's `x-ratelimit-*` headers when it sends them (OpenAI, some vLLM
 * gateways), and the runner's AIMD limit otherwise.
 */
export interface OpenAIOptions {
  model: string;
  /** The server's API root, e.g. `http://127.0.0.1:11434/v1` (Ollama) or `https://api.openai.com/v1`. */
  baseURL: string;
  /** Local servers need none; the client still wants a string. */
  apiKey?: string | undefined;
  requestTimeoutMs?: number;
  client?: OpenAI;
  now?: () => number;
}

/** OpenAI's reset durations: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. Null when unreadable. */
export function parseResetDuration(text: string | null | undefined): number | null {
  if (!text) return null;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of trimmed.matchAll(re)) {
    const n = Number(m[1]);
    total +=
      m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    matched += m[0];
  }
  return matched.length === trimmed.length && matched ? total : null;
}

/** How long a 429's headers ask to wait: `retry-after-ms`, `retry-after` (seconds or a date), or the reset. */
export function retryAfterFrom(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers.get('retry-after');
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const waits = [
    headers.get('x-ratelimit-remaining-requests') === '0'
      ? parseResetDuration(headers.get('x-ratelimit-reset-requests'))
      : null,
    parseResetDuration(headers.get('x-ratelimit-reset-tokens')),
  ].filter((w): w is number => w !== null);
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

/**
 * Pacing from the server's rate-limit headers: after each answer, the remaining requests and tokens and when
 * they reset. A call waits when the last answer said the request bucket is empty, or that fewer tokens remain
 * than the call may use. Without headers it never waits (the runner's AIMD limit paces on 429s).
 */
export class RateLimitGate {
  #requestsAt = 0;
  #tokensLeft: number | null = null;
  #tokensAt = 0;
  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds a call of about `tokens` tokens should wait now. */
  waitFor(tokens: number): number {
    const t = this.now();
    let until = this.#requestsAt;
    if (this.#tokensLeft !== null && this.#tokensLeft < tokens)
      until = Math.max(until, this.#tokensAt);
    return Math.max(0, until - t);
  }

  /** Reads an answer's (or a 429's) headers. */
  observe(headers: Headers | undefined) {
    if (!headers) return;
    const t = this.now();
    const requestsLeft = headers.get('x-ratelimit-remaining-requests');
    if (requestsLeft !== null) {
      const reset = parseResetDuration(headers.get('x-ratelimit-reset-requests'));
      this.#requestsAt = Number(requestsLeft) <= 0 && reset !== null ? t + reset : 0;
    }
    const tokensLeft = headers.get('x-ratelimit-remaining-tokens');
    if (tokensLeft !== null && Number.isFinite(Number(tokensLeft))) {
      const reset = parseResetDuration(headers.get('x-ratelimit-reset-tokens'));
      this.#tokensLeft = Number(tokensLeft);
      this.#tokensAt = t + (reset ?? 0);
    }
  }

  /** A call has been sent: it uses one request and, roughly, its tokens. */
  spend(tokens: number) {
    if (this.#tokensLeft !== null) this.#tokensLeft -= tokens;
  }
}

const NETWORK = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|fetch failed|socket hang up/i;

/**
 * Maps an `openai` client error to what the runner can act on, like {@link classifyBedrockError}: 429 throttled
 * (except `insufficient_quota`, which no wait fixes), 408 and client timeouts timeout, 5xx and network errors
 * server, 401/403/404 and an unknown model config, the rest client.
 */
export function classifyOpenAIError(err: unknown): ProviderError {
  if (err instanceof APIUserAbortError || (err as Error)?.name === 'AbortError')
    return new ProviderError('aborted', 'aborted');
  if (err instanceof APIConnectionTimeoutError)
    return new ProviderError(`timeout: ${err.message}`, 'timeout');
  if (err instanceof APIConnectionError) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return new ProviderError(
      `connection error: ${cause?.code ?? cause?.message ?? err.message}`,
      'server',
    );
  }
  if (err instanceof APIError) {
    const status = err.status;
    const message = `${status ?? ''} ${err.code ?? err.type ?? ''}: ${err.message}`.trim();
    if (status === 429 && err.code !== 'insufficient_quota')
      return new ProviderError(message, 'throttled', retryAfterFrom(err.headers));
    if (status === 401 || status === 403 || status === 404 || err.code === 'insufficient_quota')
      return new ProviderError(message, 'config');
    if (
      status === 400 &&
      /model/i.test(err.message) &&
      /not (found|exist)|unknown|invalid/i.test(err.message)
    )
      return new ProviderError(message, 'config');
    if (status === 408) return new ProviderError(message, 'timeout');
    if (status !== undefined && status >= 500) return new ProviderError(message, 'server');
    return new ProviderError(message, 'client');
  }
  const e = err as { message?: string; code?: string };
  if (NETWORK.test(`${e?.code ?? ''} ${e?.message ?? ''}`))
    return new ProviderError(String(e?.message ?? err), 'server');
  return new ProviderError(String(e?.message ?? err), 'client');
}

/** The hints for an OpenAI-compatible server's problem, first match wins (`check.openai.other` when none does). */
const OPENAI_HINTS: readonly (readonly [RegExp, MessageCode])[] = [
  [/\b401\b|invalid_api_key|Incorrect API key/i, 'check.openai.apiKey'],
  [/\b403\b/, 'check.openai.accessDenied'],
  [/insufficient_quota/i, 'check.openai.quota'],
  [/\b404\b|model_not_found|model/i, 'check.openai.model'],
  [/connection|ECONNREFUSED|fetch failed/i, 'check.openai.unreachable'],
];

/** The code of what to do about an OpenAI-compatible server's problem (`check.openai.*`). */
export function openaiHintCode(message: string): MessageCode {
  return OPENAI_HINTS.find(([pattern]) => pattern.test(message))?.[1] ?? 'check.openai.other';
}

/** What to do about an OpenAI-compatible server's configuration problem (the doctor and a paused job say it). */
export function openaiHint(message: string): string {
  return hintOf(openaiHintCode(message));
}

/** A stable 31-bit integer from the call's seed string (OpenAI and vLLM take an integer `seed`). */
function seedNumber(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return (h >>> 0) % 2 ** 31;
}

/** A parameter the server refuses ("Unsupported parameter: 'max_tokens'"): newer OpenAI models want another. */
const UNSUPPORTED = /unsupported (parameter|value)|not supported/i;

/** The provider behind `provider: openai`. */
export class OpenAIProvider implements ModelProvider {
  readonly name = 'openai' as const;
  readonly model: string;
  readonly baseURL: string;
  readonly #client: OpenAI;
  readonly #gate: RateLimitGate;
  readonly #now: () => number;
  /** Learnt from the server's 400s: reasoning models take `max_completion_tokens` and no `temperature`. */
  #useMaxCompletionTokens = false;
  #sendTemperature = true;

  constructor(options: OpenAIOptions) {
    this.model = options.model;
    this.baseURL = options.baseURL;
    this.#now = options.now ?? Date.now;
    this.#gate = new RateLimitGate(this.#now);
    this.#client =
      options.client ??
      new OpenAI({
        baseURL: options.baseURL,
        // Ollama, vLLM and LM Studio need no key, but the client refuses to start without one.
        apiKey: options.apiKey || 'none',
        maxRetries: 0,
        timeout: options.requestTimeoutMs ?? 120_000,
      });
  }

  hint(message: string): string {
    return openaiHint(message);
  }

  /** The doctor's checks: the server answers, lists the model, and answers a one-token call. */
  async check(): Promise<ProviderCheck[]> {
    return (await checkOpenAIAccess(this.#client, this.model, this.baseURL)).map(
      ({ config, ...c }) => (c.ok || config ? c : { ...c, ok: true, optional: true }),
    );
  }

  #params(request: ModelCall): ChatCompletionCreateParamsNonStreaming {
    const user = request.examples ? `${request.examples}\n\n${request.prompt}` : request.prompt;
    return {
      model: this.model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: user },
      ],
      ...(this.#useMaxCompletionTokens
        ? { max_completion_tokens: request.maxTokens }
        : { max_tokens: request.maxTokens }),
      ...(this.#sendTemperature ? { temperature: request.temperature } : {}),
      seed: seedNumber(request.seed),
    };
  }

  async call(request: ModelCall): Promise<ModelAnswer> {
    const started = performance.now();
    const tokens =
      Math.ceil((request.system.length + request.examples.length + request.prompt.length) / 4) +
      request.maxTokens;
    try {
      for (;;) {
        const wait = this.#gate.waitFor(tokens);
        if (wait <= 0) break;
        await abortableSleep(wait, request.signal);
      }
      this.#gate.spend(tokens);
      let out: ChatCompletion;
      let headers: Headers;
      for (let adapt = 0; ; adapt++) {
        try {
          const { data, response } = await this.#client.chat.completions
            .create(this.#params(request), request.signal ? { signal: request.signal } : {})
            .withResponse();
          out = data;
          headers = response.headers;
          break;
        } catch (err) {
          if (adapt < 2 && this.#adapt(err)) continue;
          throw err;
        }
      }
      this.#gate.observe(headers);
      const choice = out.choices[0];
      const message = choice?.message;
      const call = message?.tool_calls?.[0];
      let toolInput: unknown;
      if (call && 'function' in call && call.function?.arguments) {
        try {
          toolInput = JSON.parse(call.function.arguments);
        } catch {
          // a cut tool call: parsed from the text below, and rejected there if it is broken
        }
      }
      const cached = out.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      return {
        text:
          message?.content ?? (call && 'function' in call ? (call.function?.arguments ?? '') : ''),
        ...(toolInput !== undefined ? { toolInput } : {}),
        usage: {
          inputTokens: Math.max(0, (out.usage?.prompt_tokens ?? 0) - cached),
          outputTokens: out.usage?.completion_tokens ?? 0,
          cacheReadTokens: cached,
          cacheWriteTokens: 0,
        },
        // The parser knows Bedrock's name for an answer cut by the token limit.
        stopReason:
          choice?.finish_reason === 'length'
            ? 'max_tokens'
            : choice?.finish_reason === 'tool_calls'
              ? 'tool_use'
              : (choice?.finish_reason ?? 'end_turn'),
        model: this.model,
        latencyMs: performance.now() - started,
      };
    } catch (err) {
      if (request.signal?.aborted) throw new ProviderError('aborted', 'aborted');
      if (err instanceof APIError) this.#gate.observe(err.headers);
      throw classifyOpenAIError(err);
    }
  }

  /** A 400 about a parameter this model does not take: switch it, and say whether to try again. */
  #adapt(err: unknown): boolean {
    if (!(err instanceof APIError) || err.status !== 400 || !UNSUPPORTED.test(err.message))
      return false;
    if (/max_tokens/.test(err.message) && !this.#useMaxCompletionTokens) {
      this.#useMaxCompletionTokens = true;
      return true;
    }
    if (/temperature/.test(err.message) && this.#sendTemperature) {
      this.#sendTemperature = false;
      return true;
    }
    return false;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Whether an OpenAI-compatible server can be used as configured: it answers `GET /models`, lists the model, and
 * answers a one-token call. `config` marks what only a configuration change fixes. Shared by `genesis doctor`
 * and the check before a job starts.
 */
export async function checkOpenAIAccess(
  client: OpenAI,
  model: string,
  baseURL: string,
): Promise<(ProviderCheck & { config?: boolean })[]> {
  const checks: (ProviderCheck & { config?: boolean })[] = [];
  let ids: string[];
  try {
    ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    checks.push({
      name: 'server',
      ok: true,
      ...checkDetail('check.serverAnswered', { url: baseURL, count: ids.length }),
    });
  } catch (err) {
    const e = classifyOpenAIError(err);
    // Some servers have no /models route; a 404 there is not fatal, the one-token call decides.
    if (err instanceof APIError && err.status === 404) {
      checks.push({
        name: 'server',
        ok: true,
        optional: true,
        ...checkDetail('check.noModelList', { url: baseURL }),
      });
      ids = [];
    } else {
      checks.push({
        name: 'server',
        ok: false,
        config: e.kind === 'config' || e.kind === 'server' || e.kind === 'timeout',
        ...failedCheckDetail(openaiHintCode(e.message), baseURL, e.message),
      });
      return checks;
    }
  }
  if (ids.length > 0) {
    const listed = ids.includes(model);
    checks.push({
      name: 'model listed',
      ok: listed,
      config: !listed,
      ...(listed
        ? checkDetail('check.modelListed', { model })
        : checkDetail('check.modelNotListed', {
            model,
            models: `${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', ...' : ''}`,
          })),
    });
    if (!listed) return checks;
  }
  checks.push(
    await modelAccessCheck(
      model,
      () =>
        client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Reply with OK.' }],
          max_tokens: 1,
        }),
      classifyOpenAIError,
      openaiHintCode,
    ),
  );
  return checks;
}
