import { CATEGORIES, INTENTS, intentsOfCategory } from '@genesis/schema/catalog/intents';
import { DOMAINS, SERIES_TYPES } from '@genesis/schema/catalog/series';
import { builder } from './builder.ts';

type IntentInfo = (typeof INTENTS)[number];
type CategoryInfo = (typeof CATEGORIES)[number];
type DomainInfo = (typeof DOMAINS)[number];
type SeriesTypeInfo = (typeof SERIES_TYPES)[number];

const IntentRef = builder.objectRef<IntentInfo>('Intent').implement({
  description: 'A Banking77 intent (the exact label string of the dataset)',
  fields: (t) => ({
    id: t.exposeID('id'),
    category: t.exposeString('category'),
    nameEn: t.exposeString('name_en'),
    nameEs: t.exposeString('name_es'),
    description: t.exposeString('description'),
  }),
});

const CategoryRef = builder.objectRef<CategoryInfo>('IntentCategory').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    nameEn: t.exposeString('name_en'),
    nameEs: t.exposeString('name_es'),
    description: t.exposeString('description'),
    intents: t.field({ type: [IntentRef], resolve: (c) => [...intentsOfCategory(c.id)] }),
  }),
});

const DomainRef = builder.objectRef<DomainInfo>('SeriesDomain').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    weight: t.exposeFloat('weight', { description: 'Default share of generated series' }),
    nameEn: t.exposeString('name_en'),
    nameEs: t.exposeString('name_es'),
    description: t.exposeString('description'),
  }),
});

const SeriesTypeRef = builder.objectRef<SeriesTypeInfo>('SeriesType').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    domain: t.exposeString('domain'),
    nameEn: t.exposeString('name_en'),
    nameEs: t.exposeString('name_es'),
    description: t.exposeString('description'),
    unit: t.exposeString('unit'),
    min: t.float({
      nullable: true,
      description: 'Physical lower bound',
      resolve: (s) => s.bounds.min,
    }),
    max: t.float({
      nullable: true,
      description: 'Physical upper bound',
      resolve: (s) => s.bounds.max,
    }),
    frequency: t.exposeString('frequency', { description: 'Typical sampling frequency' }),
    seasonality: t.stringList({ resolve: (s) => [...s.seasonality] }),
  }),
});

const CatalogRef = builder.objectRef<object>('Catalog').implement({
  description: 'The fixed vocabularies: intents in categories, series types in domains',
  fields: (t) => ({
    categories: t.field({ type: [CategoryRef], resolve: () => [...CATEGORIES] }),
    intents: t.field({ type: [IntentRef], resolve: () => [...INTENTS] }),
    domains: t.field({ type: [DomainRef], resolve: () => [...DOMAINS] }),
    seriesTypes: t.field({ type: [SeriesTypeRef], resolve: () => [...SERIES_TYPES] }),
  }),
});

builder.queryField('catalog', (t) => t.field({ type: CatalogRef, resolve: () => ({}) }));
