import { type EntityManager, raw } from '@mikro-orm/knex';
import { DatasetChangedError } from '../platform/errors.ts';
import type { ItemSnapshot } from '../registry/dataset.repository.ts';
import { DatasetItemSchema } from '../registry/dataset-item.entity.ts';

/** Rows `from` (inclusive) to `to` (exclusive) of a snapshot, counted in dataset order from 0. */
export interface RowRange {
  from: number;
  to: number;
}

/**
 * A snapshot's items in dataset order, read as plain rows: the same rows and the same guarantee as the
 * registry's `DatasetRepository.streamSnapshot` (items stored after the snapshot left out; fewer items than it
 * counted fail with {@link DatasetChangedError}), without hydrating an entity per row. Hand-written for speed:
 * the validation worker reads 100k items, and entity hydration made the read about 6x slower than the query
 * and the JSON parse (docs/benchmarks.md, "`pnpm bench:validation`"). `beforeChunk` runs before each chunk's
 * query: the validation worker checks there whether it was asked to stop, and throws to end the read
 * (docs/validation.md, "Stopping a validation").
 *
 * With `range`, only those rows: each validation thread reads its own run of the dataset. The run's ends are
 * found by position (the row at index `from` and the one at `to`), and the run must hold exactly `to - from`
 * items, so a row deleted meanwhile fails the read of one run or the other instead of shifting a row from one
 * run into the next; the error then counts the items left in the whole dataset.
 */
export async function readSnapshotItems(
  em: EntityManager,
  snapshot: ItemSnapshot,
  chunk = 5000,
  beforeChunk?: () => void,
  range?: RowRange,
): Promise<unknown[]> {
  const { datasetId, count, maxId } = snapshot;
  const from = range?.from ?? 0;
  const to = range?.to ?? count;
  const items: unknown[] = [];
  const inSnapshot = { dataset: datasetId, id: { $lte: maxId } };
  /** The position of the row at `index` in dataset order, or null when there is none. */
  const positionAt = async (index: number): Promise<number | null> => {
    const [row] = await em
      .createQueryBuilder(DatasetItemSchema, 'i')
      .select(['i.position'])
      .where(inSnapshot)
      .orderBy({ position: 'asc' })
      .limit(1)
      .offset(index)
      .execute<{ position: number | string }[]>('all', false);
    return row ? Number(row.position) : null;
  };
  const start = from > 0 ? await positionAt(from) : null;
  const end = to < count ? await positionAt(to) : null;
  let position: Record<string, number> = start !== null ? { $gte: start } : { $gt: -1 };
  if (end !== null) position = { ...position, $lt: end };
  // A run that starts past the last row holds nothing (the dataset lost rows): the count check below says so.
  for (let more = !(from > 0 && start === null); more; ) {
    beforeChunk?.();
    const rows = await em
      .createQueryBuilder(DatasetItemSchema, 'i')
      .select(['i.position', 'i.data'])
      .where({ ...inSnapshot, position })
      .orderBy({ position: 'asc' })
      .limit(chunk)
      .execute<{ position: number | string; data: unknown }[]>('all', false);
    // SQLite hands JSON back as text; PostgreSQL's driver has already parsed it.
    for (const row of rows)
      items.push(typeof row.data === 'string' ? JSON.parse(row.data) : row.data);
    more = rows.length === chunk;
    const after = Number(rows[rows.length - 1]?.position);
    position = end !== null ? { $gt: after, $lt: end } : { $gt: after };
  }
  if (items.length !== to - from) {
    // Said of the whole dataset, as a read of all of it would: how many of its items are left now.
    const found = range
      ? Number(
          (
            await em
              .createQueryBuilder(DatasetItemSchema, 'i')
              .select([raw('count(*) as n')])
              .where(inSnapshot)
              .execute<{ n: number | string }[]>('all', false)
          )[0]?.n ?? 0,
        )
      : items.length;
    throw new DatasetChangedError(datasetId, count, found);
  }
  return items;
}
