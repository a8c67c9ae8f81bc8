import { createPubSub } from 'graphql-yoga';

export type RegistryEventType = 'CREATED' | 'UPDATED' | 'DELETED';

/** A change to the registry, published after the transaction that made it has committed. */
export interface RegistryEvent {
  type: RegistryEventType;
  datasetId: number;
}

type Topics = {
  'registry:changed': [event: RegistryEvent];
};
type Topic = keyof Topics;

/**
 * The app's typed event bus (in-process; the scale issue swaps in yoga's Redis event target). It also counts
 * live subscribers per topic, for health reporting and so tests can wait for a subscription to be live
 * instead of sleeping.
 */
export function createAppPubSub() {
  const inner = createPubSub<Topics>();
  const live = new Map<Topic, number>();
  return {
    publish: inner.publish,
    subscribe<T extends Topic>(topic: T): AsyncGenerator<Topics[T][0]> {
      const source = inner.subscribe(topic as 'registry:changed') as AsyncIterable<Topics[T][0]>;
      return (async function* () {
        live.set(topic, (live.get(topic) ?? 0) + 1);
        try {
          yield* source;
        } finally {
          live.set(topic, (live.get(topic) ?? 1) - 1);
        }
      })();
    },
    subscriberCount: (topic: Topic): number => live.get(topic) ?? 0,
  };
}

export type AppPubSub = ReturnType<typeof createAppPubSub>;
