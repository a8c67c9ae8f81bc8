import type { GenerationProgress, RunProgress } from '@genesis/schema/progress';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, Repeater } from 'graphql-yoga';
import { Redis } from 'ioredis';

export type RegistryEventType = 'CREATED' | 'UPDATED' | 'DELETED';

/** A change to the registry, published after the transaction that made it has committed. */
export interface RegistryEvent {
  type: RegistryEventType;
  datasetId: number;
}

type Topics = {
  'registry:changed': [event: RegistryEvent];
  'generation:progress': [jobId: number, progress: GenerationProgress];
  'training:progress': [runId: number, progress: RunProgress];
};
type Topic = keyof Topics;
type Payload<T extends Topic> = Topics[T] extends [infer P]
  ? P
  : Topics[T] extends [unknown, infer P]
    ? P
    : never;

/**
 * The app's typed event bus: in-process, or yoga's Redis event target when GENESIS_REDIS_URL is set (several
 * server processes). It also counts
 * live subscribers per topic, for health reporting and so tests can wait for a subscription to be live
 * instead of sleeping.
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
  const inner = redis
    ? createPubSub<Topics>({
        eventTarget: createRedisEventTarget({
          publishClient: redis.publish,
          subscribeClient: redis.subscribe,
        }),
      })
    : createPubSub<Topics>();
  const live = new Map<string, number>();
  return {
    publish: inner.publish,
    subscribe<T extends Topic>(
      topic: T,
      ...id: Topics[T] extends [infer I, unknown] ? [I] : []
    ): AsyncGenerator<Payload<T>> {
      const key = (id.length ? `${topic}:${String(id[0])}` : topic) as Topic;
      // biome-ignore lint/suspicious/noExplicitAny: yoga's subscribe overloads don't accept a generic topic
      const source = (inner.subscribe as any)(topic, ...id) as AsyncIterable<Payload<T>>;
      // A Repeater (not an async generator) so that return() while a next() is pending ends the stream at
      // once: graphql-js calls it when a client unsubscribes, and the listener must not leak.
      return new Repeater<Payload<T>>(async (push, stop) => {
        live.set(key, (live.get(key) ?? 0) + 1);
        void stop.then(() => (source as AsyncGenerator).return?.(undefined));
        try {
          for await (const value of source) await push(value);
        } finally {
          live.set(key, (live.get(key) ?? 1) - 1);
          stop();
        }
      }) as unknown as AsyncGenerator<Payload<T>>;
    },
    /** Closes the Redis connections (when there are any). */
    close: async () => {
      if (redis) await Promise.all([redis.publish.quit(), redis.subscribe.quit()]);
    },
    /** Live subscribers of a topic (for a topic with ids, pass the id: `subscriberCount('generation:progress', 3)`). */
    subscriberCount: (topic: Topic, id?: unknown): number =>
      live.get((id === undefined ? topic : `${topic}:${String(id)}`) as Topic) ?? 0,
  };
}

export type AppPubSub = ReturnType<typeof createAppPubSub>;
