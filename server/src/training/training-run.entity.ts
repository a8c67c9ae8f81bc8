import { RUN_STATUSES } from '@genesis/schema/progress';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { baseProperties } from '../platform/db/base.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';

export type RunStatus = (typeof RUN_STATUSES)[number];

/** One dataset of a run's lineage, as it was when the run was created. */
export interface LineageDataset {
  id: number;
  name: string;
  kind: string;
  itemCount: number;
}

/** What a run was trained (and tested) on, recorded at creation. */
export interface RunLineage {
  dataset: LineageDataset;
  testDataset: LineageDataset | null;
  /**
   * Every dataset trained on, with its weight, when the run trained on several (the first is `dataset`, the
   * one evaluated); absent on single-dataset runs.
   */
  datasets?: (LineageDataset & { weight: number })[];
}

/** A classifier training run with its lineage (train and test datasets), config, metrics and artifact. */
export const TrainingRunSchema = defineEntity({
  name: 'TrainingRun',
  properties: {
    ...baseProperties,
    status: p.enum([...RUN_STATUSES]).index(),
    dataset: () => p.manyToOne(DatasetSchema).nullable().deleteRule('set null'),
    testDataset: () => p.manyToOne(DatasetSchema).nullable().deleteRule('set null'),
    /**
     * The datasets as they were when the run was created (id, name, kind, item count): the run's lineage stays
     * readable after a dataset is deleted (the references above then become null). Null on runs from before it.
     */
    lineage: p.json<RunLineage>().nullable(),
    /** Groups runs for comparison, e.g. "synthetic-vs-real". */
    experiment: p.string().length(120).nullable().index(),
    preset: p.string().length(40).nullable(),
    config: p.json<Record<string, unknown>>(),
    /** Evaluation, test-on-real and learning-curve figures. */
    metrics: p.json<Record<string, unknown>>().nullable(),
    /** What the stored model is: format, version, classes, size. */
    artifact: p.json<Record<string, unknown>>().nullable(),
    /** The model artifact (vectorizer + weights) as gzip-compressed JSON, loadable by `predict`. */
    model: p.blob().nullable().lazy(),
    /** Last progress report while running (stage, fold, ETA). */
    progress: p.json<Record<string, unknown>>().nullable(),
    /**
     * The process training the run (`host:pid:nonce`) and until when its claim holds unless renewed (heartbeat).
     * A queued or running run whose owner is gone is marked failed when a server starts (see TrainingManager).
     */
    leaseOwner: p.string().length(120).nullable(),
    leaseExpiresAt: p.datetime().nullable(),
    durationMs: p.integer().nullable(),
    error: p.text().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export interface TrainingRun extends InferEntity<typeof TrainingRunSchema> {}
