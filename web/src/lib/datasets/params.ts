import { TagSchema } from '@genesis/schema/common';
import * as v from 'valibot';
import type { graphql } from '../graphql/graphql.ts';
import type { MessageKey, MessageValues } from '../i18n/messages.ts';
import { DATASET_KINDS, DATASET_ORIGINS } from './labels.ts';

/** Datasets per page on the datasets list. */
export const PAGE_SIZE = 20;

const MAX_SEARCH = 200;

/** How the datasets list is laid out; `table` is the default and is left out of the URL. */
export const DATASET_VIEWS = ['table', 'cards'] as const;
/** A datasets list layout. */
export type DatasetView = (typeof DATASET_VIEWS)[number];

/** The cursor state of a forward-only Relay list kept in the URL (`?after=&prev=`). */
export interface CursorParams {
  /** Cursor of the page shown (absent on the first page). */
  after?: string;
  /** The `after` of each earlier page, oldest first ('' for the first page), for "Previous". */
  prev: string[];
}

/**
 * The datasets list state that lives in the URL query
 * (`?kind=&origin=&tag=&q=&view=&after=&prev=`).
 */
export const DatasetListParamsSchema = v.object({
  kind: v.optional(v.picklist(DATASET_KINDS)),
  origin: v.optional(v.picklist(DATASET_ORIGINS)),
  /** Only datasets carrying this tag; the API's own tag rules (lower case, 1-40 characters). */
  tag: v.optional(TagSchema),
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_SEARCH))),
  /** Present only for a non-default layout (`?view=cards`). */
  view: v.optional(v.picklist(DATASET_VIEWS)),
  /** Cursor of the page shown (absent on the first page). */
  after: v.optional(v.string()),
  /** The `after` of each earlier page, oldest first ('' for the first page), for "Previous". */
  prev: v.array(v.string()),
});
export type DatasetListParams = v.InferOutput<typeof DatasetListParamsSchema>;

/**
 * A note about a query value that was ignored, as a catalogue message (`params.*`) and its values, so the page
 * shows it in the reader's language.
 */
export interface ParamProblem {
  key: MessageKey;
  values: MessageValues;
}

/** Parsed list params plus notes about query values that were ignored. */
export interface ParsedDatasetListParams {
  params: DatasetListParams;
  problems: ParamProblem[];
}

/** A query value quoted back in a note: at most 40 characters (a hand-edited URL may hold anything). */
export function quoted(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/**
 * Reads the datasets list state from a URL query. A bad value never breaks the page: it is
 * dropped and reported in `problems`, so a hand-edited or stale link still shows datasets.
 */
export function parseDatasetListParams(query: URLSearchParams): ParsedDatasetListParams {
  const problems: ParamProblem[] = [];
  const params: DatasetListParams = { prev: query.getAll('prev') };

  const kind = query.get('kind');
  if (kind) {
    const parsed = v.safeParse(DatasetListParamsSchema.entries.kind, kind.toUpperCase());
    if (parsed.success && parsed.output) params.kind = parsed.output;
    else
      problems.push({
        key: 'params.unknownKind',
        values: { value: quoted(kind), allowed: DATASET_KINDS.join(', ') },
      });
  }
  const origin = query.get('origin');
  if (origin) {
    const parsed = v.safeParse(DatasetListParamsSchema.entries.origin, origin.toUpperCase());
    if (parsed.success && parsed.output) params.origin = parsed.output;
    else
      problems.push({
        key: 'params.unknownOrigin',
        values: { value: quoted(origin), allowed: DATASET_ORIGINS.join(', ') },
      });
  }
  const tag = query.get('tag')?.trim();
  if (tag) {
    // Tags are stored lower case, so "Gold" finds "gold"; anything else a tag can't be is dropped.
    const parsed = v.safeParse(DatasetListParamsSchema.entries.tag, tag.toLowerCase());
    if (parsed.success && parsed.output) params.tag = parsed.output;
    else problems.push({ key: 'params.badTag', values: { value: quoted(tag) } });
  }
  const q = query.get('q')?.trim();
  if (q) {
    if (q.length > MAX_SEARCH) {
      problems.push({ key: 'params.searchCut', values: { max: MAX_SEARCH } });
    }
    params.q = q.slice(0, MAX_SEARCH);
  }
  const view = query.get('view');
  if (view) {
    const parsed = v.safeParse(DatasetListParamsSchema.entries.view, view.toLowerCase());
    if (parsed.success && parsed.output) {
      if (parsed.output !== 'table') params.view = parsed.output;
    } else
      problems.push({
        key: 'params.unknownView',
        values: { value: quoted(view), allowed: DATASET_VIEWS.join(', ') },
      });
  }
  const after = query.get('after');
  if (after) params.after = after;
  return { params, problems };
}

/** The API's `DatasetFilter` input, as the GraphQL documents type it. */
type DatasetFilterGql = ReturnType<typeof graphql.scalar<'DatasetFilter'>>;

/** The GraphQL `DatasetFilter` for the given params, or undefined when nothing is filtered. */
export function datasetFilter(params: DatasetListParams): DatasetFilterGql | undefined {
  const filter: DatasetFilterGql = {};
  if (params.kind) filter.kind = params.kind;
  if (params.origin) filter.origin = params.origin;
  if (params.tag) filter.tag = params.tag;
  if (params.q) filter.search = params.q;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** Serialises list params to a query string ('' when empty, otherwise starting with '?'). */
export function datasetListQuery(params: DatasetListParams): string {
  const query = new URLSearchParams();
  if (params.kind) query.set('kind', params.kind);
  if (params.origin) query.set('origin', params.origin);
  if (params.tag) query.set('tag', params.tag);
  if (params.q) query.set('q', params.q);
  if (params.view && params.view !== 'table') query.set('view', params.view);
  return withCursor(query, params);
}

/**
 * Appends the cursor state to a query and returns it as a query string ('' when empty,
 * otherwise starting with '?'). The earlier cursors are only kept beside a current one.
 */
export function withCursor(query: URLSearchParams, params: CursorParams): string {
  if (params.after) {
    query.set('after', params.after);
    for (const cursor of params.prev) query.append('prev', cursor);
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The params of the next page, after `endCursor` of the current one. */
export function nextPage<P extends CursorParams>(params: P, endCursor: string): P {
  return { ...params, after: endCursor, prev: [...params.prev, params.after ?? ''] };
}

/** The params of the previous page, or undefined on the first page. */
export function previousPage<P extends CursorParams>(params: P): P | undefined {
  if (params.after === undefined) return undefined;
  const after = params.prev.at(-1);
  const page: P = { ...params, prev: params.prev.slice(0, -1) };
  // '' stands for the first page, which has no cursor.
  delete page.after;
  if (after) page.after = after;
  return page;
}

/**
 * The same list page in another layout. The page (cursor) is kept: the layout changes how rows
 * look, not which rows are shown.
 */
export function withView(params: DatasetListParams, view: DatasetView): DatasetListParams {
  const { view: _current, ...rest } = params;
  return view === 'table' ? rest : { ...rest, view };
}
