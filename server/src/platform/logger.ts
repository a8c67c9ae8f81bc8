import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

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
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: true,
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

/** Adapts pino to yoga's logger interface (debug/info/warn/error with any arguments). */
export function yogaLogger(logger: Logger) {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (first instanceof Error) logger[level]({ err: first }, first.message);
      else logger[level]({ details: rest.length ? rest : undefined }, String(first));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
