import * as v from 'valibot';
import type { DatasetKind, DatasetOrigin } from '../graphql/graphql.ts';
import { DATASET_KINDS, DATASET_ORIGINS } from './labels.ts';

/** Datasets per page on the datasets list. */
export const PAGE_SIZE = 20;

const MAX_SEARCH = 200;

/** How the datasets list is laid out; `table` is the default and is left out of the URL. */
export const DATASET_VIEWS = ['table', 'cards'] as const;
/** A datasets list layout. */
export type DatasetView = (typeof DATASET_VIEWS)[number];

/** The datasets list state that lives in the URL query (`?kind=&origin=&q=&view=&after=&prev=`). */
export const DatasetListParamsSchema = v.object({
  kind: v.optional(v.picklist(DATASET_KINDS)),
  origin: v.optional(v.picklist(DATASET_ORIGINS)),
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_SEARCH))),
  /** Present only for a non-default layout (`?view=cards`). */
  view: v.optional(v.picklist(DATASET_VIEWS)),
  /** Cursor of the page shown (absent on the first page). */
  after: v.optional(v.string()),
  /** The `after` of each earlier page, oldest first ('' for the first page), for "Previous". */
  prev: v.array(v.string()),
});
export type DatasetListParams = v.InferOutput<typeof DatasetListParamsSchema>;

/** Parsed list params plus readable notes about query values that were ignored. */
export interface ParsedDatasetListParams {
  params: DatasetListParams;
  problems: string[];
}

/**
 * Reads the datasets list state from a URL query. A bad value never breaks the page: it is
 * dropped and reported in `problems`, so a hand-edited or stale link still shows datasets.
 */
export function parseDatasetListParams(query: URLSearchParams): ParsedDatasetListParams {
  const problems: string[] = [];
  const params: DatasetListParams = { prev: query.getAll('prev') };

  const kind = query.get('kind');
  if (kind) {
    const parsed = v.safeParse(DatasetListParamsSchema.entries.kind, kind.toUpperCase());
    if (parsed.success && parsed.output) params.kind = parsed.output;
    else problems.push(`Unknown kind "${kind}" ignored (use ${DATASET_KINDS.join(', ')}).`);
  }
  const origin = query.get('origin');
  if (origin) {
    const parsed = v.safeParse(DatasetListParamsSchema.entries.origin, origin.toUpperCase());
    if (parsed.success && parsed.output) params.origin = parsed.output;
    else problems.push(`Unknown origin "${origin}" ignored (use ${DATASET_ORIGINS.join(', ')}).`);
  }
  const q = query.get('q')?.trim();
  if (q) {
    if (q.length > MAX_SEARCH) {
      problems.push(`Search text cut to ${MAX_SEARCH} characters.`);
    }
    params.q = q.slice(0, MAX_SEARCH);
  }
  const view = query.get('view');
  if (view) {
    const parsed = v.safeParse(DatasetListParamsSchema.entries.view, view.toLowerCase());
    if (parsed.success && parsed.output) {
      if (parsed.output !== 'table') params.view = parsed.output;
    } else problems.push(`Unknown view "${view}" ignored (use ${DATASET_VIEWS.join(', ')}).`);
  }
  const after = query.get('after');
  if (after) params.after = after;
  return { params, problems };
}

/** The GraphQL `DatasetFilter` for the given params, or undefined when nothing is filtered. */
export function datasetFilter(
  params: DatasetListParams,
): { kind?: DatasetKind; origin?: DatasetOrigin; search?: string } | undefined {
  const filter: { kind?: DatasetKind; origin?: DatasetOrigin; search?: string } = {};
  if (params.kind) filter.kind = params.kind;
  if (params.origin) filter.origin = params.origin;
  if (params.q) filter.search = params.q;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** Serialises list params to a query string ('' when empty, otherwise starting with '?'). */
export function datasetListQuery(params: DatasetListParams): string {
  const query = new URLSearchParams();
  if (params.kind) query.set('kind', params.kind);
  if (params.origin) query.set('origin', params.origin);
  if (params.q) query.set('q', params.q);
  if (params.view && params.view !== 'table') query.set('view', params.view);
  if (params.after) {
    query.set('after', params.after);
    for (const cursor of params.prev) query.append('prev', cursor);
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The params of the next page, after `endCursor` of the current one. */
export function nextPage(params: DatasetListParams, endCursor: string): DatasetListParams {
  return { ...params, after: endCursor, prev: [...params.prev, params.after ?? ''] };
}

/** The params of the previous page, or undefined on the first page. */
export function previousPage(params: DatasetListParams): DatasetListParams | undefined {
  if (params.after === undefined) return undefined;
  const prev = params.prev.slice(0, -1);
  const after = params.prev.at(-1);
  const { after: _current, ...rest } = params;
  return after ? { ...rest, after, prev } : { ...rest, prev: [] };
}

/**
 * The same list page in another layout. The page (cursor) is kept: the layout changes how rows
 * look, not which rows are shown.
 */
export function withView(params: DatasetListParams, view: DatasetView): DatasetListParams {
  const { view: _current, ...rest } = params;
  return view === 'table' ? rest : { ...rest, view };
}
