/**
 * The model provider contract. Every provider (the embedded `local` one, Bedrock, the emulator through the real
 * SDK) answers the same call: a system prompt and a user message that carries a JSON slot request (see
 * docs/bedrock.md §1, "The request contract"), and returns the model's raw answer plus token usage. Parsing,
 * validation, repair and re-asking belong to the job runner, so they are the same for every provider.
 */
import {
  codedMessage,
  MESSAGES,
  type MessageCode,
  type MessageParams,
} from '@genesis/schema/messages';
export interface ModelCall {
  /** System prompt (cacheable: the runner marks it with a cache point for Bedrock). */
  system: string;
  /** Few-shot block placed after the system prompt, also cacheable; may be empty. */
  examples: string;
  /** The user message: instructions plus the JSON slot request. */
  prompt: string;
  maxTokens: number;
  temperature: number;
  /** Deterministic providers derive their output from this (job seed + slot keys + attempt). */
  seed: string;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ModelAnswer {
  /** The answer as text (plain JSON, fenced JSON, or prose around JSON). */
  text: string;
  /** When the answer came as a forced tool call, its input object. */
  toolInput?: unknown;
  usage: TokenUsage;
  stopReason: string;
  model: string;
  latencyMs: number;
}

/** One check of a provider's configuration (the doctor's checks): what was found, or what to fix. */
export interface ProviderCheck {
  name: string;
  ok: boolean;
  /** What was found, or what to do about it (English). */
  detail: string;
  /** The detail as a code and parameters (`@genesis/schema/messages`), when it has one: see {@link checkDetail}. */
  code?: MessageCode;
  params?: MessageParams;
  /** Failing optional checks warn instead of failing. */
  optional?: boolean;
}

/** A check's detail with its code: the English text as `detail`, and the code and parameters beside it. */
export function checkDetail(
  code: MessageCode,
  params: MessageParams = {},
): { detail: string; code: MessageCode; params: MessageParams } {
  const coded = codedMessage(code, params);
  return { detail: coded.message, code, params };
}

/** The start of every `check.bedrock.*` / `check.openai.*` template: the subject, the provider's error, then the hint. */
const QUOTED_ERROR = '{subject}: {error} (';

/**
 * A failed check's detail that quotes the provider's own error (kept as sent, a parameter) and says what to do:
 * `code` is one of the `check.bedrock.*` / `check.openai.*` codes, one per hint.
 */
export function failedCheckDetail(code: MessageCode, subject: string, error: string) {
  return checkDetail(code, { subject, error });
}

/**
 * The doctor's "model access" check: a one-token call to `model`, passed when it answers. A failure quotes the
 * provider's error with its hint (`hintCode`) and is marked `config` when only a configuration change fixes it
 * (`kind` of the provider's own error classification), not when it was throttled or failed in passing.
 */
export async function modelAccessCheck(
  model: string,
  call: () => Promise<unknown>,
  classify: (err: unknown) => { kind: string; message: string },
  hintCode: (message: string) => MessageCode,
): Promise<ProviderCheck & { config?: boolean }> {
  try {
    await call();
    return { name: 'model access', ok: true, ...checkDetail('check.modelAnswered', { model }) };
  } catch (err) {
    const e = classify(err);
    return {
      name: 'model access',
      ok: false,
      config: e.kind === 'config',
      ...failedCheckDetail(hintCode(e.message), model, e.message),
    };
  }
}

/** The English hint of a `check.bedrock.*` / `check.openai.*` code (its template's text in parentheses). */
export function hintOf(code: MessageCode): string {
  const template: string = MESSAGES[code];
  return template.startsWith(QUOTED_ERROR) ? template.slice(QUOTED_ERROR.length, -1) : template;
}

export interface ModelProvider {
  readonly name: 'local' | 'bedrock' | 'openai';
  readonly model: string;
  call(request: ModelCall): Promise<ModelAnswer>;
  /** What to do about a `config` ProviderError's message (a paused job says it); Bedrock's hints by default. */
  hint?(message: string): string;
  /**
   * Checks that calls can work at all (credentials, region, model access), before a job is created or resumed.
   * Providers that need no configuration (local) leave it out.
   */
  check?(): Promise<ProviderCheck[]>;
}

/**
 * Failures a provider reports in a way the runner can act on (retry, back off, give up). `config` is a problem
 * no retry can fix and no slot is to blame for (no or expired credentials, access denied, an unknown model): the
 * runner pauses the job with the message instead of rejecting items.
 */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    message: string,
    readonly kind: 'throttled' | 'server' | 'timeout' | 'client' | 'aborted' | 'config',
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
