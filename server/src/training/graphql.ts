import { codedMessage } from '@genesis/schema/messages';
import type { RunProgress } from '@genesis/schema/progress';
import { RUN_STATUSES } from '@genesis/schema/progress';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { builder } from '../platform/graphql/builder.ts';
import { parseId } from '../platform/graphql/ids.ts';
import { locatedUnder } from '../platform/graphql/input.ts';
import { newestFirst } from '../platform/graphql/pagination.ts';
import { progressStream } from '../platform/graphql/progress-stream.ts';
import { DatasetRef } from '../registry/graphql/dataset.ts';
import {
  type ConfigDifference,
  compareRuns,
  type ExperimentSummary,
  listExperiments,
  type MetricComparison,
  type RunComparison,
} from './experiments.ts';
import { PRESETS } from './presets.ts';
import {
  DEFAULT_RANDOM_TRIALS,
  DEFAULT_SEARCH_FOLDS,
  MAX_SEARCH_TRIALS,
  SEARCH_PARAMS,
} from './search-space.ts';
import type { Prediction } from './service.ts';
import { type TrainingRun, TrainingRunSchema } from './training-run.entity.ts';

const RunStatusEnum = builder.enumType('RunStatus', {
  values: Object.fromEntries(RUN_STATUSES.map((s) => [s.toUpperCase(), { value: s }])) as {
    [K in (typeof RUN_STATUSES)[number] as Uppercase<K>]: { value: K };
  },
});
const PresetEnum = builder.enumType('TrainingPreset', {
  values: Object.fromEntries(
    Object.values(PRESETS).map((p) => [
      p.name.toUpperCase(),
      { value: p.name, description: p.description },
    ]),
  ) as Record<string, { value: keyof typeof PRESETS }>,
});
const ModelKindEnum = builder.enumType('ModelKind', {
  values: {
    SVM: {
      value: 'svm' as const,
      description: 'Linear SVM, one-vs-rest (dual coordinate descent)',
    },
    LOGREG: { value: 'logreg' as const, description: 'Multinomial logistic regression (L-BFGS)' },
    NB: { value: 'nb' as const, description: 'Complement naive Bayes' },
  },
});

const RunProgressRef = builder.objectRef<RunProgress>('TrainingProgress').implement({
  fields: (t) => ({
    runId: t.id({ resolve: (p) => String(p.runId) }),
    status: t.field({ type: RunStatusEnum, resolve: (p) => p.status }),
    stage: t.exposeString('stage'),
    fold: t.exposeInt('fold', { nullable: true }),
    folds: t.exposeInt('folds', { nullable: true }),
    iteration: t.exposeInt('iteration', { nullable: true }),
    iterations: t.exposeInt('iterations', { nullable: true }),
    loss: t.exposeFloat('loss', { nullable: true }),
    fraction: t.exposeFloat('fraction', { description: 'Share of the run done, 0..1' }),
    elapsedSeconds: t.exposeFloat('elapsedSeconds'),
    etaSeconds: t.exposeFloat('etaSeconds', { nullable: true }),
    message: t.exposeString('message', { nullable: true }),
  }),
});

const PredictionRef = builder.objectRef<Prediction>('Prediction').implement({
  fields: (t) => ({ intent: t.exposeString('intent'), probability: t.exposeFloat('probability') }),
});

type Metrics = {
  evaluation?:
    | {
        kind: 'cv';
        accuracy: { mean: number; std: number };
        macroF1: { mean: number; std: number };
      }
    | { kind: 'holdout'; metrics: { accuracy: number; macroF1: number } }
    | null;
  test?: { accuracy: number; macroF1: number; top3Accuracy: number | null } | null;
} | null;

/** CV runs report a mean over folds; hold-out runs their test fold's figure. */
function evaluationFigure(m: Metrics, key: 'accuracy' | 'macroF1'): number | null {
  const e = m?.evaluation;
  if (!e) return null;
  return e.kind === 'cv' ? e[key].mean : e.metrics[key];
}

/** A run's dataset id: from its lineage (kept after a delete), else the live reference (runs from before). */
function lineageId(r: TrainingRun, which: 'dataset' | 'testDataset'): string | null {
  const id = r.lineage?.[which]?.id ?? (r[which] as { id: number } | null)?.id ?? null;
  return id === null ? null : String(id);
}

export const TrainingRunRef = builder.objectRef<TrainingRun>('TrainingRun').implement({
  description: 'A classifier training run: config, lineage, metrics and a stored, loadable model',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: RunStatusEnum, resolve: (r) => r.status }),
    preset: t.exposeString('preset', { nullable: true }),
    experiment: t.exposeString('experiment', { nullable: true }),
    config: t.expose('config', { type: 'JSON' }),
    dataset: t.field({
      type: DatasetRef,
      nullable: true,
      resolve: (r) => (r.dataset as { id: number } | null)?.id ?? null,
    }),
    testDataset: t.field({
      type: DatasetRef,
      nullable: true,
      resolve: (r) => (r.testDataset as { id: number } | null)?.id ?? null,
    }),
    datasetId: t.id({
      nullable: true,
      description:
        'The id of the dataset trained on, also once it is deleted (dataset is then null)',
      resolve: (r) => lineageId(r, 'dataset'),
    }),
    datasetName: t.string({
      nullable: true,
      description: 'Its name when the run was created, also once it is deleted',
      resolve: (r) => r.lineage?.dataset.name ?? null,
    }),
    testDatasetId: t.id({
      nullable: true,
      description: 'The id of the test dataset, also once it is deleted',
      resolve: (r) => lineageId(r, 'testDataset'),
    }),
    testDatasetName: t.string({
      nullable: true,
      description: 'Its name when the run was created, also once it is deleted',
      resolve: (r) => r.lineage?.testDataset?.name ?? null,
    }),
    trainedOn: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'Every dataset a multi-dataset run trained on, in order, with its weight (id, name, kind, itemCount, weight); null for a run on one dataset',
      resolve: (r) => (r.lineage?.datasets ?? null) as unknown as Record<string, unknown> | null,
    }),
    metrics: t.expose('metrics', {
      type: 'JSON',
      nullable: true,
      description:
        'evaluation (CV or hold-out), test (train on synthetic, test on real: accuracy, macroF1, top3Accuracy, perClass, confusion, labels), learningCurve, timings',
    }),
    accuracy: t.float({
      nullable: true,
      description: 'Test-set accuracy when a test dataset was given, else the evaluation accuracy',
      resolve: (r) => {
        const m = r.metrics as Metrics;
        return m?.test?.accuracy ?? evaluationFigure(m, 'accuracy');
      },
    }),
    macroF1: t.float({
      nullable: true,
      resolve: (r) => {
        const m = r.metrics as Metrics;
        return m?.test?.macroF1 ?? evaluationFigure(m, 'macroF1');
      },
    }),
    modelBytes: t.int({
      nullable: true,
      resolve: (r) => (r.artifact as { gzipBytes?: number } | null)?.gzipBytes ?? null,
    }),
    durationMs: t.exposeInt('durationMs', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    progress: t.field({
      type: RunProgressRef,
      resolve: (r, _a, ctx) => ctx.training.progressOf(r),
    }),
  }),
});

const SearchParamInput = builder.inputType('SearchParamInput', {
  description:
    'One searched parameter: a list of values (grid search tries each, random search draws from them), or ' +
    'for random search a min..max range sampled log-uniformly (whole numbers for integer parameters)',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: `${Object.entries(SEARCH_PARAMS)
        .map(([name, p]) => `${name} (${p.description})`)
        .join(
          ', ',
        )}; or a config path such as features.blocks.1.ngramRange (* for every block: features.blocks.*.minDf)`,
    }),
    values: t.field({
      type: ['JSON'],
      required: false,
      description: 'e.g. [0.1, 1, 10] or ["svm", "logreg"]',
    }),
    min: t.float({ required: false, description: 'Random search: the range’s lower end (> 0)' }),
    max: t.float({ required: false, description: 'Random search: the range’s upper end' }),
  }),
});

const MetricComparisonRef = builder.objectRef<MetricComparison>('RunMetricComparison').implement({
  description: 'One figure of the compared runs',
  fields: (t) => ({
    name: t.exposeString('name', {
      description:
        'evaluation.accuracy, evaluation.macroF1, test.accuracy, test.macroF1, test.top3Accuracy, learningCurve.<1|3|10|30|all>, fitSeconds, durationSeconds or modelBytes',
    }),
    label: t.exposeString('label'),
    higherIsBetter: t.exposeBoolean('higherIsBetter'),
    values: t.field({
      type: ['Float'],
      nullable: { list: false, items: true },
      description: 'One per run, in the order asked; null where the run has no such figure',
      resolve: (m) => [...m.values],
    }),
    deltas: t.field({
      type: ['Float'],
      nullable: { list: false, items: true },
      description: "Each run's value minus the baseline's (the first run's)",
      resolve: (m) => [...m.deltas],
    }),
    bestRunId: t.id({
      nullable: true,
      resolve: (m) => (m.bestRunId === null ? null : String(m.bestRunId)),
    }),
  }),
});

const ConfigDifferenceRef = builder.objectRef<ConfigDifference>('RunConfigDifference').implement({
  description: 'A setting that differs between the compared runs',
  fields: (t) => ({
    path: t.exposeString('path', {
      description:
        'A config path (model.C, features.blocks.1.ngramRange) or dataset, testDataset, preset',
    }),
    values: t.field({
      type: ['JSON'],
      nullable: { list: false, items: true },
      description: 'One per run, in the order asked',
      resolve: (d) => [...d.values],
    }),
  }),
});

const RunComparisonRef = builder.objectRef<RunComparison>('RunComparison').implement({
  fields: (t) => ({
    runs: t.field({ type: [TrainingRunRef], resolve: (c) => [...c.runs] }),
    baselineRunId: t.id({ resolve: (c) => String(c.baselineRunId) }),
    metrics: t.field({
      type: [MetricComparisonRef],
      description: 'Every figure at least one of the runs has',
      resolve: (c) => [...c.metrics],
    }),
    configDifferences: t.field({
      type: [ConfigDifferenceRef],
      description: 'Only the settings that differ',
      resolve: (c) => [...c.configDifferences],
    }),
  }),
});

const ExperimentRef = builder.objectRef<ExperimentSummary>('Experiment').implement({
  description: 'Training runs grouped under one experiment name',
  fields: (t) => ({
    name: t.exposeString('name'),
    runCount: t.exposeInt('runCount'),
    completedRuns: t.exposeInt('completedRuns'),
    bestRun: t.field({ type: TrainingRunRef, nullable: true, resolve: (e) => e.bestRun }),
    bestMetric: t.exposeString('bestMetric', {
      nullable: true,
      description:
        'test.accuracy when a run of the experiment was scored on a test dataset, else evaluation.accuracy',
    }),
    bestValue: t.exposeFloat('bestValue', { nullable: true }),
    lastRunAt: t.expose('lastRunAt', { type: 'DateTime' }),
  }),
});

const WeightedDatasetInput = builder.inputType('WeightedDatasetInput', {
  description: 'A dataset to train on, with its weight relative to the first dataset of the run',
  fields: (t) => ({
    id: t.id({ required: true }),
    weight: t.float({
      required: false,
      description:
        'Default 1. Relative to the first dataset: each item counts floor(w) times, plus once more for a seeded share w - floor(w) of them',
    }),
  }),
});

const TrainingInput = builder.inputType('TrainingInput', {
  fields: (t) => ({
    datasetId: t.id({
      required: false,
      description:
        'Dataset to train on and evaluate on (conversations use their customer turns); required unless datasets is given',
    }),
    datasets: t.field({
      type: [WeightedDatasetInput],
      required: false,
      description:
        'Train on several datasets at once (e.g. real + synthetic). The first (or datasetId) is the one cross-validation and the hold-out split are computed on; the others join every training fold, repeated by weight',
    }),
    testDatasetId: t.id({
      required: false,
      description: 'Dataset to test on, e.g. real Banking77 utterances',
    }),
    preset: t.field({ type: PresetEnum, required: false, description: 'Default BEST' }),
    model: t.field({ type: ModelKindEnum, required: false }),
    cvFolds: t.int({
      required: false,
      description: 'Evaluate by stratified k-fold cross-validation',
    }),
    learningCurve: t.boolean({
      required: false,
      description: 'Also train on 1, 3, 10, 30 and all examples per intent',
    }),
    search: t.field({
      type: builder.enumType('SearchKind', {
        values: { GRID: { value: 'grid' as const }, RANDOM: { value: 'random' as const } },
      }),
      required: false,
      description: `Tune by grid or random search scored by stratified k-fold CV (k = cvFolds, default ${DEFAULT_SEARCH_FOLDS}), then train the best configuration. Without searchSpace: C (alpha for naive Bayes) over 0.1..10`,
    }),
    searchSpace: t.field({
      type: [SearchParamInput],
      required: false,
      description: `What to search. A grid tries every combination (at most ${MAX_SEARCH_TRIALS})`,
    }),
    searchTrials: t.int({
      required: false,
      description: `Random search: configurations to score (default ${DEFAULT_RANDOM_TRIALS}, at most ${MAX_SEARCH_TRIALS})`,
    }),
    experiment: t.string({ required: false, description: 'Group runs to compare them' }),
    seed: t.int({ required: false }),
  }),
});

builder.queryFields((t) => ({
  trainingRun: t.field({
    type: TrainingRunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.em.findOne(TrainingRunSchema, parseId(args.id)),
  }),
  trainingRuns: t.connection(
    {
      type: TrainingRunRef,
      description: 'Training runs, newest first',
      args: {
        experiment: t.arg.string({ required: false }),
        datasetId: t.arg.id({ required: false }),
      },
      resolve: (_r, args, ctx) => {
        const where: Record<string, unknown> = {};
        if (args.experiment) where.experiment = args.experiment;
        if (args.datasetId) where.dataset = parseId(args.datasetId, 'datasetId');
        return newestFirst(ctx.em, TrainingRunSchema, where, args);
      },
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (p) => p.totalCount }) }) },
  ),
  compareRuns: t.field({
    type: RunComparisonRef,
    description:
      'Runs side by side, in the order asked (the first is the baseline): every figure with its difference from the baseline and the best run for it, and the settings that differ',
    args: { ids: t.arg.idList({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const ids = args.ids.map((id, i) => parseId(id, `ids[${i}]`));
      if (ids.length === 0)
        throw new InputError([{ path: 'ids', ...codedMessage('training.noRunIds') }]);
      const runs = await ctx.em.find(TrainingRunSchema, { id: { $in: ids } });
      const byId = new Map(runs.map((r) => [r.id, r]));
      const missing = ids.filter((id) => !byId.has(id));
      if (missing.length) throw new NotFoundError('TrainingRun', missing.join(', '));
      return compareRuns(ids.map((id) => byId.get(id)!));
    },
  }),
  experiments: t.field({
    type: [ExperimentRef],
    description: 'Experiments (runs grouped by name), most recently run first',
    resolve: (_r, _a, ctx) => listExperiments(ctx.em),
  }),
  predict: t.field({
    type: [PredictionRef],
    description: "The most likely intents of a text under a run's model, with probabilities",
    args: {
      runId: t.arg.id({ required: true }),
      text: t.arg.string({ required: true }),
      top: t.arg.int({ required: false }),
    },
    resolve: (_r, args, ctx) => {
      if (!args.text.trim())
        throw new InputError([{ path: 'text', ...codedMessage('text.empty', { field: 'text' }) }]);
      return ctx.training.predict(
        parseId(args.runId, 'runId'),
        args.text,
        Math.min(Math.max(args.top ?? 5, 1), 20),
      );
    },
  }),
}));

builder.mutationFields((t) => ({
  startTraining: t.field({
    type: TrainingRunRef,
    description:
      'Trains a classifier on a dataset in a worker thread; watch it with trainingProgress',
    errors: { types: [InputError, NotFoundError] },
    args: { input: t.arg({ type: TrainingInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const i = args.input;
      return locatedUnder('input', () =>
        ctx.training.start({
          ...(i.datasetId ? { datasetId: parseId(i.datasetId, 'datasetId') } : {}),
          ...(i.datasets
            ? {
                datasets: i.datasets.map((d, n) => ({
                  id: parseId(d.id, `datasets[${n}].id`),
                  ...(d.weight != null ? { weight: d.weight } : {}),
                })),
              }
            : {}),
          ...(i.testDatasetId ? { testDatasetId: parseId(i.testDatasetId, 'testDatasetId') } : {}),
          ...(i.preset ? { preset: i.preset } : {}),
          ...(i.model ? { model: i.model } : {}),
          ...(i.cvFolds != null ? { cvFolds: i.cvFolds } : {}),
          ...(i.learningCurve != null ? { learningCurve: i.learningCurve } : {}),
          ...(i.experiment ? { experiment: i.experiment } : {}),
          ...(i.search ? { search: i.search } : {}),
          ...(i.searchSpace
            ? {
                searchSpace: i.searchSpace.map((p) => ({
                  name: p.name,
                  ...(p.values != null ? { values: p.values } : {}),
                  ...(p.min != null ? { min: p.min } : {}),
                  ...(p.max != null ? { max: p.max } : {}),
                })),
              }
            : {}),
          ...(i.searchTrials != null ? { searchTrials: i.searchTrials } : {}),
          ...(i.seed != null ? { seed: i.seed } : {}),
        }),
      );
    },
  }),
  cancelTraining: t.field({
    type: TrainingRunRef,
    errors: { types: [NotFoundError, InputError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.training.cancel(parseId(args.id)),
  }),
}));

builder.subscriptionField('trainingProgress', (t) =>
  t.field({
    type: RunProgressRef,
    description:
      "A run's state now, then every change (stage, fold, iteration, loss, ETA) until it ends",
    args: { runId: t.arg.id({ required: true }) },
    subscribe: (_r, args, ctx) => {
      const id = parseId(args.runId, 'runId');
      return progressStream<RunProgress>({
        events: ctx.pubsub.subscribe('training:progress', id),
        current: () => ctx.training.progress(id),
        isRunning: () => ctx.training.isRunning(id),
        notFound: () => new NotFoundError('TrainingRun', String(id)),
      });
    },
    resolve: (p) => p,
  }),
);
