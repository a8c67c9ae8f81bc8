import type { GenerationProgress } from '@genesis/schema/progress';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ModelProvider } from '../src/llm/provider.ts';
import { progressStream, sharedCurrentState } from '../src/platform/graphql/progress-stream.ts';
import { sharedExecutionStats } from '../src/platform/graphql/shared-execution.ts';
import { sharedFrameStats } from '../src/platform/graphql/shared-frames.ts';
import { sharedSseStats } from '../src/platform/graphql/shared-sse.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { FakeProvider } from './helpers/fake-provider.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const START = `mutation($input: GenerationInput!) { startGeneration(input: $input) {
  ... on MutationStartGenerationSuccess { data { id } } } }`;
const PROGRESS = `subscription($id: ID!) { generationProgress(jobId: $id) {
  sequence status accepted requested perLabel { label count } latest { key label preview } updatedAt } }`;

const SMALL = 'subscription($id: ID!) { generationProgress(jobId: $id) { sequence status } }';

/**
 * A graphql-ws connection spoken by hand, to see the frames as sent: subscribes with the given ids and
 * queries, and keeps every frame's text.
 */
async function rawConnection(url: string, jobId: string, subscriptions: Record<string, string>) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const frames: string[] = [];
  const completed = new Set<string>();
  let allDone!: () => void;
  const done = new Promise<void>((r) => {
    allDone = r;
  });
  ws.on('message', (raw) => {
    const text = String(raw);
    const m = JSON.parse(text);
    if (m.type === 'connection_ack') {
      for (const [id, query] of Object.entries(subscriptions)) {
        ws.send(
          JSON.stringify({ id, type: 'subscribe', payload: { query, variables: { id: jobId } } }),
        );
      }
      return;
    }
    frames.push(text);
    if (m.type === 'complete' || m.type === 'error') completed.add(m.id);
    if (completed.size === Object.keys(subscriptions).length) allDone();
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'connection_init' }));
  return { ws, frames, done };
}

/** A progress event as the runner publishes it, with only what these tests read filled in. */
function progress(sequence: number, status: GenerationProgress['status']): GenerationProgress {
  return { jobId: 1, sequence, status } as GenerationProgress;
}

describe('the pubsub fan-out', () => {
  it('coalesces a slow subscriber to the newest progress and never drops the terminal event', async () => {
    const pubsub = createAppPubSub();
    const slow = pubsub.subscribe('generation:progress', 1);
    const first = slow.next();
    pubsub.publish('generation:progress', 1, progress(1, 'running'));
    expect((await first).value.sequence).toBe(1);
    // The subscriber takes nothing while 100 events and the terminal one are published.
    for (let seq = 2; seq <= 101; seq++)
      pubsub.publish('generation:progress', 1, progress(seq, 'running'));
    pubsub.publish('generation:progress', 1, progress(102, 'completed'));
    pubsub.publish('generation:progress', 1, progress(103, 'running'));
    await new Promise((r) => setImmediate(r));
    const got: number[] = [];
    for (let i = 0; i < 3; i++) got.push((await slow.next()).value.sequence);
    // The running states collapse into the newest one, then the terminal event (which no later event replaces),
    // then the newest state after it.
    expect(got).toEqual([101, 102, 103]);
    await slow.return(undefined);
    expect(pubsub.subscriberCount('generation:progress', 1)).toBe(0);
    expect(pubsub.listenerCount()).toBe(0);
  });

  it('keeps every status change for a slow subscriber, coalescing only states of one status', async () => {
    const pubsub = createAppPubSub();
    const slow = pubsub.subscribe('generation:progress', 1);
    const first = slow.next();
    pubsub.publish('generation:progress', 1, progress(1, 'running'));
    await first;
    // Published while the subscriber takes nothing: it pauses, resumes and completes.
    const statuses: [number, GenerationProgress['status']][] = [
      [2, 'running'],
      [3, 'running'],
      [4, 'paused'],
      [5, 'paused'],
      [6, 'running'],
      [7, 'running'],
      [8, 'completed'],
    ];
    for (const [seq, status] of statuses)
      pubsub.publish('generation:progress', 1, progress(seq, status));
    await new Promise((r) => setImmediate(r));
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { value } = await slow.next();
      got.push(`${value.sequence} ${value.status}`);
    }
    // The newest state of each status in turn: the pause is never coalesced away.
    expect(got).toEqual(['3 running', '5 paused', '7 running', '8 completed']);
    await slow.return(undefined);
    expect(pubsub.listenerCount()).toBe(0);
  });

  it('ends a pending next() at once when the subscriber leaves, and lets go of the listener', async () => {
    const pubsub = createAppPubSub();
    const events = pubsub.subscribe('generation:progress', 2);
    const pending = events.next();
    await expect.poll(() => pubsub.subscriberCount('generation:progress', 2)).toBe(1);
    await events.return(undefined);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(pubsub.subscriberCount('generation:progress', 2)).toBe(0);
    expect(pubsub.listenerCount()).toBe(0);
    // Published after it left: nothing is queued for it.
    pubsub.publish('generation:progress', 2, progress(1, 'running'));
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('queues every registry event for a slow subscriber (those are not states)', async () => {
    const pubsub = createAppPubSub();
    const slow = pubsub.subscribe('registry:changed');
    const first = slow.next();
    for (let id = 1; id <= 50; id++)
      pubsub.publish('registry:changed', { type: 'CREATED', datasetId: id });
    const ids = [(await first).value.datasetId];
    for (let i = 0; i < 49; i++) ids.push((await slow.next()).value.datasetId);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await slow.return(undefined);
  });

  it('hands every subscriber the same event object through one listener, publishing without waiting', async () => {
    const pubsub = createAppPubSub();
    const subscribers = Array.from({ length: 50 }, () =>
      pubsub.subscribe('generation:progress', 7),
    );
    const firsts = subscribers.map((s) => s.next());
    await expect.poll(() => pubsub.subscriberCount('generation:progress', 7)).toBe(50);
    expect(pubsub.listenerCount()).toBe(1);
    const event = progress(1, 'running');
    // Returns before any subscriber has the event: delivery happens on a later turn of the event loop.
    pubsub.publish('generation:progress', 7, event);
    const values = await Promise.all(firsts);
    for (const v of values) expect(v.value).toBe(event);
    await Promise.all(subscribers.map((s) => s.return(undefined)));
    expect(pubsub.listenerCount()).toBe(0);
  });
});

describe('a progress stream', () => {
  it('has the events published while it read the current state, so a job ending then is not missed', async () => {
    const pubsub = createAppPubSub();
    const stream = progressStream<GenerationProgress>({
      events: pubsub.subscribe('generation:progress', 4),
      current: async () => {
        // The job ends while its state is being read: the terminal event is published before the read returns.
        await expect.poll(() => pubsub.subscriberCount('generation:progress', 4)).toBe(1);
        pubsub.publish('generation:progress', 4, progress(2, 'completed'));
        await new Promise((r) => setImmediate(r));
        return progress(1, 'running');
      },
      isRunning: () => true,
      isNewer: (e, last) => e.sequence > last.sequence,
    });
    const got: string[] = [];
    for await (const p of stream) got.push(`${p.sequence} ${p.status}`);
    expect(got).toEqual(['1 running', '2 completed']);
    expect(pubsub.listenerCount()).toBe(0);
  });

  it('drops events the client already has, fails for an unknown id, and ends a stored terminal state at once', async () => {
    const pubsub = createAppPubSub();
    const newer = (e: GenerationProgress, last: GenerationProgress) => e.sequence > last.sequence;
    const stream = progressStream<GenerationProgress>({
      events: pubsub.subscribe('generation:progress', 5),
      current: async () => progress(3, 'running'),
      isRunning: () => true,
      isNewer: newer,
    });
    expect((await stream.next()).value?.sequence).toBe(3);
    const next = stream.next();
    await expect.poll(() => pubsub.subscriberCount('generation:progress', 5)).toBe(1);
    pubsub.publish('generation:progress', 5, progress(2, 'running'));
    pubsub.publish('generation:progress', 5, progress(4, 'completed'));
    expect((await next).value?.sequence).toBe(4);
    expect((await stream.next()).done).toBe(true);
    expect(pubsub.listenerCount()).toBe(0);

    const unknown = progressStream<GenerationProgress>({
      events: pubsub.subscribe('generation:progress', 6),
      current: async () => null,
      notFound: () => new Error('no job 6'),
    });
    await expect(unknown.next()).rejects.toThrow('no job 6');
    expect(pubsub.listenerCount()).toBe(0);

    const ended = progressStream<GenerationProgress>({
      events: pubsub.subscribe('generation:progress', 7),
      current: async () => progress(9, 'failed'),
      isRunning: () => false,
    });
    const all: number[] = [];
    for await (const p of ended) all.push(p.sequence);
    expect(all).toEqual([9]);
    expect(pubsub.listenerCount()).toBe(0);
  });
});

describe('the state read for a first event', () => {
  it('is one object for subscribers arriving together while it has not changed, a fresh one after', async () => {
    const current = sharedCurrentState<number, GenerationProgress>(60_000);
    let state = progress(5, 'running');
    // Each read builds a new object, as the runner does.
    const read = async () => ({ ...state });
    const first = await current(1, read);
    expect(await current(1, read)).toBe(first);
    expect(await current(2, read)).not.toBe(first); // another job
    state = progress(6, 'running');
    const next = await current(1, read);
    expect(next).not.toBe(first);
    expect(next?.sequence).toBe(6);
    state = progress(6, 'completed');
    expect((await current(1, read))!.status).toBe('completed');
    expect(await current(3, async () => null)).toBeNull();
    // Older than its age limit: read again.
    const brief = sharedCurrentState<number, GenerationProgress>(20);
    const a = await brief(1, read);
    await new Promise((r) => setTimeout(r, 40));
    expect(await brief(1, read)).not.toBe(a);
  });
});

describe('the pubsub fan-out to 1,000 subscribers', () => {
  it('hands an event out in slices, letting other work run between them, in publishing order', async () => {
    const pubsub = createAppPubSub();
    const N = 1000;
    const subscribers = Array.from({ length: N }, () => pubsub.subscribe('generation:progress', 8));
    const received: number[][] = subscribers.map(() => []);
    const reading = subscribers.map(async (sub, i) => {
      for await (const e of sub) {
        received[i]!.push(e.sequence);
        if (e.status === 'completed') break;
      }
    });
    await expect.poll(() => pubsub.subscriberCount('generation:progress', 8)).toBe(N);
    pubsub.publish('generation:progress', 8, progress(1, 'running'));
    // Work the publisher queues meanwhile (a timer firing, a database answer) gets its turn before the fan-out
    // of that one event is over.
    let handedOutWhenOtherWorkRan = -1;
    setImmediate(() =>
      setImmediate(() => {
        handedOutWhenOtherWorkRan = received.filter((r) => r.length > 0).length;
      }),
    );
    pubsub.publish('generation:progress', 8, progress(2, 'completed'));
    await Promise.all(reading);
    expect(handedOutWhenOtherWorkRan).toBeGreaterThan(0);
    expect(handedOutWhenOtherWorkRan).toBeLessThan(N);
    // Every subscriber got both events in order (the terminal one is never coalesced away).
    for (const r of received) expect(r.at(-1)).toBe(2);
    expect(received.every((r) => r.join() === '1,2' || r.join() === '2')).toBe(true);
    expect(pubsub.listenerCount()).toBe(0);
  });
});

describe('generationProgress with many subscribers', () => {
  let s: TestServer;
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  // Model calls wait for the gate, so a test can have every subscriber live before the job publishes.
  let openGate!: () => void;
  let gate = Promise.resolve();
  const closeGate = () => {
    gate = new Promise((r) => {
      openGate = r;
    });
  };
  beforeAll(async () => {
    process.on('warning', onWarning);
    const fake = new FakeProvider(MODEL, [], 'ok', 40);
    const gated: ModelProvider = {
      name: fake.name,
      model: fake.model,
      call: async (request) => {
        await gate;
        return fake.call(request);
      },
    };
    s = await startTestServer('sqlite', {}, { providers: () => gated });
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await s?.close();
  });

  /**
   * Starts a job whose model calls wait until `live(n)` has seen `n` more subscribers of its progress than it
   * had at the start (and run `beforeTheJobGoesOn`) (connecting dozens of clients can take seconds on a busy machine), so every subscriber is
   * there before the job publishes. `tap()` subscribes to the bus itself and keeps the sequence of every event
   * published from then on.
   */
  async function gatedJob(count: number, seed: number) {
    closeGate();
    const started = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count,
        provider: 'BEDROCK',
        model: MODEL,
        slotsPerCall: 2,
        concurrency: 2,
        seed,
      },
    });
    const jobId: string = started.data.startGeneration.data.id;
    const subscribers = () => s.app.pubsub.subscriberCount('generation:progress', Number(jobId));
    const others = subscribers();
    return {
      jobId,
      live: async (n: number, beforeTheJobGoesOn?: () => void) => {
        try {
          await expect.poll(subscribers, { timeout: 20_000 }).toBeGreaterThanOrEqual(others + n);
          beforeTheJobGoesOn?.();
        } finally {
          openGate();
        }
      },
      tap: () => {
        const published: number[] = [];
        const events = s.app.pubsub.subscribe('generation:progress', Number(jobId));
        void (async () => {
          for await (const e of events) published.push(e.sequence);
        })();
        return { published, stop: () => events.return(undefined) };
      },
    };
  }

  it('executes each event once for 50 subscribers with one selection, with no MaxListeners warning', async () => {
    const job = await gatedJob(100, 9);
    const jobId = job.jobId;
    // What was published after the subscribers came: a subscriber of the bus itself, attached first.
    const tap = job.tap();
    const published = tap.published;
    const before = { ...sharedExecutionStats };

    const N = 50;
    const clients = Array.from({ length: N }, () =>
      createClient({
        url: `${s.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      }),
    );
    const receiving = Promise.all(
      clients.map(async (client) => {
        const events: any[] = [];
        for await (const e of client.iterate({ query: PROGRESS, variables: { id: jobId } })) {
          events.push(e.data?.generationProgress);
        }
        return events;
      }),
    );
    await job.live(N + 1);
    const received = await receiving;
    await tap.stop();
    await Promise.all(clients.map((c) => c.dispose()));

    const executed = sharedExecutionStats.executed - before.executed;
    const reused = sharedExecutionStats.reused - before.reused;
    // Each subscriber's first event (the state read for it) is its own; every published event after that is
    // executed at most once whoever receives it. Unshared, it would be once per subscriber and event.
    const delivered = received.reduce((n, events) => n + events.length, 0);
    expect(executed).toBeLessThanOrEqual(N + published.length);
    expect(executed + reused).toBeGreaterThanOrEqual(delivered);
    expect(reused).toBeGreaterThan(delivered - executed - 1);
    expect(executed).toBeLessThan(delivered / 3);
    // Every subscriber ends with the terminal event, and a published event (all but each subscriber's first,
    // the state read for it) carries the same data for every subscriber.
    const bySequence = new Map<number, string>();
    for (const events of received) {
      expect(events.at(-1).status).toBe('COMPLETED');
      expect(events.at(-1).accepted).toBe(100);
      for (const e of events.slice(1)) {
        const json = JSON.stringify(e);
        expect(bySequence.get(e.sequence) ?? json).toBe(json);
        bySequence.set(e.sequence, json);
      }
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('serialises each event once for 20 SSE subscribers, and each gets the terminal event', async () => {
    const job = await gatedJob(60, 11);
    const jobId = job.jobId;
    const tap = job.tap();
    const published = tap.published;
    const before = { ...sharedExecutionStats };
    const sseBefore = { ...sharedSseStats };
    const N = 20;
    const receiving = Promise.all(
      Array.from({ length: N }, async () => {
        const res = await fetch(`${s.url}/graphql`, {
          method: 'POST',
          headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
          body: JSON.stringify({ query: PROGRESS, variables: { id: jobId } }),
        });
        const text = await res.text(); // the stream ends after the terminal event
        return text
          .split('\n\n')
          .filter((block) => block.startsWith('event: next'))
          .map(
            (block) => JSON.parse(block.slice(block.indexOf('data:') + 5)).data.generationProgress,
          );
      }),
    );
    await job.live(N + 1);
    const received = await receiving;
    await tap.stop();
    const serialised = sharedExecutionStats.serialised - before.serialised;
    const delivered = received.reduce((n, events) => n + events.length, 0);
    // The first event of each is the state read for it (shared by those arriving within a second while it has
    // not changed); the others are serialised once per event, where unshared it would be once per subscriber
    // and event.
    expect(serialised).toBeGreaterThanOrEqual(1);
    expect(serialised).toBeLessThanOrEqual(N + published.length);
    expect(serialised).toBeLessThan(delivered / 2);
    // And each shared event's SSE chunk is encoded once, the other subscribers sent the same bytes.
    const encoded = sharedSseStats.encoded - sseBefore.encoded;
    const reused = sharedSseStats.reused - sseBefore.reused;
    expect(encoded).toBeGreaterThanOrEqual(1);
    expect(encoded).toBeLessThanOrEqual(serialised);
    expect(reused).toBeGreaterThan(delivered / 2);
    for (const events of received) {
      expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', accepted: 60 });
    }
  });

  it('lets go of an SSE subscriber that disconnects while the job runs, the others still getting the end', async () => {
    const job = await gatedJob(40, 13);
    const jobId = job.jobId;
    const subscribers = () => s.app.pubsub.subscriberCount('generation:progress', Number(jobId));
    // The server's own subscribers of the job (its progress samples).
    const others = subscribers();
    const open = (signal?: AbortSignal) =>
      fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ query: SMALL, variables: { id: jobId } }),
        signal,
      });
    const leaving = new AbortController();
    const left = await open(leaving.signal);
    const stays = await open();
    const reader = left.body!.getReader();
    // Its first bytes (the ping and the current state) came: the subscription is live.
    await reader.read();
    await expect.poll(subscribers, { timeout: 20_000 }).toBe(others + 2);
    leaving.abort();
    await reader.cancel().catch(() => undefined);
    // The server notices the closed connection and ends that subscription (its mailbox leaves the fan-out).
    await expect.poll(subscribers, { timeout: 20_000 }).toBe(others + 1);
    await job.live(0);
    const text = await stays.text();
    expect(text).toContain('"status":"COMPLETED"');
    expect(text.endsWith('event: complete\ndata:\n\n')).toBe(true);
  });

  it('lets subscribers with another selection get their own results', async () => {
    const started = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count: 20,
        provider: 'BEDROCK',
        model: MODEL,
        slotsPerCall: 2,
        concurrency: 2,
        seed: 4,
      },
    });
    const jobId = started.data.startGeneration.data.id;
    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const read = async (query: string) => {
      const events: any[] = [];
      for await (const e of client.iterate({ query, variables: { id: jobId } }))
        events.push(e.data?.generationProgress);
      return events;
    };
    const [full, small] = await Promise.all([
      read(PROGRESS),
      read('subscription($id: ID!) { generationProgress(jobId: $id) { sequence status } }'),
    ]);
    await client.dispose();
    expect(Object.keys(full.at(-1)).sort()).toEqual(
      ['accepted', 'latest', 'perLabel', 'requested', 'sequence', 'status', 'updatedAt'].sort(),
    );
    expect(Object.keys(small.at(-1)).sort()).toEqual(['sequence', 'status']);
    expect(small.at(-1).status).toBe('COMPLETED');
  });

  it('sends one JSON per event and selection in every graphql-ws frame, each with its subscriber id', async () => {
    const job = await gatedJob(40, 5);
    const jobId = job.jobId;
    const before = { ...sharedFrameStats };
    const beforeSerialised = sharedExecutionStats.serialised;
    // Two connections; the first has two subscriptions of one selection (one id needing JSON escapes), the
    // second one of each selection.
    const odd = 'q"\\é\u2028';
    const a = await rawConnection(s.url, jobId, { a: PROGRESS, [odd]: PROGRESS });
    const b = await rawConnection(s.url, jobId, { '1': PROGRESS, '2': SMALL });
    await job.live(4);
    await Promise.all([a.done, b.done]);
    a.ws.close();
    b.ws.close();

    const byId = new Map<string, { text: string; payload: any }[]>();
    for (const [conn, ids] of [
      [a, ['a', odd]],
      [b, ['1', '2']],
    ] as const) {
      for (const text of conn.frames) {
        const m = JSON.parse(text);
        // Every frame is valid JSON, of this connection's subscriptions only.
        expect(ids).toContain(m.id);
        if (m.type !== 'next') continue;
        const list = byId.get(m.id) ?? [];
        list.push({ text, payload: m.payload });
        byId.set(m.id, list);
      }
      for (const id of ids) expect(conn.frames.at(-1) && byId.get(id)?.length).toBeGreaterThan(1);
    }
    for (const id of ['a', odd, '1', '2']) {
      const events = byId.get(id)!;
      expect(events.at(-1)!.payload.data.generationProgress.status).toBe('COMPLETED');
    }
    expect(Object.keys(byId.get('2')!.at(-1)!.payload.data.generationProgress).sort()).toEqual([
      'sequence',
      'status',
    ]);
    // The same event reaches the three full-selection subscriptions as the same payload text, whatever their id.
    const payloadText = (text: string) => text.slice(text.indexOf(',"type":"next","payload":'));
    const bySequence = new Map<number, string>();
    let compared = 0;
    for (const id of ['a', odd, '1']) {
      for (const { text, payload } of byId.get(id)!.slice(1)) {
        const seq = payload.data.generationProgress.sequence as number;
        const known = bySequence.get(seq);
        if (known !== undefined) {
          expect(payloadText(text)).toBe(known);
          compared++;
        } else bySequence.set(seq, payloadText(text));
      }
    }
    expect(compared).toBeGreaterThan(0);
    // Every frame went out with its JSON spliced in; that JSON was made once per subscription's first event
    // (the state read for it) and once per published event and selection, not once per frame.
    const nexts = [...byId.values()].reduce((n, list) => n + list.length, 0);
    expect(sharedFrameStats.spliced - before.spliced).toBe(nexts);
    const smallSequences = new Set(
      byId
        .get('2')!
        .slice(1)
        .map((e) => e.payload.data.generationProgress.sequence),
    );
    const serialised = sharedExecutionStats.serialised - beforeSerialised;
    expect(serialised).toBeLessThanOrEqual(4 + bySequence.size + smallSequences.size);
    expect(serialised).toBeLessThan(nexts);
  });

  it('a graphql-ws client that stops reading still gets the terminal event when it reads again', async () => {
    const job = await gatedJob(40, 6);
    const jobId = job.jobId;
    const slow = await rawConnection(s.url, jobId, { s: PROGRESS });
    const quick = await rawConnection(s.url, jobId, { q: PROGRESS });
    // The slow client reads nothing until the job has ended.
    await job.live(2, () => slow.ws.pause());
    await quick.done;
    const status = await s.gql<any>('query($id: ID!) { generationJob(id: $id) { status } }', {
      id: jobId,
    });
    expect(status.data.generationJob.status).toBe('COMPLETED');
    slow.ws.resume();
    await slow.done;
    slow.ws.close();
    quick.ws.close();
    const nexts = slow.frames.map((t) => JSON.parse(t)).filter((m) => m.type === 'next');
    expect(nexts.at(-1).payload.data.generationProgress).toMatchObject({
      status: 'COMPLETED',
      accepted: 40,
    });
    expect(JSON.parse(slow.frames.at(-1)!)).toEqual({ id: 's', type: 'complete' });
  });
});
