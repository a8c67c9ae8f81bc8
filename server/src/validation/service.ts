import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type CodedMessage, codedMessage } from '@genesis/schema/messages';
import type { ValidationReportData } from '@genesis/schema/reports';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { GenerationJobSchema } from '../generation/generation-job.entity.ts';
import { REPO_ROOT } from '../platform/config.ts';
import type { Services } from '../platform/db/orm.ts';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { type MetricPair, pairMetrics } from './compare-metrics.ts';
import { readJsonCached } from './file-cache.ts';
import { judgeGroup } from './judge-group.ts';
import { runValidationWorker } from './run-worker.ts';
import type { EqualSampleDiversity } from './text/equal-sample.ts';
import type { OracleSource } from './text/label-fidelity.ts';
import { type ValidationReport, ValidationReportSchema } from './validation-report.entity.ts';
import type { ValidationTask, WorkerPhases } from './worker.ts';

/** A reference profile the project ships: one file in data/reference, or several combined (`combines`). */
export interface ShippedProfile {
  id: string;
  name: string;
  kind: 'utterances' | 'timeseries';
  description: string;
  /** The profile file, relative to the repository. */
  file?: string;
  /** The shipped profiles this one merges (each keeps its own domain): the time-series default. */
  combines?: readonly string[];
}

/** The reference profiles the project ships in data/reference (statistics of real datasets, never their text). */
export const REFERENCE_PROFILES: readonly ShippedProfile[] = [
  {
    id: 'banking77',
    name: 'Banking77 (real customer queries, train split)',
    kind: 'utterances',
    description:
      '10,003 real English banking queries labelled with the 77 intents (PolyAI, CC BY 4.0)',
    file: 'data/reference/banking77.profile.json',
  },
  {
    id: 'electricity',
    name: 'Electricity load (real, 203 clients x 1,000 hours)',
    kind: 'timeseries',
    description: 'Hourly consumption of 203 clients (UCI ElectricityLoadDiagrams subset)',
    file: 'data/reference/electricity.profile.json',
  },
  {
    id: 'energy',
    name: 'Energy (real, 265 series x 1,000 hours, per series type)',
    kind: 'timeseries',
    description:
      'Hourly solar and wind generation of European areas (OPSD 2017), gas use of Cambridge buildings, heat use of a Danish building',
    file: 'data/reference/energy.profile.json',
  },
  {
    id: 'sensors',
    name: 'Sensors (real, 201 series x 1,000 hours, per series type)',
    kind: 'timeseries',
    description:
      'Hourly temperature, pressure and humidity (Beijing airport, Met Office Bedford) and PM2.5 as air quality index (Beijing)',
    file: 'data/reference/sensors.profile.json',
  },
  {
    id: 'financial',
    name: 'Financial (real, daily: 42 instruments in 324 windows of 250 points, per series type)',
    kind: 'timeseries',
    description:
      'Daily stock prices and volumes and FRED exchange rates on trading days, crypto prices every day',
    file: 'data/reference/financial.profile.json',
  },
  {
    id: 'timeseries',
    name: 'Time series: electricity, energy, sensors and financial (each domain against its real reference)',
    kind: 'timeseries',
    description:
      'The four shipped domain profiles together: each series type is measured against the profile of its domain',
    combines: ['electricity', 'energy', 'sensors', 'financial'],
  },
];

export type ShippedProfileId = string;

/** The shipped time-series default before the per-domain profiles, for reports stored without a reference id. */
const LEGACY_SERIES_PROFILE = 'electricity';

/** What to measure a dataset against; exactly one of these. */
export type ReferenceChoice =
  /** A shipped profile id (banking77, electricity, energy, sensors, financial, timeseries). */
  | { profile: string }
  /** A profile file written by `pnpm genesis profile DATASET --out FILE.json`, read by this process (CLI, scripts). */
  | { profileFile: string }
  /** The content of such a file sent by a client (a GraphQL upload); `name` names it in messages. */
  | { profileUpload: { name: string; text: string } }
  /** A registry dataset whose profile is built on the fly. */
  | { referenceDatasetId: number };

/**
 * One of several references (`ValidateOptions.references`); `path` names the argument it came from in error
 * messages (`input.references[1]`, `--reference 7`; default `references[i]`).
 */
export type ReferenceArgument = ReferenceChoice & { path?: string };

export interface ValidateOptions {
  referenceDatasetId?: number | null;
  /** A shipped profile id; default: banking77 for text, `timeseries` (each domain's own) for time series. */
  profile?: string | null;
  /** A profile file written by `pnpm genesis profile` (a path this process reads). */
  profileFile?: string | null;
  /** A profile file's content sent by a client. */
  profileUpload?: { name: string; text: string } | null;
  /** Targets for the bias report; default: the generation job's targets, else the schema defaults. */
  targets?: Record<string, Record<string, number>> | null;
  /**
   * More references, with the ones above: text takes one per language (a bilingual dataset: an English and a
   * Spanish one), time series one per domain. See docs/validation.md, "Several references".
   */
  references?: readonly ReferenceArgument[] | null;
}

/**
 * What a stored report was measured against (`ValidationReport.reference`). `key` identifies the reference:
 * `profile:<id>` for a shipped profile, `dataset:<id>` for a registry dataset, `sha256:<hex>` for a profile file
 * or upload (its content, so the same profile under two paths is one reference).
 */
export interface StoredReference {
  kind: 'shipped' | 'dataset' | 'file' | 'upload' | 'multiple';
  key: string;
  name: string;
  referenceDatasetId: number | null;
  profile: string | null;
  /** Absolute path of a profile file, as read when the report was made. */
  profileFile: string | null;
  sha256: string | null;
  targets: Record<string, Record<string, number>> | null;
  /** kind `multiple`: each reference used (key `<key>+<key>`, sorted). */
  parts?: Omit<StoredReference, 'targets' | 'parts'>[];
}

/** The reference both sides of a comparison were measured against, and how it was chosen. */
export interface ComparisonReference {
  key: string;
  name: string;
  kind: StoredReference['kind'];
  /** given: the caller's; a / b: the one the latest report of that side was made against; default: the shipped one. */
  source: 'given' | 'a' | 'b' | 'default';
  /** Datasets validated anew for this comparison, because their latest report used another reference. */
  revalidated: number[];
}

export interface DatasetComparison {
  aId: number;
  bId: number;
  reportA: ValidationReport;
  reportB: ValidationReport;
  reference: ComparisonReference;
  /** Every metric of both sides, with a better/worse call only outside both sides' uncertainty. */
  metrics: MetricPair[];
  /** Text: distinct-n of both sides on the same token budget (null for time series or too little text). */
  equalSample: EqualSampleDiversity | null;
  overlays: { id: string; name: string; labels: string[]; a: number[]; b: number[] }[];
  vocabularyOverlap: number | null;
  samples: { intent: string; a: unknown; b: unknown }[];
}

type Family = 'text' | 'timeseries';

const familyOf = (kind: string): Family => (kind === 'timeseries' ? 'timeseries' : 'text');
/** The time-series default measures each domain against its own profile (`timeseries` combines them). */
const defaultProfileId = (family: Family): ShippedProfileId =>
  family === 'timeseries' ? 'timeseries' : 'banking77';

/** What a report stored without a reference id was measured against: the default of its time. */
const legacyProfileId = (family: Family): ShippedProfileId =>
  family === 'timeseries' ? LEGACY_SERIES_PROFILE : 'banking77';

const PROFILE_FORMATS: Record<string, Family> = {
  'genesis-lab/text-profile': 'text',
  'genesis-lab/series-profile': 'timeseries',
};

function profileError(message: string | CodedMessage, path = 'profile'): InputError {
  return new InputError([{ path, ...(typeof message === 'string' ? { message } : message) }]);
}

/** "unknown profile ..." with the valid choices (on the command line, a profile file is one too). */
function unknownProfile(id: string, commandLine = false): InputError {
  const shipped = REFERENCE_PROFILES.map((p) => p.id).join(', ');
  // On the command line: the first profile of each kind, the file path, then the other time-series ones.
  const first = REFERENCE_PROFILES.filter(
    (p, i) => REFERENCE_PROFILES.findIndex((q) => q.kind === p.kind) === i,
  );
  const more = REFERENCE_PROFILES.filter((p) => !first.includes(p)).map((p) =>
    p.combines ? `${p.id} (the time-series default: each domain against its own)` : p.id,
  );
  return profileError(
    commandLine
      ? `unknown profile "${id}"; shipped: ${first.map((p) => p.id).join(', ')}, or the path of a profile file written by \`pnpm genesis profile DATASET --out FILE.json\`${more.length > 0 ? `; more shipped time-series profiles: ${more.join(', ')}` : ''}`
      : codedMessage('validation.unknownProfile', { id, shipped }),
  );
}

/**
 * How a command-line `--profile` value is meant: a shipped id, else a file path. A value that is neither a
 * shipped id nor looks like a path (no slash, no .json, no such file) is an error listing the valid ones.
 */
export function profileArgument(value: string): ReferenceChoice {
  if (REFERENCE_PROFILES.some((p) => p.id === value)) return { profile: value };
  if (/[\\/]/.test(value) || /\.json$/i.test(value) || existsSync(value)) {
    return { profileFile: value };
  }
  throw unknownProfile(value, true);
}

function shippedEntry(id: string) {
  const entry = REFERENCE_PROFILES.find((p) => p.id === id);
  if (!entry) throw unknownProfile(id);
  return entry;
}

/** The files a shipped profile is read from (several for a combined one). */
function shippedFiles(entry: ShippedProfile): string[] {
  return entry.combines
    ? entry.combines.flatMap((id) => shippedFiles(shippedEntry(id)))
    : [entry.file!];
}

/**
 * A shipped profile's JSON. A combined one (`combines`) is the merge of its parts, each group remembering the
 * profile it comes from, so a time-series report measures each domain against its own profile.
 */
async function loadShippedProfile(id: string): Promise<unknown> {
  const entry = shippedEntry(id);
  if (entry.combines) {
    const { mergeSeriesProfiles, parseSeriesProfile } = await import('./series/profile.ts');
    const parts = await Promise.all(entry.combines.map((part) => loadShippedProfile(part)));
    try {
      return mergeSeriesProfiles(
        entry.name,
        parts.map((json) => parseSeriesProfile(json)),
      );
    } catch (error) {
      throw profileError(
        codedMessage('validation.shippedPartDamaged', {
          id,
          files: shippedFiles(entry).join(', '),
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }
  const file = resolve(REPO_ROOT, entry.file!);
  if (!existsSync(file)) {
    throw profileError(codedMessage('validation.shippedMissing', { id, file: entry.file! }));
  }
  return readJsonCached(file);
}

/**
 * Checks a profile read from a file or an upload: JSON, a profile format, the dataset's family, and valid
 * content. Every message names the file and the problem.
 */
async function checkProfile(
  source: { from: 'file' | 'upload'; file: string },
  text: string,
  family: Family,
  dataset: { id: number; kind: string },
  path: string,
): Promise<{ json: unknown; name: string; sha256: string }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw profileError(
      codedMessage(source.from === 'file' ? 'validation.fileNotJson' : 'validation.uploadNotJson', {
        file: source.file,
        error: error instanceof Error ? error.message : String(error),
      }),
      path,
    );
  }
  const format =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? (json as { format?: unknown }).format
      : undefined;
  const holds = typeof format === 'string' ? PROFILE_FORMATS[format] : undefined;
  if (!holds) {
    throw profileError(
      codedMessage(
        source.from === 'file' ? 'validation.fileNotProfile' : 'validation.uploadNotProfile',
        { file: source.file },
      ),
      path,
    );
  }
  if (holds !== family) {
    const code =
      source.from === 'file'
        ? holds === 'text'
          ? 'validation.fileTextProfile'
          : 'validation.fileSeriesProfile'
        : holds === 'text'
          ? 'validation.uploadTextProfile'
          : 'validation.uploadSeriesProfile';
    throw profileError(
      codedMessage(code, { file: source.file, id: dataset.id, kind: dataset.kind }),
      path,
    );
  }
  let name: string;
  try {
    name = await parseProfile(json, family);
  } catch (error) {
    throw profileError(
      codedMessage(source.from === 'file' ? 'validation.fileInvalid' : 'validation.uploadInvalid', {
        file: source.file,
        error: error instanceof Error ? error.message : String(error),
      }),
      path,
    );
  }
  return { json, name, sha256: profileHash(json) };
}

/** A profile's identity: the hash of its JSON, so the same profile under two paths is one reference. */
function profileHash(json: unknown): string {
  return createHash('sha256').update(JSON.stringify(json)).digest('hex');
}

/**
 * Parses a profile of the family and returns its name; throws on an invalid one. Loaded on demand: the text
 * profile module brings the language detector, which the API's main thread otherwise never needs.
 */
async function parseProfile(json: unknown, family: Family): Promise<string> {
  if (family === 'timeseries') {
    const { parseSeriesProfile } = await import('./series/profile.ts');
    return parseSeriesProfile(json).name;
  }
  const { parseTextProfile } = await import('./text/profile.ts');
  return parseTextProfile(json).name;
}

/** The reference key of a stored report (reports stored before keys existed included). */
export function referenceKeyOf(stored: ValidationReport, datasetKind: string): string {
  const ref = (stored.reference ?? {}) as Partial<StoredReference>;
  if (typeof ref.key === 'string') return ref.key;
  if (ref.referenceDatasetId) return `dataset:${ref.referenceDatasetId}`;
  return `profile:${ref.profile ?? legacyProfileId(familyOf(datasetKind))}`;
}

/** Every reference a validation asks for, each with the argument it came from (for error messages). */
function choicesOf(options: ValidateOptions): { choice: ReferenceChoice; path: string }[] {
  const given: { choice: ReferenceChoice; path: string }[] = [];
  if (options.referenceDatasetId)
    given.push({
      choice: { referenceDatasetId: options.referenceDatasetId },
      path: 'referenceDatasetId',
    });
  if (options.profile) given.push({ choice: { profile: options.profile }, path: 'profile' });
  if (options.profileFile)
    given.push({ choice: { profileFile: options.profileFile }, path: 'profile' });
  if (options.profileUpload)
    given.push({ choice: { profileUpload: options.profileUpload }, path: 'profileFile' });
  (options.references ?? []).forEach(({ path, ...choice }, i) => {
    given.push({ choice: choice as ReferenceChoice, path: path ?? `references[${i}]` });
  });
  return given;
}

/** Runs one validation task in a worker thread, so a 100k-item report never blocks the API. */
async function inWorker<T>(task: ValidationTask): Promise<T> {
  return (await runValidationWorker<T>(task)).result;
}

/** How {@link ValidationManager.validate} runs; the defaults are what the API and the CLI use. */
export interface ValidationManagerOptions {
  /**
   * `worker` (default): the worker thread reads the items from the database itself. `main`: this thread reads
   * them and sends a copy to the worker, the way validations ran before; kept for `pnpm bench:validation`'s
   * same-run comparison, and used for an in-memory SQLite database, which a second connection can't see.
   */
  read?: 'worker' | 'main';
  /** Told the seconds of each phase of every validation (`pnpm bench:validation` prints them). */
  onPhases?: (phases: ValidationPhases) => void;
}

/** Seconds of each phase of one validation, as `pnpm bench:validation` prints them. */
export interface ValidationPhases extends WorkerPhases {
  /** Resolving the reference (reading and checking the profile) on the main thread. */
  reference: number;
  /** Reading the items on the main thread (the `main` read; 0 otherwise). */
  mainRead: number;
  /** Starting the worker, handing it the task and receiving the report, besides its own phases. */
  handOff: number;
  /** Storing the report as a new version. */
  store: number;
}

/**
 * The reference profile of a registry dataset: statistics only (label, length and vocabulary distributions,
 * n-gram sketches; per-series statistics for time series), never the text or values themselves.
 */
export async function buildReferenceProfile(
  services: Services,
  datasetId: number,
): Promise<unknown> {
  const em = services.em.fork();
  const dataset = await em.findOne(DatasetSchema, datasetId);
  if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
  const items: unknown[] = [];
  for await (const d of services.datasets(em).streamItems(datasetId)) items.push(d);
  return inWorker({ op: 'profile', kind: dataset.kind, name: dataset.name, items });
}

/** A reference resolved for one validation: the profile to send to the worker and how to store it. */
interface ResolvedReference {
  /** The profile JSON (null when only checked, not built: see `build`). */
  profile: unknown;
  /** Text with several references: their profiles, one per language (in place of `profile`). */
  profiles?: unknown[];
  /** Text: the label oracles the worker judges `label_fidelity` with (label-fidelity.ts), or why there are none. */
  oracles: OracleSource | OracleSource[] | null;
  stored: Omit<StoredReference, 'targets'>;
}

/** A profile file or upload holds statistics only: no texts to train a label oracle on. */
const NO_ORACLE_IN_FILES: OracleSource = {
  none: 'a profile file holds statistics only, no label oracle; give the reference dataset itself (`--reference DATASET`) or the shipped banking77 profile to judge labels',
};

/**
 * Validates registry datasets against reference profiles and stores versioned reports; compares datasets.
 */
export class ValidationManager {
  constructor(
    private readonly services: Services,
    private readonly options: ValidationManagerOptions = {},
  ) {}

  /** All of a dataset's items, from one snapshot: a dataset deleted while it is read fails the validation. */
  async #items(datasetId: number, signal?: AbortSignal): Promise<unknown[]> {
    const repo = this.services.datasets(this.services.em.fork());
    const items: unknown[] = [];
    for await (const d of repo.streamSnapshot(await repo.snapshot(datasetId), { signal }))
      items.push(d);
    return items;
  }

  /** Reads and checks the reference a validation asks for (default: the shipped profile of the family). */
  async #resolve(
    em: ReturnType<Services['em']['fork']>,
    dataset: { id: number; kind: string },
    choice: ReferenceChoice | null,
    { build = true, path }: { build?: boolean; path?: string } = {},
  ): Promise<ResolvedReference> {
    const family = familyOf(dataset.kind);
    const none = { referenceDatasetId: null, profile: null, profileFile: null, sha256: null };
    if (choice && 'referenceDatasetId' in choice) {
      const ref = await em.findOne(DatasetSchema, choice.referenceDatasetId);
      if (!ref) throw new NotFoundError('Dataset', String(choice.referenceDatasetId));
      if (familyOf(ref.kind) !== family) {
        throw new InputError([
          {
            path: path ?? 'referenceDatasetId',
            ...codedMessage('validation.referenceKind', {
              id: ref.id,
              kind: ref.kind,
              datasetKind: dataset.kind,
            }),
          },
        ]);
      }
      let profile: unknown = null;
      let oracles: OracleSource | null = null;
      if (build) {
        const items = await this.#items(ref.id);
        const task = { kind: ref.kind, name: ref.name, items };
        // The label oracles train on the reference's labelled texts beside its profile, on a second thread.
        [profile, oracles] = await Promise.all([
          inWorker({ op: 'profile', ...task }),
          family === 'text' ? inWorker<OracleSource>({ op: 'oracle', ...task }) : null,
        ]);
      }
      return {
        profile,
        oracles,
        stored: {
          ...none,
          kind: 'dataset',
          key: `dataset:${ref.id}`,
          name: ref.name,
          referenceDatasetId: ref.id,
        },
      };
    }
    if (choice && 'profileFile' in choice) {
      const file = choice.profileFile;
      const path = resolve(file);
      let text: string;
      try {
        if (!statSync(path).isFile()) throw new Error('not a file');
        text = readFileSync(path, 'utf8');
      } catch {
        throw profileError(
          codedMessage('validation.fileUnreadable', {
            file,
            shipped: REFERENCE_PROFILES.map((p) => p.id).join(', '),
          }),
          path,
        );
      }
      const checked = await checkProfile(
        { from: 'file', file },
        text,
        family,
        dataset,
        path ?? 'profile',
      );
      return {
        profile: checked.json,
        oracles: NO_ORACLE_IN_FILES,
        stored: {
          ...none,
          kind: 'file',
          key: `sha256:${checked.sha256}`,
          name: `${checked.name} (${basename(path)})`,
          profileFile: path,
          sha256: checked.sha256,
        },
      };
    }
    if (choice && 'profileUpload' in choice) {
      const { name, text } = choice.profileUpload;
      const checked = await checkProfile(
        { from: 'upload', file: name || '(unnamed)' },
        text,
        family,
        dataset,
        path ?? 'profileFile',
      );
      return {
        profile: checked.json,
        oracles: NO_ORACLE_IN_FILES,
        stored: {
          ...none,
          kind: 'upload',
          key: `sha256:${checked.sha256}`,
          name: `${checked.name}${name ? ` (${name})` : ''}`,
          sha256: checked.sha256,
        },
      };
    }
    const id = choice?.profile ?? defaultProfileId(family);
    let entry: ShippedProfile;
    try {
      entry = shippedEntry(id);
    } catch (error) {
      if (path && error instanceof InputError) {
        throw new InputError(error.issues.map((issue) => ({ ...issue, path })));
      }
      throw error;
    }
    if (familyOf(entry.kind) !== family) {
      throw profileError(
        codedMessage('validation.profileKind', { id, profileKind: entry.kind, kind: dataset.kind }),
        path,
      );
    }
    const json = await loadShippedProfile(id);
    try {
      await parseProfile(json, family);
    } catch (error) {
      throw profileError(
        codedMessage('validation.shippedDamaged', {
          id,
          files: shippedFiles(entry).join(', '),
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
    return {
      profile: json,
      // The worker says when a shipped profile has no oracle.
      oracles: family === 'text' ? { shipped: id } : null,
      stored: { ...none, kind: 'shipped', key: `profile:${id}`, name: entry.name, profile: id },
    };
  }

  /**
   * Several references for one validation: each resolved and checked as one would be, then text references must
   * hold different languages and time-series ones different domains (each named by the argument it came from).
   * Text keeps the profiles apart (the report measures each language against its own); time series merges them
   * into one profile, each domain keeping its own reference.
   */
  async #resolveSeveral(
    em: ReturnType<Services['em']['fork']>,
    dataset: { id: number; kind: string },
    choices: readonly { choice: ReferenceChoice; path: string }[],
  ): Promise<ResolvedReference> {
    const family = familyOf(dataset.kind);
    const resolved: { reference: ResolvedReference; path: string }[] = [];
    for (const { choice, path } of choices) {
      const reference = await this.#resolve(em, dataset, choice, { path });
      const twice = resolved.find((r) => r.reference.stored.key === reference.stored.key);
      if (twice) {
        throw profileError(
          codedMessage('validation.referenceTwice', {
            name: reference.stored.name,
            other: twice.path,
          }),
          path,
        );
      }
      resolved.push({ reference, path });
    }
    // What each reference holds: languages (text) or domains (time series), for the one-per-key rule.
    const holds = async (json: unknown): Promise<string[]> => {
      if (family === 'timeseries') {
        const { parseSeriesProfile } = await import('./series/profile.ts');
        return Object.keys(parseSeriesProfile(json).groups).sort();
      }
      const { parseTextProfile } = await import('./text/profile.ts');
      return Object.entries(parseTextProfile(json).languageCounts)
        .filter(([, count]) => count > 0)
        .map(([language]) => language)
        .sort();
    };
    const what = family === 'timeseries' ? 'domain' : 'language';
    const holder = new Map<string, { name: string; path: string }>();
    for (const { reference, path } of resolved) {
      const keys = await holds(reference.profile);
      if (keys.length === 0) {
        throw profileError(
          codedMessage(
            family === 'timeseries' ? 'validation.noKnownDomain' : 'validation.noLanguageLabel',
            { name: reference.stored.name },
          ),
          path,
        );
      }
      for (const key of keys) {
        const other = holder.get(key);
        if (other) {
          throw profileError(
            codedMessage(
              what === 'domain' ? 'validation.onePerDomain' : 'validation.onePerLanguage',
              { name: reference.stored.name, key, other: other.name, otherPath: other.path },
            ),
            path,
          );
        }
        holder.set(key, { name: reference.stored.name, path });
      }
    }
    const parts = resolved.map((r) => r.reference.stored);
    const stored: ResolvedReference['stored'] = {
      kind: 'multiple',
      key: parts
        .map((p) => p.key)
        .sort()
        .join('+'),
      name: parts.map((p) => p.name).join(' + '),
      referenceDatasetId: null,
      profile: null,
      profileFile: null,
      sha256: null,
      parts,
    };
    if (family === 'timeseries') {
      const { mergeSeriesProfiles, parseSeriesProfile } = await import('./series/profile.ts');
      return {
        profile: mergeSeriesProfiles(
          stored.name,
          resolved.map((r) => parseSeriesProfile(r.reference.profile)),
        ),
        oracles: null,
        stored,
      };
    }
    return {
      profile: null,
      profiles: resolved.map((r) => r.reference.profile),
      oracles: resolved.flatMap((r) => r.reference.oracles ?? []),
      stored,
    };
  }

  async validate(datasetId: number, options: ValidateOptions = {}): Promise<ValidationReport> {
    // In use while it runs: a delete of this dataset or a reference one is refused, or (forced) stops it.
    const referenceIds = choicesOf(options).flatMap(({ choice }) =>
      'referenceDatasetId' in choice ? [choice.referenceDatasetId] : [],
    );
    const use = this.services.usage.begin([datasetId, ...referenceIds], 'validation');
    try {
      return await this.#validate(datasetId, options, use.signal);
    } finally {
      use.end();
    }
  }

  async #validate(
    datasetId: number,
    options: ValidateOptions,
    signal: AbortSignal,
  ): Promise<ValidationReport> {
    const started = performance.now();
    const em = this.services.em.fork();
    const dataset = await em.findOne(DatasetSchema, datasetId);
    if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
    const choices = choicesOf(options);
    const reference =
      choices.length > 1
        ? await this.#resolveSeveral(em, dataset, choices)
        : await this.#resolve(em, dataset, choices[0]?.choice ?? null, { path: choices[0]?.path });
    let targets = options.targets ?? null;
    if (!targets && dataset.origin === 'generated') {
      const job = await em.findOne(
        GenerationJobSchema,
        { dataset: datasetId },
        { orderBy: { id: 'desc' } },
      );
      targets = ((
        job?.config as { targets?: Record<string, Record<string, number> | null> } | undefined
      )?.targets ?? null) as never;
      if (targets)
        targets = Object.fromEntries(
          Object.entries(targets).filter(([, v]) => v !== null),
        ) as never;
    }
    const since = (mark: number) => (performance.now() - mark) / 1000;
    const referenceSeconds = since(started);
    let mark = performance.now();
    // The worker reads the items itself, on its own connection (docs/validation.md, "Where the work runs"),
    // except from an in-memory SQLite database, which no second connection sees.
    const db = this.services.db;
    const workerReads =
      this.options.read !== 'main' && !(db.type === 'sqlite' && db.path === ':memory:');
    const source = workerReads
      ? { read: { db, snapshot: await this.services.datasets(em).snapshot(datasetId) } }
      : { items: await this.#items(datasetId, signal) };
    const mainRead = since(mark);
    mark = performance.now();
    const { result: report, phases } = await runValidationWorker<ValidationReportData>(
      {
        op: 'validate',
        kind: dataset.kind,
        ...source,
        profile: reference.profile,
        ...(reference.profiles ? { profiles: reference.profiles } : {}),
        oracles: reference.oracles,
        targets,
      },
      signal,
    ).catch((error: unknown) => {
      // Stopped by a forced delete of the dataset in this process: it is gone, as a delete after the report says.
      if (signal.aborted) throw new NotFoundError('Dataset', String(datasetId));
      throw error;
    });
    const handOff = since(mark) - phases.read - phases.profile - phases.report;
    if (signal.aborted) throw new NotFoundError('Dataset', String(datasetId));
    // The LLM judge's scores as they stand now: beside the metrics, outside the verdict (judge-group.ts).
    if (dataset.kind !== 'timeseries')
      report.judge = await judgeGroup(this.services, datasetId, report.itemCount);
    const stored: StoredReference = { ...reference.stored, targets };
    mark = performance.now();
    try {
      const created = await em.transactional(async (tx) => {
        const last = await tx.findOne(
          ValidationReportSchema,
          { dataset: datasetId },
          { orderBy: { version: 'desc' } },
        );
        const created = tx.create(ValidationReportSchema, {
          dataset: datasetId,
          version: (last?.version ?? 0) + 1,
          reference: stored as unknown as Record<string, unknown>,
          overallScore: report.overall.score,
          report: report as unknown as Record<string, unknown>,
        } as never);
        await tx.flush();
        return created;
      });
      this.options.onPhases?.({
        reference: referenceSeconds,
        mainRead,
        ...phases,
        handOff,
        store: since(mark),
      });
      return created;
    } catch (err) {
      // Deleted after it was read, by a delete this process did not see (another process, the CLI): the
      // report has no dataset to belong to.
      if (err instanceof ForeignKeyConstraintViolationException) {
        throw new NotFoundError('Dataset', String(datasetId));
      }
      throw err;
    }
  }

  async #latest(datasetId: number): Promise<ValidationReport | null> {
    return this.services.em
      .fork()
      .findOne(ValidationReportSchema, { dataset: datasetId }, { orderBy: { version: 'desc' } });
  }

  /**
   * How to measure another dataset against the reference `report` was made against. A profile file must still
   * hold the same profile; an upload is not kept, so it cannot be reused.
   */
  #choicesFromReport(
    report: ValidationReport,
    datasetId: number,
    side: 'a' | 'b',
  ): ReferenceChoice[] {
    const ref = (report.reference ?? {}) as Partial<StoredReference>;
    if (ref.kind === 'multiple' && ref.parts) {
      return ref.parts.map((part) => this.#choiceFromStored(part, report, datasetId, side));
    }
    return [this.#choiceFromStored(ref, report, datasetId, side)];
  }

  #choiceFromStored(
    ref: Partial<StoredReference>,
    report: ValidationReport,
    datasetId: number,
    side: 'a' | 'b',
  ): ReferenceChoice {
    const which = { version: report.version, id: datasetId, side };
    if (ref.kind === 'upload') {
      throw profileError(
        codedMessage('validation.earlierUpload', { ...which, name: String(ref.name) }),
      );
    }
    if (ref.kind === 'file' && ref.profileFile) {
      let sha: string | null = null;
      try {
        sha = profileHash(JSON.parse(readFileSync(ref.profileFile, 'utf8')));
      } catch {
        throw profileError(
          codedMessage('validation.earlierFileUnreadable', { ...which, file: ref.profileFile }),
        );
      }
      if (sha !== ref.sha256) {
        throw profileError(
          codedMessage('validation.earlierFileChanged', { ...which, file: ref.profileFile }),
        );
      }
      return { profileFile: ref.profileFile };
    }
    if (ref.referenceDatasetId) return { referenceDatasetId: ref.referenceDatasetId };
    if (ref.profile) return { profile: ref.profile };
    return { profile: legacyProfileId(familyOf(report.report.kind as string)) };
  }

  /**
   * Compares two datasets measured against one reference: the given one (a shipped id, or any choice), else
   * the one A's latest report used, else B's, else the shipped default. A side whose latest report was made
   * against another reference is validated anew (a new report version); `reference` says which was used.
   */
  async compare(
    aId: number,
    bId: number,
    given: ReferenceChoice | string | null = null,
  ): Promise<DatasetComparison> {
    const em = this.services.em.fork();
    const [a, b] = await Promise.all([
      em.findOne(DatasetSchema, aId),
      em.findOne(DatasetSchema, bId),
    ]);
    if (!a) throw new NotFoundError('Dataset', String(aId));
    if (!b) throw new NotFoundError('Dataset', String(bId));
    if (familyOf(a.kind) !== familyOf(b.kind)) {
      throw new InputError([
        { path: 'b', ...codedMessage('validation.cannotCompare', { a: a.kind, b: b.kind }) },
      ]);
    }
    const choice: ReferenceChoice | null = typeof given === 'string' ? { profile: given } : given;
    // An unknown or unusable reference is an error even when both sides already have reports.
    const resolvedGiven = choice ? await this.#resolve(em, a, choice, { build: false }) : null;
    const [latestA, latestB] = await Promise.all([this.#latest(aId), this.#latest(bId)]);

    const source: ComparisonReference['source'] = choice
      ? 'given'
      : latestA
        ? 'a'
        : latestB
          ? 'b'
          : 'default';
    const defaultId = defaultProfileId(familyOf(a.kind));
    const key =
      source === 'given'
        ? resolvedGiven!.stored.key
        : source === 'a'
          ? referenceKeyOf(latestA!, a.kind)
          : source === 'b'
            ? referenceKeyOf(latestB!, b.kind)
            : `profile:${defaultId}`;
    // How to validate a side against the chosen reference, asked only when one needs it.
    const target = (): ReferenceChoice[] =>
      source === 'given'
        ? [choice!]
        : source === 'a'
          ? this.#choicesFromReport(latestA!, aId, 'a')
          : source === 'b'
            ? this.#choicesFromReport(latestB!, bId, 'b')
            : [{ profile: defaultId }];
    const revalidated: number[] = [];
    const measure = async (
      id: number,
      kind: string,
      latest: ValidationReport | null,
    ): Promise<ValidationReport> => {
      if (latest && referenceKeyOf(latest, kind) === key) return latest;
      const report = await this.validate(id, { references: target() });
      revalidated.push(id);
      const now = referenceKeyOf(report, kind);
      if (now !== key) {
        // A reference dataset or profile file that changed between the two reports.
        throw profileError(codedMessage('validation.validatedAgainst', { id, now, key }));
      }
      return report;
    };
    const reportA = await measure(aId, a.kind, latestA);
    const reportB = await measure(bId, b.kind, latestB);
    const used = (reportA.reference ?? {}) as Partial<StoredReference>;
    const reference: ComparisonReference = {
      key,
      name: used.name ?? (reportA.report as unknown as ValidationReportData).reference?.name ?? key,
      kind: used.kind ?? (key.startsWith('dataset:') ? 'dataset' : 'shipped'),
      source,
      revalidated,
    };
    const ra = reportA.report as unknown as ValidationReportData;
    const rb = reportB.report as unknown as ValidationReportData;
    const distB = new Map(rb.distributions.map((d) => [d.id, d]));
    const overlays = ra.distributions
      .filter((d) => distB.has(d.id))
      .map((d) => {
        const other = distB.get(d.id)!;
        const labels = [...new Set([...d.labels, ...other.labels])];
        const pick = (dist: typeof d, label: string) => {
          const i = dist.labels.indexOf(label);
          return i >= 0 ? (dist.dataset[i] ?? 0) : 0;
        };
        return {
          id: d.id,
          name: d.name,
          labels,
          a: labels.map((l) => pick(d, l)),
          b: labels.map((l) => pick(other, l)),
        };
      });
    let vocabularyOverlap: number | null = null;
    let equalSample: EqualSampleDiversity | null = null;
    const samples: DatasetComparison['samples'] = [];
    if (a.kind !== 'timeseries') {
      const [itemsA, itemsB] = await Promise.all([this.#items(aId), this.#items(bId)]);
      const { equalSampleDiversity } = await import('./text/equal-sample.ts');
      equalSample = equalSampleDiversity(
        itemsA,
        a.kind as 'conversations' | 'utterances',
        itemsB,
        b.kind as 'conversations' | 'utterances',
      );
      const vocab = (items: unknown[]) => {
        const set = new Set<string>();
        for (const it of items) {
          const d = it as { text?: string; turns?: { text: string }[] };
          const text = d.text ?? (d.turns ?? []).map((t) => t.text).join(' ');
          for (const w of text
            .toLowerCase()
            .normalize('NFD')
            .replace(/\p{M}/gu, '')
            .match(/\p{L}+/gu) ?? [])
            set.add(w);
        }
        return set;
      };
      const va = vocab(itemsA);
      const vb = vocab(itemsB);
      let inter = 0;
      for (const w of va) if (vb.has(w)) inter++;
      const union = va.size + vb.size - inter;
      vocabularyOverlap = union ? inter / union : null;
      const firstByIntent = (items: unknown[]) => {
        const m = new Map<string, unknown>();
        for (const it of items) {
          const intent = (it as { intent?: string }).intent;
          if (intent && !m.has(intent)) m.set(intent, it);
        }
        return m;
      };
      const fa = firstByIntent(itemsA);
      const fb = firstByIntent(itemsB);
      for (const intent of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
        samples.push({ intent, a: fa.get(intent) ?? null, b: fb.get(intent) ?? null });
      }
    }
    const metrics = pairMetrics(ra, rb, equalSample);
    return {
      aId,
      bId,
      reportA,
      reportB,
      reference,
      metrics,
      equalSample,
      overlays,
      vocabularyOverlap,
      samples,
    };
  }
}
