import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { decodeCursor, encodeCursor } from '../db/cursor.ts';
import { InputError } from '../errors.ts';

/**
 * A Relay connection over an entity with an integer id, newest first (keyset on id). Used by the job and run
 * listings; the dataset listings have their own repository with filters.
 */
export async function newestFirst<T extends { id: number }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first?: number | null; after?: string | null },
) {
  const size = Math.min(Math.max(args.first ?? 20, 0), 200);
  let after: number | null = null;
  try {
    after = args.after ? decodeCursor(args.after) : null;
  } catch (err) {
    throw new InputError([{ path: 'after', message: (err as Error).message }]);
  }
  const totalCount = await em.count(entity, where);
  const paged = (
    after !== null ? { $and: [where, { id: { $lt: after } }] } : where
  ) as FilterQuery<T>;
  const rows = await em.find(entity, paged, { orderBy: { id: 'desc' } as never, limit: size + 1 });
  const nodes = rows.slice(0, size);
  return {
    totalCount,
    edges: nodes.map((node) => ({ node, cursor: encodeCursor(node.id) })),
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: after !== null,
      startCursor: nodes[0] ? encodeCursor(nodes[0].id) : null,
      endCursor: nodes.at(-1) ? encodeCursor(nodes.at(-1)!.id) : null,
    },
  };
}
