import {
  AUGMENTATION_STATUSES,
  AUGMENTATION_STEPS,
  type AugmentationProgress,
} from '@genesis/schema/augmentation';
import { GenerationJobSchema } from '../generation/generation-job.entity.ts';
import { EstimateRef, GenerationJobRef, ProviderEnum } from '../generation/graphql.ts';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { builder } from '../platform/graphql/builder.ts';
import { parseId } from '../platform/graphql/ids.ts';
import { locatedUnder } from '../platform/graphql/input.ts';
import { progressStream } from '../platform/graphql/progress-stream.ts';
import { DatasetRef } from '../registry/graphql/dataset.ts';
import { TrainingRunRef } from '../training/graphql.ts';
import { TrainingRunSchema } from '../training/training-run.entity.ts';
import { type Augmentation, AugmentationSchema } from './augmentation.entity.ts';
import type { ContrastPair, IntentPlan, AugmentationPlan as Plan } from './plan.ts';
import type { AugmentationLift, AugmentationPreview, IntentLift } from './service.ts';

const StatusEnum = builder.enumType('AugmentationStatus', {
  values: Object.fromEntries(
    AUGMENTATION_STATUSES.map((s) => [s.toUpperCase(), { value: s }]),
  ) as Record<
    Uppercase<(typeof AUGMENTATION_STATUSES)[number]>,
    { value: (typeof AUGMENTATION_STATUSES)[number] }
  >,
});
const StepEnum = builder.enumType('AugmentationStep', {
  values: Object.fromEntries(
    AUGMENTATION_STEPS.map((s) => [s.toUpperCase(), { value: s }]),
  ) as Record<
    Uppercase<(typeof AUGMENTATION_STEPS)[number]>,
    { value: (typeof AUGMENTATION_STEPS)[number] }
  >,
});

const IntentPlanRef = builder.objectRef<IntentPlan>('AugmentationIntentPlan').implement({
  description: 'Synthetic items planned for one intent, from its cross-validated F1',
  fields: (t) => ({
    intent: t.exposeString('intent'),
    f1: t.exposeFloat('f1', { description: 'Cross-validated (pooled out-of-fold) F1' }),
    support: t.exposeInt('support', { description: 'Real training items of the intent' }),
    count: t.exposeInt('count', { description: 'Synthetic items planned' }),
    notIntents: t.exposeStringList('notIntents', {
      description: 'Intents its items must not be mistaken for ("about A, not B")',
    }),
  }),
});
const ContrastRef = builder.objectRef<ContrastPair>('AugmentationContrast').implement({
  description: 'Out-of-fold items of `intent` the classifier predicted as `notIntent`',
  fields: (t) => ({
    intent: t.exposeString('intent'),
    notIntent: t.exposeString('notIntent'),
    count: t.exposeInt('count'),
  }),
});
const PlanRef = builder.objectRef<Plan>('AugmentationPlan').implement({
  description:
    'How many synthetic items per intent, and which confusions to steer away from, read from a run’s cross-validation (never a test set)',
  fields: (t) => ({
    total: t.exposeInt('total'),
    folds: t.exposeInt('folds'),
    perIntent: t.field({ type: [IntentPlanRef], resolve: (p) => p.perIntent }),
    contrasts: t.field({ type: [ContrastRef], resolve: (p) => p.contrasts }),
  }),
});

const ChangeRef = builder
  .objectRef<{ before: number; after: number; delta: number }>('AugmentationChange')
  .implement({
    fields: (t) => ({
      before: t.exposeFloat('before'),
      after: t.exposeFloat('after'),
      delta: t.exposeFloat('delta'),
    }),
  });
const IntentLiftRef = builder.objectRef<IntentLift>('AugmentationIntentLift').implement({
  fields: (t) => ({
    intent: t.exposeString('intent'),
    planned: t.exposeInt('planned'),
    notIntents: t.exposeStringList('notIntents'),
    before: t.exposeFloat('before', { description: 'Cross-validated F1 before' }),
    after: t.exposeFloat('after', { description: 'Cross-validated F1 after' }),
    delta: t.exposeFloat('delta'),
  }),
});
const SeededLiftRef = builder
  .objectRef<NonNullable<AugmentationLift['seeded']>>('AugmentationSeededExclusion')
  .implement({
    description:
      'Synthetic items seeded from real texts, and how many of them each fold left out of its training because that fold tests one of their seeds',
    fields: (t) => ({
      rows: t.exposeInt('rows', { description: 'Seeded synthetic rows (each copy a weight made)' }),
      excludedPerFold: t.exposeIntList('excludedPerFold'),
    }),
  });
const LiftRef = builder.objectRef<AugmentationLift>('AugmentationLift').implement({
  description:
    'Before and after, cross-validated on the same real data with the same folds (the synthetic items only join the training folds)',
  fields: (t) => ({
    folds: t.exposeInt('folds'),
    accuracy: t.field({ type: ChangeRef, resolve: (l) => l.accuracy }),
    macroF1: t.field({ type: ChangeRef, resolve: (l) => l.macroF1 }),
    perIntent: t.field({
      type: [IntentLiftRef],
      description: 'Weakest intents (before) first',
      resolve: (l) => l.perIntent,
    }),
    seeded: t.field({
      type: SeededLiftRef,
      nullable: true,
      description:
        'Seeded augmentations: the CV left each fold without the synthetic items seeded from its test texts; null when none was seeded',
      resolve: (l) => l.seeded ?? null,
    }),
  }),
});

const idOf = (ref: unknown) => (ref as { id: number } | null)?.id ?? null;

export const AugmentationRef = builder.objectRef<Augmentation>('Augmentation').implement({
  description:
    'An augmentation of a trained classifier: plan from its cross-validation, generation, optional curation, training on real + synthetic, and the lift',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: StatusEnum, resolve: (a) => a.status }),
    step: t.field({ type: StepEnum, resolve: (a) => a.step }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    options: t.expose('options', { type: 'JSON' }),
    count: t.int({ resolve: (a) => Number(a.options.count) }),
    curate: t.boolean({ resolve: (a) => a.options.curate === true }),
    seeds: t.boolean({
      description: 'The generation was seeded with the run’s own real texts',
      resolve: (a) => a.options.seeds === true,
    }),
    plan: t.field({
      type: PlanRef,
      nullable: true,
      resolve: (a) => a.plan as unknown as Plan | null,
    }),
    lift: t.field({
      type: LiftRef,
      nullable: true,
      resolve: (a) => a.lift as unknown as AugmentationLift | null,
    }),
    sourceRun: t.field({
      type: TrainingRunRef,
      nullable: true,
      resolve: (a, _args, ctx) => {
        const id = idOf(a.sourceRun);
        return id ? ctx.em.findOne(TrainingRunSchema, id) : null;
      },
    }),
    baselineRun: t.field({
      type: TrainingRunRef,
      nullable: true,
      description: 'The cross-validated run the plan and the lift are measured from',
      resolve: (a, _args, ctx) => {
        const id = idOf(a.baselineRun);
        return id ? ctx.em.findOne(TrainingRunSchema, id) : null;
      },
    }),
    run: t.field({
      type: TrainingRunRef,
      nullable: true,
      description: 'The run trained on the real data plus the synthetic data',
      resolve: (a, _args, ctx) => {
        const id = idOf(a.run);
        return id ? ctx.em.findOne(TrainingRunSchema, id) : null;
      },
    }),
    job: t.field({
      type: GenerationJobRef,
      nullable: true,
      resolve: (a, _args, ctx) => {
        const id = idOf(a.job);
        return id ? ctx.em.findOne(GenerationJobSchema, id) : null;
      },
    }),
    syntheticDataset: t.field({
      type: DatasetRef,
      nullable: true,
      resolve: (a) => idOf(a.syntheticDataset),
    }),
    curatedDataset: t.field({
      type: DatasetRef,
      nullable: true,
      resolve: (a) => idOf(a.curatedDataset),
    }),
  }),
});

const ProgressRef = builder.objectRef<AugmentationProgress>('AugmentationProgress').implement({
  fields: (t) => ({
    augmentationId: t.id({ resolve: (p) => p.augmentationId }),
    status: t.field({ type: StatusEnum, resolve: (p) => p.status }),
    step: t.field({ type: StepEnum, resolve: (p) => p.step }),
    stepFraction: t.exposeFloat('stepFraction', {
      description: 'Share of the current step done (0..1)',
    }),
    message: t.exposeString('message', { nullable: true }),
    jobId: t.id({ nullable: true, resolve: (p) => p.jobId }),
    runId: t.id({ nullable: true, resolve: (p) => p.runId }),
    sequence: t.exposeInt('sequence'),
  }),
});

const PreviewRef = builder.objectRef<AugmentationPreview>('AugmentationPreview').implement({
  description: 'The plan and the cost of an augmentation, computed without starting it',
  fields: (t) => ({
    plan: t.field({ type: PlanRef, resolve: (p) => p.plan }),
    estimate: t.field({ type: EstimateRef, resolve: (p) => p.estimate }),
  }),
});

const AugmentationInput = builder.inputType('AugmentationInput', {
  fields: (t) => ({
    runId: t.id({ required: true, description: 'The completed training run to improve' }),
    count: t.int({ required: true, description: 'Synthetic items to generate' }),
    provider: t.field({ type: ProviderEnum, required: false }),
    model: t.string({ required: false }),
    curate: t.boolean({
      required: false,
      description:
        'Curate the synthetic data first (language mismatches, near-duplicates, and, when the run’s data are single messages, each conversation cut to its opening exchange)',
    }),
    seeds: t.boolean({
      required: false,
      description:
        'Seeded generation: give each intent’s slots up to 20 of the run’s own real texts of it as few-shot examples (default false)',
    }),
    weight: t.float({
      required: false,
      description: 'Weight of the synthetic data relative to the real data (default 1)',
    }),
    computeCv: t.boolean({
      required: false,
      description:
        'Cross-validate a hold-out run first (same preset) instead of refusing it: the plan needs CV figures',
    }),
    floor: t.float({
      required: false,
      description:
        'How evenly the items spread over the intents: 0 aims them all at the weak intents, larger values approach an even split (default 1: at least an equal share of the mean error)',
    }),
    budgetUsd: t.float({ required: false }),
    seed: t.int({ required: false }),
  }),
});

type RawInput = typeof AugmentationInput.$inferInput;

/** GraphQL's nullable fields to the schema's optional ones; the id parsed (located at `runId`). */
function toSchemaInput(i: RawInput) {
  return {
    runId: parseId(i.runId, 'runId'),
    count: i.count,
    ...(i.provider ? { provider: i.provider } : {}),
    ...(i.model != null ? { model: i.model } : {}),
    ...(i.curate != null ? { curate: i.curate } : {}),
    ...(i.seeds != null ? { seeds: i.seeds } : {}),
    ...(i.weight != null ? { weight: i.weight } : {}),
    ...(i.computeCv != null ? { computeCv: i.computeCv } : {}),
    ...(i.floor != null ? { floor: i.floor } : {}),
    ...(i.budgetUsd != null ? { budgetUsd: i.budgetUsd } : {}),
    ...(i.seed != null ? { seed: i.seed } : {}),
  };
}

builder.queryFields((t) => ({
  augmentation: t.field({
    type: AugmentationRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.em.findOne(AugmentationSchema, parseId(args.id)),
  }),
  augmentations: t.field({
    type: [AugmentationRef],
    description: 'Augmentations of a run, newest first',
    args: { runId: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) =>
      ctx.em.find(
        AugmentationSchema,
        { sourceRun: parseId(args.runId, 'runId') },
        { orderBy: { id: 'desc' }, limit: 20 },
      ),
  }),
  previewAugmentation: t.field({
    type: PreviewRef,
    description:
      'The plan (weak intents, confusions, per-intent counts) and the generation estimate of an augmentation of a cross-validated run',
    errors: { types: [InputError] },
    args: { input: t.arg({ type: AugmentationInput, required: true }) },
    resolve: (_r, args, ctx) =>
      locatedUnder('input', async () => ctx.augmentation.preview(toSchemaInput(args.input))),
  }),
}));

builder.mutationFields((t) => ({
  startAugmentation: t.field({
    type: AugmentationRef,
    description:
      'Plans a generation from a run’s cross-validated weak intents and confusions, generates it, optionally curates it, trains on real + synthetic with the same preset and reports the lift; watch it with augmentationProgress',
    errors: { types: [InputError] },
    args: { input: t.arg({ type: AugmentationInput, required: true }) },
    resolve: (_r, args, ctx) =>
      locatedUnder('input', async () => ctx.augmentation.start(toSchemaInput(args.input))),
  }),
  cancelAugmentation: t.field({
    type: AugmentationRef,
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.augmentation.cancel(parseId(args.id)),
  }),
}));

builder.subscriptionField('augmentationProgress', (t) =>
  t.field({
    type: ProgressRef,
    description:
      "An augmentation's state now, then every change (step, the step's progress) until it ends",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_r, args, ctx) => {
      const id = parseId(args.id);
      return progressStream<AugmentationProgress>({
        events: ctx.pubsub.subscribe('augmentation:progress', id),
        current: () => ctx.augmentation.progress(id),
        isRunning: () => ctx.augmentation.isRunning(id),
        notFound: () => new NotFoundError('Augmentation', String(id)),
        isNewer: (e, last) => e.sequence > last.sequence || e.status !== last.status,
      });
    },
    resolve: (p) => p,
  }),
);
