/**
 * pnpm bench:load [--quick] [--only fanout|queries] [--sizes 100,500,1000] [--items 100000] [--cpu-prof DIR]
 *   [--transports graphql-ws,sse] [--queries list,items] [--rates 50,100,200] [--job yes|no] [--clients 2]
 *
 * The server under load, on loopback only. The server runs in a child process (its own event loop and CPU
 * figures); a fan-out's subscribers run in `--clients` processes of their own (2), apart from this script, which
 * drives the phases and sends the query rates.
 *
 * 1. Fan-out: a generation job (the local writer, each call held 250 ms like a remote model, so the job's length
 *    does not depend on the CPU it gets) with N subscribers on `generationProgress` and its full selection, over
 *    graphql-ws and over SSE, N = 100, 500, 1,000 (`--sizes`). Printed per row: time to each subscriber's first
 *    event (p50, p99, max), event lag (from the moment the server produced the state, the event's `updatedAt`,
 *    to the moment a client's event loop read the frame, both on this machine's clock: p50/p99/max), events a
 *    subscriber did not get out of those any subscriber got ("skipped": coalesced for a slow client), subscribers
 *    that never got the terminal event ("lost"), the server's CPU (share of one core, and ms per 1,000 events
 *    received) and peak RSS over the phase, the client processes' CPU (the same two figures: on a 2-core machine
 *    the clients compete with the server, and their share of the lag shows here), the job's speed (accepted items per second; the job is cancelled after 20 s, "cut") against the same
 *    job with no subscriber (first row), and connections the kernel
 *    dropped because the server's listen queue was full ("SYN drops", from /proc/net/netstat: such a client
 *    retries after 1, 3, 7 s...).
 * 2. Queries: open-loop request rates of 50, 100 and 200 req/s, for the dataset list
 *    (`datasets(first: 20)` with totalCount) and an items page (`items(first: 50)` with totalCount) of a dataset
 *    of `--items` items (100,000), each with no job and with a job running: p50, p99 and errors (a 10 s
 *    timeout counts as an error).
 *
 * Every row carries the 1-minute load average (`uptime`) at its end: the machine is shared, so a figure is
 * only comparable with rows of the same run. Each phase is bounded (about 20 s at most); `--quick` runs smaller
 * phases (100 and 500 subscribers, 3 s per rate, a 20,000-item dataset). The SYN drops need Linux (n/a
 * elsewhere).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { ModelProvider } from '../src/llm/provider.ts';

const SCRIPT = fileURLToPath(import.meta.url);
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    sizes: { type: 'string' },
    items: { type: 'string' },
    serve: { type: 'boolean', default: false },
    client: { type: 'boolean', default: false },
    clients: { type: 'string' },
    'cpu-prof': { type: 'string' },
    queries: { type: 'string' },
    rates: { type: 'string' },
    job: { type: 'string' },
    transports: { type: 'string' },
  },
  allowPositionals: true,
});

const QUICK = values.quick;
/** Processes the subscribers of a fan-out phase are spread over. */
const CLIENTS = Math.max(1, Number(values.clients ?? 2));
const CALL_LATENCY_MS = 250;
/** A fan-out phase's job is cancelled after this long (its speed is measured either way). */
const JOB_LIMIT_S = 20;
/** With `--cpu-prof`, event-loop turns longer than this (ms) are recorded as stalls. */
const STALL_MS = Number(process.env.BENCH_STALL_MS ?? 20);

// ---------------------------------------------------------------------------------------------
// The server process

async function serve(items: number): Promise<void> {
  const { buildApp } = await import('../src/platform/app.ts');
  const { loadConfig } = await import('../src/platform/config.ts');
  const { createTempSqlite } = await import('../src/platform/db/temp-database.ts');
  const { LocalProvider } = await import('../src/llm/local/provider.ts');
  let maxListenerWarnings = 0;
  process.on('warning', (w) => {
    if (w.name === 'MaxListenersExceededWarning') maxListenerWarnings++;
  });
  const temp = await createTempSqlite();
  const config = loadConfig({
    GENESIS_DB: (temp.db as { path: string }).path,
    GENESIS_LOG_LEVEL: 'silent',
  });
  const local = new LocalProvider();
  // A remote model's latency, without its variance: the job's length then depends on the server only.
  const slow: ModelProvider = {
    name: local.name,
    model: local.model,
    call: async (req) => {
      await new Promise((r) => setTimeout(r, CALL_LATENCY_MS));
      return local.call(req);
    },
  };
  const app = await buildApp(config, { webBuildDir: null, providers: () => slow });
  const em = app.services.em.fork();
  const intents = [
    'card_arrival',
    'lost_or_stolen_card',
    'top_up_failed',
    'exchange_rate',
    'pin_blocked',
  ];
  async function* batches() {
    for (let start = 0; start < items; start += 5000) {
      yield Array.from({ length: Math.min(5000, items - start) }, (_, j) => {
        const i = start + j;
        const intent = intents[i % intents.length]!;
        return {
          key: `u-${i}`,
          data: { text: `where is my card number ${i}, it is about ${intent}`, intent },
          columns: { intent, language: 'en' },
        };
      });
    }
  }
  const dataset = await app.services
    .datasets(em)
    .createWithItems({ name: `bench-${items}`, kind: 'utterances', origin: 'imported' }, batches());
  const url = await app.start(0, '127.0.0.1');
  // With --cpu-prof: the event loop's stalls (a turn longer than STALL_MS), on the CPU profile's clock (µs of the
  // monotonic clock), written next to the profile, so a profile can be read at the moments requests waited.
  const stalls: [number, number][] = [];
  if (values['cpu-prof']) {
    let last = process.hrtime.bigint();
    setInterval(() => {
      const now = process.hrtime.bigint();
      if (now - last > BigInt(STALL_MS * 1e6))
        stalls.push([Number(last / 1000n), Number(now / 1000n)]);
      last = now;
    }, 2).unref();
  }
  process.send!({ type: 'ready', url, datasetId: dataset.id });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') {
      process.send!({
        type: 'stats',
        cpuUs: process.cpuUsage(),
        rss: process.memoryUsage().rss,
        maxListenerWarnings,
      });
    }
    if (m.type === 'stop') {
      if (values['cpu-prof'])
        writeFileSync(
          join(values['cpu-prof'], `stalls.${process.pid}.json`),
          JSON.stringify(stalls),
        );
      void app
        .stop()
        .then(() => temp.drop())
        .then(() => process.exit(0));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The clients

interface ServerStats {
  cpuUs: { user: number; system: number };
  rss: number;
  maxListenerWarnings: number;
}

class ServerProcess {
  #child: ChildProcess;
  #waiting: ((s: ServerStats) => void)[] = [];
  url = '';
  datasetId = 0;
  constructor(items: number | undefined) {
    this.#child = spawn(
      process.execPath,
      [
        // A V8 CPU profile of the server, written to this folder when it exits (open it in Chrome's DevTools).
        ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []),
        '--import',
        'tsx',
        SCRIPT,
        '--serve',
        ...(values['cpu-prof'] ? ['--cpu-prof', values['cpu-prof']] : []),
        ...(QUICK ? ['--quick'] : []),
        ...(items ? ['--items', String(items)] : []),
      ],
      { cwd: SERVER_DIR, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    this.#child.on('message', (m: { type: string } & ServerStats) => {
      if (m.type === 'stats') this.#waiting.shift()?.(m);
    });
  }
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
      this.#child.on('message', (m: { type: string; url: string; datasetId: number }) => {
        if (m.type !== 'ready') return;
        this.url = m.url;
        this.datasetId = m.datasetId;
        resolve();
      });
    });
  }
  stats(): Promise<ServerStats> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#child.send({ type: 'stats' });
    });
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.send({ type: 'stop' });
    });
  }
}

/** What a client process reports for its subscribers at the end of a phase. */
interface ClientReport {
  type: 'report';
  logs: { first: number | null; lags: number[]; sequences: number[]; terminal: boolean }[];
  /** CPU the client process used from opening its subscribers to its report (microseconds). */
  cpuUs: number;
}

/**
 * A process of subscribers (`--client`): the clients get cores of their own scheduling, apart from the script
 * that drives the phases, and their CPU is counted apart from the server's. Started before the job, it opens its
 * subscribers on `open`, and on `finish` (or when every subscriber has had its terminal event) reports.
 */
class ClientProcess {
  #child: ChildProcess;
  constructor() {
    this.#child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--client'], {
      cwd: SERVER_DIR,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#child.once('exit', (code) => reject(new Error(`a client process exited (${code})`)));
      this.#child.once('message', () => resolve());
    });
  }
  /** Opens `n` subscribers and resolves with their logs once they have all ended, or `finish` was called. */
  run(
    transport: 'graphql-ws' | 'sse',
    url: string,
    jobId: string,
    n: number,
  ): Promise<ClientReport> {
    return new Promise((resolve, reject) => {
      let reported = false;
      this.#child.on('message', (m: ClientReport) => {
        if (m.type !== 'report') return;
        reported = true;
        resolve(m);
      });
      // A client that dies fails the run rather than leave it waiting.
      this.#child.once('exit', (code) => {
        if (!reported) reject(new Error(`a client process exited (${code}) before reporting`));
      });
      this.#child.send({ type: 'open', transport, url, jobId, n });
    });
  }
  finish(): void {
    if (this.#child.connected) this.#child.send({ type: 'finish' });
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#child.exitCode !== null) return resolve();
      this.#child.once('exit', () => resolve());
      this.#child.kill();
    });
  }
}

/** The client process's side: opens subscribers when told, reports their logs and its CPU. */
async function clientMain(): Promise<void> {
  process.send!({ type: 'ready' });
  let release!: () => void;
  const done = new Promise<void>((r) => {
    release = r;
  });
  process.on(
    'message',
    async (m: { type: string; transport: string; url: string; jobId: string; n: number }) => {
      if (m.type === 'finish') release();
      if (m.type !== 'open') return;
      const cpu = process.cpuUsage();
      const open = m.transport === 'sse' ? sseSubscriber : wsSubscriber;
      const logs = await Promise.all(Array.from({ length: m.n }, () => open(m.url, m.jobId, done)));
      const used = process.cpuUsage(cpu);
      const report: ClientReport = {
        type: 'report',
        logs: logs.map((l) => ({ ...l, sequences: [...l.sequences] })),
        cpuUs: used.user + used.system,
      };
      process.send!(report, () => process.exit(0));
    },
  );
}

/** The kernel's count of connections dropped because a listen queue was full (Linux; null elsewhere). */
function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const header = lines.find((l) => l.startsWith('TcpExt:'))!.split(/\s+/);
    const values = lines.filter((l) => l.startsWith('TcpExt:'))[1]!.split(/\s+/);
    return Number(values[header.indexOf('ListenOverflows')]);
  } catch {
    return null;
  }
}

/** CPU (share of one core) and peak RSS of the server between `start()` and `stop()`. */
async function measureServer(server: ServerProcess) {
  const first = await server.stats();
  const overflowsBefore = listenOverflows();
  const started = performance.now();
  let peak = first.rss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await new Promise((r) => setTimeout(r, 500));
      peak = Math.max(peak, (await server.stats()).rss);
    }
  })();
  return async () => {
    sampling = false;
    await sampler;
    const last = await server.stats();
    const cpu =
      (last.cpuUs.user + last.cpuUs.system - first.cpuUs.user - first.cpuUs.system) /
      1000 /
      (performance.now() - started);
    const overflowsAfter = listenOverflows();
    return {
      cpu,
      /** CPU time the server spent over the phase (ms): robust to a shared machine, unlike latencies. */
      cpuMs: (last.cpuUs.user + last.cpuUs.system - first.cpuUs.user - first.cpuUs.system) / 1000,
      peakRssMb: Math.max(peak, last.rss) / 1048576,
      warnings: last.maxListenerWarnings,
      // Machine-wide: another process's full listen queue counts too (rare on loopback).
      overflows:
        overflowsBefore === null || overflowsAfter === null
          ? null
          : overflowsAfter - overflowsBefore,
    };
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few fields of known queries
async function gql<T = any>(url: string, query: string, variables?: object): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

const START = `mutation($input: GenerationInput!) { startGeneration(input: $input) {
  __typename ... on MutationStartGenerationSuccess { data { id } } ... on Error { message } } }`;

/** A job of `count` conversations: 2 per call, 4 calls at a time, 250 ms each: about count / 8 x 0.25 s. */
async function startJob(url: string, count: number): Promise<string> {
  const r = await gql(url, START, {
    input: {
      kind: 'CONVERSATIONS',
      count,
      provider: 'LOCAL',
      slotsPerCall: 2,
      concurrency: 4,
      seed: 3,
    },
  });
  const started = r.startGeneration;
  if (!started.data) throw new Error(`startGeneration: ${started.message ?? started.__typename}`);
  return started.data.id as string;
}

/**
 * Waits for a job to end, cancelling it after `limitS` seconds (bounded phases on a slow machine), and returns
 * its speed: accepted items per second of its run.
 */
async function jobRun(url: string, id: string, limitS: number) {
  const deadline = performance.now() + limitS * 1000;
  let cancelled = false;
  for (;;) {
    const r = await gql(
      url,
      'query($id: ID!) { generationJob(id: $id) { status accepted startedAt finishedAt } }',
      { id },
    );
    const job = r.generationJob;
    if (job.finishedAt) {
      const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
      return { seconds, perSecond: job.accepted / seconds, cancelled };
    }
    if (!cancelled && performance.now() > deadline) {
      cancelled = true;
      await gql(url, 'mutation($id: ID!) { cancelGeneration(id: $id) { __typename } }', { id });
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}

const PROGRESS = `subscription($id: ID!) { generationProgress(jobId: $id) {
  jobId datasetId status message requested accepted rejected rejectionReasons { reason count } retries throttles
  calls concurrency itemsPerMinute etaSeconds inputTokens outputTokens cacheReadTokens cacheWriteTokens costUsd
  costPerItemUsd perLabel { label count } latest { key label preview }
  batch { status jobs recordsSubmitted recordsCompleted recordsFailed } sequence updatedAt } }`;

const TERMINAL = new Set(['COMPLETED', 'COMPLETED_SHORT', 'FAILED', 'CANCELLED']);

interface SubscriberLog {
  /** ms from the request to the first event; null when none came. */
  first: number | null;
  lags: number[];
  sequences: Set<number>;
  terminal: boolean;
}

/**
 * Records an event. Its lag is the time from the moment the server produced the state (the job's clock when it
 * built the event, `updatedAt`, the same machine's clock) to `receivedAt`, when this client's event loop read
 * the frame (before parsing it): the server's delivery and the client's own queueing both count.
 */
function onEvent(log: SubscriberLog, opened: number, payload: unknown, receivedAt: number) {
  const p = (
    payload as {
      data?: { generationProgress?: { sequence: number; status: string; updatedAt: string } };
    }
  )?.data?.generationProgress;
  if (!p) return;
  if (log.first === null) log.first = performance.now() - opened;
  else log.lags.push(receivedAt - Date.parse(p.updatedAt));
  log.sequences.add(p.sequence);
  if (TERMINAL.has(p.status)) log.terminal = true;
}

function wsSubscriber(url: string, jobId: string, done: Promise<void>): Promise<SubscriberLog> {
  const log: SubscriberLog = { first: null, lags: [], sequences: new Set(), terminal: false };
  const opened = performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const finish = () => {
      ws.terminate();
      resolve(log);
    };
    void done.then(finish);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('error', finish);
    ws.on('close', finish);
    ws.on('message', (raw) => {
      const receivedAt = Date.now();
      const m = JSON.parse(String(raw));
      if (m.type === 'connection_ack') {
        ws.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: PROGRESS, variables: { id: jobId } },
          }),
        );
      } else if (m.type === 'next') onEvent(log, opened, m.payload, receivedAt);
      else if (m.type === 'complete' || m.type === 'error') finish();
    });
  });
}

const sseAgent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

function sseSubscriber(url: string, jobId: string, done: Promise<void>): Promise<SubscriberLog> {
  const log: SubscriberLog = { first: null, lags: [], sequences: new Set(), terminal: false };
  const opened = performance.now();
  return new Promise((resolve) => {
    const body = JSON.stringify({ query: PROGRESS, variables: { id: jobId } });
    const req = request(`${url}/graphql`, {
      method: 'POST',
      agent: sseAgent,
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    });
    const finish = () => {
      req.destroy();
      resolve(log);
    };
    void done.then(finish);
    req.on('error', finish);
    req.on('response', (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const receivedAt = Date.now();
        buffer += chunk;
        let idx = buffer.indexOf('\n\n');
        while (idx >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          if (block.startsWith('event: complete')) return finish();
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5))
            .join('');
          if (data) onEvent(log, opened, JSON.parse(data), receivedAt);
          idx = buffer.indexOf('\n\n');
        }
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.end(body);
  });
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const load = () => loadavg()[0]!.toFixed(2);

async function fanout(server: ServerProcess, sizes: number[]) {
  const count = QUICK ? 240 : 480; // about 8 s or 15 s of job
  console.log(
    `\n## Fan-out: generationProgress, full selection (job: ${count} conversations, 2 per call, 4 calls at a time, ${CALL_LATENCY_MS} ms per call)\n`,
  );
  console.log(
    '| transport | subscribers | first event p50 / p99 / max (ms) | lag p50 / p99 / max (ms) | skipped | lost | server CPU | server CPU ms per 1k events | client CPU | client CPU ms per 1k events | peak RSS (MB) | job items/s | vs none | SYN drops | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const idleStop = await measureServer(server);
  const baseJob = await startJob(server.url, count);
  const base = await jobRun(server.url, baseJob, JOB_LIMIT_S);
  const idle = await idleStop();
  console.log(
    `| none | 0 | | | | | ${fmt(idle.cpu * 100)}% | | | | ${fmt(idle.peakRssMb)} | ${fmt(base.perSecond, 1)}${base.cancelled ? ' (cut)' : ''} | 1.00 | ${idle.overflows ?? 'n/a'} | ${load()} |`,
  );
  const transports = (values.transports?.split(',') ?? ['graphql-ws', 'sse']) as (
    | 'graphql-ws'
    | 'sse'
  )[];
  for (const transport of transports) {
    for (const n of sizes) {
      // The subscribers, in client processes of their own (started before the phase is measured).
      const clients = Array.from({ length: CLIENTS }, () => new ClientProcess());
      await Promise.all(clients.map((c) => c.ready()));
      const stop = await measureServer(server);
      const phaseStarted = performance.now();
      const jobId = await startJob(server.url, count);
      const reports = Promise.all(
        clients.map((c, i) =>
          c.run(transport, server.url, jobId, Math.floor(n / CLIENTS) + (i < n % CLIENTS ? 1 : 0)),
        ),
      );
      const times = await jobRun(server.url, jobId, JOB_LIMIT_S);
      // Every subscriber ends at the terminal event (graphql-ws `complete`, SSE `event: complete`); those that
      // have not 10 s after the job ends are cut off.
      const cutoff = setTimeout(() => {
        for (const c of clients) c.finish();
      }, 10_000);
      const done = await reports;
      clearTimeout(cutoff);
      const stats = await stop();
      const phaseMs = performance.now() - phaseStarted;
      await Promise.all(clients.map((c) => c.stop()));
      const all = done.flatMap((r) => r.logs);
      const clientCpuMs = done.reduce((t, r) => t + r.cpuUs, 0) / 1000;
      const firsts = all.map((l) => l.first ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
      const lags = all.flatMap((l) => l.lags).sort((a, b) => a - b);
      const union = new Set(all.flatMap((l) => l.sequences));
      const skipped = all.reduce((s, l) => s + (union.size - l.sequences.length), 0) / all.length;
      const lost = all.filter((l) => !l.terminal).length;
      // Every event any subscriber received, its first included: the server's CPU per thousand of them (the
      // job's own CPU included, as in the "none" row).
      const events = all.reduce((n, l) => n + l.sequences.length, 0);
      console.log(
        `| ${transport} | ${n} | ${fmt(quantile(firsts, 0.5))} / ${fmt(quantile(firsts, 0.99))} / ${fmt(firsts.at(-1) ?? Number.NaN)} | ${fmt(quantile(lags, 0.5))} / ${fmt(quantile(lags, 0.99))} / ${fmt(lags.at(-1) ?? Number.NaN)} | ${fmt(skipped, 1)} of ${union.size} | ${lost} | ${fmt(stats.cpu * 100)}% | ${fmt((stats.cpuMs / events) * 1000)} | ${fmt((clientCpuMs / phaseMs) * 100)}% | ${fmt((clientCpuMs / events) * 1000)} | ${fmt(stats.peakRssMb)} | ${fmt(times.perSecond, 1)}${times.cancelled ? ' (cut)' : ''} | ${fmt(times.perSecond / base.perSecond, 2)} | ${stats.overflows ?? 'n/a'} | ${load()} |`,
      );
    }
  }
  const warnings = (await server.stats()).maxListenerWarnings;
  console.log(`\nMaxListenersExceededWarning in the server: ${warnings}`);
}

const LIST =
  'query { datasets(first: 20) { totalCount edges { node { id name kind itemCount tags } } } }';
const ITEMS = `query($id: ID!) { dataset(id: $id) { items(first: 50) { totalCount
  pageInfo { hasNextPage endCursor } edges { node { id key position intent language } } } } }`;

async function openLoop(
  url: string,
  rate: number,
  seconds: number,
  query: string,
  variables: object,
) {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = started + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    sent.push(
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (res) => {
          const body = (await res.json()) as { errors?: unknown };
          if (!res.ok || body.errors) errors++;
          else latencies.push(performance.now() - t0);
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(sent);
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), errors, total };
}

async function queries(server: ServerProcess, items: number) {
  const seconds = QUICK ? 3 : 6;
  console.log(
    `\n## Query rates (${seconds} s per row, open loop, 10 s timeout; items page of ${items} items)\n`,
  );
  console.log(
    '| query | job running | req/s | p50 (ms) | p99 (ms) | errors | server CPU | CPU ms per request | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const rates = values.rates ? values.rates.split(',').map(Number) : [50, 100, 200];
  const halves = values.job === 'yes' ? [true] : values.job === 'no' ? [false] : [false, true];
  const names = values.queries?.split(',') ?? ['list', 'items'];
  for (const withJob of halves) {
    // A job long enough to run through every row of this half, cancelled after it.
    const jobId = withJob ? await startJob(server.url, 100_000) : null;
    for (const [key, name, query, variables] of [
      ['list', 'datasets(first: 20)', LIST, {}],
      ['items', 'items(first: 50)', ITEMS, { id: String(server.datasetId) }],
    ] as const) {
      if (!names.includes(key)) continue;
      for (const rate of rates) {
        const stop = await measureServer(server);
        const r = await openLoop(server.url, rate, seconds, query, variables);
        const stats = await stop();
        console.log(
          `| ${name} | ${withJob ? 'yes' : 'no'} | ${rate} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} of ${r.total} | ${fmt(stats.cpu * 100)}% | ${fmt(stats.cpuMs / r.total, 2)} | ${load()} |`,
        );
      }
    }
    if (jobId)
      await gql(server.url, 'mutation($id: ID!) { cancelGeneration(id: $id) { __typename } }', {
        id: jobId,
      });
  }
}

async function main() {
  const items = Number(values.items ?? (QUICK ? 20_000 : 100_000));
  const sizes = values.sizes
    ? values.sizes.split(',').map(Number)
    : QUICK
      ? [100, 500]
      : [100, 500, 1000];
  console.log(
    `bench:load${QUICK ? ' --quick' : ''}: Node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const server = new ServerProcess(items);
  await server.ready();
  try {
    if (values.only !== 'queries') await fanout(server, sizes);
    if (values.only !== 'fanout') await queries(server, items);
  } finally {
    await server.stop();
    sseAgent.destroy();
  }
}

// Classes are not hoisted: dispatch once everything above is defined.
if (values.serve) await serve(Number(values.items ?? (QUICK ? 20_000 : 100_000)));
else if (values.client) await clientMain();
else await main();
