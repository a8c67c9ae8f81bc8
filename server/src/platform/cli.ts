import { DATASET_KINDS, TagSchema } from '@genesis/schema/common';
import Table from 'cli-table3';
import { type Command, InvalidArgumentError, Option } from 'commander';
import * as v from 'valibot';
import { type Config, loadConfig } from './config.ts';
import { initORM, type Services } from './db/orm.ts';

/*
 * What every domain's commands share: argument parsers that turn bad values into usage errors (exit 2), the two
 * failure classes `main` maps to exit codes, the registry connection for one command, and JSON-or-table output.
 * Each domain registers its own commands on the program (`<domain>/cli.ts`); `cli/program.ts` mounts them.
 */

/** Exit codes: 0 success, 1 the command failed, 2 bad usage (unknown option, bad argument value). */
export const EXIT_USAGE = 2;

export class CliFailure extends Error {
  override name = 'CliFailure';
}

/** Arguments that parse but make no sense together: exit 2 like any other usage error. */
export class UsageFailure extends Error {
  override name = 'UsageFailure';
}

export interface GlobalOptions {
  db?: string;
}

export function configFor(opts: GlobalOptions): Config {
  return loadConfig(
    opts.db ? { ...process.env, GENESIS_DB: opts.db, DATABASE_URL: '' } : process.env,
  );
}

export async function withServices<T>(
  config: Config,
  run: (s: Services) => Promise<T>,
): Promise<T> {
  const services = await initORM(config.db);
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

export function parseIntArg(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number.`);
    const n = Number(value);
    if (n < min || n > max)
      throw new InvalidArgumentError(`${name} must be between ${min} and ${max}.`);
    return n;
  };
}

export function validated<T>(schema: v.GenericSchema<string, T>) {
  return (value: string): T => {
    const r = v.safeParse(schema, value);
    if (!r.success) throw new InvalidArgumentError(`${r.issues[0].message}.`);
    return r.output;
  };
}

export function parseTags(value: string): string[] {
  return value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => validated(TagSchema)(t));
}

export function csvList(value: string, name: string): string[] {
  const list = value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError(`${name} needs at least one value.`);
  return list;
}

export function parseMoney(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('--budget must be an amount in US dollars, e.g. 5 or 2.50.');
  }
  return n;
}

export function parseDatasetId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(
      'a dataset id is a positive whole number (see `pnpm genesis datasets`).',
    );
  }
  return Number(value);
}

export const kindOption = () =>
  new Option('--kind <kind>', 'what the file holds')
    .choices([...DATASET_KINDS])
    .makeOptionMandatory();

export function print(json: boolean | undefined, value: unknown, human: () => string) {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** The server configuration for a command, honouring the global `--db` option. */
export function commandConfig(program: Command): Config {
  return configFor(program.opts<GlobalOptions>());
}

/** Whether the CLI may colour its output: a terminal, and no NO_COLOR (no-color.org) or TERM=dumb. */
export function colourAllowed(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

/** A table whose borders and headings are coloured on a terminal only: never in a pipe, a file or with NO_COLOR. */
export function newTable(options: Table.TableConstructorOptions): Table.Table {
  return new Table(
    colourAllowed() ? options : { ...options, style: { ...options.style, head: [], border: [] } },
  );
}
