import { Command, CommanderError } from 'commander';
import { registerAugmentationCommands } from '../augmentation/cli.ts';
import { registerCurationCommands } from '../curation/cli.ts';
import { registerGenerationCommands } from '../generation/cli.ts';
import {
  CliFailure,
  commandConfig,
  EXIT_USAGE,
  parseIntArg,
  UsageFailure,
} from '../platform/cli.ts';
import { ConfigError } from '../platform/config.ts';
import { registerRegistryCommands } from '../registry/cli.ts';
import { registerTrainingCommands } from '../training/cli.ts';
import { registerValidationCommands } from '../validation/cli.ts';

/**
 * Builds the `genesis` command: `serve` and `doctor` here, every domain's commands from its own `cli.ts`, which
 * calls the same service as the GraphQL API.
 */
export function buildProgram(): Command {
  const program = new Command('genesis')
    .description('GENESIS-LAB: generate, check, keep and learn from synthetic training data')
    .option('--db <path>', 'SQLite file to use (default: GENESIS_DB or data/genesis.sqlite)')
    .showHelpAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('serve')
    .description(
      'run the API (GraphQL + GraphiQL at /graphql, subscriptions over WebSocket) and the web app',
    )
    .option(
      '--port <n>',
      'port to listen on (default: PORT or 4000)',
      parseIntArg('--port', 0, 65535),
    )
    .option('--host <host>', 'interface to bind (default: HOST or 127.0.0.1)')
    .action(async (opts: { port?: number; host?: string }) => {
      const config = commandConfig(program);
      // Loaded on demand: the GraphQL stack is only needed by `serve`, and other commands start faster without it.
      const { buildApp } = await import('../platform/app.ts');
      const { createLogger } = await import('../platform/logger.ts');
      const logger = createLogger(config);
      // A long-running server logs a stray rejection (a dropped connection, a client gone) instead of exiting.
      process.on('unhandledRejection', (reason) =>
        logger.error({ err: reason }, 'unhandled rejection'),
      );
      const app = await buildApp(config, { resumeInterruptedJobs: true, logger });
      const port = opts.port ?? config.port;
      const host = opts.host ?? config.host;
      let url: string;
      try {
        url = await app.start(port, host);
      } catch (err) {
        // Close what buildApp opened (database, timers), or the process would stay alive doing nothing.
        await app.stop();
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new CliFailure(
            `port ${port} on ${host} is already in use: stop the other server or choose another with --port N (or PORT)`,
          );
        if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
          throw new CliFailure(
            `cannot listen on ${host}:${port} (${code}); choose another --host or --port`,
          );
        throw err;
      }
      const where = config.db.type === 'sqlite' ? config.db.path : 'PostgreSQL (DATABASE_URL)';
      process.stdout.write(
        [
          'GENESIS-LAB is running',
          `  web app:  ${url}/`,
          `  GraphQL:  ${url}/graphql (GraphiQL in a browser; WebSocket subscriptions on the same URL)`,
          `  database: ${where}`,
          `  provider: ${config.provider}`,
          config.apiToken
            ? '  auth:     Bearer token required (GENESIS_API_TOKEN)'
            : '  auth:     off',
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          app.stop().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

  registerRegistryCommands(program);
  registerGenerationCommands(program);
  registerTrainingCommands(program);
  registerValidationCommands(program);
  registerCurationCommands(program);
  registerAugmentationCommands(program);

  program
    .command('doctor')
    .description(
      'check Node, the database, migrations, disk space and (for bedrock) credentials, region, model access and quotas',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { runDoctor } = await import('./doctor.ts');
      process.exitCode = await runDoctor(commandConfig(program), opts);
    });

  return program;
}

/** Runs the CLI and returns the exit code. Never throws: failures become a message on stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other parse error is a usage error.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? 0 : EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof UsageFailure) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CliFailure) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
