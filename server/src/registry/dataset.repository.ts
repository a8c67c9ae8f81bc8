import type { DatasetKind, DatasetOrigin } from '@genesis/schema/common';
import { type FilterQuery, raw } from '@mikro-orm/core';
import { type EntityManager, EntityRepository } from '@mikro-orm/knex';
import { decodeCursor, encodeCursor, type Page } from '../platform/db/cursor.ts';
import type { Dataset } from './dataset.entity.ts';
import { type DatasetItem, DatasetItemSchema } from './dataset-item.entity.ts';
import { DatasetTagSchema } from './dataset-tag.entity.ts';

export interface DatasetFilter {
  kind?: DatasetKind | null;
  origin?: DatasetOrigin | null;
  tag?: string | null;
  /** Case-insensitive substring of the name. */
  search?: string | null;
}

export const LABEL_COLUMNS = [
  'intent',
  'category',
  'language',
  'sentiment',
  'complexity',
  'seriesType',
  'domain',
] as const;
export type LabelColumn = (typeof LABEL_COLUMNS)[number];

export type ItemFilter = Partial<Record<LabelColumn, string | null>> & {
  /** Case-insensitive substring of the item's JSON (text of turns, utterance text, description). */
  search?: string | null;
};

/** An item ready to store: its stable key, the validated record, and its label columns. */
export interface NewItem {
  key: string;
  data: object;
  columns: Partial<Record<LabelColumn, string | null>>;
}

export interface NewDataset {
  name: string;
  kind: DatasetKind;
  origin: DatasetOrigin;
  description?: string | null;
  source?: Record<string, unknown> | null;
  tags?: readonly string[];
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;
/** Rows per INSERT statement: keeps each statement under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new RangeError(`first must be an integer between 0 and ${MAX_PAGE_SIZE}, got ${first}`);
  }
  return first;
}

/** Registry queries for datasets and their items. Works unchanged on SQLite and PostgreSQL. */
export class DatasetRepository extends EntityRepository<Dataset> {
  /** Datasets, newest first, filtered, one page at a time. */
  async list(filter: DatasetFilter = {}, args: PageArgs = {}): Promise<Page<Dataset>> {
    const size = pageSize(args.first);
    const afterId = args.after != null ? decodeCursor(args.after) : null;
    // Built per query: a raw() fragment is consumed by the query that uses it.
    const where = (): FilterQuery<Dataset> => {
      const w: FilterQuery<Dataset> = {};
      if (filter.kind) w.kind = filter.kind;
      if (filter.origin) w.origin = filter.origin;
      if (filter.tag) w.tags = { tag: filter.tag };
      if (filter.search) {
        Object.assign(w, { [raw('lower(name)')]: { $like: likePattern(filter.search) } });
      }
      return w;
    };
    const totalCount = await this.count(where());
    const paged: FilterQuery<Dataset> =
      afterId != null ? { $and: [where(), { id: { $lt: afterId } }] } : where();
    const rows = await this.find(paged, {
      orderBy: { id: 'desc' },
      limit: size + 1,
      populate: ['tags'],
    });
    return {
      nodes: rows.slice(0, size),
      totalCount,
      hasNextPage: rows.length > size,
      hasPreviousPage: args.after != null,
      cursorOf: (d) => encodeCursor(d.id),
    };
  }

  /**
   * Creates a dataset with all its items in one transaction: either every item is stored or nothing is.
   * Returns the new dataset (with tags loaded).
   */
  async createWithItems(
    input: NewDataset,
    items: readonly NewItem[],
    onProgress?: (stored: number) => void,
  ): Promise<Dataset> {
    return this.em.transactional(async (em) => {
      const dataset = em.create(this.entityName, {
        name: input.name,
        kind: input.kind,
        origin: input.origin,
        description: input.description ?? null,
        source: input.source ?? null,
        itemCount: items.length,
      } as Dataset);
      for (const tag of new Set(input.tags ?? [])) em.create(DatasetTagSchema, { dataset, tag });
      await em.flush();
      await insertItemRows(em, dataset.id, items, { onProgress });
      return dataset;
    });
  }

  /**
   * Inserts items into a dataset in chunks, positions from `position` (default: their index). With
   * `ignoreExisting`, an item whose key the dataset already holds is skipped (a generation slot stored by an
   * earlier run); otherwise a repeated key fails the statement. Returns how many rows were inserted. Runs in the
   * repository's EntityManager: bind the repository to a transaction's to make it part of one.
   */
  insertItems(
    datasetId: number,
    items: readonly (NewItem & { position?: number })[],
    options: InsertOptions = {},
  ): Promise<number> {
    return insertItemRows(this.em, datasetId, items, options);
  }

  /** Renames a dataset; returns null when it does not exist. */
  async rename(id: number, name: string): Promise<Dataset | null> {
    const dataset = await this.findOne(id, { populate: ['tags'] });
    if (!dataset) return null;
    dataset.name = name;
    await this.em.flush();
    return dataset;
  }

  /** Adds and removes tags; returns null when the dataset does not exist. */
  async retag(
    id: number,
    add: readonly string[],
    remove: readonly string[],
  ): Promise<Dataset | null> {
    const dataset = await this.findOne(id, { populate: ['tags'] });
    if (!dataset) return null;
    const removing = new Set(remove);
    for (const t of dataset.tags.getItems()) if (removing.has(t.tag)) this.em.remove(t);
    const have = new Set(dataset.tags.getItems().map((t) => t.tag));
    for (const tag of new Set(add)) {
      if (!have.has(tag) && !removing.has(tag)) this.em.create(DatasetTagSchema, { dataset, tag });
    }
    // Bump updatedAt even when only the tag table changes.
    dataset.updatedAt = new Date();
    await this.em.flush();
    await this.em.refresh(dataset, { populate: ['tags'] });
    return dataset;
  }

  /** Deletes a dataset and its items; returns false when it does not exist. */
  async deleteById(id: number): Promise<boolean> {
    return this.em.transactional(async (em) => {
      const n = await em.nativeDelete(this.entityName, { id });
      if (n === 0) return false;
      // Cascades in the schema already remove children; these make it explicit and driver-independent.
      await em.nativeDelete(DatasetItemSchema, { dataset: id });
      await em.nativeDelete(DatasetTagSchema, { dataset: id });
      return true;
    });
  }

  /** One page of a dataset's items in dataset order, filtered by label columns or text. */
  async items(
    datasetId: number,
    filter: ItemFilter = {},
    args: PageArgs = {},
  ): Promise<Page<DatasetItem>> {
    const size = pageSize(args.first);
    const afterPosition = args.after != null ? decodeCursor(args.after) : null;
    const where = (): FilterQuery<DatasetItem> => {
      const w: FilterQuery<DatasetItem> = { dataset: datasetId };
      for (const col of LABEL_COLUMNS) {
        const value = filter[col];
        if (value != null) (w as Record<string, unknown>)[col] = value;
      }
      if (filter.search) {
        Object.assign(w, {
          [raw('lower(cast(data as text))')]: { $like: likePattern(filter.search) },
        });
      }
      return w;
    };
    const totalCount = await this.em.count(DatasetItemSchema, where());
    const paged: FilterQuery<DatasetItem> =
      afterPosition != null ? { $and: [where(), { position: { $gt: afterPosition } }] } : where();
    const rows = await this.em.find(DatasetItemSchema, paged, {
      orderBy: { position: 'asc' },
      limit: size + 1,
    });
    return {
      nodes: rows.slice(0, size),
      totalCount,
      hasNextPage: rows.length > size,
      hasPreviousPage: args.after != null,
      cursorOf: (i) => encodeCursor(i.position),
    };
  }

  /** Every item's record in dataset order, streamed in chunks so exports of any size use bounded memory. */
  async *streamItems(datasetId: number, chunk = 1000): AsyncGenerator<Record<string, unknown>> {
    let after = -1;
    for (;;) {
      const rows = await this.em.find(
        DatasetItemSchema,
        { dataset: datasetId, position: { $gt: after } },
        { orderBy: { position: 'asc' }, limit: chunk, fields: ['position', 'data'] },
      );
      for (const row of rows) yield row.data;
      if (rows.length < chunk) return;
      after = rows[rows.length - 1]!.position;
      this.em.clear();
    }
  }

  /** How many items carry each value of a label column (nulls left out), most frequent first. */
  async labelCounts(
    datasetId: number,
    column: LabelColumn,
  ): Promise<{ label: string; count: number }[]> {
    const rows = await this.em
      .createQueryBuilder(DatasetItemSchema, 'i')
      .select([column, raw('count(*) as n')])
      .where({ dataset: datasetId, [column]: { $ne: null } })
      .groupBy(column)
      .execute<{ n: number | string; [k: string]: unknown }[]>('all', false);
    const meta = this.em.getMetadata().get(DatasetItemSchema.meta.className);
    const field = meta.properties[column]?.fieldNames[0] ?? column;
    return rows
      .map((r) => ({ label: String(r[field]), count: Number(r.n) }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  }

  /** Datasets by id with their tags, in two queries whatever the count (for GraphQL's dataloaders). */
  async byIds(ids: readonly number[]): Promise<Dataset[]> {
    if (ids.length === 0) return [];
    return this.find({ id: { $in: [...ids] } }, { populate: ['tags'] });
  }

  /** {@link labelCounts} of several datasets in one query. */
  async labelCountsOf(
    datasetIds: readonly number[],
    column: LabelColumn,
  ): Promise<Map<number, { label: string; count: number }[]>> {
    const out = new Map<number, { label: string; count: number }[]>(
      datasetIds.map((id) => [id, []]),
    );
    if (datasetIds.length === 0) return out;
    const rows = await this.em
      .createQueryBuilder(DatasetItemSchema, 'i')
      .select(['dataset', column, raw('count(*) as n')])
      .where({ dataset: { $in: [...datasetIds] }, [column]: { $ne: null } })
      .groupBy(['dataset', column])
      .execute<{ n: number | string; [k: string]: unknown }[]>('all', false);
    const meta = this.em.getMetadata().get(DatasetItemSchema.meta.className);
    const field = meta.properties[column]?.fieldNames[0] ?? column;
    const datasetField = meta.properties.dataset?.fieldNames[0] ?? 'dataset_id';
    for (const r of rows) {
      out.get(Number(r[datasetField]))?.push({ label: String(r[field]), count: Number(r.n) });
    }
    for (const counts of out.values())
      counts.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
    return out;
  }

  /** Registry totals: datasets and items, overall and by kind. */
  async stats(): Promise<{ kind: DatasetKind; datasets: number; items: number }[]> {
    const rows = await this.em
      .createQueryBuilder(this.entityName, 'd')
      .select(['kind', raw('count(*) as datasets'), raw('sum(item_count) as items')])
      .groupBy('kind')
      .execute<{ kind: DatasetKind; datasets: number | string; items: number | string | null }[]>(
        'all',
        false,
      );
    return rows.map((r) => ({
      kind: r.kind,
      datasets: Number(r.datasets),
      items: Number(r.items ?? 0),
    }));
  }
}

interface InsertOptions {
  ignoreExisting?: boolean;
  onProgress?: (stored: number) => void;
}

/** The one way item rows are written: the import path and the generation runner both come here. */
async function insertItemRows(
  em: EntityManager,
  datasetId: number,
  items: readonly (NewItem & { position?: number })[],
  options: InsertOptions,
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < items.length; start += INSERT_CHUNK) {
    const now = new Date();
    const rows = items.slice(start, start + INSERT_CHUNK).map((item, i) => ({
      dataset: datasetId,
      key: item.key,
      position: item.position ?? start + i,
      data: item.data as Record<string, unknown>,
      intent: item.columns.intent ?? null,
      category: item.columns.category ?? null,
      language: item.columns.language ?? null,
      sentiment: item.columns.sentiment ?? null,
      complexity: item.columns.complexity ?? null,
      seriesType: item.columns.seriesType ?? null,
      domain: item.columns.domain ?? null,
      createdAt: now,
    }));
    if (options.ignoreExisting) {
      const result = await em
        .createQueryBuilder(DatasetItemSchema)
        .insert(rows)
        .onConflict(['dataset', 'key'])
        .ignore()
        .execute('run');
      inserted += (result as { affectedRows?: number }).affectedRows ?? rows.length;
    } else {
      await em.insertMany(DatasetItemSchema, rows);
      inserted += rows.length;
    }
    options.onProgress?.(start + rows.length);
  }
  return inserted;
}
