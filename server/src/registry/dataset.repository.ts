import { type DatasetKind, type DatasetOrigin, MAX_TAGS } from '@genesis/schema/common';
import { codedMessage } from '@genesis/schema/messages';
import { type EntityName, raw } from '@mikro-orm/core';
import { type EntityManager, EntityRepository, type Knex } from '@mikro-orm/knex';
import {
  type KeysetWindow,
  keysetPage,
  keysetReadOrder,
  keysetWindow,
  type Page,
  type PageArgs,
} from '../platform/db/cursor.ts';
import { DatasetChangedError, InputError } from '../platform/errors.ts';
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
  'resolution',
  'seriesType',
  'domain',
] as const;
export type LabelColumn = (typeof LABEL_COLUMNS)[number];

/** An item as a page of items shows it: its columns as plain values (see {@link DatasetRepository.itemsPage}). */
export type ItemRow = Pick<
  DatasetItem,
  'id' | 'key' | 'position' | 'data' | LabelColumn | 'createdAt'
>;

/** A row mapped to property names as an {@link ItemRow}, its record (JSON text on SQLite) parsed when first read. */
function itemRow(mapped: Record<string, unknown>): ItemRow {
  const { dataset: _dataset, data, ...row } = mapped;
  let record = data;
  return Object.defineProperty(row, 'data', {
    enumerable: true,
    get: () => {
      if (typeof record === 'string') record = JSON.parse(record);
      return record;
    },
  }) as ItemRow;
}

/**
 * A dataset as a listing shows it: its columns as plain values and its tags' names, sorted (see
 * {@link DatasetRepository.list}).
 */
export type DatasetRow = Pick<
  Dataset,
  | 'id'
  | 'name'
  | 'kind'
  | 'origin'
  | 'description'
  | 'itemCount'
  | 'source'
  | 'createdAt'
  | 'updatedAt'
> & { tagNames: string[] };

/**
 * One dataset as `dataset(id)` reads it: a {@link DatasetRow} whose tags are read only when asked for
 * ({@link DatasetRepository.tagNamesOf}), so an items page pays no query for them.
 */
export type DatasetHead = Omit<DatasetRow, 'tagNames'>;

/** The entity's name in the metadata (the schema imports this module, so not the schema itself). */
const DatasetSchemaName = 'Dataset';

/** A JSON column's value: text on SQLite, already parsed on PostgreSQL. */
function jsonValue(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

/** A date column's value: a number or text on SQLite, a Date on PostgreSQL. */
function dateValue(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string | number);
}

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

/** A dataset's items at one moment: how many, and the highest id among them (0 when empty). */
export interface ItemSnapshot {
  datasetId: number;
  count: number;
  maxId: number;
}

export type { PageArgs };

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;
/** Rows per INSERT statement: keeps each statement under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

/** A LIKE pattern matching `text` anywhere, its wildcards escaped with `\\` (see {@link LIKE_ESCAPE}). */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQLite's LIKE has no escape character unless told; PostgreSQL's is `\\` by default. Said on both. */
const LIKE_ESCAPE = "escape '\\'";

const PAGE_LIMITS = { defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE };

/** Registry queries for datasets and their items. Works unchanged on SQLite and PostgreSQL. */
export class DatasetRepository extends EntityRepository<Dataset> {
  /**
   * Datasets, newest first, filtered, one page at a time (Relay's `first`/`after` or `last`/`before`). The filter
   * values are bound parameters of a statement run through knex: MikroORM 6 writes the values of its own queries
   * into the SQL text (escaped), and a search is free text from anyone.
   */
  async list(filter: DatasetFilter = {}, args: PageArgs = {}): Promise<Page<Dataset>> {
    const { rows, window } = await this.#listRows(filter, args);
    const datasets = rows.rows.map((row) => this.em.map(this.entityName, row));
    await this.em.populate(datasets, ['tags']);
    return keysetPage(datasets, window, rows.totalCount, (dataset) => dataset.id);
  }

  /**
   * {@link list} as plain rows, not entities, as for an items page (the GraphQL listing only reads them: merging
   * 20 datasets and their tags into the identity map cost more than the rest of the request, docs/benchmarks.md
   * "bench:load"); their tags in one query.
   */
  async listRows(filter: DatasetFilter = {}, args: PageArgs = {}): Promise<Page<DatasetRow>> {
    const { rows, window } = await this.#listRows(filter, args);
    const datasets = rows.rows.map(
      (row) => ({ ...this.#datasetHead(row), tagNames: [] as string[] }) as DatasetRow,
    );
    if (datasets.length > 0) {
      const tags = this.#table(DatasetTagSchema);
      const byId = new Map(datasets.map((row) => [row.id, row]));
      const found = (await this.#knex()(tags.name)
        .select({ dataset: tags.column('dataset'), tag: tags.column('tag') })
        .whereIn(tags.column('dataset'), [...byId.keys()])) as { dataset: number; tag: string }[];
      for (const { dataset, tag } of found) byId.get(Number(dataset))?.tagNames.push(tag);
      for (const row of datasets) row.tagNames.sort();
    }
    return keysetPage(datasets, window, rows.totalCount, (dataset) => dataset.id);
  }

  /**
   * One dataset as a plain row, without its tags (null when there is none): what an items page reads, where
   * loading the entity into the identity map cost more than the page's own query (docs/benchmarks.md,
   * "bench:load").
   */
  async rowById(id: number): Promise<DatasetHead | null> {
    const d = this.#table(this.entityName);
    const row = (await this.#knex()(d.name).where(d.column('id'), id).first()) as
      | Record<string, unknown>
      | undefined;
    return row ? this.#datasetHead(row) : null;
  }

  /** A dataset's tags' names, sorted. */
  async tagNamesOf(id: number): Promise<string[]> {
    const tags = this.#table(DatasetTagSchema);
    const found = (await this.#knex()(tags.name)
      .select({ tag: tags.column('tag') })
      .where(tags.column('dataset'), id)) as { tag: string }[];
    return found.map((r) => r.tag).sort();
  }

  /** A dataset's raw row as plain values. */
  #datasetHead(row: Record<string, unknown>): DatasetHead {
    const meta = this.em.getMetadata().get(DatasetSchemaName);
    const mapped = this.em.getDriver().mapResult(row, meta) as Record<string, unknown>;
    return {
      id: mapped.id,
      name: mapped.name,
      kind: mapped.kind,
      origin: mapped.origin,
      description: mapped.description ?? null,
      itemCount: mapped.itemCount,
      source: jsonValue(mapped.source),
      createdAt: dateValue(mapped.createdAt),
      updatedAt: dateValue(mapped.updatedAt),
    } as DatasetHead;
  }

  /** The raw rows of one page of {@link list}, and its window. */
  async #listRows(filter: DatasetFilter, args: PageArgs) {
    const window = keysetWindow(args, PAGE_LIMITS);
    const d = this.#table(this.entityName);
    const tags = this.#table(DatasetTagSchema);
    const where = (q: Knex.QueryBuilder) => {
      if (filter.kind) q.where(d.column('kind'), filter.kind);
      if (filter.origin) q.where(d.column('origin'), filter.origin);
      if (filter.tag) {
        const tag = filter.tag;
        q.whereExists((sub) =>
          sub
            .select(this.#knex().raw('1'))
            .from(tags.name)
            .whereRaw('?? = ??', [tags.column('dataset'), d.column('id')])
            .where(tags.column('tag'), tag),
        );
      }
      if (filter.search) {
        q.whereRaw(`lower(??) like ? ${LIKE_ESCAPE}`, [
          d.column('name'),
          likePattern(filter.search),
        ]);
      }
      return q;
    };
    return { rows: await this.#keysetRows(d, where, window, 'id', 'desc'), window };
  }

  /**
   * Creates a dataset with all its items in one transaction: either every item is stored or nothing is.
   * `items` is an array, or batches that arrive over time (an import read as a stream): they are stored as they
   * come, in the same transaction, positions continuing from batch to batch, and the item count is set at the
   * end; when the batches throw (a file found invalid at its end), the transaction rolls back and the error
   * propagates. `beforeCommit` runs last inside the transaction, with its EntityManager (an import's duplicate
   * check); when it throws, nothing is kept. Returns the new dataset (with tags loaded).
   */
  async createWithItems(
    input: NewDataset,
    items: readonly NewItem[] | AsyncIterable<readonly NewItem[]>,
    onProgress?: (stored: number) => void,
    beforeCommit?: (em: EntityManager, dataset: Dataset) => Promise<void>,
  ): Promise<Dataset> {
    return this.em.transactional(async (em) => {
      const dataset = em.create(this.entityName, {
        name: input.name,
        kind: input.kind,
        origin: input.origin,
        description: input.description ?? null,
        source: input.source ?? null,
        itemCount: 0,
      } as Dataset);
      for (const tag of new Set(input.tags ?? [])) em.create(DatasetTagSchema, { dataset, tag });
      await em.flush();
      let stored = 0;
      if (!(Symbol.asyncIterator in items)) {
        stored = await insertItemRows(em, dataset.id, items, { onProgress });
      } else {
        for await (const batch of items) {
          const first = stored;
          stored += await insertItemRows(em, dataset.id, batch, {
            firstPosition: first,
            onProgress: onProgress && ((n) => onProgress(first + n)),
          });
        }
      }
      // insertItemRows counted them on the row already; the entity follows (the flush writes the same value).
      dataset.itemCount = stored;
      await beforeCommit?.(em, dataset);
      return dataset;
    });
  }

  /**
   * Inserts items into a dataset in chunks, positions from `position` (default: their index). With
   * `ignoreExisting`, an item whose key the dataset already holds is skipped (a generation slot stored by an
   * earlier run); otherwise a repeated key fails the statement. Returns how many rows were inserted, and adds
   * them to the dataset's `itemCount` in the same statement sequence. Runs in the repository's EntityManager:
   * bind the repository to a transaction's to make it part of one (the count then commits with the items).
   */
  insertItems(
    datasetId: number,
    items: readonly (NewItem & { position?: number })[],
    options: InsertOptions = {},
  ): Promise<number> {
    return insertItemRows(this.em, datasetId, items, options);
  }

  /**
   * Deletes the items of a dataset with these keys, in one transaction with the dataset's `itemCount` (lowered by
   * the rows actually deleted, so a key that is not there changes nothing). Returns how many were deleted.
   */
  deleteItems(datasetId: number, keys: readonly string[]): Promise<number> {
    return this.em.transactional(async (em) => {
      let deleted = 0;
      for (let start = 0; start < keys.length; start += INSERT_CHUNK) {
        deleted += await em.nativeDelete(DatasetItemSchema, {
          dataset: datasetId,
          key: { $in: keys.slice(start, start + INSERT_CHUNK) },
        });
      }
      if (deleted > 0) await addToItemCount(em, datasetId, -deleted);
      return deleted;
    });
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
    const adding = [...new Set(add)].filter((tag) => !have.has(tag) && !removing.has(tag));
    const kept = [...have].filter((tag) => !removing.has(tag)).length;
    if (adding.length > 0 && kept + adding.length > MAX_TAGS) {
      throw new InputError([
        {
          path: 'add',
          ...codedMessage('tags.full', {
            max: MAX_TAGS,
            count: kept,
            more: Math.max(MAX_TAGS - kept, 0),
          }),
        },
      ]);
    }
    for (const tag of adding) this.em.create(DatasetTagSchema, { dataset, tag });
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

  /**
   * One page of a dataset's items in dataset order, filtered by label columns or text, forwards or backwards;
   * the filter values are bound parameters (see {@link list}). `totalCount` comes from {@link countItems}.
   */
  async items(
    datasetId: number,
    filter: ItemFilter = {},
    args: PageArgs = {},
  ): Promise<Page<ItemRow>> {
    const { count, ...page } = await this.itemsPage(datasetId, filter, args);
    return { ...page, totalCount: await count() };
  }

  /**
   * {@link items} without counting: the page, and `count()` for its total, which runs only when called (GraphQL
   * calls it when `totalCount` is selected). `dataset` is the dataset's row when the caller has it loaded.
   */
  async itemsPage(
    datasetId: number,
    filter: ItemFilter = {},
    args: PageArgs = {},
    dataset?: Pick<Dataset, 'itemCount' | 'updatedAt'>,
  ): Promise<Omit<Page<ItemRow>, 'totalCount'> & { count: () => Promise<number> }> {
    const window = keysetWindow(args, PAGE_LIMITS);
    const i = this.#table(DatasetItemSchema);
    const where = this.#itemWhere(datasetId, filter);
    const rows = await this.#keysetRows(i, where, window, 'position', 'asc', false);
    // Plain rows, not entities: a page is only read, and merging 50 entities into the identity map cost more than
    // the rest of the request (docs/benchmarks.md, "bench:load").
    const meta = this.em.getMetadata().get(DatasetItemSchema.meta.className);
    const driver = this.em.getDriver();
    const items = rows.rows.map((row) =>
      itemRow(driver.mapResult(row, meta) as Record<string, unknown>),
    );
    const { totalCount: _none, ...page } = keysetPage(items, window, 0, (item) => item.position);
    return { ...page, count: () => this.countItems(datasetId, filter, dataset) };
  }

  /**
   * How many items of a dataset match a filter, without a `COUNT(*)` per request (see docs/benchmarks.md,
   * "bench:load"): with no filter, the `itemCount` kept on the dataset's row in the transactions that insert and
   * delete items; with one, a count cached per database, dataset, filter and the dataset's version (its
   * `itemCount` and `updatedAt`, which every insert and delete changes), so it is exact, is counted once per
   * change of the dataset, and concurrent requests for the same count share one query.
   */
  async countItems(
    datasetId: number,
    filter: ItemFilter = {},
    dataset?: Pick<Dataset, 'itemCount' | 'updatedAt'>,
  ): Promise<number> {
    const row =
      dataset ??
      (await this.em.findOne(
        this.entityName,
        { id: datasetId },
        { fields: ['itemCount', 'updatedAt'], disableIdentityMap: true },
      ));
    if (!row) return 0;
    const filtered = LABEL_COLUMNS.some((c) => filter[c] != null) || !!filter.search;
    if (!filtered) return row.itemCount;
    const key = JSON.stringify([
      datasetId,
      row.itemCount,
      new Date(row.updatedAt).getTime(),
      LABEL_COLUMNS.map((c) => filter[c] ?? null),
      filter.search ?? null,
    ]);
    const cache = countCacheOf(this.em);
    let counted = cache.get(key);
    if (counted) {
      // Most recently used last: a Map iterates in insertion order, so the first key is the one to evict.
      cache.delete(key);
      cache.set(key, counted);
      return counted;
    }
    const i = this.#table(DatasetItemSchema);
    counted = (async () => {
      const [n] = (await this.#itemWhere(
        datasetId,
        filter,
      )(this.#knex()(i.name)).count({
        n: '*',
      })) as { n: number | string }[];
      return Number(n?.n ?? 0);
    })();
    cache.set(key, counted);
    if (cache.size > COUNT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    counted.catch(() => cache.delete(key));
    return counted;
  }

  /** The WHERE of a dataset's items under a filter, values bound (see {@link list}). */
  #itemWhere(datasetId: number, filter: ItemFilter) {
    const i = this.#table(DatasetItemSchema);
    return (q: Knex.QueryBuilder) => {
      q.where(i.column('dataset'), datasetId);
      for (const col of LABEL_COLUMNS) {
        const value = filter[col];
        if (value != null) q.where(i.column(col), value);
      }
      if (filter.search) {
        // The record's JSON text: conversation turns, utterance text, series description.
        q.whereRaw(`lower(cast(?? as text)) like ? ${LIKE_ESCAPE}`, [
          i.column('data'),
          likePattern(filter.search),
        ]);
      }
      return q;
    };
  }

  #knex(): Knex {
    return this.em.getKnex();
  }

  /** An entity's table name and its properties' column names. */
  #table<T extends object>(entity: EntityName<T>) {
    const meta = this.em.getMetadata().get(entity as never);
    return {
      name: meta.tableName,
      column: (property: string) => {
        const prop = meta.properties[property as never] as { fieldNames?: string[] } | undefined;
        if (!prop?.fieldNames?.[0]) throw new Error(`${meta.className} has no column ${property}`);
        return `${meta.tableName}.${prop.fieldNames[0]}`;
      },
    };
  }

  /**
   * The rows of one keyset window of a filtered table, and (`count`) how many rows the filter matches, in bound
   * statements. The rows are raw rows, for `em.map`.
   */
  async #keysetRows(
    table: { name: string; column: (property: string) => string },
    where: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
    window: KeysetWindow,
    key: string,
    order: 'asc' | 'desc',
    count = true,
  ): Promise<{ rows: Record<string, unknown>[]; totalCount: number }> {
    const knex = this.#knex();
    const [counted] = count
      ? ((await where(knex(table.name)).count({ n: '*' })) as { n: number | string }[])
      : [];
    const paged = where(knex(table.name).select(`${table.name}.*`));
    const bounds: Record<'after' | 'before', number | null> = {
      after: window.after,
      before: window.before,
    };
    for (const side of ['after', 'before'] as const) {
      const at = bounds[side];
      if (at === null) continue;
      const past = (side === 'after') === (order === 'asc') ? '>' : '<';
      paged.where(table.column(key), past, at);
    }
    const rows = (await paged
      .orderBy(table.column(key), keysetReadOrder(window, order))
      .limit(window.size + 1)) as Record<string, unknown>[];
    return { rows, totalCount: Number(counted?.n ?? 0) };
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

  /**
   * What a dataset holds now, read in one statement: how many items and the highest item id. Reading with
   * {@link streamSnapshot} gives exactly these items, or fails.
   */
  async snapshot(datasetId: number): Promise<ItemSnapshot> {
    const [row] = await this.em
      .createQueryBuilder(DatasetItemSchema, 'i')
      .select([raw('count(*) as n'), raw('max(id) as max_id')])
      .where({ dataset: datasetId })
      .execute<{ n: number | string; max_id: number | string | null }[]>('all', false);
    return {
      datasetId,
      count: Number(row?.n ?? 0),
      maxId: row?.max_id == null ? 0 : Number(row.max_id),
    };
  }

  /**
   * The items of a snapshot in dataset order, in chunks (bounded memory): items stored after the snapshot are
   * left out, and when fewer items than the snapshot counted are found (the dataset was deleted or emptied
   * meanwhile), or `signal` aborts, it throws a {@link DatasetChangedError} instead of ending as if complete.
   * Every export, validation and training read goes through here, so none works on part of a dataset unawares.
   */
  async *streamSnapshot(
    snapshot: ItemSnapshot,
    options: { signal?: AbortSignal; chunk?: number } = {},
  ): AsyncGenerator<Record<string, unknown>> {
    const { datasetId, count, maxId } = snapshot;
    const chunk = options.chunk ?? 1000;
    let read = 0;
    let after = -1;
    const stopped = () => {
      const reason: unknown = options.signal?.reason;
      return reason instanceof DatasetChangedError
        ? reason
        : new DatasetChangedError(
            datasetId,
            count,
            read,
            reason instanceof Error ? reason.message : 'reading was stopped',
          );
    };
    for (;;) {
      if (options.signal?.aborted) throw stopped();
      const rows = await this.em.find(
        DatasetItemSchema,
        { dataset: datasetId, id: { $lte: maxId }, position: { $gt: after } },
        { orderBy: { position: 'asc' }, limit: chunk, fields: ['position', 'data'] },
      );
      this.em.clear();
      for (const row of rows) {
        if (options.signal?.aborted) throw stopped();
        read++;
        yield row.data;
      }
      if (rows.length < chunk) break;
      after = rows[rows.length - 1]!.position;
    }
    if (read !== count) throw new DatasetChangedError(datasetId, count, read);
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
  /** Position of the first item without its own (default 0). */
  firstPosition?: number;
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
      position: item.position ?? (options.firstPosition ?? 0) + start + i,
      data: item.data as Record<string, unknown>,
      intent: item.columns.intent ?? null,
      category: item.columns.category ?? null,
      language: item.columns.language ?? null,
      sentiment: item.columns.sentiment ?? null,
      complexity: item.columns.complexity ?? null,
      resolution: item.columns.resolution ?? null,
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
  if (inserted > 0) await addToItemCount(em, datasetId, inserted);
  return inserted;
}

/**
 * Moves a dataset's `itemCount` by `delta` in one UPDATE (no read, so concurrent writers cannot lose a change),
 * and its `updatedAt`, which versions the cached filtered counts ({@link DatasetRepository.countItems}).
 */
async function addToItemCount(em: EntityManager, datasetId: number, delta: number): Promise<void> {
  const meta = em.getMetadata().get('Dataset');
  const column = meta.properties.itemCount!.fieldNames[0]!;
  await em.nativeUpdate(
    meta.className,
    { id: datasetId },
    {
      itemCount: raw(`${em.getPlatform().quoteIdentifier(column)} + ?`, [delta]),
      updatedAt: new Date(),
    },
  );
}

/** Cached filtered counts, per database (tests open several in one process), most recently used last. */
const COUNT_CACHE_SIZE = 1000;
const countCaches = new WeakMap<object, Map<string, Promise<number>>>();

function countCacheOf(em: EntityManager): Map<string, Promise<number>> {
  const driver = em.getDriver();
  let cache = countCaches.get(driver);
  if (!cache) {
    cache = new Map();
    countCaches.set(driver, cache);
  }
  return cache;
}
