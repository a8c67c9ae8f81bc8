import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DatasetSchema } from './dataset.entity.ts';

/**
 * One item of a dataset: the validated record as JSON, plus the label columns the registry filters and counts
 * by. `key` (conversation_id, series_id, or a position key) is unique within the dataset, so writing the same
 * item twice (a retried generation slot, a resumed job) can never duplicate it.
 */
export const DatasetItemSchema = defineEntity({
  name: 'DatasetItem',
  uniques: [{ properties: ['dataset', 'key'] }],
  // A filtered page reads one label's index range in position order; the same indexes serve the filtered counts
  // and the label counts (their prefix). See docs/benchmarks.md, "bench:load", for the query plans.
  indexes: [
    { properties: ['dataset', 'position'] },
    { properties: ['dataset', 'intent', 'position'] },
    { properties: ['dataset', 'language', 'position'] },
    { properties: ['dataset', 'seriesType', 'position'] },
    { properties: ['dataset', 'category', 'position'] },
    { properties: ['dataset', 'sentiment', 'position'] },
    { properties: ['dataset', 'complexity', 'position'] },
    { properties: ['dataset', 'domain', 'position'] },
    { properties: ['dataset', 'resolution', 'position'] },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    dataset: () => p.manyToOne(DatasetSchema).deleteRule('cascade'),
    key: p.string().length(200),
    /** Order within the dataset (file order on import, slot order on generation). */
    position: p.integer(),
    data: p.json<Record<string, unknown>>(),
    intent: p.string().length(80).nullable(),
    category: p.string().length(80).nullable(),
    language: p.string().length(8).nullable(),
    sentiment: p.string().length(16).nullable(),
    complexity: p.string().length(16).nullable(),
    /** A conversation's `resolution_status` (resolved, unresolved, escalated). */
    resolution: p.string().length(16).nullable(),
    seriesType: p.string().length(40).nullable(),
    domain: p.string().length(40).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export interface DatasetItem extends InferEntity<typeof DatasetItemSchema> {}
