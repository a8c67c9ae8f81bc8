import { describe, expect, it } from 'vitest';
import {
  datasetFilter,
  datasetListQuery,
  nextPage,
  parseDatasetListParams,
  previousPage,
  withView,
} from '../src/lib/datasets/params.ts';
import { type Locale, translate } from '../src/lib/i18n/messages.ts';

/** The params of a query, with its notes in words (English unless asked). */
const parse = (query: string, locale: Locale = 'en') => {
  const parsed = parseDatasetListParams(new URLSearchParams(query));
  return { ...parsed, problems: parsed.problems.map((p) => translate(locale, p.key, p.values)) };
};

describe('parseDatasetListParams', () => {
  it('reads kind, origin (any case), trimmed search and cursor', () => {
    const { params, problems } = parse('kind=utterances&origin=IMPORTED&q=%20bank%20&after=YQ');
    expect(problems).toEqual([]);
    expect(params).toEqual({
      kind: 'UTTERANCES',
      origin: 'IMPORTED',
      q: 'bank',
      after: 'YQ',
      prev: [],
    });
  });

  it('drops unknown values and says which ones, listing the allowed values', () => {
    const { params, problems } = parse('kind=images&origin=scraped');
    expect(params).toEqual({ prev: [] });
    expect(problems).toEqual([
      'Unknown kind "images" ignored (use CONVERSATIONS, TIMESERIES, UTTERANCES).',
      'Unknown origin "scraped" ignored (use GENERATED, IMPORTED).',
    ]);
  });

  it('cuts an over-long search and says so', () => {
    const { params, problems } = parse(`q=${'x'.repeat(250)}`);
    expect(params.q).toHaveLength(200);
    expect(problems).toEqual(['Search text cut to 200 characters.']);
  });
});

describe('tag filter', () => {
  it('reads a tag in any case and passes it to the API filter and back to the URL', () => {
    const { params, problems } = parse('tag=Gold&kind=UTTERANCES');
    expect(problems).toEqual([]);
    expect(params).toEqual({ kind: 'UTTERANCES', tag: 'gold', prev: [] });
    expect(datasetFilter(params)).toEqual({ kind: 'UTTERANCES', tag: 'gold' });
    expect(datasetListQuery(nextPage(params, 'c1'))).toBe(
      '?kind=UTTERANCES&tag=gold&after=c1&prev=',
    );
  });

  it('drops a value that cannot be a tag, saying why', () => {
    const { params, problems } = parse('tag=%21bad');
    expect(params).toEqual({ prev: [] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^Tag filter ignored: "!bad" is not a tag \(1-40 lowercase .*\)\.$/,
    );
  });

  it('writes its notes in the reader’s language, quoting at most 40 characters back', () => {
    expect(parse(`kind=images&tag=${'x'.repeat(60)}`, 'es').problems).toEqual([
      'Tipo desconocido «images» ignorado (usa CONVERSATIONS, TIMESERIES, UTTERANCES).',
      `Filtro de etiqueta ignorado: «${'x'.repeat(40)}…» no es una etiqueta (de 1 a 40 minúsculas, dígitos y _ . : -, empezando por una letra o un dígito).`,
    ]);
  });
});

describe('datasetFilter', () => {
  it('maps the params to the GraphQL DatasetFilter, or nothing when unfiltered', () => {
    expect(datasetFilter({ prev: [] })).toBeUndefined();
    expect(datasetFilter({ kind: 'TIMESERIES', q: 'grid', prev: [] })).toEqual({
      kind: 'TIMESERIES',
      search: 'grid',
    });
  });
});

describe('cursor pagination', () => {
  it('walks forward and back through pages keeping the filters', () => {
    const first = parse('kind=UTTERANCES').params;
    expect(previousPage(first)).toBeUndefined();

    const second = nextPage(first, 'c1');
    expect(datasetListQuery(second)).toBe('?kind=UTTERANCES&after=c1&prev=');
    const third = nextPage(parse(datasetListQuery(second).slice(1)).params, 'c2');
    expect(datasetListQuery(third)).toBe('?kind=UTTERANCES&after=c2&prev=&prev=c1');

    const backToSecond = previousPage(parse(datasetListQuery(third).slice(1)).params);
    expect(backToSecond).toEqual(second);
    const backToFirst = previousPage(second);
    expect(backToFirst).toEqual(first);
    expect(datasetListQuery(first)).toBe('?kind=UTTERANCES');
  });
});

describe('list view in the URL', () => {
  it('reads ?view=cards in any case and leaves the default table view out', () => {
    expect(parse('view=CARDS').params).toEqual({ view: 'cards', prev: [] });
    expect(parse('view=table').params).toEqual({ prev: [] });
  });

  it('drops an unknown view and names the allowed ones', () => {
    const { params, problems } = parse('view=grid');
    expect(params).toEqual({ prev: [] });
    expect(problems).toEqual(['Unknown view "grid" ignored (use table, cards).']);
  });

  it('keeps filters and the page when switching view, and survives pagination', () => {
    const page = nextPage(parse('kind=TIMESERIES&q=grid').params, 'c1');
    const cards = withView(page, 'cards');
    expect(datasetListQuery(cards)).toBe('?kind=TIMESERIES&q=grid&view=cards&after=c1&prev=');
    expect(datasetListQuery(nextPage(cards, 'c2'))).toBe(
      '?kind=TIMESERIES&q=grid&view=cards&after=c2&prev=&prev=c1',
    );
    expect(datasetListQuery(withView(cards, 'table'))).toBe(
      '?kind=TIMESERIES&q=grid&after=c1&prev=',
    );
    expect(datasetFilter(cards)).toEqual({ kind: 'TIMESERIES', search: 'grid' });
  });
});
