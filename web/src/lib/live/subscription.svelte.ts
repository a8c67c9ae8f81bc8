import type { TadaDocumentNode } from 'gql.tada';
import type { Client } from 'graphql-ws';
import { untrack } from 'svelte';
import { readBrowserToken } from '../graphql/token.ts';
import { createWsClient, subscribe } from '../graphql/ws.ts';

/**
 * Where a live subscription stands:
 * - `idle`: not subscribed (nothing to watch, or stopped);
 * - `connecting`: subscribed, the socket is not open yet;
 * - `live`: the socket is open and events flow;
 * - `reconnecting`: the socket dropped; graphql-ws is retrying and will subscribe again;
 * - `ended`: the stream finished (a final event, or the server completed it);
 * - `error`: the API refused the subscription or the socket gave up; see `error`.
 */
export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'error';

/** Options of a {@link LiveSubscription}. */
export interface LiveSubscriptionOptions<Result, Variables, Value> {
  /** The typed `subscription` document. */
  document: TadaDocumentNode<Result, Variables>;
  /** The value before any event: usually the loaded one. Read reactively. */
  initial: () => Value;
  /** Folds one event into the current value; the result replaces the value whole. Keep it pure. */
  merge: (value: Value, event: Result) => Value;
  /**
   * Chooses between a (re)loaded value and the one built from events, e.g. the newer of the two.
   * Called whenever either changes. Defaults to the live one.
   */
  prefer?: (loaded: Value, live: Value) => Value;
  /** True for an event after which the stream has nothing more to say (the job ended). */
  isFinal?: (event: Result) => boolean;
  /** Side effects of an event (e.g. `invalidate`); `previous` is the value before it was merged. */
  onEvent?: (event: Result, previous: Value) => void;
  /** A dropped socket is open again: refetch what may have been missed while it was down. */
  onReconnected?: () => void;
  /** Creates the graphql-ws client; defaults to `/graphql` on this origin with the browser token. */
  client?: () => Client;
}

/**
 * One graphql-ws subscription (or several of one document, over one socket) kept as reactive state:
 * it starts from the loaded value, merges every event into it, follows the socket through
 * reconnects, and ends on a final event, a completed stream or an error.
 *
 * Create it during component initialisation and call {@link track} there: it subscribes while the
 * component lives, again whenever the variables change, and unsubscribes and closes the socket
 * when the component is destroyed.
 *
 * @example
 *   const live = new LiveSubscription({ document: Progress, initial: () => data.job.progress,
 *     merge: (_, e) => e.generationProgress });
 *   live.track(() => ({ jobId: data.job.id }));
 */
export class LiveSubscription<Result, Variables, Value> {
  /** Where the subscription stands. */
  status = $state<LiveStatus>('idle');
  /** Why live updates stopped, readable; set with status `error`. */
  error = $state<string | null>(null);

  /** The value built from events since the last connect; undefined until the first event. */
  #live = $state.raw<{ value: Value } | undefined>(undefined);
  /** Bumped by `restart()`; `track` reads it so the subscription starts again. */
  #epoch = $state(0);
  readonly #options: LiveSubscriptionOptions<Result, Variables, Value>;

  constructor(options: LiveSubscriptionOptions<Result, Variables, Value>) {
    this.#options = options;
  }

  /** The loaded value, or the one built from events once there are any (see `prefer`). */
  readonly value: Value = $derived.by(() => {
    const loaded = this.#options.initial();
    const live = this.#live;
    if (!live) return loaded;
    return this.#options.prefer ? this.#options.prefer(loaded, live.value) : live.value;
  });

  /**
   * Subscribes once per variable set, all over one new socket, and returns the function that
   * unsubscribes and closes it. Resets the value built from earlier events. Prefer {@link track} in
   * components; this is the imperative form.
   */
  connect(...variableSets: Variables[]): () => void {
    return untrack(() => this.#connect(variableSets));
  }

  /**
   * Keeps the subscription in step with the calling component: subscribes with `variables()`,
   * subscribes again when they (or `restart()`) change, and stops on destroy. `null` or an empty
   * list means nothing to watch. Call during component initialisation.
   */
  track(variables: () => Variables | readonly Variables[] | null | undefined): void {
    $effect(() => {
      void this.#epoch;
      const current = variables();
      if (current === null || current === undefined) return;
      const sets = Array.isArray(current)
        ? (current as readonly Variables[])
        : [current as Variables];
      if (sets.length === 0) return;
      return this.connect(...sets);
    });
  }

  /** Subscribes again (e.g. after the user asks to reconnect, or a resumed job restarted). */
  restart(): void {
    this.#epoch += 1;
  }

  #connect(variableSets: readonly Variables[]): () => void {
    const options = this.#options;
    this.#live = undefined;
    this.error = null;
    if (variableSets.length === 0) {
      this.status = 'idle';
      return () => {};
    }
    this.status = 'connecting';

    const client = options.client?.() ?? createWsClient({ token: readBrowserToken });
    let stopped = false;
    let open = variableSets.length;
    // Late callbacks of a stopped subscription must not touch the state of the next one.
    const guard =
      <Args extends unknown[]>(fn: (...args: Args) => void) =>
      (...args: Args) => {
        if (!stopped) fn(...args);
      };

    const offConnected = client.on(
      'connected',
      guard((_socket: unknown, _payload: unknown, wasRetry?: boolean) => {
        if (this.status === 'ended' || this.status === 'error') return;
        this.status = 'live';
        if (wasRetry) options.onReconnected?.();
      }),
    );
    const offClosed = client.on(
      'closed',
      guard(() => {
        // A lazy client closes its socket once every stream ended; that is not a lost connection.
        if (this.status === 'ended' || this.status === 'error' || open === 0) return;
        this.status = 'reconnecting';
      }),
    );

    const stops = variableSets.map((variables) =>
      subscribe(client, options.document, variables, {
        next: guard((event: Result) => {
          const previous = this.value;
          this.#live = { value: options.merge(previous, event) };
          if (options.isFinal?.(event)) this.status = 'ended';
          options.onEvent?.(event, previous);
        }),
        error: guard((error) => {
          this.status = 'error';
          this.error = error.message;
        }),
        complete: guard(() => {
          open -= 1;
          if (open === 0 && this.status !== 'error') this.status = 'ended';
        }),
      }),
    );

    return () => {
      if (stopped) return;
      stopped = true;
      for (const stop of stops) stop();
      offConnected();
      offClosed();
      void client.dispose();
    };
  }
}
