import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { getSeriesType } from '@genesis/schema/catalog/series';
import { DATASET_KINDS, type DatasetKind, DatasetNameSchema } from '@genesis/schema/common';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  CliFailure,
  commandConfig,
  kindOption,
  parseDatasetId,
  parseIntArg,
  parseTags,
  print,
  UsageFailure,
  validated,
  withServices,
} from '../platform/cli.ts';
import { datasetCard } from './card.ts';
import { DatasetSchema } from './dataset.entity.ts';
import { exportRecords } from './export.ts';
import { formatImportIssue } from './import.ts';
import { exportParquet } from './parquet.ts';
import { importDataset } from './service.ts';
import { exportZip } from './zip.ts';

/** Registers the registry commands on the `genesis` program. */
export function registerRegistryCommands(program: Command): void {
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
        const bar =
          process.stderr.isTTY && !opts.json
            ? new cliProgress.SingleBar(
                {
                  format:
                    'storing  [{bar}] {percentage}% | {value}/{total} items | ETA {eta_formatted}',
                  stream: process.stderr,
                },
                cliProgress.Presets.shades_classic,
              )
            : null;
        let barStarted = false;
        const outcome = await withServices(commandConfig(program), async (s) => {
          try {
            return await importDataset(s.datasets(s.em.fork()), {
              content,
              fileName: basename(path),
              kind: opts.kind,
              name: opts.name ?? null,
              tags: opts.tags ?? [],
              seriesType: opts.seriesType ?? null,
              language: opts.language ?? null,
              onProgress: (stored, total) => {
                // Only large files get a bar: a small import is done before a bar could be read.
                if (!bar || total <= 2000) return;
                if (!barStarted) bar.start(total, 0);
                barStarted = true;
                bar.update(stored);
              },
            });
          } finally {
            if (barStarted) bar?.stop();
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
}
