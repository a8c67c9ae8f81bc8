import type { ResultOf } from 'gql.tada';
import type { Client, Sink } from 'graphql-ws';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { graphql } from '../src/lib/graphql/graphql.ts';
import { LiveSubscription } from '../src/lib/live/subscription.svelte.ts';

const JobProgress = graphql(`
  subscription TestJobProgress($jobId: ID!) {
    generationProgress(jobId: $jobId) {
      jobId
      status
      requested
      accepted
      rejected
      etaSeconds
    }
  }
`);

type Event = ResultOf<typeof JobProgress>;
type Progress = Event['generationProgress'];

/** A graphql-ws client double: records subscriptions and lets the test play the server. */
function fakeClient() {
  const subscriptions: {
    variables: Record<string, unknown> | null | undefined;
    sink: Sink;
    unsubscribed: boolean;
  }[] = [];
  const listeners: Record<string, ((...args: unknown[]) => void)[]> = {};
  let disposed = 0;
  const client = {
    subscribe(payload: { variables?: Record<string, unknown> | null }, sink: Sink) {
      const entry = { variables: payload.variables, sink, unsubscribed: false };
      subscriptions.push(entry);
      return () => {
        entry.unsubscribed = true;
      };
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      const list = listeners[event] ?? [];
      listeners[event] = list;
      list.push(listener);
      return () => {
        listeners[event] = (listeners[event] ?? []).filter((l) => l !== listener);
      };
    },
    dispose() {
      disposed += 1;
    },
  };
  return {
    client: client as unknown as Client,
    subscriptions,
    emit: (event: string, ...args: unknown[]) => {
      for (const l of listeners[event] ?? []) l(...args);
    },
    listenerCount: () => Object.values(listeners).reduce((n, l) => n + l.length, 0),
    get disposed() {
      return disposed;
    },
  };
}

const progress = (over: Partial<Progress> = {}): Progress => ({
  jobId: '1',
  status: 'RUNNING',
  requested: 100,
  accepted: 0,
  rejected: 0,
  etaSeconds: null,
  ...over,
});

/** The job page's store: the newest snapshot wins (here: the one with more decided items). */
function jobStore(fake: ReturnType<typeof fakeClient>, loaded: () => Progress, extra = {}) {
  const decided = (p: Progress) => p.accepted + p.rejected;
  const newer = (a: Progress, b: Progress) => (decided(b) >= decided(a) ? b : a);
  return new LiveSubscription({
    document: JobProgress,
    initial: loaded,
    merge: (value: Progress, event: Event) => newer(value, event.generationProgress),
    prefer: newer,
    isFinal: (event: Event) => event.generationProgress.status !== 'RUNNING',
    client: () => fake.client,
    ...extra,
  });
}

describe('LiveSubscription', () => {
  it('starts from the loaded value and merges events into it', () => {
    const fake = fakeClient();
    const live = jobStore(fake, () => progress({ accepted: 10 }));
    expect(live.status).toBe('idle');
    expect(live.value.accepted).toBe(10);

    const stop = live.connect({ jobId: '1' });
    expect(live.status).toBe('connecting');
    expect(fake.subscriptions).toHaveLength(1);
    expect(fake.subscriptions[0]?.variables).toEqual({ jobId: '1' });

    fake.emit('connected', {}, {}, false);
    expect(live.status).toBe('live');
    fake.subscriptions[0]?.sink.next({ data: { generationProgress: progress({ accepted: 20 }) } });
    expect(live.value.accepted).toBe(20);
    // An older snapshot (a replay after a reconnect) does not move the value back.
    fake.subscriptions[0]?.sink.next({ data: { generationProgress: progress({ accepted: 15 }) } });
    expect(live.value.accepted).toBe(20);
    stop();
  });

  it('prefers a reloaded value when it is newer than the events', () => {
    const fake = fakeClient();
    let loaded = $state(progress({ accepted: 10 }));
    const live = jobStore(fake, () => loaded);
    const stop = live.connect({ jobId: '1' });
    fake.subscriptions[0]?.sink.next({ data: { generationProgress: progress({ accepted: 20 }) } });
    expect(live.value.accepted).toBe(20);
    loaded = progress({ accepted: 30 });
    expect(live.value.accepted).toBe(30);
    stop();
  });

  it('passes each event and the value before it to onEvent', () => {
    const fake = fakeClient();
    const onEvent = vi.fn();
    const live = jobStore(fake, () => progress({ accepted: 10 }), { onEvent });
    const stop = live.connect({ jobId: '1' });
    const event = { generationProgress: progress({ accepted: 12 }) };
    fake.subscriptions[0]?.sink.next({ data: event });
    expect(onEvent).toHaveBeenCalledWith(event, expect.objectContaining({ accepted: 10 }));
    stop();
  });

  it('ends on a final event and stays ended when the lazy socket closes', () => {
    const fake = fakeClient();
    const live = jobStore(fake, () => progress());
    const stop = live.connect({ jobId: '1' });
    fake.emit('connected', {}, {}, false);
    fake.subscriptions[0]?.sink.next({
      data: { generationProgress: progress({ status: 'COMPLETED', accepted: 100 }) },
    });
    expect(live.status).toBe('ended');
    fake.emit('closed', {});
    expect(live.status).toBe('ended');
    expect(live.value.status).toBe('COMPLETED');
    stop();
  });

  it('ends when the server completes every stream', () => {
    const fake = fakeClient();
    const live = jobStore(fake, () => progress());
    const stop = live.connect({ jobId: '1' }, { jobId: '2' });
    fake.emit('connected', {}, {}, false);
    fake.subscriptions[0]?.sink.complete();
    expect(live.status).toBe('live');
    fake.subscriptions[1]?.sink.complete();
    expect(live.status).toBe('ended');
    stop();
  });

  it('reports a dropped socket as reconnecting and calls onReconnected when it is back', () => {
    const fake = fakeClient();
    const onReconnected = vi.fn();
    const live = jobStore(fake, () => progress(), { onReconnected });
    const stop = live.connect({ jobId: '1' });
    fake.emit('connected', {}, {}, false);
    expect(onReconnected).not.toHaveBeenCalled();
    fake.emit('closed', { code: 1012 });
    expect(live.status).toBe('reconnecting');
    fake.emit('connected', {}, {}, true);
    expect(live.status).toBe('live');
    expect(onReconnected).toHaveBeenCalledTimes(1);
    stop();
  });

  it('keeps the error of a failed subscription, readable', () => {
    const fake = fakeClient();
    const live = jobStore(fake, () => progress());
    const stop = live.connect({ jobId: '1' });
    fake.subscriptions[0]?.sink.error([{ message: 'Job 1 does not exist', path: ['x'] }]);
    expect(live.status).toBe('error');
    expect(live.error).toBe('Job 1 does not exist (at x)');
    // The socket closing afterwards does not hide the failure.
    fake.emit('closed', {});
    expect(live.status).toBe('error');
    stop();
  });

  it('stops cleanly: unsubscribes, removes listeners, disposes, ignores late events', () => {
    const fake = fakeClient();
    const live = jobStore(fake, () => progress({ accepted: 1 }));
    const stop = live.connect({ jobId: '1' });
    stop();
    expect(fake.subscriptions[0]?.unsubscribed).toBe(true);
    expect(fake.listenerCount()).toBe(0);
    expect(fake.disposed).toBe(1);
    fake.subscriptions[0]?.sink.next({ data: { generationProgress: progress({ accepted: 50 }) } });
    expect(live.value.accepted).toBe(1);
  });

  it('track() follows the variables and cleans up when its owner is destroyed', () => {
    const fakes: ReturnType<typeof fakeClient>[] = [];
    let jobId = $state<string | null>('1');
    const live = new LiveSubscription({
      document: JobProgress,
      initial: () => null as Progress | null,
      merge: (_: Progress | null, event: Event) => event.generationProgress,
      client: () => {
        const fake = fakeClient();
        fakes.push(fake);
        return fake.client;
      },
    });
    const destroy = $effect.root(() => {
      live.track(() => (jobId ? { jobId } : null));
    });
    flushSync();
    expect(fakes).toHaveLength(1);
    expect(fakes[0]?.subscriptions[0]?.variables).toEqual({ jobId: '1' });

    // New variables: the old socket goes, a new one subscribes.
    jobId = '2';
    flushSync();
    expect(fakes[0]?.disposed).toBe(1);
    expect(fakes).toHaveLength(2);
    expect(fakes[1]?.subscriptions[0]?.variables).toEqual({ jobId: '2' });

    // restart() subscribes again with the same variables.
    live.restart();
    flushSync();
    expect(fakes[1]?.disposed).toBe(1);
    expect(fakes).toHaveLength(3);

    // Nothing to watch: no socket.
    jobId = null;
    flushSync();
    expect(fakes[2]?.disposed).toBe(1);
    expect(fakes).toHaveLength(3);

    jobId = '3';
    flushSync();
    expect(fakes).toHaveLength(4);
    destroy();
    expect(fakes[3]?.disposed).toBe(1);
    expect(fakes[3]?.subscriptions[0]?.unsubscribed).toBe(true);
  });
});
