import { RESOLUTIONS } from '@genesis/schema/common';
import * as v from 'valibot';
import { LABEL_DIMENSIONS } from '../charts/shape.ts';
import type { graphql } from '../graphql/graphql.ts';
import { type CursorParams, type ParamProblem, quoted, withCursor } from './params.ts';

/** Items per page on a dataset's page (conversations are tall, so pages stay short). */
export const ITEMS_PAGE_SIZE = 10;

const MAX_SEARCH = 200;
const MAX_LABEL = 100;

/** A label column items can be filtered by (`intent`, `language`, `seriesType`, …). */
export type ItemLabel = (typeof LABEL_DIMENSIONS)[number][0];

/** The label columns, in the order the filters are shown; each is also its URL query key. */
export const ITEM_LABELS: readonly ItemLabel[] = LABEL_DIMENSIONS.map(([key]) => key);

const LabelValueSchema = v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(MAX_LABEL));
/** The API refuses any other resolution, so a hand-edited one is dropped here instead of failing the page. */
const ResolutionValueSchema = v.picklist(RESOLUTIONS);

/**
 * The item list state of a dataset page that lives in the URL query
 * (`?intent=&language=&…&q=&after=&prev=`), so a filtered page can be linked to.
 */
export const ItemListParamsSchema = v.object({
  intent: v.optional(LabelValueSchema),
  category: v.optional(LabelValueSchema),
  language: v.optional(LabelValueSchema),
  sentiment: v.optional(LabelValueSchema),
  complexity: v.optional(LabelValueSchema),
  resolution: v.optional(ResolutionValueSchema),
  seriesType: v.optional(LabelValueSchema),
  domain: v.optional(LabelValueSchema),
  /** Text anywhere in the record, case-insensitive. */
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_SEARCH))),
  /** Cursor of the page shown (absent on the first page). */
  after: v.optional(v.string()),
  /** The `after` of each earlier page, oldest first ('' for the first page), for "Previous". */
  prev: v.array(v.string()),
});
export type ItemListParams = v.InferOutput<typeof ItemListParamsSchema>;

/** Parsed item list params plus notes about query values that were ignored. */
export interface ParsedItemListParams {
  params: ItemListParams;
  problems: ParamProblem[];
}

/**
 * Reads a dataset page's item list state from its URL query. A bad value never breaks the page:
 * it is dropped and reported in `problems`. Label values are not checked against the dataset's
 * labels here; one it does not have simply matches no item.
 */
export function parseItemListParams(query: URLSearchParams): ParsedItemListParams {
  const problems: ParamProblem[] = [];
  const params: ItemListParams = { prev: query.getAll('prev') };
  for (const key of ITEM_LABELS) {
    const value = query.get(key)?.trim();
    if (!value) continue;
    if (key === 'resolution') {
      if (v.is(ResolutionValueSchema, value)) params.resolution = value;
      else
        problems.push({
          key: 'params.badResolution',
          values: { value: quoted(value), allowed: RESOLUTIONS.join(', ') },
        });
    } else if (v.is(LabelValueSchema, value)) params[key] = value;
    else problems.push({ key: 'params.longLabel', values: { filter: key, max: MAX_LABEL } });
  }
  const q = query.get('q')?.trim();
  if (q) {
    if (q.length > MAX_SEARCH)
      problems.push({ key: 'params.searchCut', values: { max: MAX_SEARCH } });
    params.q = q.slice(0, MAX_SEARCH);
  }
  const after = query.get('after');
  if (after) params.after = after;
  return { params, problems };
}

/**
 * The item list params a submitted filter form asks for: its fields read like a URL query, on
 * the first page (a new filter matches other items, so the old cursors no longer apply).
 */
export function itemListParamsFromForm(form: FormData): ItemListParams {
  const query = new URLSearchParams();
  for (const [key, value] of form) if (typeof value === 'string') query.append(key, value);
  query.delete('after');
  query.delete('prev');
  return parseItemListParams(query).params;
}

/** The API's `ItemFilter` input, as the GraphQL documents type it. */
export type ItemFilterGql = ReturnType<typeof graphql.scalar<'ItemFilter'>>;

/** The GraphQL `ItemFilter` for the given params, or null when nothing is filtered. */
export function itemFilter(params: ItemListParams): ItemFilterGql | null {
  const filter: ItemFilterGql = {};
  for (const key of ITEM_LABELS) {
    const value = params[key];
    if (value) filter[key] = value;
  }
  if (params.q) filter.search = params.q;
  return Object.keys(filter).length > 0 ? filter : null;
}

/** Whether any filter (a label or the search text) is set. */
export function isItemListFiltered(params: ItemListParams): boolean {
  return itemFilter(params) !== null;
}

/** Serialises item list params to a query string ('' when empty, otherwise starting with '?'). */
export function itemListQuery(params: ItemListParams): string {
  const query = new URLSearchParams();
  for (const key of ITEM_LABELS) {
    const value = params[key];
    if (value) query.set(key, value);
  }
  if (params.q) query.set('q', params.q);
  return withCursor(query, params);
}

/** The number of the first item on the page shown, counting from 1 (pages are full but the last). */
export function firstItemNumber(params: CursorParams, pageSize = ITEMS_PAGE_SIZE): number {
  return params.after === undefined ? 1 : params.prev.length * pageSize + 1;
}
