import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One stored object. */
export interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

/** Counts of the S3 operations served, by operation name (`PutObject`, `GetObject`, ...). */
export type S3Stats = Record<string, number>;

/** Parses `s3://bucket/key/prefix` into its bucket and key; throws with the offending URI otherwise. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match) throw new Error(`"${uri}" is not an S3 URI like s3://bucket/prefix/`);
  return { bucket: match[1]!, key: match[2] ?? '' };
}

/**
 * An in-memory, path-style S3: enough of PutObject, GetObject, HeadObject, ListObjectsV2 and CreateBucket for the
 * real `@aws-sdk/client-s3` (with `forcePathStyle: true`) and for the batch jobs, which read and write it
 * directly. A bucket comes into being with its first object, so tests need no set-up call.
 */
export class ObjectStore {
  readonly #buckets = new Map<string, Map<string, StoredObject>>();
  stats: S3Stats = {};

  put(
    bucket: string,
    key: string,
    body: Buffer | string,
    contentType = 'application/octet-stream',
  ) {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    let objects = this.#buckets.get(bucket);
    if (!objects) {
      objects = new Map();
      this.#buckets.set(bucket, objects);
    }
    objects.set(key, {
      body: data,
      contentType,
      etag: `"${createHash('md5').update(data).digest('hex')}"`,
      lastModified: new Date(),
    });
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.#buckets.get(bucket)?.get(key);
  }

  hasBucket(bucket: string): boolean {
    return this.#buckets.has(bucket);
  }

  createBucket(bucket: string): void {
    if (!this.#buckets.has(bucket)) this.#buckets.set(bucket, new Map());
  }

  /** Keys under a prefix, in S3's order (UTF-8 binary, which equals code-unit order for ASCII keys). */
  list(bucket: string, prefix = ''): string[] {
    const objects = this.#buckets.get(bucket);
    if (!objects) return [];
    return [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  clear(): void {
    this.#buckets.clear();
    this.stats = {};
  }

  /** Serves one path-style S3 request. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const segments = url.pathname.split('/').slice(1);
    const bucket = decodeURIComponent(segments[0] ?? '');
    const key = segments.slice(1).map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    const requestId = randomUUID();
    res.setHeader('x-amz-request-id', requestId);
    const count = (op: string) => {
      this.stats[op] = (this.stats[op] ?? 0) + 1;
    };
    if (!bucket) {
      return sendS3Error(res, 400, 'InvalidRequest', 'Only path-style bucket URLs are served.');
    }
    if (method === 'PUT' && key) {
      count('PutObject');
      const body = decodeBody(req, await readAll(req));
      this.put(bucket, key, body, req.headers['content-type'] ?? 'application/octet-stream');
      res.writeHead(200, { ETag: this.get(bucket, key)!.etag, 'Content-Length': '0' });
      res.end();
      return;
    }
    if (method === 'PUT') {
      count('CreateBucket');
      await readAll(req);
      this.createBucket(bucket);
      res.writeHead(200, { Location: `/${bucket}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && key) {
      count(method === 'GET' ? 'GetObject' : 'HeadObject');
      const object = this.get(bucket, key);
      if (!object) {
        if (method === 'HEAD') {
          res.writeHead(404);
          res.end();
          return;
        }
        return this.hasBucket(bucket)
          ? sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', key)
          : sendS3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist.', bucket);
      }
      res.writeHead(200, {
        'Content-Type': object.contentType,
        'Content-Length': String(object.body.length),
        ETag: object.etag,
        'Last-Modified': object.lastModified.toUTCString(),
      });
      if (method === 'HEAD') res.end();
      else res.end(object.body);
      return;
    }
    if (method === 'GET' && url.searchParams.get('list-type') === '2') {
      count('ListObjectsV2');
      if (!this.hasBucket(bucket)) {
        return sendS3Error(
          res,
          404,
          'NoSuchBucket',
          'The specified bucket does not exist.',
          bucket,
        );
      }
      return this.#listV2(res, bucket, url.searchParams);
    }
    return sendS3Error(
      res,
      501,
      'NotImplemented',
      `The emulator does not serve ${method} ${url.pathname}${url.search}.`,
    );
  }

  #listV2(res: ServerResponse, bucket: string, query: URLSearchParams): void {
    const prefix = query.get('prefix') ?? '';
    const maxKeys = Math.min(1000, Math.max(0, Number(query.get('max-keys') ?? 1000) || 1000));
    const token = query.get('continuation-token');
    const startAfter = token
      ? Buffer.from(token, 'base64url').toString('utf8')
      : (query.get('start-after') ?? '');
    const urlEncode = query.get('encoding-type') === 'url';
    const keys = this.list(bucket, prefix).filter((k) => k > startAfter);
    const page = keys.slice(0, maxKeys);
    const truncated = keys.length > page.length;
    const enc = (s: string) => xml(urlEncode ? encodeURIComponent(s) : s);
    const contents = page
      .map((k) => {
        const o = this.get(bucket, k)!;
        return `<Contents><Key>${enc(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${xml(bucket)}</Name><Prefix>${enc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
      `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (urlEncode ? '<EncodingType>url</EncodingType>' : '') +
      (token ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : '') +
      (truncated
        ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64url')}</NextContinuationToken>`
        : '') +
      `${contents}</ListBucketResult>`;
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end(body);
  }
}

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function sendS3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  resource?: string,
): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message>${
      resource ? `<Resource>${xml(resource)}</Resource>` : ''
    }<RequestId>${res.getHeader('x-amz-request-id') ?? ''}</RequestId></Error>`,
  );
}

/** The whole request body. */
export function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Undoes `aws-chunked` encoding: the SDK sends streamed bodies as `<hex size>[;chunk-signature=...]\r\n<data>\r\n`
 * chunks ending in a zero chunk and checksum trailers, with the real length in x-amz-decoded-content-length.
 */
function decodeBody(req: IncomingMessage, raw: Buffer): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!encoding.includes('aws-chunked') && !sha.startsWith('STREAMING-')) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
