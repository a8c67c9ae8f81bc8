import { describe, expect, it } from 'vitest';
import {
  firstItemNumber,
  isItemListFiltered,
  itemFilter,
  itemListParamsFromForm,
  itemListQuery,
  parseItemListParams,
} from '../src/lib/datasets/item-params.ts';
import { nextPage, previousPage } from '../src/lib/datasets/params.ts';
import { type Locale, translate } from '../src/lib/i18n/messages.ts';

/** The params of a query, with its notes in words (English unless asked). */
const parse = (query: string, locale: Locale = 'en') => {
  const parsed = parseItemListParams(new URLSearchParams(query));
  return { ...parsed, problems: parsed.problems.map((p) => translate(locale, p.key, p.values)) };
};

describe('parseItemListParams', () => {
  it('reads label filters, trimmed search text and the cursor', () => {
    const { params, problems } = parse('language=es&intent=card_arrival&q=%20tarjeta%20&after=c1');
    expect(problems).toEqual([]);
    expect(params).toEqual({
      language: 'es',
      intent: 'card_arrival',
      q: 'tarjeta',
      after: 'c1',
      prev: [],
    });
  });

  it('ignores empty values, as a submitted form leaves them', () => {
    expect(parse('intent=&language=&sentiment=negative&q=').params).toEqual({
      sentiment: 'negative',
      prev: [],
    });
  });

  it('drops an over-long label and cuts an over-long search, saying so', () => {
    const { params, problems } = parse(`intent=${'x'.repeat(101)}&q=${'y'.repeat(250)}`);
    expect(params.intent).toBeUndefined();
    expect(params.q).toHaveLength(200);
    expect(problems).toEqual([
      'The intent filter is longer than 100 characters; ignored.',
      'Search text cut to 200 characters.',
    ]);
  });

  it('filters by a known resolution and drops an unknown one, saying so', () => {
    const known = parse('resolution=escalated');
    expect(known.problems).toEqual([]);
    expect(itemFilter(known.params)).toEqual({ resolution: 'escalated' });
    const unknown = parse('resolution=abandoned&language=es');
    expect(unknown.params).toEqual({ language: 'es', prev: [] });
    expect(unknown.problems).toEqual([
      'The resolution filter must be one of resolved, unresolved, escalated; "abandoned" ignored.',
    ]);
    expect(parse('resolution=abandoned', 'es').problems).toEqual([
      'El filtro de resolución debe ser uno de resolved, unresolved, escalated; «abandoned» ignorado.',
    ]);
  });
});

describe('itemFilter', () => {
  it('maps the params to the GraphQL ItemFilter, or null when nothing is filtered', () => {
    expect(itemFilter({ prev: [] })).toBeNull();
    expect(isItemListFiltered({ after: 'c1', prev: [''] })).toBe(false);
    const params = parse('seriesType=solar_generation&domain=energy&q=kW').params;
    expect(itemFilter(params)).toEqual({
      seriesType: 'solar_generation',
      domain: 'energy',
      search: 'kW',
    });
    expect(isItemListFiltered(params)).toBe(true);
  });
});

describe('item pages in the URL', () => {
  it('pages forward and back keeping the filters, and numbers the items', () => {
    const first = parse('language=es').params;
    expect(itemListQuery(first)).toBe('?language=es');
    expect(firstItemNumber(first)).toBe(1);

    const second = nextPage(first, 'c1');
    expect(itemListQuery(second)).toBe('?language=es&after=c1&prev=');
    expect(firstItemNumber(second)).toBe(11);
    const third = nextPage(parse(itemListQuery(second).slice(1)).params, 'c2');
    expect(itemListQuery(third)).toBe('?language=es&after=c2&prev=&prev=c1');
    expect(firstItemNumber(third, 20)).toBe(41);

    expect(previousPage(third)).toEqual(second);
    expect(previousPage(second)).toEqual(first);
  });

  it('a submitted filter form starts again on the first page', () => {
    const form = new FormData();
    form.append('language', 'en');
    form.append('intent', '');
    form.append('q', ' card ');
    form.append('after', 'stale');
    expect(itemListParamsFromForm(form)).toEqual({ language: 'en', q: 'card', prev: [] });
  });
});
