import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

/**
 * The server's structured logger: JSON lines in production (what log shippers expect), readable lines on a
 * terminal (pino-pretty). Jobs log through `logger.child({ jobId })`, so every line of a job carries its id.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  options: { pretty?: boolean; destination?: DestinationStream } = {},
): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY && process.env.NODE_ENV !== 'production');
  const settings = {
    level: config.logLevel,
    base: { service: 'genesis-lab' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
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
