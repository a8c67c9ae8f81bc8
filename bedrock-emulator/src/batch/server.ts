import { randomUUID } from 'node:crypto';
import http, { type ServerResponse } from 'node:http';
import type net from 'node:net';
import { defaultAnswer } from '../default-answer.ts';
import { BedrockError, type ControlPlaneStats, JobBoard } from './jobs.ts';
import { type BatchEmulatorOptions, resolveBatchEmulatorOptions } from './options.ts';
import { ObjectStore, readAll, type S3Stats } from './s3.ts';

/** A running batch emulator: Bedrock's batch control plane and an S3 store on one HTTP/1.1 port. */
export interface BatchEmulator {
  /** `http://host:port`: the `endpoint` of both BedrockClient and S3Client (`forcePathStyle: true`). */
  url: string;
  /** The object store, for tests that look at or tamper with inputs and outputs directly. */
  store: ObjectStore;
  stats(): { bedrock: ControlPlaneStats; s3: S3Stats };
  /** Forgets every job and object and restarts the job script and seeds. */
  reset(): void;
  /** Stops listening, the job timers and every open connection. */
  stop(): Promise<void>;
}

const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.bedrock/';
const JOB = /^\/model-invocation-job\/([^/]+)$/;
const STOP = /^\/model-invocation-job\/([^/]+)\/stop$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

/**
 * Starts the batch emulator (docs/bedrock.md §6): CreateModelInvocationJob, GetModelInvocationJob,
 * ListModelInvocationJobs and StopModelInvocationJob as `@aws-sdk/client-bedrock` sends them, plus a path-style
 * in-memory S3 for `@aws-sdk/client-s3`. Records are answered by `options.answer`, as in the on-demand
 * emulator (the default only refuses prompts without a slot request). Any Authorization is accepted unchecked. Bedrock routes
 * are matched first, so a bucket must not be named `model-invocation-job` or `model-invocation-jobs`.
 *
 * @throws BatchEmulatorOptionsError when an option is invalid.
 */
export async function startBatchEmulator(
  options: BatchEmulatorOptions = {},
): Promise<BatchEmulator> {
  const resolved = resolveBatchEmulatorOptions(options);
  const store = new ObjectStore();
  const board = new JobBoard(resolved, store, resolved.answer ?? defaultAnswer);
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    void (async () => {
      try {
        if (method === 'POST' && path === '/model-invocation-job') {
          const text = (await readAll(req)).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text || '{}');
          } catch {
            throw new BedrockError(
              400,
              'ValidationException',
              'The request body is not valid JSON.',
            );
          }
          sendJson(res, 200, board.create(body));
        } else if (method === 'GET' && path === '/model-invocation-jobs') {
          sendJson(res, 200, board.list(url.searchParams));
        } else if (method === 'GET' && JOB.test(path)) {
          sendJson(res, 200, board.get(decodeURIComponent(JOB.exec(path)![1]!)));
        } else if (method === 'POST' && STOP.test(path)) {
          await readAll(req);
          board.stop(decodeURIComponent(STOP.exec(path)![1]!));
          sendJson(res, 200, {});
        } else {
          await store.handle(req, res, url);
        }
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const e =
          error instanceof BedrockError
            ? error
            : new BedrockError(500, 'InternalServerException', String(error));
        res.setHeader('x-amzn-ErrorType', `${e.type}${ERROR_TYPE_SUFFIX}`);
        sendJson(res, e.status, { message: e.message });
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://${resolved.host}:${address.port}`,
    store,
    stats: () => ({ bedrock: { ...board.stats }, s3: { ...store.stats } }),
    reset() {
      board.clear();
      store.clear();
    },
    async stop() {
      board.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
