import { enumField, RESOLUTIONS, SearchTextSchema } from '@genesis/schema/common';
import { builder } from '../../platform/graphql/builder.ts';
import type { ItemRow } from '../dataset.repository.ts';

export const DatasetItemRef = builder.objectRef<ItemRow>('DatasetItem').implement({
  description: 'One item of a dataset: its record and the label columns it is filtered by',
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key', {
      description: 'Unique within the dataset: conversation_id, series_id, or position',
    }),
    position: t.exposeInt('position'),
    data: t.expose('data', {
      type: 'JSON',
      description: 'The record, as defined by @genesis/schema',
    }),
    intent: t.exposeString('intent', { nullable: true }),
    category: t.exposeString('category', { nullable: true }),
    language: t.exposeString('language', { nullable: true }),
    sentiment: t.exposeString('sentiment', { nullable: true }),
    complexity: t.exposeString('complexity', { nullable: true }),
    resolution: t.exposeString('resolution', {
      nullable: true,
      description: "A conversation's resolution_status: resolved, unresolved or escalated",
    }),
    seriesType: t.exposeString('seriesType', { nullable: true }),
    domain: t.exposeString('domain', { nullable: true }),
  }),
});

export const ItemFilterInput = builder.inputType('ItemFilter', {
  fields: (t) => ({
    intent: t.string({ required: false }),
    category: t.string({ required: false }),
    language: t.string({ required: false }),
    sentiment: t.string({ required: false }),
    complexity: t.string({ required: false }),
    resolution: t.string({
      required: false,
      description: 'Conversations with this resolution_status: resolved, unresolved or escalated',
      validate: enumField('resolution', RESOLUTIONS),
    }),
    seriesType: t.string({ required: false }),
    domain: t.string({ required: false }),
    search: t.string({
      required: false,
      description: 'Case-insensitive text anywhere in the record (at most 200 characters)',
      validate: SearchTextSchema,
    }),
  }),
});
