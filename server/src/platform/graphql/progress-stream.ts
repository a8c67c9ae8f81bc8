import { isTerminalProgress } from '@genesis/schema/progress';

/**
 * A progress subscription: the current state first (when there is one: `current`), then every event, until a
 * terminal one (`isTerminal`, by default a terminal status). The generation, training, judge and augmentation
 * progress subscriptions and the registry's push progress are built here.
 *
 * It joins the event stream before reading the current state (its first `next()` is asked for at once), so no
 * event falls between the two, and drops events a client already has (`isNewer`). It is a plain async iterator,
 * not a generator or a Repeater: one fewer promise chain per event and subscriber (docs/architecture.md, "Live
 * progress at scale"); `return()` ends the event stream, which ends a pending `next()` at once (the pubsub's
 * streams do), so a client that leaves never leaks a listener.
 */
export function progressStream<P>(options: {
  events: AsyncGenerator<P>;
  /** The state now; null when there is nothing of that id (the stream then fails with `notFound`). */
  current?: () => Promise<P | null>;
  /** Whether the job still runs: a terminal current state of a job that does not ends the stream at once. */
  isRunning?: () => boolean;
  notFound?: () => Error;
  /** Drop events a client already has (e.g. by sequence number). */
  isNewer?: (event: P, last: P) => boolean;
  isTerminal?: (event: P) => boolean;
}): AsyncGenerator<P, undefined> {
  const {
    events,
    current,
    isRunning = () => false,
    notFound = () => new Error('not found'),
    isNewer = () => true,
    isTerminal = (event: P) => isTerminalProgress(event as { status: string }),
  } = options;
  const done = (): IteratorReturnResult<undefined> => ({ value: undefined, done: true });
  let last: P | null = null;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    void events.return(undefined);
  };
  // Joined now, before the current state is read: its first event is what the loop below reads first.
  let pending: Promise<IteratorResult<P>> | null = current ? events.next() : null;
  let first = current !== undefined;

  async function step(): Promise<IteratorResult<P, undefined>> {
    if (ended) return done();
    if (first) {
      first = false;
      let state: P | null;
      try {
        state = await current!();
      } catch (err) {
        end();
        throw err;
      }
      if (ended) return done();
      if (state === null) {
        end();
        throw notFound();
      }
      last = state;
      if (isTerminal(state) && !isRunning()) end();
      return { value: state, done: false };
    }
    for (;;) {
      const next = pending ?? events.next();
      pending = null;
      const r = await next;
      if (ended || r.done) {
        end();
        return done();
      }
      if (last !== null && !isNewer(r.value, last)) continue;
      last = r.value;
      if (isTerminal(r.value)) end();
      return { value: r.value, done: false };
    }
  }

  // next() calls run one after the other, as a generator's would.
  let queue: Promise<unknown> = Promise.resolve();
  const iterator: AsyncGenerator<P, undefined> = {
    next: () => {
      const result = queue.then(step);
      queue = result.catch(() => undefined);
      return result;
    },
    return: () => {
      end();
      return Promise.resolve(done());
    },
    throw: (err: unknown) => {
      end();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
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
