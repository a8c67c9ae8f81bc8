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
