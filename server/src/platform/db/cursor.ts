import { type CodedMessage, codedMessage } from '@genesis/schema/messages';

/**
 * Opaque Relay cursors over one integer sort key (dataset id, item position). Keyset pagination on an indexed
 * integer is stable under concurrent inserts and costs the same on page 1 and page 1,000.
 */
export class BadCursorError extends Error {
  override name = 'BadCursorError';
}

const PREFIX = 'c:';

export function encodeCursor(value: number): string {
  return Buffer.from(`${PREFIX}${value}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const value = Number(text.slice(PREFIX.length));
  if (!text.startsWith(PREFIX) || !Number.isSafeInteger(value)) {
    throw new BadCursorError(`"${cursor}" is not a cursor returned by this API`);
  }
  return value;
}

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf(node: T): string;
}

/** Relay's paging arguments: `first` items after `after`, or `last` items before `before`. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A problem with one paging argument; the GraphQL layer reports it located at that argument. */
export class PageArgsError extends RangeError {
  override name = 'PageArgsError';
  constructor(
    readonly argument: 'first' | 'last' | 'after' | 'before',
    message: string | CodedMessage,
  ) {
    super(typeof message === 'string' ? message : message.message);
    this.coded = typeof message === 'string' ? null : message;
  }

  /** The message as a code and parameters, when it has one. */
  readonly coded: CodedMessage | null;
}

/**
 * One page of a keyset: the rows strictly between the `after` and `before` keys, the first `size` of them, or
 * the last `size` when `fromEnd` (Relay's `last`), which is read in reverse order and turned back.
 */
export interface KeysetWindow {
  size: number;
  fromEnd: boolean;
  after: number | null;
  before: number | null;
}

/**
 * Reads Relay's paging arguments. `first` and `last` together are refused (which of them would win is
 * ambiguous); sizes above `maxSize` are refused, or cut to it with `clamp`.
 */
export function keysetWindow(
  args: PageArgs,
  limits: { defaultSize: number; maxSize: number; clamp?: boolean },
): KeysetWindow {
  if (args.first != null && args.last != null) {
    throw new PageArgsError('last', codedMessage('page.firstAndLast'));
  }
  const size = (argument: 'first' | 'last', value: number | null | undefined) => {
    if (value == null) return limits.defaultSize;
    if (limits.clamp && Number.isInteger(value))
      return Math.min(Math.max(value, 0), limits.maxSize);
    if (!Number.isInteger(value) || value < 0 || value > limits.maxSize) {
      throw new PageArgsError(
        argument,
        codedMessage('page.size', { argument, max: limits.maxSize, received: value }),
      );
    }
    return value;
  };
  const key = (argument: 'after' | 'before', cursor: string | null | undefined) => {
    if (cursor == null) return null;
    try {
      return decodeCursor(cursor);
    } catch (err) {
      throw new PageArgsError(argument, (err as Error).message);
    }
  };
  const fromEnd = args.last != null;
  return {
    size: fromEnd ? size('last', args.last) : size('first', args.first),
    fromEnd,
    after: key('after', args.after),
    before: key('before', args.before),
  };
}

/**
 * The key bounds of a window over a list sorted by its key in `order` (`desc`: newest first), as MikroORM
 * operators: `after` a key is past it in that order, `before` it is ahead of it.
 */
export function keysetBounds(
  window: KeysetWindow,
  order: 'asc' | 'desc',
): { $gt?: number; $lt?: number } {
  const bounds: { $gt?: number; $lt?: number } = {};
  const past = order === 'asc' ? '$gt' : '$lt';
  const ahead = order === 'asc' ? '$lt' : '$gt';
  if (window.after !== null) bounds[past] = window.after;
  if (window.before !== null) bounds[ahead] = window.before;
  return bounds;
}

/** The order to read a window in: the list's own, or its reverse for `last`. */
export function keysetReadOrder(window: KeysetWindow, order: 'asc' | 'desc'): 'asc' | 'desc' {
  if (!window.fromEnd) return order;
  return order === 'asc' ? 'desc' : 'asc';
}

/**
 * A page from the rows read for a window (`size + 1` of them at most, in read order): the extra row says there
 * is more in the reading direction. Moving away from a given cursor, the other side is said to have more.
 */
export function keysetPage<T>(
  rows: readonly T[],
  window: KeysetWindow,
  totalCount: number,
  keyOf: (row: T) => number,
): Page<T> {
  const more = rows.length > window.size;
  const kept = rows.slice(0, window.size);
  return {
    nodes: window.fromEnd ? kept.reverse() : kept,
    totalCount,
    hasNextPage: window.fromEnd ? window.before !== null : more,
    hasPreviousPage: window.fromEnd ? more : window.after !== null,
    cursorOf: (row) => encodeCursor(keyOf(row)),
  };
}
