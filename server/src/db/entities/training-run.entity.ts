import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { baseProperties } from './base.ts';
import { DatasetSchema } from './dataset.entity.ts';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A classifier training run with its lineage (train and test datasets), config, metrics and artifact. */
export const TrainingRunSchema = defineEntity({
  name: 'TrainingRun',
  properties: {
    ...baseProperties,
    status: p.enum([...RUN_STATUSES]).index(),
    dataset: () => p.manyToOne(DatasetSchema).nullable().deleteRule('set null'),
    testDataset: () => p.manyToOne(DatasetSchema).nullable().deleteRule('set null'),
    config: p.json<Record<string, unknown>>(),
    metrics: p.json<Record<string, unknown>>().nullable(),
    artifact: p.json<Record<string, unknown>>().nullable(),
    durationMs: p.integer().nullable(),
    error: p.text().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export interface TrainingRun extends InferEntity<typeof TrainingRunSchema> {}
