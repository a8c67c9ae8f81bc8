import type { Random } from '@genesis/schema/random';
import type { SlotRequest } from '@genesis/schema/request';
import * as v from 'valibot';
import { STREAM_EXCEPTIONS } from './eventstream.ts';

/**
 * Faults the emulator can inject (docs/architecture.md, "bedrock-emulator/"):
 * - `throttle`: 429 ThrottlingException; a random draw starts a storm of `throttleStorm` consecutive 429s.
 * - `server`: 500 InternalServerException or 503 ServiceUnavailableException.
 * - `malformed`: the answer text is not JSON.
 * - `truncated`: the answer is cut mid-JSON, with stopReason `max_tokens`.
 * - `wrongIntent`: one conversation is written for another intent than its slot asked (conversation tasks only).
 * - `wrongLanguage`: one item is written in the other language.
 * - `stall`: no response at all, until the client gives up (or the emulator stops).
 * - `midStream`: ConverseStream sends some deltas, then an exception frame (ConverseStream only).
 */
export const FAULT_KINDS = [
  'throttle',
  'server',
  'malformed',
  'truncated',
  'wrongIntent',
  'wrongLanguage',
  'stall',
  'midStream',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What the injected `answer` function is asked: the prompt parts and the slot request found in it. */
export interface AnswerRequest {
  modelId: string;
  /** The system text blocks, joined by blank lines. */
  system: string;
  /** The request's messages, as sent. */
  messages: unknown[];
  /** The JSON slot request of the last user message, or null when there is none. */
  slotRequest: SlotRequest | null;
  /** Derived from the emulator seed and the prompt: the same prompt gets the same answer. */
  seed: string;
}

/** Writes the model's answer text. May throw: the call then fails with a 424 ModelErrorException. */
export type AnswerFunction = (request: AnswerRequest) => string | Promise<string>;

/** Input of a latency function: it returns the milliseconds before the answer (stream: spread over it). */
export interface LatencyContext {
  modelId: string;
  outputTokens: number;
  random: Random;
}
export type LatencyFunction = (context: LatencyContext) => number;

const nonNegative = (what: string) =>
  v.pipe(v.number(`${what} must be a number`), v.minValue(0, `${what} must be >= 0`));

/** A fault in a scripted sequence: a kind, `none` for a normal answer, or a server fault with its status. */
export const ScriptedFaultSchema = v.union(
  [
    v.picklist([...FAULT_KINDS, 'none']),
    v.object({ kind: v.literal('server'), status: v.picklist([500, 503]) }),
  ],
  `a scripted fault must be one of ${[...FAULT_KINDS, 'none'].join(', ')} or { kind: 'server', status: 500 | 503 }`,
);
export type ScriptedFault = v.InferOutput<typeof ScriptedFaultSchema>;

export const LatencySchema = v.union(
  [
    v.pipe(
      v.object({ minMs: nonNegative('latency.minMs'), maxMs: nonNegative('latency.maxMs') }),
      v.check((l) => l.minMs <= l.maxMs, 'latency.minMs must not exceed latency.maxMs'),
    ),
    v.custom<LatencyFunction>((x) => typeof x === 'function'),
  ],
  'latency must be { minMs, maxMs } or a function',
);
export type Latency = v.InferOutput<typeof LatencySchema>;

const rate = (kind: FaultKind) =>
  v.optional(
    v.pipe(
      v.number(`faults.${kind} must be a number`),
      v.minValue(0, `faults.${kind} must be between 0 and 1`),
      v.maxValue(1, `faults.${kind} must be between 0 and 1`),
    ),
  );

export const FaultRatesSchema = v.pipe(
  v.strictObject(
    Object.fromEntries(FAULT_KINDS.map((kind) => [kind, rate(kind)])) as Record<
      FaultKind,
      ReturnType<typeof rate>
    >,
    `faults may only name ${FAULT_KINDS.join(', ')}`,
  ),
  v.check(
    (rates) => Object.values(rates).reduce<number>((sum, p) => sum + (p ?? 0), 0) <= 1,
    'the fault probabilities must add up to at most 1',
  ),
);
export type FaultRates = v.InferOutput<typeof FaultRatesSchema>;

const perMinute = (what: string) =>
  v.nullable(v.pipe(v.number(`${what} must be a number`), v.gtValue(0, `${what} must be > 0`)));

/**
 * Everything the emulator can be told; each field has a default (no quota, no latency, no faults). `reset()`
 * takes the same fields except `port` and `host`.
 */
export const EmulatorOptionsSchema = v.object({
  /** Port to listen on; 0 (the default) picks a free one. */
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 0),
  host: v.optional(v.string(), '127.0.0.1'),
  /**
   * Writes the answers. The default (`defaultAnswer`) only refuses prompts without a slot request and fails slot
   * requests: inject the writers of the application under test.
   */
  answer: v.optional(
    v.custom<AnswerFunction>((x) => typeof x === 'function', 'answer must be a function'),
  ),
  /** Requests per minute per model id (null: unlimited). */
  rpm: v.optional(perMinute('rpm'), null),
  /** Tokens per minute per model id (null: unlimited): input + cache writes + output x burndown. */
  tpm: v.optional(perMinute('tpm'), null),
  /**
   * Count the TPM quota as strictly as Bedrock: a call's reservation includes its prompt tokens read from the
   * cache (released when it settles). Off by default; the benchmarks turn it on (docs/bedrock.md §7).
   */
  strict: v.optional(v.boolean('strict must be true or false'), false),
  /** Output-token burndown for the TPM quota; default 5 for Claude 3.7 and 4.x models, else 1. */
  outputBurndown: v.optional(
    v.union([
      v.pipe(v.number(), v.minValue(1, 'outputBurndown must be >= 1')),
      v.custom<(modelId: string) => number>((x) => typeof x === 'function'),
    ]),
  ),
  latency: v.optional(LatencySchema, { minMs: 0, maxMs: 0 }),
  /** Probability per request of each fault (at most 1 in total). */
  faults: v.optional(FaultRatesSchema, {}),
  /** Faults for the next requests in order; once used up, `faults` applies. */
  script: v.optional(v.array(ScriptedFaultSchema, 'script must be a list'), []),
  /** Consecutive 429s of a randomly drawn throttle fault. */
  throttleStorm: v.optional(
    v.pipe(
      v.number(),
      v.integer('throttleStorm must be an integer'),
      v.minValue(1, 'throttleStorm must be >= 1'),
    ),
    3,
  ),
  /** The exception frame a `midStream` fault sends. */
  midStreamException: v.optional(v.picklist(STREAM_EXCEPTIONS), 'throttlingException'),
  /** Seed of the fault, latency and corruption draws. */
  seed: v.optional(v.union([v.string(), v.number()]), 'genesis-emulator'),
  /** Shortest prefix (tokens) a cachePoint caches; 1,024 for Claude Sonnet 4.x (docs/bedrock.md §5). */
  cacheMinTokens: v.optional(nonNegative('cacheMinTokens'), 1024),
  /** Characters per contentBlockDelta of a stream. */
  streamChunkChars: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1, 'streamChunkChars must be >= 1')),
    24,
  ),
  /** Add Bedrock's random-length `"p"` padding to stream events (clients must ignore it). */
  padding: v.optional(v.boolean(), true),
});
export type EmulatorOptions = v.InferInput<typeof EmulatorOptionsSchema>;
export type ResolvedEmulatorOptions = v.InferOutput<typeof EmulatorOptionsSchema>;

/** Options the emulator refuses; the message names every bad field. */
export class EmulatorOptionsError extends Error {
  override name = 'EmulatorOptionsError';
}

/** Validates options and fills the defaults. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const result = v.safeParse(EmulatorOptionsSchema, options);
  if (!result.success) {
    const messages = result.issues.map((issue) => {
      const path = v.getDotPath(issue);
      return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
    });
    throw new EmulatorOptionsError(`Invalid emulator options: ${messages.join('; ')}`);
  }
  return result.output;
}

/** Claude 3.7 and the Claude 4.x family burn 5 quota tokens per output token (docs/bedrock.md §7). */
export function defaultOutputBurndown(modelId: string): number {
  return /claude-(3-7|(sonnet|opus|haiku)-4)/.test(modelId) ? 5 : 1;
}

/**
 * A log-normal latency (the long right tail real model latencies have): `medianMs` is the median, `sigma` the
 * spread of the log; draws are capped at 20x the median so one draw cannot stall a run.
 */
export function logNormalLatency(medianMs: number, sigma: number): LatencyFunction {
  return ({ random }) => {
    // Box-Muller: a standard normal draw from two uniform ones.
    const u = Math.max(random.next(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
    return Math.min(medianMs * 20, medianMs * Math.exp(sigma * z));
  };
}

/**
 * Parses `--latency`: `500-3000` (uniform between min and max ms), `800` (fixed), or `lognormal:1200,0.6`
 * (log-normal with median 1200 ms and log-spread 0.6).
 */
export function parseLatency(text: string): Latency {
  const logNormal = /^\s*lognormal:(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (logNormal) {
    const median = Number(logNormal[1]);
    const sigma = Number(logNormal[2]);
    if (median <= 0 || sigma <= 0 || sigma > 3)
      throw new EmulatorOptionsError(
        `--latency lognormal needs a median above 0 ms and a spread in (0, 3], got "${text}"`,
      );
    return logNormalLatency(median, sigma);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!match)
    throw new EmulatorOptionsError(
      `--latency must look like 500-3000 (min-max ms), 800, or lognormal:1200,0.6 (median ms, spread), got "${text}"`,
    );
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  if (minMs > maxMs)
    throw new EmulatorOptionsError(`--latency: min ${minMs} is above max ${maxMs}`);
  return { minMs, maxMs };
}

function faultKind(name: string, flag: string): FaultKind {
  if (!(FAULT_KINDS as readonly string[]).includes(name)) {
    throw new EmulatorOptionsError(
      `${flag}: unknown fault "${name}"; known faults: ${FAULT_KINDS.join(', ')}`,
    );
  }
  return name as FaultKind;
}

/** Parses `--faults throttle=0.05,server=0.02,...` into fault probabilities. */
export function parseFaults(text: string): FaultRates {
  const rates: FaultRates = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', value, ...rest] = part.split('=');
    const kind = faultKind(name.trim(), '--faults');
    const p = Number(value);
    if (
      value === undefined ||
      rest.length > 0 ||
      value.trim() === '' ||
      !Number.isFinite(p) ||
      p < 0 ||
      p > 1
    ) {
      throw new EmulatorOptionsError(
        `--faults: "${part}" must be ${kind}=<probability between 0 and 1>`,
      );
    }
    rates[kind] = p;
  }
  const total = Object.values(rates).reduce((sum, p) => sum + p, 0);
  if (total > 1)
    throw new EmulatorOptionsError(`--faults: the probabilities add up to ${total}, more than 1`);
  return rates;
}

/** Parses `--script throttle,none,server:503,stall` into a scripted fault sequence. */
export function parseScript(text: string): ScriptedFault[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part): ScriptedFault => {
      if (part === 'none') return 'none';
      const [name = '', status] = part.split(':');
      const kind = faultKind(name, '--script');
      if (status === undefined) return kind;
      if (kind !== 'server' || (status !== '500' && status !== '503')) {
        throw new EmulatorOptionsError(
          `--script: "${part}" is not valid; only server:500 and server:503 take a status`,
        );
      }
      return { kind: 'server', status: Number(status) as 500 | 503 };
    });
}
