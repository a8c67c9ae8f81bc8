import { AUGMENTATION_STATUSES, AUGMENTATION_STEPS } from '@genesis/schema/augmentation';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { GenerationJobSchema } from '../generation/generation-job.entity.ts';
import { baseProperties } from '../platform/db/base.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { TrainingRunSchema } from '../training/training-run.entity.ts';

/**
 * One augmentation of a trained classifier (docs/curation.md, "Augment"): the steps it went through, each step's
 * result (the cross-validation run, the plan, the generation job and its dataset, the curated dataset, the run
 * trained on real + synthetic) and the lift. Each step is recorded when it starts, so a restarted server picks
 * the augmentation up where it stopped.
 */
export const AugmentationSchema = defineEntity({
  name: 'Augmentation',
  properties: {
    ...baseProperties,
    status: p.enum([...AUGMENTATION_STATUSES]).index(),
    step: p.enum([...AUGMENTATION_STEPS]),
    /** The run being improved. */
    sourceRun: () => p.manyToOne(TrainingRunSchema).nullable().deleteRule('set null'),
    /** The cross-validated run the plan and the lift are measured from: the source run when it was one. */
    baselineRun: () => p.manyToOne(TrainingRunSchema).nullable().deleteRule('set null'),
    /** What was asked (count, provider, model, curate, weight, computeCv, budget, seed). */
    options: p.json<Record<string, unknown>>(),
    /** The plan (per-intent counts and contrasts), from the baseline's cross-validation. */
    plan: p.json<Record<string, unknown>>().nullable(),
    job: () => p.manyToOne(GenerationJobSchema).nullable().deleteRule('set null'),
    syntheticDataset: () => p.manyToOne(DatasetSchema).nullable().deleteRule('set null'),
    curatedDataset: () => p.manyToOne(DatasetSchema).nullable().deleteRule('set null'),
    /** The run trained on the real data plus the synthetic (or curated) data. */
    run: () => p.manyToOne(TrainingRunSchema).nullable().deleteRule('set null'),
    /** Before and after, overall and per intent (cross-validated on the real data). */
    lift: p.json<Record<string, unknown>>().nullable(),
    leaseOwner: p.string().length(120).nullable(),
    leaseExpiresAt: p.datetime().nullable(),
    error: p.text().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export interface Augmentation extends InferEntity<typeof AugmentationSchema> {}
