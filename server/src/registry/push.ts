/**
 * Push a dataset to the Hugging Face Hub (or any Hub-compatible server) with `@huggingface/hub`: the Parquet data
 * in the Hub's split layout, the dataset card, the generation config, the latest validation report and the
 * lineage. Only files whose content differs from what the repo holds are committed, so a push of unchanged content
 * makes no commit. Large files take the client's LFS path (single or multipart uploads, as the Hub answers). Every
 * successful push is recorded (`dataset-push.entity.ts`). See docs/hub.md.
 */
import { createHash } from 'node:crypto';
import {
  type CodedMessage,
  codedMessage,
  issueCode,
  issueMessage,
  type MessageCode,
  type MessageParams,
} from '@genesis/schema/messages';
import {
  type CommitOperation,
  commitIter,
  createRepo,
  datasetInfo,
  deleteRepo,
  downloadFile,
  HubApiError,
  type ListFileEntry,
  listFiles,
  repoExists,
} from '@huggingface/hub';
import * as v from 'valibot';
import { GenerationJobSchema } from '../generation/generation-job.entity.ts';
import type { Services } from '../platform/db/orm.ts';
import { DomainError, type FieldIssue, InputError, NotFoundError } from '../platform/errors.ts';
import { ValidationReportSchema } from '../validation/validation-report.entity.ts';
import { datasetCard } from './card.ts';
import { type DatasetPush, DatasetPushSchema, type PushedFile } from './dataset-push.entity.ts';
import { exportParquet } from './parquet.ts';
import { openDatasetRead } from './service.ts';

/** The one split's data file, named the way the Hub's viewer and `datasets` find splits. */
export const HUB_DATA_FILE = 'data/train-00000-of-00001.parquet';
/** Folders the push owns in the repo: a file there it no longer writes is deleted. */
const OWNED_FOLDERS = ['data/', 'genesis/'];

/** An `owner/name` repo id as the Hub accepts it (letters, digits, `-`, `_`, `.`; at most 96 characters each). */
export const HubRepoSchema = v.pipe(
  v.string(),
  v.regex(/^[\w.-]{1,96}\/[\w.-]{1,96}$/, issueMessage('hub.repoFormat')),
  v.check(
    (s) => !s.split('/').some((p) => p.startsWith('.') || p.endsWith('.')),
    issueMessage('hub.repoDot'),
  ),
);

/** A branch name for `revision`. */
export const HubRevisionSchema = v.pipe(
  v.string(),
  v.regex(/^[\w.-][\w./-]{0,199}$/, issueMessage('hub.revisionFormat')),
);

/** Why a push failed, for a caller that acts on it. */
export type PushFailure =
  | 'NO_TOKEN'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'REPO_NOT_FOUND'
  | 'REVISION_NOT_FOUND'
  | 'VISIBILITY'
  | 'NETWORK'
  | 'HUB_ERROR';

/**
 * A push that could not be done: nothing was committed (a commit is all or nothing on the Hub), a repo the push
 * created is deleted again and a visibility it changed is put back (the message says if that failed), and nothing
 * is recorded.
 */
export class HubPushError extends DomainError {
  override name = 'HubPushError';
  /** The failure as a code and parameters (without `undone`; docs/conventions.md). */
  readonly code: MessageCode;
  readonly params: MessageParams;
  constructor(
    readonly reason: PushFailure,
    readonly failure: CodedMessage,
    /** The Hub's HTTP status, when it answered. */
    readonly status: number | null = null,
    /** What was put back after the failure (a repo deleted, a visibility restored), or what the user must. */
    readonly undone: CodedMessage | null = null,
  ) {
    super(undone ? `${failure.message}; ${undone.message}` : failure.message);
    this.code = failure.code;
    this.params = failure.params;
  }
}

export interface PushRequest {
  datasetId: number;
  /** `owner/name`; created as a dataset repo when it does not exist. */
  repo: string;
  /**
   * The repo's visibility: true makes it private, false public, on creation or on an existing repo (its settings;
   * the token must be allowed to change them). Left out, a new repo is public and an existing one stays as it is.
   */
  private?: boolean;
  /** The branch to commit to (default main); it must exist. */
  revision?: string;
  /** The commit title (default: `Push dataset "<name>" from GENESIS-LAB`). */
  message?: string;
  /** A license id for the card's `license` field. */
  license?: string;
  /** The Hub: `HF_ENDPOINT` and `HF_TOKEN` from the configuration. */
  hub: { endpoint: string; token: string | undefined };
  onProgress?: (progress: PushProgress) => void;
  signal?: AbortSignal;
}

/** How far a push is: the phase, and bytes sent of the files that change. */
export interface PushProgress {
  phase: 'preparing' | 'comparing' | 'uploading' | 'committing';
  bytesSent: number;
  bytesTotal: number;
}

export type FileChange = PushedFile['change'];

export interface PushResult {
  repo: string;
  revision: string;
  /** The repo's page on the Hub. */
  url: string;
  /** The Hub's host (`huggingface.co`, or `host:port` of HF_ENDPOINT). */
  host: string;
  /** True when this push created the repo. */
  created: boolean;
  /** The repo's visibility after the push. */
  private: boolean;
  /** This push changed an existing repo's visibility. */
  visibilityChanged: boolean;
  /** The commit made, or null when nothing changed. */
  commit: { oid: string; url: string } | null;
  files: PushedFile[];
  /** How many files the push added, changed, left unchanged and deleted. */
  changes: Record<FileChange, number>;
  itemCount: number;
  /** The item count of the previous push to this repo and branch (from its `genesis/lineage.json`), if any. */
  previousItemCount: number | null;
  /** One line for people: what the push did. */
  summary: string;
  /** The registry's record of this push. */
  record: { id: number; at: Date };
}

interface LocalFile {
  path: string;
  content: Uint8Array;
}

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Git's blob id (what the Hub lists for a file kept in git rather than LFS). */
const gitOid = (b: Uint8Array) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/** Whether the repo's file holds these bytes: its LFS SHA-256, or its git blob id. */
function sameContent(remote: ListFileEntry, content: Uint8Array): boolean {
  if (remote.lfs) return remote.lfs.oid === sha256(content) && remote.lfs.size === content.length;
  return remote.oid === gitOid(content);
}

/** The files a push writes, built from one snapshot of the dataset. */
async function buildFiles(
  services: Services,
  datasetId: number,
  license: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ files: LocalFile[]; itemCount: number; name: string }> {
  const read = await openDatasetRead(services, datasetId, signal);
  if (!read) throw new NotFoundError('Dataset', String(datasetId));
  const { dataset, snapshot } = read;
  const parquet = await exportParquet(dataset.kind, read.items() as never);
  const { parquetMetadata } = await import('hyparquet');
  const rows = Number(
    parquetMetadata(
      parquet.buffer.slice(
        parquet.byteOffset,
        parquet.byteOffset + parquet.byteLength,
      ) as ArrayBuffer,
    ).num_rows,
  );
  const card = await datasetCard(services, datasetId, {
    dataFiles: [{ split: 'train', path: 'data/train-*' }],
    files: [
      `- \`${HUB_DATA_FILE}\`: the items, one row per item (time series in the long format, one row per point${dataset.kind === 'conversations' ? '; `turns` is a list of `{speaker, text}` records' : ''}).`,
      '- `genesis/generation-config.json`: the generation job and its full configuration (generated datasets).',
      '- `genesis/validation-report.json`: the latest validation report, with its verdict (validated datasets).',
      '- `genesis/lineage.json`: where the dataset comes from (origin, source, the job that wrote it).',
      '- `README.md`: this card.',
    ],
    parquet: { rows, bytes: parquet.length },
    ...(license ? { license } : {}),
  });
  const em = services.em.fork();
  const job = await em.findOne(
    GenerationJobSchema,
    { dataset: datasetId },
    { orderBy: { id: 'desc' } },
  );
  const report = await em.findOne(
    ValidationReportSchema,
    { dataset: datasetId },
    { orderBy: { version: 'desc' } },
  );
  const files: LocalFile[] = [
    { path: HUB_DATA_FILE, content: parquet },
    { path: 'README.md', content: encoder.encode(card) },
    {
      path: 'genesis/lineage.json',
      content: json({
        dataset: {
          id: String(dataset.id),
          name: dataset.name,
          kind: dataset.kind,
          origin: dataset.origin,
          itemCount: snapshot.count,
          createdAt: dataset.createdAt.toISOString(),
          updatedAt: dataset.updatedAt.toISOString(),
        },
        source: dataset.source ?? null,
        generationJob: job
          ? {
              id: String(job.id),
              provider: job.provider,
              model: job.model ?? null,
              status: job.status,
            }
          : null,
      }),
    },
  ];
  if (job)
    files.push({
      path: 'genesis/generation-config.json',
      content: json({
        jobId: String(job.id),
        provider: job.provider,
        model: job.model ?? null,
        config: job.config,
      }),
    });
  if (report) {
    const data = report.report as {
      overall?: { verdict?: string; score?: number };
      reason?: string;
    };
    files.push({
      path: 'genesis/validation-report.json',
      content: json({
        version: report.version,
        createdAt: report.createdAt.toISOString(),
        verdict: data.overall?.verdict ?? null,
        score: data.overall?.score ?? null,
        reason: data.reason ?? null,
        report: report.report,
      }),
    });
  }
  return { files, itemCount: snapshot.count, name: dataset.name };
}

/** A Hub failure as a message that says what to do (never with the token), or the error itself if it is not one. */
function pushError(err: unknown, repo: string, revision: string, endpoint: string): unknown {
  if (err instanceof HubPushError) return err;
  if (err instanceof HubApiError) {
    const status = err.statusCode;
    if (status === 401)
      return new HubPushError(
        'UNAUTHORIZED',
        codedMessage('hub.unauthorized', { endpoint }),
        status,
      );
    if (status === 403)
      return new HubPushError(
        'FORBIDDEN',
        codedMessage('hub.forbidden', { repo, namespace: repo.split('/')[0]! }),
        status,
      );
    if (status === 404 && /revision|rev id/i.test(err.message))
      return new HubPushError(
        'REVISION_NOT_FOUND',
        codedMessage('hub.revisionNotFound', { revision, repo }),
        status,
      );
    if (status === 404)
      return new HubPushError(
        'REPO_NOT_FOUND',
        codedMessage('hub.repoNotFound', { repo, endpoint }),
        status,
      );
    return new HubPushError(
      'HUB_ERROR',
      codedMessage('hub.answered', { status, error: err.message.replace(/\. URL: .*$/, '') }),
      status,
    );
  }
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (err instanceof TypeError && /fetch failed/i.test(err.message))
    return new HubPushError(
      'NETWORK',
      cause?.code
        ? codedMessage('hub.unreachableCode', { endpoint, cause: cause.code })
        : codedMessage('hub.unreachable', { endpoint }),
    );
  return err;
}

/**
 * A `fetch` for the Hub client that reports the bytes of every upload body (LFS single PUTs and multipart parts)
 * as they are sent, so large uploads show progress under Node (the client's own upload progress needs
 * XMLHttpRequest). The body is streamed with its Content-Length, as storage URLs require.
 */
function countingFetch(onBytes: (n: number) => void): typeof fetch {
  return (input, init) => {
    const body = init?.body;
    if (init?.method !== 'PUT' || !(body instanceof Blob)) return fetch(input, init);
    const counted = body.stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes(chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    );
    const headers = new Headers(init.headers);
    headers.set('content-length', String(body.size));
    return fetch(input, { ...init, headers, body: counted, duplex: 'half' } as RequestInit);
  };
}

/** Changes a repo's visibility through its settings (`PUT /api/datasets/:id/settings`, as `huggingface_hub`). */
async function setVisibility(
  endpoint: string,
  token: string,
  repo: string,
  makePrivate: boolean,
): Promise<void> {
  const res = await fetch(`${endpoint}/api/datasets/${repo}/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ private: makePrivate }),
  });
  if (res.ok) return;
  const detail = (await res.text()).slice(0, 200);
  if (res.status === 401 || res.status === 403)
    throw new HubPushError(
      res.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
      codedMessage(makePrivate ? 'hub.visibilityDeniedPrivate' : 'hub.visibilityDeniedPublic', {
        repo,
        status: res.status,
        namespace: repo.split('/')[0]!,
      }),
      res.status,
    );
  throw new HubPushError(
    'VISIBILITY',
    codedMessage(
      detail
        ? makePrivate
          ? 'hub.visibilityFailedPrivateDetail'
          : 'hub.visibilityFailedPublicDetail'
        : makePrivate
          ? 'hub.visibilityFailedPrivate'
          : 'hub.visibilityFailedPublic',
      { endpoint, repo, status: res.status, ...(detail ? { detail } : {}) },
    ),
    res.status,
  );
}

/**
 * Pushes a dataset to a Hub dataset repo: creates the repo if needed (or applies `private` to an existing one),
 * compares the files it would write with what the branch holds (by SHA-256 for LFS files, git blob id for the
 * rest), and commits only the ones that differ, deleting files under `data/` and `genesis/` it no longer writes.
 * The push is then recorded in the registry. On failure the repo is left as it was: the Hub applies a commit whole
 * or not at all, a repo this push created is deleted again, a visibility it changed is put back, and nothing is
 * recorded.
 */
export async function pushDataset(services: Services, request: PushRequest): Promise<PushResult> {
  const { endpoint, token } = request.hub;
  const revision = request.revision ?? 'main';
  const issues: FieldIssue[] = [
    ...(v.safeParse(HubRepoSchema, request.repo).issues ?? []).map((i) => ({
      path: 'repo',
      message: i.message,
      ...issueCode(i),
    })),
    ...(v.safeParse(HubRevisionSchema, revision).issues ?? []).map((i) => ({
      path: 'revision',
      message: i.message,
      ...issueCode(i),
    })),
  ];
  if (request.message !== undefined && !request.message.trim())
    issues.push({ path: 'message', ...codedMessage('hub.messageEmpty') });
  if (issues.length) throw new InputError(issues);
  if (!token) throw new HubPushError('NO_TOKEN', codedMessage('hub.noToken', { endpoint }));
  if (!token.startsWith('hf_')) throw new HubPushError('NO_TOKEN', codedMessage('hub.notHfToken'));
  const progress = (phase: PushProgress['phase'], bytesSent = 0, bytesTotal = 0) =>
    request.onProgress?.({ phase, bytesSent, bytesTotal });

  progress('preparing');
  const built = await buildFiles(services, request.datasetId, request.license, request.signal);
  const repoId = { type: 'dataset' as const, name: request.repo };
  const credentials = { accessToken: token, hubUrl: endpoint };
  const host = new URL(endpoint).host;
  let created = false;
  /** The visibility to put back if the push fails after changing it. */
  let restoreVisibility: boolean | null = null;
  let isPrivate = false;
  let pushed: Omit<PushResult, 'record'>;
  try {
    progress('comparing');
    if (!(await repoExists({ repo: repoId, ...credentials }))) {
      try {
        await createRepo({ repo: repoId, private: request.private ?? false, ...credentials });
        created = true;
        isPrivate = request.private ?? false;
      } catch (err) {
        if (err instanceof HubApiError && err.statusCode === 409)
          throw new HubPushError(
            'REPO_NOT_FOUND',
            codedMessage('hub.repoHidden', { repo: request.repo }),
            409,
          );
        if (err instanceof HubApiError && (err.statusCode === 403 || err.statusCode === 404))
          throw new HubPushError(
            'REPO_NOT_FOUND',
            codedMessage('hub.cannotCreate', {
              repo: request.repo,
              status: err.statusCode,
              namespace: request.repo.split('/')[0]!,
            }),
            err.statusCode,
          );
        throw err;
      }
    } else {
      isPrivate = (await datasetInfo({ name: request.repo, ...credentials })).private;
      if (request.private !== undefined && request.private !== isPrivate) {
        await setVisibility(endpoint, token, request.repo, request.private);
        restoreVisibility = isPrivate;
        isPrivate = request.private;
      }
    }
    const remote = new Map<string, ListFileEntry>();
    for await (const entry of listFiles({
      repo: repoId,
      recursive: true,
      revision,
      ...credentials,
    }))
      if (entry.type === 'file') remote.set(entry.path, entry);

    const files: PushedFile[] = [];
    const operations: CommitOperation[] = [];
    for (const f of built.files) {
      const there = remote.get(f.path);
      const change: FileChange = !there
        ? 'added'
        : sameContent(there, f.content)
          ? 'unchanged'
          : 'changed';
      files.push({ path: f.path, bytes: f.content.length, change });
      if (change !== 'unchanged')
        operations.push({
          operation: 'addOrUpdate',
          path: f.path,
          content: new Blob([f.content as BlobPart]),
        });
    }
    const ours = new Set(built.files.map((f) => f.path));
    for (const path of remote.keys()) {
      if (ours.has(path) || !OWNED_FOLDERS.some((d) => path.startsWith(d))) continue;
      files.push({ path, bytes: 0, change: 'deleted' });
      operations.push({ operation: 'delete', path });
    }

    let previousItemCount: number | null = null;
    if (remote.has('genesis/lineage.json')) {
      const blob = await downloadFile({
        repo: repoId,
        path: 'genesis/lineage.json',
        revision,
        ...credentials,
      });
      try {
        const previous = JSON.parse((await blob?.text()) ?? 'null') as {
          dataset?: { itemCount?: unknown };
        };
        const n = previous?.dataset?.itemCount;
        previousItemCount = typeof n === 'number' ? n : null;
      } catch {
        // A lineage file edited by hand: there is no previous count to compare with.
      }
    }
    const url = `${endpoint}/datasets/${request.repo}`;
    const changed = files.filter((f) => f.change !== 'unchanged');
    const counts =
      previousItemCount !== null && previousItemCount !== built.itemCount
        ? `; items ${previousItemCount} → ${built.itemCount}`
        : '';
    const visibility =
      restoreVisibility !== null ? `; made ${isPrivate ? 'private' : 'public'}` : '';
    const describe = changed.map((f) => `${f.path} ${f.change}`).join(', ');
    let commit: PushResult['commit'] = null;
    if (operations.length > 0) {
      const sizes = new Map(changed.map((f) => [f.path, f.bytes]));
      const bytesTotal = [...sizes.values()].reduce((a, b) => a + b, 0);
      let bytesSent = 0;
      const iterator = commitIter({
        repo: repoId,
        ...credentials,
        branch: revision,
        title: request.message ?? `Push dataset "${built.name}" from GENESIS-LAB`,
        description: `Files: ${describe}${counts}.`,
        operations,
        fetch: countingFetch((n) => {
          bytesSent = Math.min(bytesTotal, bytesSent + n);
          progress('uploading', bytesSent, bytesTotal);
        }),
        ...(request.signal ? { abortSignal: request.signal } : {}),
      });
      let step = await iterator.next();
      while (!step.done) {
        const event = step.value;
        if (event.event === 'phase' && event.phase === 'committing')
          progress('committing', bytesTotal, bytesTotal);
        step = await iterator.next();
      }
      if (step.value) commit = { oid: step.value.commit.oid, url: step.value.commit.url };
    }
    const tally = { added: 0, changed: 0, unchanged: 0, deleted: 0 };
    for (const f of files) tally[f.change]++;
    const summary = commit
      ? `${created ? 'created ' : ''}${request.repo}@${revision}: ${describe}${counts}${visibility}`
      : `${request.repo}@${revision} already holds this dataset: nothing changed, no commit made${visibility}`;
    const result: Omit<PushResult, 'record'> = {
      repo: request.repo,
      revision,
      url,
      host,
      created,
      private: isPrivate,
      visibilityChanged: restoreVisibility !== null,
      commit,
      files,
      changes: tally,
      itemCount: built.itemCount,
      previousItemCount,
      summary,
    };
    pushed = result;
  } catch (err) {
    const failure = pushError(err, request.repo, revision, endpoint);
    const undone = await undo(created, restoreVisibility);
    if (failure instanceof HubPushError && undone)
      throw new HubPushError(failure.reason, failure.failure, failure.status, undone);
    throw failure;
  }
  // Recorded once the Hub holds the push (outside the undo above: a failed write must not undo a commit).
  const record = await recordPush(services, request.datasetId, pushed);
  return { ...pushed, record: { id: record.id, at: record.createdAt } };

  /** Puts the repo back as it was before this push; says what it did, or what the user must do. */
  async function undo(
    createdRepo: boolean,
    visibility: boolean | null,
  ): Promise<CodedMessage | null> {
    const repo = request.repo;
    if (createdRepo)
      try {
        await deleteRepo({ repo: repoId, ...credentials });
        return codedMessage('hub.undoDeleted', { repo });
      } catch {
        return codedMessage('hub.undoNotDeleted', { repo });
      }
    if (visibility !== null)
      try {
        await setVisibility(endpoint, token as string, request.repo, visibility);
        return codedMessage(visibility ? 'hub.undoPrivate' : 'hub.undoPublic', { repo });
      } catch {
        return codedMessage(visibility ? 'hub.undoNotPrivate' : 'hub.undoNotPublic', { repo });
      }
    return null;
  }
}

/** Writes the record of a successful push. */
async function recordPush(
  services: Services,
  datasetId: number,
  result: Omit<PushResult, 'record'>,
): Promise<DatasetPush> {
  const em = services.em.fork();
  const record = em.create(DatasetPushSchema, {
    dataset: datasetId,
    host: result.host,
    repo: result.repo,
    revision: result.revision,
    url: result.url,
    commitOid: result.commit?.oid ?? null,
    commitUrl: result.commit?.url ?? null,
    private: result.private,
    created: result.created,
    visibilityChanged: result.visibilityChanged,
    filesAdded: result.changes.added,
    filesChanged: result.changes.changed,
    filesUnchanged: result.changes.unchanged,
    filesDeleted: result.changes.deleted,
    files: result.files,
    itemCount: result.itemCount,
    summary: result.summary,
  });
  await em.flush();
  return record;
}

/** A dataset's pushes, newest first. */
export function listPushes(
  em: Services['em'],
  datasetId: number,
  limit: number,
): Promise<DatasetPush[]> {
  return em.find(DatasetPushSchema, { dataset: datasetId }, { orderBy: { id: 'desc' }, limit });
}
