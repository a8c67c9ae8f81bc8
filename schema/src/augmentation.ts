/**
 * Augmentation of a trained classifier (docs/curation.md, "Augment"): what a user asks (the same schema checks the
 * GraphQL input, the CLI flags and the web form) and the progress events of a running augmentation.
 */
import * as v from 'valibot';
import { MAX_GENERATION_COUNT, PROVIDERS } from './generation.ts';

export const AUGMENTATION_STATUSES = [
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
] as const;
export type AugmentationStatus = (typeof AUGMENTATION_STATUSES)[number];

/** The steps in order: cross-validate the run (when it has no CV), generate, curate (when asked), train. */
export const AUGMENTATION_STEPS = [
  'cross_validation',
  'generation',
  'curation',
  'training',
  'done',
] as const;
export type AugmentationStep = (typeof AUGMENTATION_STEPS)[number];

export const AugmentationInputSchema = v.object({
  runId: v.pipe(
    v.number('runId must be a training run id'),
    v.integer('runId must be a training run id'),
    v.minValue(1, 'runId must be a training run id'),
  ),
  /** Synthetic items to generate, spread over the intents by the plan. */
  count: v.pipe(
    v.number('count must be a number'),
    v.integer('count must be a whole number'),
    v.minValue(1, 'count must be at least 1'),
    v.maxValue(MAX_GENERATION_COUNT, `count must be at most ${MAX_GENERATION_COUNT}`),
  ),
  provider: v.optional(v.picklist(PROVIDERS, 'provider must be local, bedrock or openai')),
  model: v.optional(
    v.pipe(v.string(), v.trim(), v.nonEmpty('model must not be empty'), v.maxLength(200)),
  ),
  /**
   * Seeded generation: each intent's slots carry up to 20 of the run's own real texts of that intent as few-shot
   * examples (the Bedrock prompt shows them; the local writer varies some first messages from them).
   */
  seeds: v.optional(v.boolean(), false),
  /** Curate the synthetic data before training on it (language, near-duplicates, opening exchange). */
  curate: v.optional(v.boolean(), false),
  /** Weight of the synthetic data relative to the real data in training (see docs/curation.md). */
  weight: v.optional(
    v.pipe(
      v.number('weight must be a number'),
      v.finite('weight must be a finite number'),
      v.gtValue(0, 'weight must be greater than 0'),
      v.maxValue(100, 'weight must be at most 100'),
    ),
    1,
  ),
  /**
   * How evenly the items spread: every intent gets at least this share of an equal split of the mean error on top
   * of its own error (1 - F1). 0 aims everything at the weak intents; larger values approach an even split.
   */
  floor: v.optional(
    v.pipe(
      v.number('floor must be a number'),
      v.minValue(0, 'floor must be between 0 and 20'),
      v.maxValue(20, 'floor must be between 0 and 20'),
    ),
  ),
  /** A run evaluated on a hold-out split is cross-validated first (same preset) instead of refused. */
  computeCv: v.optional(v.boolean(), false),
  /** Stop the generation before its cost would exceed this many US dollars. */
  budgetUsd: v.optional(
    v.pipe(v.number('budgetUsd must be a number'), v.minValue(0, 'budgetUsd must be >= 0')),
  ),
  seed: v.optional(v.pipe(v.number(), v.integer('seed must be a whole number'))),
});
export type AugmentationInput = v.InferInput<typeof AugmentationInputSchema>;
export type AugmentationOptions = v.InferOutput<typeof AugmentationInputSchema>;

/** What `augmentationProgress` streams: the step and, within it, the running child's share done. */
export interface AugmentationProgress {
  augmentationId: number;
  status: AugmentationStatus;
  step: AugmentationStep;
  /** Share of the current step done (0..1), from the generation job's or training run's own progress. */
  stepFraction: number;
  /** What is happening, for people ("generating 120 of 300 items"). */
  message: string | null;
  jobId: number | null;
  runId: number | null;
  /** Increases with every event, so a client keeps the newest. */
  sequence: number;
}
