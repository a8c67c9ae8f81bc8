import { createHash } from 'node:crypto';
import type { DatasetKind, Language } from '@genesis/schema/common';
import type { EntityManager } from '@mikro-orm/knex';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { GenerationJobSchema } from '../generation/generation-job.entity.ts';
import type { Services } from '../platform/db/orm.ts';
import {
  DatasetInUseError,
  type DatasetUsers,
  DuplicateImportError,
  NotFoundError,
} from '../platform/errors.ts';
import { TrainingRunSchema } from '../training/training-run.entity.ts';
import { type Dataset, DatasetSchema } from './dataset.entity.ts';
import type { DatasetRepository, ItemSnapshot } from './dataset.repository.ts';
import {
  DatasetReader,
  type ImportFormat,
  type ImportIssue,
  type ImportSource,
  type ParsedItem,
  sourceChunks,
} from './import.ts';

/** A file to import, as the API (an upload) and the CLI (a path) both have it. */
export interface ImportRequest {
  /** The file's bytes: a stream (a file read from disk, an upload's `file.stream()`) or the whole content. */
  source: ImportSource;
  fileName: string;
  kind: DatasetKind;
  /** Default: the file name without its extension. */
  name?: string | null;
  tags?: readonly string[] | null;
  seriesType?: string | null;
  language?: Language | null;
  /** Parquet: the names of integer labels, in order (`--labels FILE`). */
  labels?: readonly string[] | null;
  /** The file's size: recorded in the dataset's source, and the total that progress counts bytes against. */
  bytes?: number;
  /**
   * Store the file even when the same bytes were imported before as this kind (otherwise a
   * DuplicateImportError names the dataset that holds them, and nothing is stored).
   */
  allowDuplicate?: boolean;
  /** Called as the file is read (after each chunk) and as its items are stored (after each insert). */
  onProgress?: (progress: ImportProgress) => void;
}

/** How far an import is: bytes read of the file (of `bytes` when its size is known), items stored. */
export interface ImportProgress {
  bytesRead: number;
  bytes: number | null;
  stored: number;
}

export type ImportOutcome =
  | { ok: true; dataset: Dataset; format: ImportFormat }
  | { ok: false; errors: ImportIssue[]; errorCount: number };

/** A default dataset name from a file name: no extension, trimmed, at most 120 characters. */
export function nameFromFile(fileName: string): string {
  const base = fileName.replace(/\.[^.]+$/, '').trim();
  return (base || 'imported dataset').slice(0, 120);
}

/** Thrown from the import's batches at the file's first problem: rolls the transaction back. */
class ImportRejected extends Error {}

/** Thrown from the import's batches when the whole file turns out to be a duplicate: rolls it back. */
class DuplicateRejected extends Error {
  constructor(readonly existing: { id: number; name: string }) {
    super('duplicate import');
  }
}

/** The advisory-lock class of imports (PostgreSQL's two-key form: this class, then a part of the file's hash). */
const IMPORT_LOCK_CLASS = 0x6e5e;

/**
 * Makes the imports of one file take turns at their duplicate check, until their transactions end. PostgreSQL
 * runs transactions side by side, so the later one waits on an advisory lock keyed by the file's hash, then
 * (read committed) sees what the earlier one committed. SQLite has one writer: an import's transaction holds it
 * from its first insert to its commit, so the checks already take turns.
 */
async function lockContent(em: EntityManager, contentHash: string): Promise<void> {
  if (!(em.getDriver() instanceof PostgreSqlDriver)) return;
  const key = Number.parseInt(contentHash.slice(0, 8), 16) | 0;
  await em.execute('select pg_advisory_xact_lock(?, ?)', [IMPORT_LOCK_CLASS, key]);
}

/** The source's chunks, feeding a SHA-256 of the file's bytes on the way. */
async function* hashed(
  chunks: AsyncGenerator<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      yield chunk;
    }
  } finally {
    await chunks.return(undefined);
  }
}

/**
 * Imports a file as a new dataset, all or nothing, reading it as a stream with bounded memory: each record is
 * validated as it is read, and the items are stored in chunks as they come, all in one transaction. A problem
 * anywhere (the last line included) means nothing is kept: the first problem rolls the transaction back, and the
 * rest of the file is still read so that every problem is counted (the first 50 kept, located by line and field).
 * A file that fails before it has anything to store never opens a transaction. The GraphQL `importDataset`
 * mutation and `genesis import` both come here.
 */
export async function importDataset(
  datasets: DatasetRepository,
  request: ImportRequest,
): Promise<ImportOutcome> {
  const reader = new DatasetReader({
    kind: request.kind,
    filename: request.fileName,
    ...(request.seriesType ? { seriesType: request.seriesType } : {}),
    ...(request.language ? { language: request.language } : {}),
    ...(request.labels ? { labels: request.labels } : {}),
  });
  // The file's hash is known once it is read: the duplicate check runs at the end, inside the import's
  // transaction, and records the hash in that same transaction, so whichever of two imports of one file commits
  // second sees the first (docs/architecture.md, "Duplicate imports").
  const hash = createHash('sha256');
  const chunks = hashed(sourceChunks(request.source), hash);
  const claimContent = async (em: EntityManager, dataset: Dataset) => {
    const contentHash = hash.digest('hex');
    if (!request.allowDuplicate) {
      await lockContent(em, contentHash);
      const same = await em.findOne(
        DatasetSchema,
        { kind: request.kind, contentHash, id: { $ne: dataset.id } },
        { fields: ['id', 'name'] },
      );
      if (same) throw new DuplicateRejected({ id: same.id, name: same.name });
    }
    dataset.contentHash = contentHash;
  };
  let stored = 0;
  const progress = () =>
    request.onProgress?.({ bytesRead: reader.bytesRead, bytes: request.bytes ?? null, stored });
  let ending: Iterator<void> | null = null;
  /** Reads one more chunk, or one more step of the file's end; false once all is read. */
  const step = async (): Promise<boolean> => {
    if (ending === null) {
      const next = await chunks.next();
      if (!next.done) {
        reader.write(next.value);
        progress();
        return true;
      }
      // A Parquet file is decoded once all of it is in (asynchronously); other formats need nothing.
      await reader.prepare();
      ending = reader.finish();
    }
    return !ending.next().done;
  };
  let pending: ParsedItem[] = [];
  let more = true;
  const pull = async () => {
    more = await step();
    for (const item of reader.take()) pending.push(item);
  };
  const failed = (): ImportOutcome => {
    const failure = reader.failure();
    return { ok: false, errors: failure.errors, errorCount: failure.errorCount };
  };
  try {
    // Nothing to store yet, nothing to open a transaction for.
    while (more && pending.length === 0 && !reader.failed) await pull();
    if (reader.failed || reader.format === null) {
      while (more) await pull();
      return failed();
    }
    const format = reader.format;
    async function* batches(): AsyncGenerator<ParsedItem[]> {
      for (;;) {
        // The first problem rolls the transaction back at once; the rest of the file is read after it.
        if (reader.failed) throw new ImportRejected();
        const batch = pending;
        pending = [];
        if (batch.length > 0) yield batch;
        if (!more) return;
        await pull();
      }
    }
    const dataset = await datasets.createWithItems(
      {
        name: request.name ?? nameFromFile(request.fileName),
        kind: request.kind,
        origin: 'imported',
        tags: [...(request.tags ?? [])],
        source: {
          file: request.fileName,
          format,
          ...(request.bytes !== undefined ? { bytes: request.bytes } : {}),
        },
      },
      batches(),
      (n) => {
        stored = n;
        progress();
      },
      claimContent,
    );
    return { ok: true, dataset, format };
  } catch (error) {
    if (error instanceof DuplicateRejected) throw new DuplicateImportError(error.existing);
    if (!(error instanceof ImportRejected)) throw error;
    // Read on to the end, so every problem is counted.
    while (more) await pull();
    return failed();
  } finally {
    // Closes the file or cancels the upload when storing failed halfway.
    await chunks.return(undefined);
  }
}

/** A dataset opened for one consistent read (an export): its row, what it held then, and a reader of exactly that. */
export interface DatasetRead {
  dataset: Dataset;
  snapshot: ItemSnapshot;
  /**
   * The snapshot's items in dataset order; each call reads them again (a zip reads them twice). Throws a
   * DatasetChangedError when the dataset lost items meanwhile or `signal` aborted.
   */
  items(): AsyncGenerator<Record<string, unknown>>;
}

/** Opens a dataset for a consistent read; null when it does not exist. */
export async function openDatasetRead(
  services: Services,
  datasetId: number,
  signal?: AbortSignal,
): Promise<DatasetRead | null> {
  const em = services.em.fork();
  const dataset = await em.findOne(DatasetSchema, datasetId);
  if (!dataset) return null;
  const snapshot = await services.datasets(em).snapshot(datasetId);
  return {
    dataset,
    snapshot,
    items: () =>
      services.datasets(services.em.fork()).streamSnapshot(snapshot, signal ? { signal } : {}),
  };
}

/** What a delete may cancel: the generation and training services of this process. */
export interface DatasetUserControls {
  generation: { cancel(jobId: number): Promise<unknown> };
  training: { cancel(runId: number): Promise<unknown> };
}

const ACTIVE_JOB = ['queued', 'running', 'paused'] as const;
const ACTIVE_RUN = ['queued', 'running'] as const;

/**
 * What uses a dataset now: generation jobs queued, running or paused that write into it, take their examples
 * from it or are calibrated on it, training runs queued or running on it (as dataset or test dataset), and the validations and exports
 * this process is running on it.
 */
export async function datasetUsers(
  services: Services,
  em: EntityManager,
  datasetId: number,
): Promise<DatasetUsers> {
  const jobs = await em.find(
    GenerationJobSchema,
    { status: { $in: [...ACTIVE_JOB] } },
    { fields: ['id', 'status', 'dataset', 'config'], orderBy: { id: 'asc' } },
  );
  const runs = await em.find(
    TrainingRunSchema,
    {
      status: { $in: [...ACTIVE_RUN] },
      $or: [{ dataset: datasetId }, { testDataset: datasetId }],
    },
    { fields: ['id', 'status', 'dataset', 'testDataset'], orderBy: { id: 'asc' } },
  );
  const idOf = (ref: unknown) => (ref as { id: number } | null)?.id ?? null;
  const usage = services.usage.count(datasetId);
  return {
    jobs: jobs.flatMap((j): DatasetUsers['jobs'][number][] => {
      if (idOf(j.dataset) === datasetId) return [{ id: j.id, status: j.status, role: 'dataset' }];
      const config = j.config as {
        exampleDatasetId?: string | null;
        likeDatasetId?: string | null;
      };
      if (config.exampleDatasetId === String(datasetId))
        return [{ id: j.id, status: j.status, role: 'examples' }];
      // A time-series job refits on its likeDatasetId whenever it (re)starts.
      return config.likeDatasetId === String(datasetId)
        ? [{ id: j.id, status: j.status, role: 'calibration' }]
        : [];
    }),
    runs: runs.map((r) => ({
      id: r.id,
      status: r.status,
      role: idOf(r.dataset) === datasetId ? ('dataset' as const) : ('testDataset' as const),
    })),
    validations: usage.validation,
    exports: usage.export,
  };
}

function inUse(users: DatasetUsers): boolean {
  return (
    users.jobs.length > 0 || users.runs.length > 0 || users.validations > 0 || users.exports > 0
  );
}

/**
 * Deletes a dataset and its items. While something uses it (see {@link datasetUsers}) it refuses with a
 * DatasetInUseError naming them, unless `force`: then the jobs and runs are cancelled, the validations and exports
 * of this process stopped (they fail visibly), and the dataset deleted. Throws NotFoundError for an unknown id.
 * The GraphQL `deleteDataset` mutation and `genesis delete` both come here.
 */
export async function deleteDataset(
  services: Services,
  controls: DatasetUserControls,
  datasetId: number,
  options: { force?: boolean } = {},
): Promise<void> {
  const em = services.em.fork();
  if (!(await em.findOne(DatasetSchema, datasetId, { fields: ['id'] }))) {
    throw new NotFoundError('Dataset', String(datasetId));
  }
  const users = await datasetUsers(services, em, datasetId);
  if (inUse(users)) {
    if (!options.force) throw new DatasetInUseError(datasetId, users);
    for (const job of users.jobs) await controls.generation.cancel(job.id);
    for (const run of users.runs) await controls.training.cancel(run.id);
    services.usage.abort(datasetId, new Error('the dataset was deleted'));
  }
  const deleted = await em.transactional(async (tx) => {
    // Checked again inside the delete's transaction: a job or run started meanwhile keeps the dataset.
    const now = await datasetUsers(services, tx, datasetId);
    if (now.jobs.length > 0 || now.runs.length > 0) throw new DatasetInUseError(datasetId, now);
    return services.datasets(tx).deleteById(datasetId);
  });
  if (!deleted) throw new NotFoundError('Dataset', String(datasetId));
}
