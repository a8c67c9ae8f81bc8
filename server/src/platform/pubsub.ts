import type { AugmentationProgress } from '@genesis/schema/augmentation';
import type { JudgeProgress } from '@genesis/schema/judge';
import {
  type GenerationProgress,
  isTerminalProgress,
  type RunProgress,
} from '@genesis/schema/progress';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

export type RegistryEventType = 'CREATED' | 'UPDATED' | 'DELETED';

/** A change to the registry, published after the transaction that made it has committed. */
export interface RegistryEvent {
  type: RegistryEventType;
  datasetId: number;
}

/**
 * How far a push of a dataset to the Hub is (`registry/push.ts`): its phase, and bytes sent of the files that
 * change; `done` and `failed` end it, with the push's summary or error.
 */
export interface PushProgressEvent {
  repo: string;
  phase: 'preparing' | 'comparing' | 'uploading' | 'committing' | 'done' | 'failed';
  bytesSent: number;
  bytesTotal: number;
  message: string | null;
}

type Topics = {
  'registry:changed': [event: RegistryEvent];
  'push:progress': [datasetId: number, progress: PushProgressEvent];
  'generation:progress': [jobId: number, progress: GenerationProgress];
  'training:progress': [runId: number, progress: RunProgress];
  'judge:progress': [runId: number, progress: JudgeProgress];
  'augmentation:progress': [augmentationId: number, progress: AugmentationProgress];
};
type Topic = keyof Topics;
type Payload<T extends Topic> = Topics[T] extends [infer P]
  ? P
  : Topics[T] extends [unknown, infer P]
    ? P
    : never;

/**
 * One subscriber's stream of events, and its undelivered ones. On a coalescing topic (progress: each event is the
 * whole state) a new event replaces the newest undelivered one when `replaces` allows it, so a slow client gets
 * the latest state, never a backlog; a progress event is replaced only by one of the same status, so a terminal
 * event and every status change reach the client. Other topics queue every event.
 *
 * It is the subscriber's async iterator itself (no generator or Repeater in between: one fewer promise chain per
 * event and subscriber, see docs/architecture.md, "Live progress at scale"). It joins its topic's fan-out on the
 * first `next()`, as a Repeater's executor would, and leaves it on `return()`, which ends a pending `next()` at
 * once (graphql-js calls it when a client unsubscribes; the listener must not leak).
 */
class Mailbox<P> implements AsyncGenerator<P, undefined> {
  readonly #queue: P[] = [];
  /** `next()` calls waiting for an event, oldest first. */
  readonly #waiting: ((result: IteratorResult<P, undefined>) => void)[] = [];
  #state: 'new' | 'open' | 'closed' = 'new';
  constructor(
    readonly replaces: ((next: P, undelivered: P) => boolean) | null,
    readonly hooks: { open(box: Mailbox<P>): void; close(box: Mailbox<P>): void },
  ) {}

  put(event: P): void {
    if (this.#state !== 'open') return;
    const waiting = this.#waiting.shift();
    if (waiting) {
      waiting({ value: event, done: false });
      return;
    }
    const last = this.#queue.length - 1;
    if (this.replaces && last >= 0 && this.replaces(event, this.#queue[last]!)) {
      this.#queue[last] = event;
    } else this.#queue.push(event);
  }

  /** The oldest undelivered event, waiting for one when there is none; done once closed. */
  next(): Promise<IteratorResult<P, undefined>> {
    if (this.#state === 'new') {
      this.#state = 'open';
      this.hooks.open(this);
    }
    if (this.#queue.length > 0)
      return Promise.resolve({ value: this.#queue.shift()!, done: false });
    if (this.#state === 'closed') return Promise.resolve(done());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  return(): Promise<IteratorResult<P, undefined>> {
    this.close();
    return Promise.resolve(done());
  }

  throw(err: unknown): Promise<IteratorResult<P, undefined>> {
    this.close();
    return Promise.reject(err);
  }

  close(): void {
    const was = this.#state;
    this.#state = 'closed';
    this.#queue.length = 0;
    for (const waiting of this.#waiting.splice(0)) waiting(done());
    if (was === 'open') this.hooks.close(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** A fresh end-of-stream result (consumers may keep or change the objects they get). */
const done = (): IteratorReturnResult<undefined> => ({ value: undefined, done: true });

/**
 * Subscribers handed an event per turn of the event loop. Each one's delivery runs on from there (its GraphQL
 * result, its frame, its socket write) before the turn ends, so 1,000 subscribers in one turn would hold the
 * job that publishes (its timers, its database writes) for the whole fan-out.
 */
const DELIVERY_SLICE = 100;

/**
 * A progress event a slow subscriber may skip for a newer one: not a terminal one, and not the last of its status
 * (the newer one has the same status), so only counters and rates are coalesced.
 */
function progressReplaces(next: { status: string }, undelivered: { status: string }): boolean {
  return !isTerminalProgress(undelivered) && next.status === undelivered.status;
}

/** Topics whose events are a whole state, so a slow subscriber may skip to the newest (see {@link Mailbox}). */
const COALESCING: Partial<Record<Topic, (next: never, undelivered: never) => boolean>> = {
  'generation:progress': progressReplaces,
  'training:progress': progressReplaces,
};

/**
 * The app's typed event bus: in-process, or yoga's Redis event target when GENESIS_REDIS_URL is set (several
 * server processes). It also counts live subscribers per topic, for health reporting and so tests can wait for
 * a subscription to be live instead of sleeping.
 *
 * Fan-out (see docs/architecture.md, "Live progress at scale"): the event target gets one listener per topic
 * and id however many clients subscribe (no MaxListenersExceededWarning by design, and one Redis channel
 * subscription per process). Publishing never waits for a subscriber: the listener queues the event and hands
 * it to every subscriber's mailbox on the next turns of the event loop, {@link DELIVERY_SLICE} subscribers per turn
 * so the publisher's own work goes on between slices, all of them getting the same object (so GraphQL can
 * execute a selection once per event, see `shared-execution.ts`). A slow subscriber's progress
 * events are coalesced to the newest, its terminal event and status changes kept.
 */
export function createAppPubSub(
  options: { redisUrl?: string | undefined; onError?: (err: Error) => void } = {},
) {
  // With Redis, every server process publishes to and hears from the same channels, so a client subscribed on
  // one process sees a job run by another. Payloads are plain JSON either way.
  let redis: { publish: Redis; subscribe: Redis } | null = null;
  if (options.redisUrl) {
    // Commands wait for a reconnect instead of failing after a few tries: events published while Redis is down
    // are delivered when it is back, and a Redis outage never takes the API down with it.
    const connect = () => {
      const client = new Redis(options.redisUrl!, {
        lazyConnect: false,
        maxRetriesPerRequest: null,
      });
      client.on('error', (err) => options.onError?.(err));
      return client;
    };
    redis = { publish: connect(), subscribe: connect() };
  }
  const eventTarget = redis
    ? createRedisEventTarget<CustomEvent>({
        publishClient: redis.publish,
        subscribeClient: redis.subscribe,
      })
    : new EventTarget();
  const inner = createPubSub<Topics>({ eventTarget });

  /** Per event-target topic (`generation:progress:3`): its one listener and the subscribers' mailboxes. */
  interface Fanout {
    boxes: Set<Mailbox<unknown>>;
    listener: (event: Event) => void;
  }
  const fanouts = new Map<string, Fanout>();

  function attach(key: string, box: Mailbox<unknown>): void {
    let fan = fanouts.get(key);
    if (!fan) {
      const pending: unknown[] = [];
      const boxes = new Set<Mailbox<unknown>>();
      // The events being handed out, to the subscribers there were when their turn came, from `next` on: every
      // subscriber gets the same events in one go (so coalescing treats them all alike), events published
      // meanwhile waiting for the next round.
      let round: { events: unknown[]; to: Mailbox<unknown>[]; next: number } | null = null;
      let scheduled = false;
      const deliver = () => {
        scheduled = false;
        if (!round) round = { events: pending.splice(0), to: [...boxes], next: 0 };
        const end = Math.min(round.to.length, round.next + DELIVERY_SLICE);
        for (; round.next < end; round.next++) {
          for (const event of round.events) round.to[round.next]!.put(event);
        }
        if (round.next === round.to.length) round = null;
        // More to hand out: on a later turn, after the timers and I/O waiting now (the job's own).
        if (round || pending.length > 0) {
          scheduled = true;
          setImmediate(deliver);
        }
      };
      const listener = (event: Event) => {
        pending.push((event as CustomEvent).detail);
        if (!scheduled) {
          scheduled = true;
          setImmediate(deliver);
        }
      };
      fan = { boxes, listener };
      fanouts.set(key, fan);
      eventTarget.addEventListener(key, listener);
    }
    fan.boxes.add(box);
  }

  function detach(key: string, box: Mailbox<unknown>): void {
    const fan = fanouts.get(key);
    if (!fan) return;
    fan.boxes.delete(box);
    if (fan.boxes.size > 0) return;
    fanouts.delete(key);
    eventTarget.removeEventListener(key, fan.listener);
  }

  const live = new Map<string, number>();
  return {
    publish: inner.publish,
    subscribe<T extends Topic>(
      topic: T,
      ...id: Topics[T] extends [infer I, unknown] ? [I] : []
    ): AsyncGenerator<Payload<T>> {
      const key = id.length ? `${topic}:${String(id[0])}` : topic;
      const replaces =
        (COALESCING[topic] as ((next: Payload<T>, old: Payload<T>) => boolean) | undefined) ?? null;
      return new Mailbox<Payload<T>>(replaces, {
        open: (box) => {
          attach(key, box as Mailbox<unknown>);
          live.set(key, (live.get(key) ?? 0) + 1);
        },
        close: (box) => {
          detach(key, box as Mailbox<unknown>);
          live.set(key, (live.get(key) ?? 1) - 1);
        },
      });
    },
    /** Closes the Redis connections (when there are any). */
    close: async () => {
      if (redis) await Promise.all([redis.publish.quit(), redis.subscribe.quit()]);
    },
    /** Live subscribers of a topic (for a topic with ids, pass the id: `subscriberCount('generation:progress', 3)`). */
    subscriberCount: (topic: Topic, id?: unknown): number =>
      live.get(id === undefined ? topic : `${topic}:${String(id)}`) ?? 0,
    /** Listeners this bus holds on its event target (one per topic and id with subscribers). */
    listenerCount: (): number => fanouts.size,
  };
}

export type AppPubSub = ReturnType<typeof createAppPubSub>;
