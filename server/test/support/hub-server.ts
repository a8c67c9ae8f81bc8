/**
 * A local Hugging Face Hub-compatible server for tests: the HTTP endpoints `@huggingface/hub` uses to create a
 * dataset repo, push a commit and read a repo back (README.md, "Push to the Hub"):
 *
 * - `GET  /api/datasets/:owner/:name` (repoExists), `GET /api/datasets/:owner/:name/revision/:rev` (datasetInfo:
 *   whether the repo is private), `POST /api/repos/create` (createRepo), `DELETE /api/repos/delete` (deleteRepo),
 *   `PUT /api/datasets/:owner/:name/settings` (`{ private }`: the repo's visibility, its owner only);
 * - `POST /api/datasets/:owner/:name/preupload/:rev`: which files go through LFS (`*.parquet` by the repo's
 *   `.gitattributes`, binary samples, files over `lfsThreshold`) and which are sent inline;
 * - `POST /datasets/:owner/:name.git/info/lfs/objects/batch` (the Git LFS batch API with the `basic` and the Hub's
 *   `multipart` transfers; the client falls back to them when the server does not offer xet): an object under
 *   `multipartThreshold` gets one upload URL, `PUT /lfs/:owner/:name/:oid` (checked against its SHA-256); a larger one, when the
 *   client offers `multipart`, gets a `chunk_size` and one URL per part, `PUT /lfs/multipart/:upload/:part` (each
 *   answered with an ETag), and a completion URL, `POST /lfs/multipart/:upload/complete` (the parts' ETags; the
 *   assembled object is checked against its SHA-256 and size). Upload URLs carry no token, like the Hub's signed
 *   storage URLs;
 * - `POST /api/datasets/:owner/:name/commit/:rev` (NDJSON: header, file, lfsFile, deletedFile);
 * - `GET  /api/datasets/:owner/:name/tree/:rev[/:path]` (listFiles, with git blob ids and LFS pointers);
 * - `GET  /datasets/:owner/:name/resolve/:rev/:path` (downloadFile, with ranges).
 *
 * Tokens are given up front with the user they belong to and whether they may write; a missing or unknown token
 * is a 401, a read token writing (or a user writing outside their namespace) a 403, as on the Hub. Every commit is
 * recorded with its operations and the repo's files after it, every finished LFS upload with its transfer and
 * parts. `failUploads` makes the next LFS uploads (single or part) answer an error, to test a push that fails
 * half-way.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubToken {
  user: string;
  write: boolean;
}

export interface HubFile {
  content: Uint8Array;
  /** Stored through LFS (its pointer is what git holds). */
  lfs: boolean;
}

export interface HubCommit {
  oid: string;
  branch: string;
  title: string;
  description: string;
  /** What the commit did, per path. */
  operations: { path: string; op: 'add' | 'lfs' | 'delete' }[];
  /** The branch's files after the commit. */
  files: Map<string, HubFile>;
}

interface Repo {
  id: string;
  private: boolean;
  owner: string;
  branches: Map<string, Map<string, HubFile>>;
  commits: HubCommit[];
}

export interface HubLfsUpload {
  oid: string;
  size: number;
  transfer: 'basic' | 'multipart';
  /** How many parts were uploaded (1 for a basic upload). */
  parts: number;
}

export interface HubServerOptions {
  onCommit?: (repo: string, commit: HubCommit) => void;
  /** Files larger than this go through LFS even when their name and content would not (default 10 MiB). */
  lfsThreshold?: number;
  /** LFS objects of at least this size are uploaded in parts when the client offers `multipart` (default 20 MiB). */
  multipartThreshold?: number;
  /** The part size the server asks for (default 8 MiB); every part but the last must have exactly this size. */
  chunkSize?: number;
  /** Serve the repo settings endpoint (default true); false answers it 404, like a server without it. */
  settings?: boolean;
}

interface PendingMultipart {
  repo: string;
  oid: string;
  size: number;
  chunkSize: number;
  parts: Map<number, { content: Uint8Array; etag: string }>;
}
const GITATTRIBUTES =
  '*.parquet filter=lfs diff=lfs merge=lfs -text\n*.arrow filter=lfs diff=lfs merge=lfs -text\n';

/** Git's object id of a file: SHA-1 of `blob <size>\0<content>`. */
export function gitBlobOid(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

function lfsPointer(content: Uint8Array): Uint8Array {
  return new TextEncoder().encode(
    `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\nsize ${content.length}\n`,
  );
}

export class HubServer {
  readonly repos = new Map<string, Repo>();
  /** Every request, method and path, in order (no bodies, no headers). */
  readonly requests: string[] = [];
  /** Every LFS object stored, in order. */
  readonly lfsUploads: HubLfsUpload[] = [];
  #server: Server;
  /** LFS objects by `repo oid`: each repo has its own storage, as on the Hub. */
  #lfs = new Map<string, Uint8Array>();
  #multipart = new Map<string, PendingMultipart>();
  #tokens: Record<string, HubToken>;
  #commitCount = 0;
  #uploadCount = 0;
  #failUploads: { status: number; count: number } = { status: 500, count: 0 };
  #options: Required<Omit<HubServerOptions, 'onCommit'>>;
  url = '';

  #onCommit: ((repo: string, commit: HubCommit) => void) | undefined;

  constructor(tokens: Record<string, HubToken>, options: HubServerOptions = {}) {
    this.#tokens = tokens;
    this.#onCommit = options.onCommit;
    this.#options = {
      lfsThreshold: options.lfsThreshold ?? 10 * 1024 * 1024,
      multipartThreshold: options.multipartThreshold ?? 20 * 1024 * 1024,
      chunkSize: options.chunkSize ?? 8 * 1024 * 1024,
      settings: options.settings ?? true,
    };
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: Error) => {
        if (!res.headersSent) this.#json(res, 500, { error: err.message });
        else res.end();
      });
    });
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(port, host, r));
    this.url = `http://${host}:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  /** Creates a repo directly (as someone else would have), with the initial `.gitattributes` commit. */
  createRepo(id: string, options: { private?: boolean } = {}): void {
    const owner = id.split('/')[0]!;
    const repo: Repo = {
      id,
      private: options.private ?? false,
      owner,
      branches: new Map(),
      commits: [],
    };
    const files = new Map([
      ['.gitattributes', { content: new TextEncoder().encode(GITATTRIBUTES), lfs: false }],
    ]);
    repo.branches.set('main', files);
    this.#record(repo, 'main', 'initial commit', '', [{ path: '.gitattributes', op: 'add' }]);
    this.repos.set(id, repo);
  }

  /** The next `count` LFS uploads (a single PUT or one part) answer `status` and store nothing. */
  failUploads(status: number, count = 1): void {
    this.#failUploads = { status, count };
  }

  /** The commits of a repo, oldest first (the initial one included). */
  commits(id: string): HubCommit[] {
    return this.repos.get(id)?.commits ?? [];
  }

  /** A file's content on a branch, or undefined. */
  file(id: string, path: string, branch = 'main'): Uint8Array | undefined {
    return this.repos.get(id)?.branches.get(branch)?.get(path)?.content;
  }

  #record(
    repo: Repo,
    branch: string,
    title: string,
    description: string,
    operations: HubCommit['operations'],
  ): HubCommit {
    this.#commitCount++;
    const oid = createHash('sha1').update(`${repo.id}:${this.#commitCount}:${title}`).digest('hex');
    const commit: HubCommit = {
      oid,
      branch,
      title,
      description,
      operations,
      files: new Map(repo.branches.get(branch)),
    };
    repo.commits.push(commit);
    this.#onCommit?.(repo.id, commit);
    return commit;
  }

  /** Whether this upload is one `failUploads` asked to fail (and counts it). */
  #failing(): boolean {
    if (this.#failUploads.count <= 0) return false;
    this.#failUploads.count--;
    return true;
  }

  #store(
    repo: string,
    oid: string,
    content: Uint8Array,
    transfer: HubLfsUpload['transfer'],
    parts: number,
  ) {
    this.#lfs.set(`${repo} ${oid}`, content);
    this.lfsUploads.push({ oid, size: content.length, transfer, parts });
  }

  #json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  #auth(req: IncomingMessage): HubToken | null {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    return this.#tokens[token] ?? null;
  }

  async #body(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** The repo a request names, if the caller may see it (a private repo is a 404 to others, as on the Hub). */
  #visible(id: string, who: HubToken | null): Repo | null {
    const repo = this.repos.get(id);
    if (!repo) return null;
    if (repo.private && who?.user !== repo.owner) return null;
    return repo;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = decodeURIComponent(url.pathname);
    this.requests.push(`${req.method} ${path}`);
    const who = this.#auth(req);
    const unauthorized = () =>
      this.#json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const notFound = (id: string) =>
      this.#json(
        res,
        404,
        { error: `Repository Not Found for url: ${this.url}/api/datasets/${id}.` },
        { 'x-error-code': 'RepoNotFound' },
      );

    // PUT /lfs/:owner/:name/:oid: an LFS upload (basic transfer), checked against its oid.
    let m = /^\/lfs\/(?!multipart\/)([^/]+\/[^/]+)\/([0-9a-f]{64})$/.exec(path);
    if (m && req.method === 'PUT') {
      const body = new Uint8Array(await this.#body(req));
      if (this.#failing())
        return this.#json(res, this.#failUploads.status, { error: 'storage failure' });
      if (sha256(body) !== m[2])
        return this.#json(res, 400, { error: 'content does not match oid' });
      this.#store(m[1]!, m[2]!, body, 'basic', 1);
      return void res.writeHead(200).end();
    }

    // PUT /lfs/multipart/:upload/:part: one part of a multipart upload, answered with its ETag.
    m = /^\/lfs\/multipart\/([0-9a-f]+)\/(\d+)$/.exec(path);
    if (m && req.method === 'PUT') {
      const upload = this.#multipart.get(m[1]!);
      const body = new Uint8Array(await this.#body(req));
      if (!upload) return this.#json(res, 404, { error: 'no such upload' });
      if (this.#failing())
        return this.#json(res, this.#failUploads.status, { error: 'storage failure' });
      const part = Number(m[2]);
      const count = Math.ceil(upload.size / upload.chunkSize);
      const expected =
        part < count ? upload.chunkSize : upload.size - (count - 1) * upload.chunkSize;
      if (part < 1 || part > count || body.length !== expected)
        return this.#json(res, 400, {
          error: `part ${part} must be ${expected} bytes (got ${body.length})`,
        });
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      upload.parts.set(part, { content: body, etag });
      res.writeHead(200, { etag });
      return void res.end();
    }

    // POST /lfs/multipart/:upload/complete: assembles the parts in order and checks the object.
    m = /^\/lfs\/multipart\/([0-9a-f]+)\/complete$/.exec(path);
    if (m && req.method === 'POST') {
      const upload = this.#multipart.get(m[1]!);
      const body = JSON.parse((await this.#body(req)).toString('utf8')) as {
        oid: string;
        parts: { partNumber: number; etag: string }[];
      };
      if (!upload || body.oid !== upload.oid)
        return this.#json(res, 404, { error: 'no such upload' });
      const count = Math.ceil(upload.size / upload.chunkSize);
      const listed = [...body.parts].sort((a, b) => a.partNumber - b.partNumber);
      if (
        listed.length !== count ||
        listed.some((p, i) => p.partNumber !== i + 1 || upload.parts.get(i + 1)?.etag !== p.etag)
      )
        return this.#json(res, 400, { error: 'the parts listed do not match the parts uploaded' });
      const content = new Uint8Array(
        Buffer.concat(listed.map((p) => upload.parts.get(p.partNumber)!.content)),
      );
      if (content.length !== upload.size || sha256(content) !== upload.oid)
        return this.#json(res, 400, {
          error: 'the assembled object does not match its oid and size',
        });
      this.#multipart.delete(m[1]!);
      this.#store(upload.repo, upload.oid, content, 'multipart', count);
      return this.#json(res, 200, {});
    }

    if (path === '/api/repos/delete' && req.method === 'DELETE') {
      if (!who) return unauthorized();
      const body = JSON.parse((await this.#body(req)).toString('utf8')) as {
        name: string;
        organization?: string;
      };
      const id = `${body.organization ?? who.user}/${body.name}`;
      const repo = this.#visible(id, who);
      if (!repo) return notFound(id);
      if (!who.write || who.user !== repo.owner)
        return this.#json(res, 403, { error: `You don't have the rights to delete ${id}` });
      this.repos.delete(id);
      for (const key of [...this.#lfs.keys()]) if (key.startsWith(`${id} `)) this.#lfs.delete(key);
      return void res.writeHead(200).end();
    }

    m = /^\/api\/datasets\/([^/]+\/[^/]+)\/settings$/.exec(path);
    if (m && req.method === 'PUT' && this.#options.settings) {
      if (!who) return unauthorized();
      const repo = this.#visible(m[1]!, who);
      if (!repo) return notFound(m[1]!);
      if (!who.write || who.user !== repo.owner)
        return this.#json(res, 403, {
          error: `You don't have the rights to change the settings of ${m[1]}`,
        });
      const body = JSON.parse((await this.#body(req)).toString('utf8')) as { private?: unknown };
      if (body.private !== undefined && typeof body.private !== 'boolean')
        return this.#json(res, 400, { error: '"private" must be a boolean' });
      if (typeof body.private === 'boolean') repo.private = body.private;
      return this.#json(res, 200, { private: repo.private });
    }

    if (path === '/api/repos/create' && req.method === 'POST') {
      if (!who) return unauthorized();
      const body = JSON.parse((await this.#body(req)).toString('utf8')) as {
        name: string;
        organization?: string;
        type?: string;
        visibility?: string;
        private?: boolean;
      };
      const owner = body.organization ?? who.user;
      if (!who.write || owner !== who.user)
        return this.#json(res, 403, {
          error: `You don't have the rights to create a dataset under the namespace "${owner}"`,
        });
      const id = `${owner}/${body.name}`;
      if (this.repos.has(id))
        return this.#json(res, 409, { error: 'You already created this dataset repo', url: '' });
      this.createRepo(id, { private: body.visibility === 'private' || body.private === true });
      return this.#json(res, 200, { url: `${this.url}/datasets/${id}`, id });
    }

    m = /^\/datasets\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(path);
    if (m && req.method === 'POST') {
      const repo = this.#visible(m[1]!, who);
      if (!who) return unauthorized();
      if (!repo) return notFound(m[1]!);
      if (!who.write || who.user !== repo.owner)
        return this.#json(res, 403, { message: 'write access required' });
      const body = JSON.parse((await this.#body(req)).toString('utf8')) as {
        operation?: string;
        transfers?: string[];
        objects: { oid: string; size: number }[];
      };
      if (body.operation !== 'upload')
        return this.#json(res, 422, { message: 'only the upload operation is supported' });
      const multipart = body.transfers?.includes('multipart') ?? false;
      const { multipartThreshold, chunkSize } = this.#options;
      const objects = body.objects.map((o) => {
        if (this.#lfs.has(`${repo.id} ${o.oid}`)) return { oid: o.oid, size: o.size };
        if (!/^[0-9a-f]{64}$/.test(o.oid))
          return { oid: o.oid, size: o.size, error: { code: 422, message: 'invalid oid' } };
        if (!multipart || o.size < multipartThreshold)
          return {
            oid: o.oid,
            size: o.size,
            authenticated: true,
            actions: {
              upload: { href: `${this.url}/lfs/${repo.id}/${o.oid}`, expires_in: 3600 },
            },
          };
        const upload = createHash('sha1')
          .update(`${o.oid}:${++this.#uploadCount}`)
          .digest('hex');
        this.#multipart.set(upload, {
          repo: repo.id,
          oid: o.oid,
          size: o.size,
          chunkSize,
          parts: new Map(),
        });
        const header: Record<string, string> = { chunk_size: String(chunkSize) };
        for (let i = 1; i <= Math.ceil(o.size / chunkSize); i++)
          header[String(i).padStart(5, '0')] = `${this.url}/lfs/multipart/${upload}/${i}`;
        return {
          oid: o.oid,
          size: o.size,
          authenticated: true,
          actions: {
            upload: {
              href: `${this.url}/lfs/multipart/${upload}/complete`,
              header,
              expires_in: 3600,
            },
          },
        };
      });
      return this.#json(res, 200, {
        transfer: objects.some((o) => 'actions' in o && o.actions?.upload.header)
          ? 'multipart'
          : 'basic',
        objects,
      });
    }

    m = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      const repo = this.#visible(m[1]!, who);
      if (!repo) return notFound(m[1]!);
      const file = repo.branches.get(m[2]!)?.get(m[3]!);
      if (!file)
        return this.#json(
          res,
          404,
          { error: 'Entry not found' },
          { 'x-error-code': 'EntryNotFound' },
        );
      const { content } = file;
      const etag = `"${file.lfs ? sha256(content) : gitBlobOid(content)}"`;
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        const end = range[2] ? Math.min(Number(range[2]), content.length - 1) : content.length - 1;
        res.writeHead(206, {
          'content-range': `bytes ${start}-${end}/${content.length}`,
          'content-length': String(end - start + 1),
          etag,
        });
        return void res.end(req.method === 'HEAD' ? undefined : content.subarray(start, end + 1));
      }
      res.writeHead(200, { 'content-length': String(content.length), etag });
      return void res.end(req.method === 'HEAD' ? undefined : content);
    }

    m =
      /^\/api\/datasets\/([^/]+\/[^/]+)(?:\/(preupload|commit|tree|revision)\/([^/]+)(?:\/(.*))?)?$/.exec(
        path,
      );
    if (!m) return this.#json(res, 404, { error: `no route ${req.method} ${path}` });
    const [, id, action, branchName, subPath] = m as unknown as [
      string,
      string,
      string | undefined,
      string | undefined,
      string | undefined,
    ];
    const repo = this.#visible(id, who);
    if (action === undefined && req.method === 'GET') {
      if (!repo) return who ? notFound(id) : unauthorized();
      return this.#json(res, 200, { id, private: repo.private, likes: 0 });
    }
    if (action === 'revision' && req.method === 'GET') {
      if (!repo) return who ? notFound(id) : unauthorized();
      const last = repo.commits.at(-1);
      return this.#json(res, 200, {
        _id: createHash('sha1').update(id).digest('hex').slice(0, 24),
        id,
        private: repo.private,
        downloads: 0,
        likes: 0,
        gated: false,
        lastModified: new Date().toISOString(),
        sha: last?.oid,
      });
    }
    if (action === 'preupload' || action === 'commit') {
      if (!who) return unauthorized();
      if (!repo) return notFound(id);
      if (!who.write || who.user !== repo.owner)
        return this.#json(res, 403, {
          error: `You don't have the rights to write to ${id}: your token is read-only or belongs to another user`,
        });
    }
    if (!repo) return notFound(id);
    const files = repo.branches.get(branchName ?? 'main');
    if (!files)
      return this.#json(
        res,
        404,
        { error: `Invalid rev id: ${branchName}` },
        { 'x-error-code': 'RevisionNotFound' },
      );

    if (action === 'preupload' && req.method === 'POST') {
      const body = JSON.parse((await this.#body(req)).toString('utf8')) as {
        files: { path: string; size: number; sample: string }[];
      };
      return this.#json(res, 200, {
        files: body.files.map((f) => {
          const sample = Buffer.from(f.sample, 'base64');
          const lfs =
            f.path.endsWith('.parquet') ||
            f.size > this.#options.lfsThreshold ||
            sample.includes(0);
          return { path: f.path, uploadMode: lfs ? 'lfs' : 'regular', shouldIgnore: false };
        }),
      });
    }

    if (action === 'commit' && req.method === 'POST') {
      const lines = (await this.#body(req))
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { key: string; value: Record<string, unknown> });
      const header = lines.find((l) => l.key === 'header')?.value ?? {};
      const next = new Map(files);
      const operations: HubCommit['operations'] = [];
      for (const { key, value } of lines) {
        const p = String(value.path ?? '');
        if (key === 'file') {
          next.set(p, {
            content: new Uint8Array(Buffer.from(String(value.content), 'base64')),
            lfs: false,
          });
          operations.push({ path: p, op: 'add' });
        } else if (key === 'lfsFile') {
          const content = this.#lfs.get(`${repo.id} ${String(value.oid)}`);
          if (!content || content.length !== value.size)
            return this.#json(res, 422, { error: `LFS object of ${p} was not uploaded` });
          next.set(p, { content, lfs: true });
          operations.push({ path: p, op: 'lfs' });
        } else if (key === 'deletedFile') {
          next.delete(p);
          operations.push({ path: p, op: 'delete' });
        }
      }
      repo.branches.set(branchName ?? 'main', next);
      const commit = this.#record(
        repo,
        branchName ?? 'main',
        String(header.summary ?? ''),
        String(header.description ?? ''),
        operations,
      );
      return this.#json(res, 200, {
        success: true,
        commitOid: commit.oid,
        commitUrl: `${this.url}/datasets/${id}/commit/${commit.oid}`,
        hookOutput: '',
      });
    }

    if (action === 'tree' && req.method === 'GET') {
      const recursive = url.searchParams.get('recursive') === 'true';
      const prefix = subPath ? `${subPath.replace(/\/$/, '')}/` : '';
      const entries: unknown[] = [];
      const dirs = new Set<string>();
      for (const [p, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length);
        const parts = rest.split('/');
        for (let i = 1; i < parts.length; i++) {
          const dir = prefix + parts.slice(0, i).join('/');
          if ((recursive || i === 1) && !dirs.has(dir)) {
            dirs.add(dir);
            entries.push({ type: 'directory', path: dir, size: 0, oid: '' });
          }
        }
        if (!recursive && parts.length > 1) continue;
        const stored = f.lfs ? lfsPointer(f.content) : f.content;
        entries.push({
          type: 'file',
          path: p,
          size: f.content.length,
          oid: gitBlobOid(stored),
          ...(f.lfs
            ? {
                lfs: { oid: sha256(f.content), size: f.content.length, pointerSize: stored.length },
              }
            : {}),
        });
      }
      return this.#json(res, 200, entries);
    }
    return this.#json(res, 404, { error: `no route ${req.method} ${path}` });
  }
}
