import {
  createReadStream,
  createWriteStream,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { getSeriesType } from '@genesis/schema/catalog/series';
import { DATASET_KINDS, type DatasetKind, DatasetNameSchema } from '@genesis/schema/common';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import * as v from 'valibot';
import { GenerationManager } from '../generation/service.ts';
import {
  CliFailure,
  commandConfig,
  kindOption,
  newTable,
  parseDatasetId,
  parseIntArg,
  parseTags,
  print,
  UsageFailure,
  validated,
  withServices,
} from '../platform/cli.ts';
import {
  DatasetChangedError,
  DatasetInUseError,
  DuplicateImportError,
  InputError,
  NotFoundError,
} from '../platform/errors.ts';
import { createAppPubSub } from '../platform/pubsub.ts';
import { TrainingManager } from '../training/service.ts';
import { datasetCard } from './card.ts';
import { exportRecords } from './export.ts';
import { formatImportIssue } from './import.ts';
import { LabelListSchema, parseLabelList } from './import-parquet.ts';
import { exportParquet } from './parquet.ts';
import { HubPushError, HubRepoSchema, HubRevisionSchema, pushDataset } from './push.ts';
import { deleteDataset, importDataset, openDatasetRead } from './service.ts';
import { exportZip } from './zip.ts';

/** Registers the registry commands on the `genesis` program. */
export function registerRegistryCommands(program: Command): void {
  program
    .command('import')
    .description('import a JSON, JSONL, CSV or Parquet file as a new dataset (all or nothing)')
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
      new Option(
        '--language <lang>',
        'language of utterances that give none (no language column or field; default en)',
      ).choices(['en', 'es']),
    )
    .option(
      '--labels <file>',
      'Parquet: the names of integer labels in order, one per line or a JSON array (default: the names the file embeds)',
      (f) => {
        let names: string[];
        try {
          names = parseLabelList(readFileSync(resolve(f), 'utf8'));
        } catch (err) {
          throw new InvalidArgumentError(
            `cannot read the label list ${f}: ${(err as Error).message}`,
          );
        }
        // The same rules as the API's `labels`; a problem names the label by its number (its line for a list).
        const checked = v.safeParse(LabelListSchema, names);
        if (!checked.success) {
          const issue = checked.issues[0];
          const index = issue.path?.[0]?.key;
          throw new InvalidArgumentError(
            `the label list ${f}${typeof index === 'number' ? `, label ${index}` : ''}: ${issue.message}`,
          );
        }
        return checked.output;
      },
    )
    .option(
      '--allow-duplicate',
      'import even when the same file was imported before as this kind (refused by default, naming that dataset)',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        opts: {
          allowDuplicate?: boolean;
          kind: DatasetKind;
          name?: string;
          tags?: string[];
          seriesType?: string;
          language?: 'en' | 'es';
          labels?: string[];
          json?: boolean;
        },
      ) => {
        const path = resolve(file);
        let fd: number;
        let size: number;
        try {
          const stat = statSync(path);
          if (!stat.isFile()) throw new Error('not a file');
          fd = openSync(path, 'r');
          size = stat.size;
        } catch {
          throw new CliFailure(`cannot read ${file}: no such file`);
        }
        // Read as a stream: memory stays bounded whatever the file's size.
        const source = createReadStream(path, { fd, highWaterMark: 1 << 20 });
        // Only large files get a bar: a small import is done before a bar could be read.
        const bar =
          process.stderr.isTTY && !opts.json && size > 4 << 20
            ? new cliProgress.SingleBar(
                {
                  format:
                    'importing [{bar}] {percentage}% of {size} | {stored} items stored | ETA {eta_formatted}',
                  stream: process.stderr,
                },
                cliProgress.Presets.shades_classic,
              )
            : null;
        const megabytes = `${(size / 1048576).toFixed(1)} MB`;
        let barStarted = false;
        const outcome = await withServices(commandConfig(program), async (s) => {
          try {
            return await importDataset(s.datasets(s.em.fork()), {
              source,
              fileName: basename(path),
              kind: opts.kind,
              name: opts.name ?? null,
              tags: opts.tags ?? [],
              seriesType: opts.seriesType ?? null,
              language: opts.language ?? null,
              labels: opts.labels ?? null,
              bytes: size,
              allowDuplicate: opts.allowDuplicate ?? false,
              onProgress: ({ bytesRead, stored }) => {
                if (!bar) return;
                if (!barStarted) bar.start(size, 0, { size: megabytes, stored: 0 });
                barStarted = true;
                bar.update(bytesRead, { stored });
              },
            });
          } catch (err) {
            if (err instanceof DuplicateImportError) {
              throw new CliFailure(
                `${file} was not imported: it was already imported as dataset ${err.existing.id} ("${err.existing.name}"). Use that dataset, or pass --allow-duplicate to import a second copy.`,
              );
            }
            throw err;
          } finally {
            if (barStarted) bar?.stop();
            source.destroy();
          }
        });
        if (!outcome.ok) {
          if (opts.json) {
            print(
              true,
              { ok: false, errorCount: outcome.errorCount, errors: outcome.errors },
              () => '',
            );
          } else {
            const lines = outcome.errors.map((e) => `  ${formatImportIssue(e)}`);
            const more = outcome.errorCount - outcome.errors.length;
            process.stderr.write(
              `${file} was not imported: ${outcome.errorCount} problem${outcome.errorCount === 1 ? '' : 's'}, nothing was stored.\n${lines.join('\n')}\n${more > 0 ? `  ... and ${more} more\n` : ''}`,
            );
          }
          process.exitCode = 1;
          return;
        }
        const { dataset } = outcome;
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
        await withServices(commandConfig(program), async (s) => {
          const use = s.usage.begin(id, 'export');
          const path = opts.out ? resolve(opts.out) : null;
          let out: NodeJS.WritableStream | null = null;
          try {
            // One snapshot of the items for the whole file: fewer found than it counted fails the export.
            const read = await openDatasetRead(s, id, use.signal);
            if (!read)
              throw new CliFailure(`dataset ${id} does not exist (see \`pnpm genesis datasets\`)`);
            const { dataset, snapshot } = read;
            const items = () => read.items() as never;
            const sink: NodeJS.WritableStream = path ? createWriteStream(path) : process.stdout;
            out = sink;
            const write = async (chunk: string | Uint8Array) => {
              if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
            };
            if (opts.format === 'parquet') await write(await exportParquet(dataset.kind, items()));
            else if (opts.format === 'zip')
              await write(
                await exportZip(s, id, dataset.kind, dataset.name.replace(/[^\w.-]+/g, '_'), items),
              );
            else if (opts.format === 'card') await write(await datasetCard(s, id));
            else
              for await (const chunk of exportRecords(dataset.kind, items(), opts.format))
                await write(chunk);
            if (path) {
              sink.end();
              await finished(sink);
              print(
                opts.json ?? false,
                {
                  ok: true,
                  id: String(id),
                  format: opts.format,
                  file: path,
                  itemCount: snapshot.count,
                },
                () => `Wrote ${snapshot.count} items (${opts.format}) to ${opts.out}`,
              );
            }
          } catch (err) {
            // Never leave a file that looks complete but is not.
            if (path && out) {
              (out as unknown as { destroy(): void }).destroy();
              rmSync(path, { force: true });
            }
            if (err instanceof DatasetChangedError || err instanceof NotFoundError)
              throw new CliFailure(`${err.message}${path ? `; ${opts.out} was removed` : ''}`);
            throw err;
          } finally {
            use.end();
          }
        });
      },
    );

  program
    .command('push')
    .description(
      'push a dataset to a Hugging Face Hub dataset repo (HF_TOKEN, HF_ENDPOINT): Parquet, card, config, report, lineage',
    )
    .argument('<id>', 'dataset id', parseDatasetId)
    .requiredOption(
      '--repo <owner/name>',
      'the dataset repo; created when missing',
      validated(HubRepoSchema),
    )
    .addOption(
      new Option(
        '--private',
        'make the repo private: on creation, or an existing repo through its settings',
      ).conflicts('public'),
    )
    .option(
      '--public',
      'make an existing private repo public (without either, a new repo is public and an existing one keeps its visibility)',
    )
    .option('--revision <branch>', 'the branch to commit to', validated(HubRevisionSchema), 'main')
    .option('--message <text>', 'the commit title')
    .option('--license <id>', "a license id for the card's license field, e.g. cc-by-4.0")
    .option('--json', 'print the result as JSON')
    .action(
      async (
        id: number,
        opts: {
          repo: string;
          private?: boolean;
          public?: boolean;
          revision: string;
          message?: string;
          license?: string;
          json?: boolean;
        },
      ) => {
        const config = commandConfig(program);
        // A bar only for uploads big enough to watch, on a terminal, and never in JSON mode.
        const bar =
          process.stderr.isTTY && !opts.json
            ? new cliProgress.SingleBar(
                {
                  format: 'uploading [{bar}] {percentage}% of {size} | ETA {eta_formatted}',
                  stream: process.stderr,
                },
                cliProgress.Presets.shades_classic,
              )
            : null;
        let barStarted = false;
        const result = await withServices(config, async (s) => {
          try {
            return await pushDataset(s, {
              datasetId: id,
              repo: opts.repo,
              revision: opts.revision,
              hub: config.hub,
              ...(opts.private ? { private: true } : opts.public ? { private: false } : {}),
              ...(opts.message !== undefined ? { message: opts.message } : {}),
              ...(opts.license ? { license: opts.license } : {}),
              onProgress: ({ phase, bytesSent, bytesTotal }) => {
                if (!bar || (phase !== 'uploading' && phase !== 'committing')) return;
                if (bytesTotal < 4 << 20) return;
                if (!barStarted)
                  bar.start(bytesTotal, 0, { size: `${(bytesTotal / 1048576).toFixed(1)} MB` });
                barStarted = true;
                bar.update(Math.round(bytesSent));
              },
            });
          } catch (err) {
            if (err instanceof NotFoundError)
              throw new CliFailure(`dataset ${id} does not exist (see \`pnpm genesis datasets\`)`);
            if (err instanceof InputError) throw new UsageFailure(err.message);
            if (err instanceof HubPushError) {
              if (opts.json) {
                print(
                  true,
                  { ok: false, reason: err.reason, status: err.status, error: err.message },
                  () => '',
                );
                process.exitCode = 1;
                return null;
              }
              throw new CliFailure(`not pushed: ${err.message}`);
            }
            throw err;
          } finally {
            if (barStarted) bar?.stop();
          }
        });
        if (!result) return;
        print(opts.json, { ok: true, ...result }, () => {
          const lines = [result.summary];
          if (result.commit) lines.push(`commit ${result.commit.oid}: ${result.commit.url}`);
          lines.push(
            `${result.url} (${result.private ? 'private' : 'public'}); recorded as push ${result.record.id}`,
          );
          return lines.join('\n');
        });
      },
    );

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
        const page = await withServices(commandConfig(program), (s) =>
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
            return 'No datasets yet. Import one with `pnpm genesis import FILE --kind utterances`.';
          const table = newTable({
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

  program
    .command('delete')
    .description(
      'delete a dataset and its items; refused while jobs or runs use it, unless --force (which cancels them)',
    )
    .argument('<id>', 'dataset id', parseDatasetId)
    .option('--force', 'cancel the generation jobs and training runs that use it, then delete it')
    .option('--json', 'print the result as JSON')
    .action(async (id: number, opts: { force?: boolean; json?: boolean }) => {
      const config = commandConfig(program);
      await withServices(config, async (s) => {
        const pubsub = createAppPubSub();
        // Jobs and runs of other processes are cancelled through their rows; their processes stop them.
        const controls = {
          generation: new GenerationManager(s, pubsub, config),
          training: new TrainingManager(s, pubsub, { leaseSeconds: config.leaseSeconds }),
        };
        try {
          await deleteDataset(s, controls, id, { force: opts.force ?? false });
        } catch (err) {
          if (err instanceof NotFoundError)
            throw new CliFailure(`dataset ${id} does not exist (see \`pnpm genesis datasets\`)`);
          if (err instanceof DatasetInUseError) {
            if (opts.json) {
              print(
                true,
                { ok: false, id: String(id), error: err.message, ...err.users },
                () => '',
              );
              process.exitCode = 1;
              return;
            }
            throw new CliFailure(err.message.replace('delete with force', 'use --force'));
          }
          throw err;
        } finally {
          await pubsub.close();
        }
        print(opts.json, { ok: true, id: String(id) }, () => `Deleted dataset ${id}`);
      });
    });
}
