import { isTerminalProgress } from '@genesis/schema/progress';
import { Repeater } from 'graphql-yoga';

/**
 * A progress subscription: the current state first, then every event, until a terminal status. It subscribes
 * before reading the current state so no event falls between the two, and closes its source when the client
 * leaves (Repeater return works even while a next() is pending).
 */
export function progressStream<P extends { status: string }>(options: {
  events: AsyncGenerator<P>;
  current: () => Promise<P | null>;
  isRunning: () => boolean;
  notFound: () => Error;
  /** Drop events a client already has (e.g. by sequence number). */
  isNewer?: (event: P, last: P) => boolean;
}): Repeater<P> {
  const { events, current, isRunning, notFound, isNewer = () => true } = options;
  return new Repeater<P>(async (push, stop) => {
    void stop.then(() => events.return(undefined));
    let last = await current();
    if (!last) {
      stop(notFound());
      return;
    }
    await push(last);
    if (isTerminalProgress(last) && !isRunning()) {
      stop();
      return;
    }
    for await (const e of events) {
      if (!isNewer(e, last)) continue;
      last = e;
      await push(e);
      if (isTerminalProgress(e)) break;
    }
    stop();
  });
}

/**
 * The current state of a job, shared by the subscribers that ask for it within `maxAgeMs` while it has not
 * changed (same sequence and status): they get the same object, so `shared-execution.ts` executes and serialises
 * their first event once instead of once each (1,000 clients subscribing to one job at the same moment). The
 * state handed out is at most `maxAgeMs` older than a fresh read, and an event with a higher sequence follows.
 */
export function sharedCurrentState<K, P extends { sequence: number; status: string }>(
  maxAgeMs = 1000,
): (key: K, read: () => Promise<P | null>) => Promise<P | null> {
  const recent = new Map<K, { at: number; state: P }>();
  return async (key, read) => {
    const state = await read();
    if (!state) return null;
    const now = Date.now();
    const known = recent.get(key);
    if (
      known &&
      now - known.at < maxAgeMs &&
      known.state.sequence === state.sequence &&
      known.state.status === state.status
    ) {
      return known.state;
    }
    recent.set(key, { at: now, state });
    // Forget the states of jobs nobody asked about lately.
    if (recent.size > 64) for (const [k, v] of recent) if (now - v.at >= maxAgeMs) recent.delete(k);
    return state;
  };
}
