import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import http2, { type Http2ServerRequest } from 'node:http2';
import net from 'node:net';
import { Random } from '@genesis/schema/random';
import { estimateTokens, extractJson, extractSlotRequest } from '@genesis/schema/request';
import { PromptCache } from './cache.ts';
import {
  type ConverseRequest,
  describeRequest,
  parseConverseRequest,
  RequestValidationError,
} from './converse.ts';
import { defaultAnswer } from './default-answer.ts';
import { encodeEvent, encodeException, type StreamException } from './eventstream.ts';
import { type Fault, FaultPlan, shapeAnswer } from './faults.ts';
import {
  type AnswerFunction,
  defaultOutputBurndown,
  type EmulatorOptions,
  FAULT_KINDS,
  type FaultKind,
  type ResolvedEmulatorOptions,
  resolveEmulatorOptions,
} from './options.ts';
import { Quota } from './quota.ts';
import {
  applicableFaults,
  askModel,
  bump,
  drawLatency,
  readBody,
  sleep,
  untilAborted,
} from './serving.ts';

/** What the emulator has seen since it started or was last reset. */
export interface EmulatorStats {
  /** Converse and ConverseStream requests received, whatever their outcome. */
  requests: number;
  byOperation: { converse: number; converseStream: number };
  /** Responses by HTTP status ('200', '429', ...); a stalled request has none. */
  byStatus: Record<string, number>;
  /** Requests by HTTP version: '1.1' (NodeHttpHandler) or '2.0' (the SDK's default h2c handler). */
  byHttpVersion: Record<string, number>;
  /** Requests by the SDK's `amz-sdk-request: attempt=N` header: '1' first tries, '2' first retries, ... */
  byAttemptHeader: Record<string, number>;
  /** Distinct `amz-sdk-invocation-id`s: SDK calls, each counted once however often it was retried. */
  invocations: number;
  /** Requests refused with 429 by the RPM/TPM quota (injected throttles count under `faults.throttle`). */
  throttled: number;
  /** Injected faults by kind. */
  faults: Record<FaultKind, number>;
  /** Requests refused with 400 ValidationException. */
  invalid: number;
  /** Input tokens not read from or written to the cache. */
  tokensIn: number;
  tokensOut: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** A running emulator. */
export interface Emulator {
  /** `http://host:port`: give it to the SDK as `endpoint` (or GENESIS_BEDROCK_ENDPOINT). */
  url: string;
  stats(): EmulatorStats;
  /** What a model's quota buckets hold now (null: unlimited): requests and tokens, refilled continuously. */
  quotaLevels(modelId: string): { requests: number | null; tokens: number | null };
  /**
   * Starts afresh: clears the stats, quota buckets and prompt cache, restarts the fault script and seeds, and
   * applies `overrides` over the options the emulator was started with (not over earlier overrides).
   */
  reset(overrides?: Omit<EmulatorOptions, 'port' | 'host'>): void;
  /** Stops listening and drops every open connection, stalled requests included. */
  stop(): Promise<void>;
}

/** Bedrock's path for Converse; the model id is one percent-encoded segment (docs/bedrock.md §2). */
const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.bedrock/';
/** Converse's maxTokens when the request sets none (reserved against the TPM quota). */
const DEFAULT_MAX_TOKENS = 4096;
const PADDING = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const STREAM_EXCEPTION_MESSAGES: Record<StreamException, string> = {
  throttlingException: 'Too many tokens, please wait before trying again.',
  internalServerException:
    'The system encountered an unexpected error during processing. Try your request again.',
  serviceUnavailableException: 'Too many connections, please wait before trying again.',
  modelStreamErrorException: 'The model stream was interrupted.',
  validationException: 'The model stream was stopped by a validation error.',
};

/** The response API shared by node:http and the node:http2 compatibility layer. */
interface Response {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  end(body: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly writableFinished: boolean;
  readonly headersSent: boolean;
}

function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byOperation: { converse: 0, converseStream: 0 },
    byStatus: {},
    byHttpVersion: {},
    byAttemptHeader: {},
    invocations: 0,
    throttled: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    invalid: 0,
    tokensIn: 0,
    tokensOut: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
}

function chunksOf(text: string, size: number): string[] {
  // By code point, so a chunk boundary never splits a surrogate pair.
  const chars = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(''));
  return chunks.length > 0 ? chunks : [''];
}

/** Everything a reset replaces. */
interface State {
  options: ResolvedEmulatorOptions;
  answer: AnswerFunction;
  burndown: (modelId: string) => number;
  stats: EmulatorStats;
  invocationIds: Set<string>;
  quota: Quota;
  cache: PromptCache;
  faults: FaultPlan;
  latencyRandom: Random;
  contentRandom: Random;
}

function createState(options: ResolvedEmulatorOptions): State {
  const seed = String(options.seed);
  const burndown = options.outputBurndown;
  return {
    options,
    answer: options.answer ?? defaultAnswer,
    burndown:
      burndown === undefined
        ? defaultOutputBurndown
        : typeof burndown === 'number'
          ? () => burndown
          : burndown,
    stats: emptyStats(),
    invocationIds: new Set(),
    quota: new Quota({ rpm: options.rpm, tpm: options.tpm, strict: options.strict }),
    cache: new PromptCache(options.cacheMinTokens),
    faults: new FaultPlan({
      script: options.script,
      rates: options.faults,
      throttleStorm: options.throttleStorm,
      random: new Random(`${seed}:faults`),
    }),
    latencyRandom: new Random(`${seed}:latency`),
    contentRandom: new Random(`${seed}:content`),
  };
}

/**
 * Starts an in-process Amazon Bedrock emulator: Converse and ConverseStream on one port that speaks both
 * HTTP/1.1 and HTTP/2 cleartext, so the real `@aws-sdk/client-bedrock-runtime` works with its default h2
 * handler and with `NodeHttpHandler`. Any Authorization (SigV4 or Bearer) is accepted unchecked. Answers come
 * from `options.answer`; quota, latency and faults are configurable (see EmulatorOptionsSchema).
 *
 * @throws EmulatorOptionsError when an option is invalid.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveEmulatorOptions(options);
  let state = createState(resolved);
  const active = new Set<AbortController>();
  const sockets = new Set<net.Socket>();

  const handle = (req: IncomingMessage | Http2ServerRequest, res: Response) => {
    const controller = new AbortController();
    active.add(controller);
    res.on('close', () => {
      active.delete(controller);
      if (!res.writableFinished) controller.abort();
    });
    serve(state, req, res, controller.signal).catch((error: unknown) => {
      // A bug in the emulator must not look like a hang to the client.
      if (controller.signal.aborted) return;
      if (res.headersSent) res.end();
      else
        sendError(state, res, 500, 'InternalServerException', `Emulator error: ${String(error)}`);
    });
  };

  const h1 = http.createServer((req, res) => handle(req, res));
  const h2 = http2.createServer((req, res) => handle(req, res));
  h1.on('clientError', (_error, socket) => socket.destroy());
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    // Node 20's http2.createServer({ allowHTTP1 }) only downgrades over TLS (ALPN), so sniff the h2c preface.
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const isHttp2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isHttp2 && head.length < PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (isHttp2) {
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(resolved.port, resolved.host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address() as net.AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    stats: () => structuredClone(state.stats),
    quotaLevels: (modelId) => state.quota.levels(modelId),
    reset: (overrides = {}) => {
      state = createState(resolveEmulatorOptions({ ...options, ...overrides }));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const controller of active) controller.abort();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function sendError(
  state: State,
  res: Response,
  status: number,
  type: string,
  message: string,
): void {
  bump(state.stats.byStatus, String(status));
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': `${type}${ERROR_TYPE_SUFFIX}`,
  });
  res.end(JSON.stringify({ message }));
}

async function serve(
  state: State,
  req: IncomingMessage | Http2ServerRequest,
  res: Response,
  signal: AbortSignal,
): Promise<void> {
  const started = performance.now();
  const path = (req.url ?? '').split('?')[0] ?? '';
  const route = ROUTE.exec(path);
  if (req.method !== 'POST' || !route) {
    await readBody(req);
    sendError(
      state,
      res,
      404,
      'UnknownOperationException',
      `No operation at ${req.method} ${path}`,
    );
    return;
  }
  const stream = route[2] === 'converse-stream';
  const { stats, options } = state;
  stats.requests++;
  stats.byOperation[stream ? 'converseStream' : 'converse']++;
  bump(stats.byHttpVersion, req.httpVersion);
  const attempt = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1];
  if (attempt) bump(stats.byAttemptHeader, attempt);
  const invocation = req.headers['amz-sdk-invocation-id'];
  if (typeof invocation === 'string') {
    state.invocationIds.add(invocation);
    stats.invocations = state.invocationIds.size;
  }

  const body = await readBody(req);
  let modelId: string;
  let request: ConverseRequest;
  try {
    try {
      modelId = decodeURIComponent(route[1]!);
    } catch {
      throw new RequestValidationError(
        `The model id in the path is not valid percent-encoding: ${route[1]}`,
      );
    }
    request = parseConverseRequest(body);
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    stats.invalid++;
    sendError(state, res, 400, 'ValidationException', error.message);
    return;
  }

  const facts = describeRequest(request);
  const slotRequest = extractSlotRequest(facts.lastUserText);
  const fault: Fault | null = state.faults.next(applicableFaults(stream, slotRequest));
  if (fault) stats.faults[fault.kind]++;
  if (fault?.kind === 'throttle') {
    sendError(
      state,
      res,
      429,
      'ThrottlingException',
      'Too many requests, please wait before trying again.',
    );
    return;
  }
  if (fault?.kind === 'server') {
    if (fault.status === 503) {
      sendError(
        state,
        res,
        503,
        'ServiceUnavailableException',
        'Too many connections, please wait before trying again.',
      );
    } else {
      sendError(
        state,
        res,
        500,
        'InternalServerException',
        'The system encountered an unexpected error during processing. Try your request again.',
      );
    }
    return;
  }

  // Quota: reserve the input plus maxTokens at the burndown rate (and, strict, the cache reads); settle on the
  // real output when the call ends (docs/bedrock.md §7).
  const maxTokens = request.inferenceConfig?.maxTokens ?? DEFAULT_MAX_TOKENS;
  const burndown = state.burndown(modelId);
  const cachePlan = state.cache.plan(modelId, facts.checkpoints);
  const uncachedInput = facts.inputTokens - cachePlan.readTokens;
  const reservation = state.quota.reserveCall(modelId, {
    inputTokens: uncachedInput,
    cacheReadTokens: cachePlan.readTokens,
    maxTokens,
    burndown,
  });
  if (typeof reservation === 'string') {
    stats.throttled++;
    sendError(
      state,
      res,
      429,
      'ThrottlingException',
      reservation === 'requests'
        ? 'Too many requests, please wait before trying again.'
        : 'Too many tokens, please wait before trying again.',
    );
    return;
  }
  cachePlan.commit();
  stats.tokensIn += uncachedInput - cachePlan.writeTokens;
  stats.cacheReadTokens += cachePlan.readTokens;
  stats.cacheWriteTokens += cachePlan.writeTokens;

  if (fault?.kind === 'stall') {
    // No byte until the client gives up (its request timeout) or the emulator stops.
    await untilAborted(signal);
    state.quota.settleCall(modelId, reservation, 0);
    return;
  }

  let text: string;
  try {
    text = await askModel(state.answer, {
      modelId,
      system: facts.system,
      lastUserText: facts.lastUserText,
      messages: request.messages,
      slotRequest,
      fault,
      seed: options.seed,
      contentRandom: state.contentRandom,
    });
  } catch (error) {
    state.quota.settleCall(modelId, reservation, 0);
    sendError(
      state,
      res,
      424,
      'ModelErrorException',
      `The model could not answer: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }

  const shaped = shapeAnswer(text, fault, maxTokens, state.contentRandom);
  text = shaped.text;
  let stopReason = shaped.cut ? 'max_tokens' : 'end_turn';
  let toolInput: unknown;
  if (facts.forcedTool) {
    // A forced tool call always carries an object; a cut or broken answer leaves it empty.
    const json = stopReason === 'max_tokens' ? null : extractJson({ text });
    toolInput = json !== null && typeof json === 'object' && !Array.isArray(json) ? json : {};
    if (stopReason === 'end_turn') stopReason = 'tool_use';
  }
  const outputText = facts.forcedTool ? JSON.stringify(toolInput) : text;
  const outputTokens = estimateTokens(outputText);
  const latencyMs = drawLatency(options.latency, modelId, outputTokens, state.latencyRandom);

  const usage: Record<string, number> = {
    inputTokens: uncachedInput - cachePlan.writeTokens,
    outputTokens,
    totalTokens: facts.inputTokens + outputTokens,
  };
  if (facts.hasCachePoints) {
    usage.cacheReadInputTokens = cachePlan.readTokens;
    usage.cacheWriteInputTokens = cachePlan.writeTokens;
  }
  const usageWithDetails =
    cachePlan.details.length > 0 ? { ...usage, cacheDetails: cachePlan.details } : usage;
  const toolUseId = `tooluse_${randomUUID().replaceAll('-', '').slice(0, 22)}`;
  const settle = (output: number) => {
    state.quota.settleCall(modelId, reservation, output);
    stats.tokensOut += output;
  };

  if (!stream) {
    await sleep(latencyMs, signal);
    if (signal.aborted) return settle(0);
    settle(outputTokens);
    bump(stats.byStatus, '200');
    res.writeHead(200, { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() });
    res.end(
      JSON.stringify({
        output: {
          message: {
            role: 'assistant',
            content: facts.forcedTool
              ? [{ toolUse: { toolUseId, name: facts.forcedTool, input: toolInput } }]
              : [{ text }],
          },
        },
        stopReason,
        usage: usageWithDetails,
        metrics: { latencyMs: Math.round(performance.now() - started) },
      }),
    );
    return;
  }

  // ConverseStream: first byte after 40% of the latency, the rest spread over the deltas.
  const chunks = chunksOf(outputText, options.streamChunkChars);
  const pad = (payload: object, i: number) =>
    options.padding ? { ...payload, p: PADDING.slice(0, 1 + ((i * 7) % PADDING.length)) } : payload;
  await sleep(latencyMs * 0.4, signal);
  if (signal.aborted) return settle(0);
  bump(stats.byStatus, '200');
  res.writeHead(200, {
    'Content-Type': 'application/vnd.amazon.eventstream',
    'x-amzn-RequestId': randomUUID(),
  });
  res.write(encodeEvent('messageStart', pad({ role: 'assistant' }, 0)));
  if (facts.forcedTool) {
    res.write(
      encodeEvent(
        'contentBlockStart',
        pad({ start: { toolUse: { toolUseId, name: facts.forcedTool } }, contentBlockIndex: 0 }, 1),
      ),
    );
  }
  const breakAt = fault?.kind === 'midStream' ? Math.max(1, Math.floor(chunks.length / 2)) : -1;
  const gap = (latencyMs * 0.6) / chunks.length;
  let sent = 0;
  for (const [i, chunk] of chunks.entries()) {
    if (i === breakAt) {
      res.write(
        encodeException(
          options.midStreamException,
          STREAM_EXCEPTION_MESSAGES[options.midStreamException],
        ),
      );
      res.end();
      return settle(estimateTokens(outputText.slice(0, sent)));
    }
    const delta = facts.forcedTool ? { toolUse: { input: chunk } } : { text: chunk };
    res.write(encodeEvent('contentBlockDelta', pad({ delta, contentBlockIndex: 0 }, i + 2)));
    sent += chunk.length;
    await sleep(gap, signal);
    if (signal.aborted) return settle(estimateTokens(outputText.slice(0, sent)));
  }
  res.write(encodeEvent('contentBlockStop', pad({ contentBlockIndex: 0 }, 3)));
  res.write(encodeEvent('messageStop', pad({ stopReason }, 4)));
  res.write(
    encodeEvent(
      'metadata',
      pad(
        {
          usage: usageWithDetails,
          metrics: { latencyMs: Math.round(performance.now() - started) },
        },
        5,
      ),
    ),
  );
  res.end();
  settle(outputTokens);
}
