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
