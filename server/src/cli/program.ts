import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { getSeriesType } from '@genesis/schema/catalog/series';
import {
  DATASET_KINDS,
  type DatasetKind,
  DatasetNameSchema,
  TagSchema,
} from '@genesis/schema/common';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import * as v from 'valibot';
import type { GenerateOptions } from '../generation/cli.ts';
import { type Config, ConfigError, loadConfig } from '../platform/config.ts';
import { initORM, type Services } from '../platform/db/orm.ts';
import { datasetCard } from '../registry/card.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { exportRecords } from '../registry/export.ts';
import { formatImportIssue, parseDatasetFile } from '../registry/import.ts';
import { exportParquet } from '../registry/parquet.ts';
import { exportZip } from '../registry/zip.ts';
import type { TrainOptions } from '../training/cli.ts';

/** Exit codes: 0 success, 1 the command failed, 2 bad usage (unknown option, bad argument value). */
export const EXIT_USAGE = 2;

class CliFailure extends Error {
  override name = 'CliFailure';
}

/** Arguments that parse but make no sense together: exit 2 like any other usage error. */
class UsageFailure extends Error {
  override name = 'UsageFailure';
}

interface GlobalOptions {
  db?: string;
}

function configFor(opts: GlobalOptions): Config {
  return loadConfig(
    opts.db ? { ...process.env, GENESIS_DB: opts.db, DATABASE_URL: '' } : process.env,
  );
}

async function withServices<T>(opts: GlobalOptions, run: (s: Services) => Promise<T>): Promise<T> {
  const services = await initORM(configFor(opts).db);
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

function parseIntArg(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number.`);
    const n = Number(value);
    if (n < min || n > max)
      throw new InvalidArgumentError(`${name} must be between ${min} and ${max}.`);
    return n;
  };
}

function validated<T>(schema: v.GenericSchema<string, T>) {
  return (value: string): T => {
    const r = v.safeParse(schema, value);
    if (!r.success) throw new InvalidArgumentError(`${r.issues[0].message}.`);
    return r.output;
  };
}

function parseTags(value: string): string[] {
  return value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => validated(TagSchema)(t));
}

function csvList(value: string, name: string): string[] {
  const list = value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError(`${name} needs at least one value.`);
  return list;
}

function parseMoney(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('--budget must be an amount in US dollars, e.g. 5 or 2.50.');
  }
  return n;
}

function parseDatasetId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(
      'a dataset id is a positive whole number (see `genesis datasets`).',
    );
  }
  return Number(value);
}

const kindOption = () =>
  new Option('--kind <kind>', 'what the file holds')
    .choices([...DATASET_KINDS])
    .makeOptionMandatory();

function print(json: boolean | undefined, value: unknown, human: () => string) {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Builds the `genesis` command. `out` and `err` are where it writes (tests capture them). */
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
      const config = configFor(program.opts<GlobalOptions>());
      // Loaded on demand: the GraphQL stack is only needed by `serve`, and other commands start faster without it.
      const { buildApp } = await import('../platform/app.ts');
      const { createLogger } = await import('../platform/logger.ts');
      const logger = createLogger(config);
      // A long-running server logs a stray rejection (a dropped connection, a client gone) instead of exiting.
      process.on('unhandledRejection', (reason) =>
        logger.error({ err: reason }, 'unhandled rejection'),
      );
      const app = await buildApp(config, { resumeInterruptedJobs: true, logger });
      const url = await app.start(opts.port ?? config.port, opts.host ?? config.host);
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

  program
    .command('import')
    .description('import a JSON, JSONL or CSV file as a new dataset (all or nothing)')
    .argument('<file>', 'the file to import')
    .addOption(kindOption())
    .option('--name <name>', 'dataset name (default: the file name)', validated(DatasetNameSchema))
    .option('--tags <a,b>', 'comma-separated tags', parseTags)
    .option(
      '--series-type <type>',
      'series type for time-series CSVs without a series_type column',
      (s) => {
        if (!getSeriesType(s)) throw new InvalidArgumentError(`unknown series type "${s}".`);
        return s;
      },
    )
    .addOption(
      new Option('--language <lang>', 'language of utterances without a language column').choices([
        'en',
        'es',
      ]),
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        opts: {
          kind: DatasetKind;
          name?: string;
          tags?: string[];
          seriesType?: string;
          language?: 'en' | 'es';
          json?: boolean;
        },
      ) => {
        const path = resolve(file);
        let content: string;
        try {
          if (!statSync(path).isFile()) throw new Error('not a file');
          content = readFileSync(path, 'utf8');
        } catch {
          throw new CliFailure(`cannot read ${file}: no such file`);
        }
        const result = parseDatasetFile(content, {
          kind: opts.kind,
          filename: basename(path),
          ...(opts.seriesType ? { seriesType: opts.seriesType } : {}),
          ...(opts.language ? { language: opts.language } : {}),
        });
        if (!result.ok) {
          if (opts.json) {
            print(
              true,
              { ok: false, errorCount: result.errorCount, errors: result.errors },
              () => '',
            );
          } else {
            const lines = result.errors.map((e) => `  ${formatImportIssue(e)}`);
            const more = result.errorCount - result.errors.length;
            process.stderr.write(
              `${file} was not imported: ${result.errorCount} problem${result.errorCount === 1 ? '' : 's'}, nothing was stored.\n${lines.join('\n')}\n${more > 0 ? `  ... and ${more} more\n` : ''}`,
            );
          }
          process.exitCode = 1;
          return;
        }
        const dataset = await withServices(program.opts<GlobalOptions>(), async (s) => {
          const bar =
            process.stderr.isTTY && !opts.json && result.items.length > 2000
              ? new cliProgress.SingleBar(
                  {
                    format:
                      'storing  [{bar}] {percentage}% | {value}/{total} items | ETA {eta_formatted}',
                    stream: process.stderr,
                  },
                  cliProgress.Presets.shades_classic,
                )
              : null;
          bar?.start(result.items.length, 0);
          try {
            return await s.datasets(s.em.fork()).createWithItems(
              {
                name: opts.name ?? basename(path).replace(/\.[^.]+$/, ''),
                kind: opts.kind,
                origin: 'imported',
                tags: opts.tags ?? [],
                source: { file: basename(path), format: result.format },
              },
              result.items,
              (done) => bar?.update(done),
            );
          } finally {
            bar?.stop();
          }
        });
        print(
          opts.json,
          {
            ok: true,
            id: String(dataset.id),
            name: dataset.name,
            kind: dataset.kind,
            itemCount: dataset.itemCount,
          },
          () =>
            `Imported ${dataset.itemCount} ${dataset.kind} as dataset ${dataset.id} "${dataset.name}"`,
        );
      },
    );

  program
    .command('export')
    .description(
      'write a dataset as JSONL, CSV, Parquet, its dataset card (README.md) or a zip of card + Parquet + JSONL',
    )
    .argument('<id>', 'dataset id', parseDatasetId)
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['jsonl', 'csv', 'parquet', 'card', 'zip'])
        .default('jsonl'),
    )
    .option(
      '--out <file>',
      'write to this file instead of standard output (required for parquet and zip)',
    )
    .option('--json', 'with --out: print the result as JSON')
    .action(
      async (
        id: number,
        opts: {
          format: 'jsonl' | 'csv' | 'parquet' | 'card' | 'zip';
          out?: string;
          json?: boolean;
        },
      ) => {
        const binary = opts.format === 'parquet' || opts.format === 'zip';
        if (binary && !opts.out)
          throw new UsageFailure(`--format ${opts.format} is binary: give --out FILE`);
        if (opts.json && !opts.out)
          throw new UsageFailure(
            '--json needs --out (without it the data itself goes to standard output)',
          );
        await withServices(program.opts<GlobalOptions>(), async (s) => {
          const em = s.em.fork();
          const dataset = await em.findOne(DatasetSchema, id);
          if (!dataset)
            throw new CliFailure(`dataset ${id} does not exist (see \`genesis datasets\`)`);
          const out: NodeJS.WritableStream = opts.out
            ? createWriteStream(resolve(opts.out))
            : process.stdout;
          const write = async (chunk: string | Uint8Array) => {
            if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
          };
          const items = () => s.datasets(s.em.fork()).streamItems(id) as never;
          if (opts.format === 'parquet') await write(await exportParquet(dataset.kind, items()));
          else if (opts.format === 'zip')
            await write(
              await exportZip(s, id, dataset.kind, dataset.name.replace(/[^\w.-]+/g, '_')),
            );
          else if (opts.format === 'card') await write(await datasetCard(s, id));
          else
            for await (const chunk of exportRecords(dataset.kind, items(), opts.format))
              await write(chunk);
          if (opts.out) {
            out.end();
            await finished(out);
            const file = resolve(opts.out);
            print(
              opts.json ?? false,
              { ok: true, id: String(id), format: opts.format, file, itemCount: dataset.itemCount },
              () => `Wrote ${dataset.itemCount} items (${opts.format}) to ${opts.out}`,
            );
          }
        });
      },
    );

  program
    .command('generate')
    .description(
      'generate a dataset with the local provider or Bedrock (progress bar and ETA on a terminal)',
    )
    .addOption(
      new Option('--kind <kind>', 'what to generate').choices(['conversations', 'timeseries']),
    )
    .option('--count <n>', 'how many items', parseIntArg('--count', 1, 100_000))
    .addOption(
      new Option(
        '--provider <name>',
        'model provider (default: GENESIS_PROVIDER or local)',
      ).choices(['local', 'bedrock']),
    )
    .option('--model <id>', 'Bedrock model id or inference profile')
    .option('--languages <list>', 'languages, equally weighted (e.g. en,es)', (s) =>
      csvList(s, '--languages'),
    )
    .option('--intents <list>', 'only these intents, equally weighted', (s) =>
      csvList(s, '--intents'),
    )
    .option('--series-types <list>', 'only these series types, equally weighted', (s) =>
      csvList(s, '--series-types'),
    )
    .option('--concurrency <n>', 'most model calls at once', parseIntArg('--concurrency', 1, 64))
    .option(
      '--slots-per-call <n>',
      'items asked per model call',
      parseIntArg('--slots-per-call', 1, 20),
    )
    .option('--rpm <n>', 'requests per minute to stay under', parseIntArg('--rpm', 1, 1_000_000))
    .option('--tpm <n>', 'tokens per minute to stay under', parseIntArg('--tpm', 1, 1_000_000_000))
    .option('--budget <usd>', 'stop before the cost exceeds this', parseMoney)
    .option(
      '--seed <n>',
      'seed for a reproducible plan and local output',
      parseIntArg('--seed', 0, 2 ** 31 - 1),
    )
    .option('--name <name>', 'dataset name', validated(DatasetNameSchema))
    .option(
      '--examples <dataset>',
      'draw few-shot examples from this dataset (e.g. imported Banking77)',
      parseDatasetId,
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'Bedrock on demand, batch inference (half price, no per-minute quota, results within hours), or auto (batch above GENESIS_BATCH_AUTO_MIN items)',
      ).choices(['on_demand', 'batch', 'auto']),
    )
    .option('--out <file>', 'also write the dataset to this JSONL file')
    .option('--dry-run', 'print the estimate (calls, tokens, cost, time) without calling the model')
    .option('--resume <job>', 'resume an interrupted, paused or cancelled job', parseDatasetId)
    .option('--json', 'print the result as JSON')
    .action(async (opts: GenerateOptions) => {
      const { runGenerate } = await import('../generation/cli.ts');
      process.exitCode = await runGenerate(configFor(program.opts<GlobalOptions>()), opts);
    });

  program
    .command('train')
    .description('train an intent classifier on a dataset (in a worker thread, with progress)')
    .argument('<dataset>', 'dataset id to train on', parseDatasetId)
    .addOption(
      new Option('--preset <name>', 'training preset')
        .choices(['quick_test', 'fast', 'balanced', 'best', 'cross_validation'])
        .default('best'),
    )
    .addOption(new Option('--model <kind>', 'classifier').choices(['svm', 'logreg', 'nb']))
    .option(
      '--cv <k>',
      'evaluate by stratified k-fold cross-validation',
      parseIntArg('--cv', 2, 20),
    )
    .option(
      '--test <dataset>',
      'also score on this dataset (train on synthetic, test on real)',
      parseDatasetId,
    )
    .option(
      '--learning-curve',
      'also train on 1, 3, 10, 30 and all examples per intent (needs --test)',
    )
    .addOption(
      new Option(
        '--search <kind>',
        'tune first: score configurations by stratified CV (--cv K folds, default 3), then train the best',
      ).choices(['grid', 'random']),
    )
    .option(
      '--search-space <spec>',
      'what --search tries: NAME=VALUES;NAME=VALUES (default C=0.1,0.3,1,3,10, or alpha for nb)',
    )
    .option(
      '--trials <n>',
      'random search: configurations to score (default 10)',
      parseIntArg('--trials', 1, 100),
    )
    .option('--experiment <name>', 'group the run with others to compare them')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Search space (--search-space): parameters separated by ";", each NAME=VALUES where VALUES is a
comma-separated list (grid search tries every combination, at most 100; random search draws from
it) or, for random search only, a range MIN..MAX sampled log-uniformly.
  NAME: C (svm, logreg), alpha, norm (nb), tol, maxIter, model (svm,logreg,nb), maxFeatures
        (every TF-IDF block; "all" keeps all), minDf, sublinearTf, maxExamplesPerClass, or a
        config path such as features.blocks.1.ngramRange with JSON values.
  Or JSON: '{"C": [0.1, 1, 10], "minDf": {"min": 1, "max": 5}}'.
Examples:
  genesis train 3 --search grid --search-space "C=0.1,1,10;maxFeatures=50000,100000" --cv 5
  genesis train 3 --search random --search-space "C=0.01..100;minDf=1,2,3" --trials 20
  genesis train 3 --model nb --search grid --search-space "alpha=0.1,0.3,1;norm=true,false"`,
    )
    .action(async (dataset: number, opts: TrainOptions) => {
      const { runTrain } = await import('../training/cli.ts');
      process.exitCode = await runTrain(configFor(program.opts<GlobalOptions>()), dataset, opts);
    });

  program
    .command('predict')
    .description('the most likely intents of a text under a trained run')
    .argument('<run>', 'training run id', parseDatasetId)
    .argument('<text>', 'the text to classify')
    .option('--top <n>', 'how many intents', parseIntArg('--top', 1, 20), 5)
    .option('--json', 'print the result as JSON')
    .action(async (run: number, text: string, opts: { top: number; json?: boolean }) => {
      const { runPredict } = await import('../training/cli.ts');
      process.exitCode = await runPredict(
        configFor(program.opts<GlobalOptions>()),
        run,
        text,
        opts,
      );
    });

  program
    .command('experiments')
    .description('list experiments: run count, best run and its metric, last run')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { runExperiments } = await import('../training/cli.ts');
      process.exitCode = await runExperiments(configFor(program.opts<GlobalOptions>()), opts);
    });

  program
    .command('runs')
    .description('list training runs, newest first')
    .option('--experiment <name>', 'only the runs of this experiment')
    .option('--limit <n>', 'at most this many (default 50)', parseIntArg('--limit', 1, 500), 50)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { experiment?: string; limit: number; json?: boolean }) => {
      const { runRuns } = await import('../training/cli.ts');
      process.exitCode = await runRuns(configFor(program.opts<GlobalOptions>()), opts);
    });

  program
    .command('validate')
    .description(
      'validate a dataset (quality, bias, fidelity) against a reference; stores a new report version',
    )
    .argument('<dataset>', 'dataset id', parseDatasetId)
    .option(
      '--reference <dataset>',
      'build the reference profile from this dataset',
      parseDatasetId,
    )
    .option(
      '--profile <id|file>',
      'a shipped reference profile (banking77, electricity) or a profile file written by `genesis profile`',
    )
    .option('--json', 'print the report as JSON')
    .action(
      async (dataset: number, opts: { reference?: number; profile?: string; json?: boolean }) => {
        const { runValidate } = await import('../validation/cli.ts');
        process.exitCode = await runValidate(
          configFor(program.opts<GlobalOptions>()),
          dataset,
          opts,
        );
      },
    );

  program
    .command('compare')
    .description(
      'compare two datasets: every metric side by side, vocabulary overlap, samples per intent',
    )
    .argument('<a>', 'first dataset id', parseDatasetId)
    .argument('<b>', 'second dataset id', parseDatasetId)
    .option(
      '--profile <id|file>',
      "measure both against this reference (shipped id or profile file); default: the one the first dataset's latest report used",
    )
    .option('--json', 'print the comparison as JSON')
    .action(async (a: number, b: number, opts: { profile?: string; json?: boolean }) => {
      const { runCompare } = await import('../validation/cli.ts');
      process.exitCode = await runCompare(configFor(program.opts<GlobalOptions>()), a, b, opts);
    });

  program
    .command('profile')
    .description('build a reference profile (statistics only, never the text) from a dataset')
    .argument('<dataset>', 'dataset id', parseDatasetId)
    .option('--out <file>', 'write the profile JSON here (default: standard output)')
    .action(async (dataset: number, opts: { out?: string }) => {
      const { runProfile } = await import('../validation/cli.ts');
      process.exitCode = await runProfile(configFor(program.opts<GlobalOptions>()), dataset, opts);
    });

  program
    .command('doctor')
    .description(
      'check Node, the database, migrations, disk space and (for bedrock) credentials, region, model access and quotas',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { runDoctor } = await import('./doctor.ts');
      process.exitCode = await runDoctor(configFor(program.opts<GlobalOptions>()), opts);
    });

  program
    .command('datasets')
    .description('list the datasets in the registry')
    .addOption(new Option('--kind <kind>', 'only this kind').choices([...DATASET_KINDS]))
    .option('--tag <tag>', 'only datasets with this tag')
    .option('--search <text>', 'only names containing this text')
    .option('--limit <n>', 'at most this many (default 50)', parseIntArg('--limit', 1, 500), 50)
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        kind?: DatasetKind;
        tag?: string;
        search?: string;
        limit: number;
        json?: boolean;
      }) => {
        const page = await withServices(program.opts<GlobalOptions>(), (s) =>
          s
            .datasets(s.em.fork())
            .list(
              { kind: opts.kind ?? null, tag: opts.tag ?? null, search: opts.search ?? null },
              { first: opts.limit },
            ),
        );
        const rows = page.nodes.map((d) => ({
          id: String(d.id),
          name: d.name,
          kind: d.kind,
          origin: d.origin,
          items: d.itemCount,
          tags: d.tags
            .getItems()
            .map((t) => t.tag)
            .sort(),
          createdAt: d.createdAt.toISOString(),
        }));
        print(opts.json, { totalCount: page.totalCount, datasets: rows }, () => {
          if (rows.length === 0)
            return 'No datasets yet. Import one with `genesis import FILE --kind utterances`.';
          const table = new Table({
            head: ['id', 'name', 'kind', 'origin', 'items', 'tags', 'created'],
          });
          for (const r of rows) {
            table.push([
              r.id,
              r.name,
              r.kind,
              r.origin,
              r.items,
              r.tags.join(', '),
              r.createdAt.slice(0, 16).replace('T', ' '),
            ]);
          }
          const more = page.totalCount - rows.length;
          return `${table.toString()}${more > 0 ? `\n(${more} more; use --limit)` : ''}`;
        });
      },
    );

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
