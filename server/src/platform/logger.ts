import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';
import type { Config } from './config.ts';
import { DomainError } from './errors.ts';

export type { Logger };

/** The longest string a log line carries; longer ones are cut, saying how long they were. */
export const MAX_LOG_STRING = 2_000;
/** Characters of strings one logged value (a merging object, an error) may carry in all. */
const LOG_VALUE_BUDGET = 8_000;
/** The most items of one array, or keys of one object, a log line carries. */
const MAX_LOG_ITEMS = 20;
const MAX_LOG_DEPTH = 6;

function boundedString(text: string, budget = { left: MAX_LOG_STRING }): string {
  const keep = Math.max(Math.min(MAX_LOG_STRING, budget.left), 0);
  if (text.length <= keep) {
    budget.left -= text.length;
    return text;
  }
  budget.left -= keep;
  return `${text.slice(0, keep)}... [${text.length - keep} more characters]`;
}

/**
 * A copy of a value to log with strings cut to {@link MAX_LOG_STRING} characters (and a few thousand in all) and
 * lists to a few items, so a request's 5 MB variable, or an SQL error quoting it, makes a log line of a few KB,
 * not 15 MB. Errors become pino's serialised form (type, message, stack), bounded the same way; `keepErrors`
 * leaves the error under a merging object's `err` key to pino's `err` serializer, which bounds it itself.
 */
export function boundedForLog(
  value: unknown,
  keepErrors = false,
  budget = { left: LOG_VALUE_BUDGET },
  depth = 0,
): unknown {
  if (typeof value === 'string') return boundedString(value, budget);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return keepErrors ? value : boundedForLog(stdSerializers.err(value), false, budget, depth);
  }
  if (depth >= MAX_LOG_DEPTH) return '[nested too deep]';
  if (value instanceof Date) return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    const kept = list
      .slice(0, MAX_LOG_ITEMS)
      .map((item) => boundedForLog(item, false, budget, depth + 1));
    if (list.length > MAX_LOG_ITEMS) kept.push(`[${list.length - MAX_LOG_ITEMS} more items]`);
    return kept;
  }
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return boundedForLog(json.call(value), false, budget, depth + 1);
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value);
  for (const [key, item] of entries.slice(0, MAX_LOG_ITEMS)) {
    const keep = keepErrors && depth === 0 && key === 'err';
    out[key] = boundedForLog(item, keep, budget, depth + 1);
  }
  if (entries.length > MAX_LOG_ITEMS) out['...'] = `${entries.length - MAX_LOG_ITEMS} more keys`;
  return out;
}

/**
 * The server's structured logger: JSON lines in production (what log shippers expect), readable lines on a
 * terminal (pino-pretty). Jobs log through `logger.child({ jobId })`, so every line of a job carries its id.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  options: { pretty?: boolean; destination?: DestinationStream; stderr?: boolean } = {},
): Logger {
  const tty = options.stderr ? process.stderr.isTTY : process.stdout.isTTY;
  const pretty = options.pretty ?? (tty && process.env.NODE_ENV !== 'production');
  const settings = {
    level: config.logLevel,
    base: { service: 'genesis-lab' },
    // Every line is bounded, whoever logs it (our code, yoga, a driver's error quoting a huge value).
    serializers: { err: (err: unknown) => boundedForLog(stdSerializers.err(err as Error)) },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        const [first, ...rest] = args;
        const bounded = rest.map((arg) => boundedForLog(arg));
        // pino takes an error's message as the line's message when none is given: bound that one too.
        if (first instanceof Error && typeof rest[0] !== 'string') {
          return method.apply(this, [first, boundedString(first.message), ...bounded]);
        }
        return method.apply(this, [boundedForLog(first, true), ...bounded]);
      },
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: !process.env.NO_COLOR,
              translateTime: 'HH:MM:ss',
              ignore: 'pid,hostname,service',
              ...(options.stderr ? { destination: 2 } : {}),
            },
          },
        }
      : {}),
  };
  if (options.destination) return pino(settings, options.destination);
  // Commands that print results on stdout (`genesis generate --json`) log to stderr.
  if (options.stderr && !pretty) return pino(settings, pino.destination(2));
  return pino(settings);
}

/**
 * The expected failure behind an error yoga reports, if it is one: a DomainError (a bad input, a missing id)
 * inside a GraphQLError, or GraphQL's own error without a cause (a syntax or validation error, a rejected query).
 */
function expectedFailure(err: Error): { type: string; path?: unknown } | null {
  // Duck-typed: under vitest graphql's CJS and ESM builds can both be loaded, breaking instanceof.
  const located = err as Error & { originalError?: unknown; path?: unknown };
  const original = located.originalError ?? err;
  if (original instanceof DomainError) return { type: original.name, path: located.path };
  if (err.name === 'GraphQLError' && located.originalError == null) {
    return { type: 'GraphQLError', path: located.path };
  }
  return null;
}

/**
 * Adapts pino to yoga's logger interface (debug/info/warn/error with any arguments). Yoga reports every error it
 * masks or passes through at error level; expected failures (the client's mistakes) are logged at info without
 * a stack, so `GENESIS_LOG_LEVEL=warn` shows only what needs an operator.
 */
export function yogaLogger(logger: Logger) {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      const expected = first instanceof Error ? expectedFailure(first) : null;
      if (first instanceof Error && expected) {
        logger[level === 'error' ? 'info' : level](
          { expected: expected.type, path: expected.path },
          first.message,
        );
      } else if (first instanceof Error) logger[level]({ err: first }, first.message);
      else logger[level]({ details: rest.length ? rest : undefined }, String(first));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
