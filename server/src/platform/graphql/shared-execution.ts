import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  Kind,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * How often a subscription event's selection was executed, how often a subscriber got a result another
 * subscriber's execution had made, and how often a shared result was serialised to JSON (diagnostics, and what
 * the fan-out tests count).
 */
export const sharedExecutionStats = { executed: 0, reused: 0, serialised: 0 };

/** The JSON of each shared result, made on first use (see {@link sharedJson}). */
const jsonOf = new WeakMap<object, () => string>();

/**
 * Yoga serialises a result with its `stringify` when it has one (its HTTP and SSE result processors): a shared
 * result is then turned into JSON once, whoever sends it. graphql-ws serialises each message itself (the
 * message carries the subscriber's id); `shared-frames.ts` splices the same JSON into its frames instead.
 */
function serialisedOnce(result: ExecutionResult): ExecutionResult {
  let json: string | undefined;
  // Yoga passes the result itself, or a copy without internal error extensions when it has errors (the same
  // copy for every subscriber): either way the same JSON.
  const once = (value: unknown = result) => {
    if (json === undefined) {
      sharedExecutionStats.serialised++;
      json = JSON.stringify(value);
    }
    return json;
  };
  // graphql-ws sends errors as each GraphQLError's toJSON, which keeps the internal extensions yoga drops: a
  // result with errors or extensions is left to graphql-ws, so neither transport sends what the other would not.
  if (!result.errors?.length && !result.extensions) jsonOf.set(result, once);
  Object.defineProperty(result, 'stringify', { enumerable: false, value: once });
  return result;
}

/**
 * The JSON of a result this plugin shares among subscribers, serialised once whoever asks first; undefined for
 * any other result (a subscriber's first event, a query's result, a result with errors).
 */
export function sharedJson(result: object): string | undefined {
  return jsonOf.get(result)?.();
}

type Results = Map<string, Promise<ExecutionResult>>;

/**
 * Executes a subscription's selection once per event for every subscriber with the same document, operation
 * and variables, instead of once per subscriber (see docs/architecture.md, "Live progress at scale").
 *
 * graphql-js runs the selection set of a subscription for each event and each subscriber; with 1,000
 * subscribers on one job's progress that is 1,000 executions of the same selection on the same object. The pubsub
 * hands every subscriber of a topic the same event object, so the result can be cached against that object (a
 * WeakMap: it goes when the event does) and the document's text, the operation name and the variables. Only
 * the root fields named in `fields` are shared: their events carry everything their types show, and the API has
 * one tenant (one token), so no subscriber may see something another may not. Each subscriber still gets the
 * first event (the current state, read for it) executed for itself.
 */
export function useSharedSubscriptionExecution(fields: readonly string[]): Plugin {
  const shared = new Set(fields);
  const cache = new WeakMap<object, Results>();

  function shareable(args: ExecutionArgs): boolean {
    const operation = getOperationAST(args.document, args.operationName);
    if (operation?.operation !== 'subscription') return false;
    const selections = operation.selectionSet.selections;
    const [only] = selections;
    return selections.length === 1 && only?.kind === Kind.FIELD && shared.has(only.name.value);
  }

  function keyOf(args: ExecutionArgs): string {
    return JSON.stringify([
      documentText(args.document),
      args.operationName ?? null,
      args.variableValues ?? null,
    ]);
  }

  function run(payload: unknown, args: ExecutionArgs, key: string): Promise<ExecutionResult> {
    if (payload === null || typeof payload !== 'object') {
      sharedExecutionStats.executed++;
      return Promise.resolve(execute({ ...args, rootValue: payload }));
    }
    let results = cache.get(payload);
    if (!results) {
      results = new Map();
      cache.set(payload, results);
    }
    const known = results.get(key);
    if (known) {
      sharedExecutionStats.reused++;
      return known;
    }
    sharedExecutionStats.executed++;
    const result = Promise.resolve(execute({ ...args, rootValue: payload })).then(serialisedOnce);
    results.set(key, result);
    return result;
  }

  return {
    onSubscribe({ args, setSubscribeFn }) {
      if (!shareable(args)) return;
      setSubscribeFn(async (subscribeArgs: ExecutionArgs) => {
        const source = await createSourceEventStream(subscribeArgs);
        // An ExecutionResult: the subscribe resolver failed (an unknown job id), nothing to share.
        if (!(Symbol.asyncIterator in source)) return source;
        const key = keyOf(subscribeArgs);
        return mapEvents(source as AsyncGenerator<unknown>, (payload) =>
          run(payload, subscribeArgs, key),
        );
      });
    },
  };
}

/**
 * The source's events mapped to results: a plain iterator, not a generator or Repeater (one fewer promise chain
 * per event and subscriber, see docs/architecture.md, "Live progress at scale"). `return()` goes straight to the
 * source, which ends a pending `next()` at once (the subscription's stream, itself ended by the pubsub's).
 */
function mapEvents<T>(
  events: AsyncGenerator<unknown>,
  map: (payload: unknown) => Promise<T>,
): AsyncGenerator<T, undefined> {
  const done = (): IteratorReturnResult<undefined> => ({ value: undefined, done: true });
  const iterator: AsyncGenerator<T, undefined> = {
    next: () =>
      events
        .next()
        .then((r) => (r.done ? done() : map(r.value).then((value) => ({ value, done: false })))),
    return: async () => {
      await events.return?.(undefined);
      return done();
    },
    throw: async (err: unknown) => {
      await events.return?.(undefined);
      throw err;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

const texts = new WeakMap<DocumentNode, string>();
let unnamed = 0;

/** The text a document was parsed from (yoga keeps it), or a stable id for one built without locations. */
function documentText(document: DocumentNode): string {
  let text = texts.get(document);
  if (text === undefined) {
    text = document.loc?.source.body ?? `#document-${++unnamed}`;
    texts.set(document, text);
  }
  return text;
}
