import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DatasetSchema } from './dataset.entity.ts';

/** One tag on one dataset. A table rather than a JSON column so tag filters are plain indexed SQL on both databases. */
export const DatasetTagSchema = defineEntity({
  name: 'DatasetTag',
  uniques: [{ properties: ['dataset', 'tag'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    dataset: () => p.manyToOne(DatasetSchema).deleteRule('cascade'),
    tag: p.string().length(40).index(),
  },
});

export interface DatasetTag extends InferEntity<typeof DatasetTagSchema> {}
