import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import {
  keysetBounds,
  keysetPage,
  keysetReadOrder,
  keysetWindow,
  type Page,
  type PageArgs,
  PageArgsError,
} from '../db/cursor.ts';
import { InputError } from '../errors.ts';

/** Turns a page's argument problems into input errors located at the argument (`first`, `before`). */
export async function pageOrInputError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof PageArgsError) {
      throw new InputError([{ path: err.argument, message: err.message, ...err.coded }]);
    }
    throw err;
  }
}

/**
 * A Relay connection result from a page. `totalCount` is passed through as it is: a number, or a function a
 * connection's field calls only when the count is selected (the items of a dataset).
 */
export function toConnection<T, C = number>(page: Omit<Page<T>, 'totalCount'> & { totalCount: C }) {
  const edges = page.nodes.map((node) => ({ node, cursor: page.cursorOf(node) }));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * A Relay connection over an entity with an integer id, newest first (keyset on id), forwards (`first`,
 * `after`) or backwards (`last`, `before`). Used by the job and run listings; the dataset listings have their
 * own repository with filters.
 */
export function newestFirst<T extends { id: number }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: PageArgs,
) {
  return pageOrInputError(async () => {
    const window = keysetWindow(args, { defaultSize: 20, maxSize: 200, clamp: true });
    const totalCount = await em.count(entity, where);
    const bounds = keysetBounds(window, 'desc');
    const paged = (
      Object.keys(bounds).length > 0 ? { $and: [where, { id: bounds }] } : where
    ) as FilterQuery<T>;
    const rows = await em.find(entity, paged, {
      orderBy: { id: keysetReadOrder(window, 'desc') } as never,
      limit: window.size + 1,
    });
    return toConnection(keysetPage(rows, window, totalCount, (row) => row.id));
  });
}
