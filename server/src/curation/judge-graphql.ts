/**
 * The LLM judge's GraphQL types and entry points (docs/curation.md, "LLM judge"): `judgeDataset`,
 * `resumeJudge`, `judgeEstimate`, `judgeRun`, the `judgeProgress` subscription and `Dataset.judgeSummary`.
 */
import type { JudgeProgress } from '@genesis/schema/judge';
import { ProviderEnum } from '../generation/graphql.ts';
import { InputError, NotFoundError, ProviderConfigError } from '../platform/errors.ts';
import { builder, type Context } from '../platform/graphql/builder.ts';
import { parseId } from '../platform/graphql/ids.ts';
import { progressStream } from '../platform/graphql/progress-stream.ts';
import { DatasetRef } from '../registry/graphql/dataset.ts';
import { type JudgeEstimate, type JudgeSummary, judgeManagerFor, judgeSummary } from './judge.ts';
import type { JudgeRun } from './judge-run.entity.ts';

const manager = (ctx: Context) => judgeManagerFor(ctx.services, ctx.pubsub, ctx.config);

const JudgeModeEnum = builder.enumType('JudgeMode', {
  values: {
    ON_DEMAND: { value: 'on_demand' as const, description: 'Model calls one after another' },
    BATCH: {
      value: 'batch' as const,
      description:
        'Bedrock batch inference at half price (needs the batch settings; too few items run on demand)',
    },
  },
});

const JudgeRubricInput = builder.inputType('JudgeRubricInput', {
  description:
    'How to judge: the model and mode, a sample and a budget. The rubric itself is fixed and documented (label faithfulness, customer naturalness, agent quality, language and register)',
  fields: (t) => ({
    provider: t.field({
      type: ProviderEnum,
      required: false,
      description: 'Default LOCAL (a heuristic judge), or BEDROCK when a model is given',
    }),
    model: t.string({ required: false, description: 'The judge model id' }),
    mode: t.field({ type: JudgeModeEnum, required: false, description: 'Default ON_DEMAND' }),
    sample: t.int({ required: false, description: 'Judge a seeded sample of this many items' }),
    budgetUsd: t.float({
      required: false,
      description: 'Refuse the run when its estimate is over this; pause when spending reaches it',
    }),
    seed: t.string({ required: false, description: 'Seed of the sample' }),
    itemsPerCall: t.int({ required: false, description: 'Items per model call (1-20, default 5)' }),
    concurrency: t.int({ required: false, description: 'Calls in flight (1-16, default 4)' }),
  }),
});

type RubricArgs = typeof JudgeRubricInput.$inferInput | null | undefined;

function rubricInput(r: RubricArgs): Record<string, unknown> {
  if (!r) return {};
  return Object.fromEntries(Object.entries(r).filter(([, value]) => value != null));
}

const JudgeStatusEnum = builder.enumType('JudgeStatus', {
  values: {
    QUEUED: { value: 'queued' as const },
    RUNNING: { value: 'running' as const },
    PAUSED: {
      value: 'paused' as const,
      description: 'Budget reached, or the provider failed; resumable',
    },
    COMPLETED: { value: 'completed' as const },
    FAILED: { value: 'failed' as const },
    CANCELLED: { value: 'cancelled' as const },
  },
});

const JudgeEstimateRef = builder.objectRef<JudgeEstimate>('JudgeEstimate').implement({
  description: 'What a judge run would cost, before any model call',
  fields: (t) => ({
    datasetId: t.id({ resolve: (e) => String(e.datasetId) }),
    provider: t.exposeString('provider'),
    model: t.exposeString('model'),
    mode: t.field({ type: JudgeModeEnum, resolve: (e) => e.mode }),
    items: t.exposeInt('items', { description: 'Items in the plan (the sample)' }),
    alreadyScored: t.exposeInt('alreadyScored', {
      description: 'Items of the plan this judge scored before (never asked again)',
    }),
    toScore: t.exposeInt('toScore'),
    calls: t.exposeInt('calls'),
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    costUsd: t.exposeFloat('costUsd'),
    priced: t.exposeBoolean('priced', {
      description: 'False when the model is not in the price table',
    }),
    budgetUsd: t.exposeFloat('budgetUsd', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

const JudgeProgressRef = builder.objectRef<JudgeProgress>('JudgeProgress').implement({
  description: "A judge run's state: counts, tokens and cost",
  fields: (t) => ({
    runId: t.id({ resolve: (p) => String(p.runId) }),
    datasetId: t.id({
      nullable: true,
      resolve: (p) => (p.datasetId === null ? null : String(p.datasetId)),
    }),
    status: t.field({ type: JudgeStatusEnum, resolve: (p) => p.status }),
    message: t.exposeString('message', { nullable: true }),
    mode: t.field({ type: JudgeModeEnum, resolve: (p) => p.mode }),
    model: t.exposeString('model'),
    planned: t.exposeInt('planned'),
    scored: t.exposeInt('scored'),
    failed: t.exposeInt('failed'),
    calls: t.exposeInt('calls'),
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    costUsd: t.exposeFloat('costUsd'),
    estimateUsd: t.exposeFloat('estimateUsd'),
    batchStatus: t.string({ nullable: true, resolve: (p) => p.batch?.status ?? null }),
    sequence: t.exposeFloat('sequence', { description: 'Increases with every event of this run' }),
  }),
});

const JudgeRunRef = builder.objectRef<JudgeRun>('JudgeRun').implement({
  description: 'One LLM-judge run over a dataset',
  fields: (t) => ({
    id: t.id({ resolve: (r) => String(r.id) }),
    dataset: t.field({
      type: DatasetRef,
      nullable: true,
      resolve: (r) => (r.dataset as { id: number } | null)?.id ?? null,
    }),
    status: t.field({ type: JudgeStatusEnum, resolve: (r) => r.status }),
    provider: t.exposeString('provider'),
    model: t.exposeString('model'),
    mode: t.field({ type: JudgeModeEnum, resolve: (r) => r.mode as 'on_demand' | 'batch' }),
    planned: t.exposeInt('planned'),
    scored: t.exposeInt('scored'),
    failed: t.exposeInt('failed'),
    costUsd: t.exposeFloat('costUsd'),
    estimateUsd: t.exposeFloat('estimateUsd'),
    error: t.exposeString('error', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    progress: t.field({
      type: JudgeProgressRef,
      resolve: async (r, _a, ctx) => (await manager(ctx).progress(r.id))!,
    }),
  }),
});

const CriterionMeanRef = builder
  .objectRef<{ criterion: string; mean: number | null }>('JudgeCriterionMean')
  .implement({
    fields: (t) => ({
      criterion: t.exposeString('criterion'),
      mean: t.exposeFloat('mean', { nullable: true }),
    }),
  });

const JudgeSummaryRef = builder.objectRef<JudgeSummary>('JudgeSummary').implement({
  description: "A dataset's LLM-judge results (an optional metric group) and what they cost",
  fields: (t) => ({
    items: t.exposeInt('items', { description: 'Judged items' }),
    judges: t.exposeStringList('judges', { description: 'model@rubric version of each judge' }),
    overall: t.exposeFloat('overall', { description: 'Mean overall score (1-5)' }),
    means: t.field({
      type: [CriterionMeanRef],
      resolve: (s) => Object.entries(s.means).map(([criterion, mean]) => ({ criterion, mean })),
    }),
    distribution: t.field({
      type: 'JSON',
      description: 'Items by overall score rounded down: [{ score, items }]',
      resolve: (s) => s.distribution,
    }),
    lowest: t.field({
      type: 'JSON',
      description: 'The lowest-scored items with their reasons',
      resolve: (s) => s.lowest,
    }),
    costUsd: t.exposeFloat('costUsd', { description: 'What the judge runs cost in total' }),
    runs: t.exposeInt('runs'),
  }),
});

builder.objectFields(DatasetRef, (t) => ({
  judgeSummary: t.field({
    type: JudgeSummaryRef,
    nullable: true,
    description: 'LLM-judge results of this dataset; null when it was never judged',
    resolve: (d, _a, ctx) => judgeSummary(ctx.services, d.id),
  }),
}));

builder.queryFields((t) => ({
  judgeEstimate: t.field({
    type: JudgeEstimateRef,
    description:
      'What judging a dataset would cost (tokens and US dollars), without calling the model',
    args: {
      id: t.arg.id({ required: true }),
      rubric: t.arg({ type: JudgeRubricInput, required: false }),
    },
    resolve: (_r, args, ctx) => manager(ctx).estimate(parseId(args.id), rubricInput(args.rubric)),
  }),
  judgeRun: t.field({
    type: JudgeRunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      try {
        return await manager(ctx).load(parseId(args.id));
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    },
  }),
}));

builder.mutationFields((t) => ({
  judgeDataset: t.field({
    type: JudgeRunRef,
    description:
      'Scores each item of a dataset against the LLM-judge rubric, after an estimate; refused when the estimate is over the budget',
    errors: { types: [InputError, NotFoundError, ProviderConfigError] },
    args: {
      id: t.arg.id({ required: true }),
      rubric: t.arg({ type: JudgeRubricInput, required: false }),
    },
    resolve: async (_r, args, ctx) =>
      (await manager(ctx).start(parseId(args.id), rubricInput(args.rubric))).run,
  }),
  resumeJudge: t.field({
    type: JudgeRunRef,
    description: 'Resumes a paused or interrupted judge run: only its unscored items are asked',
    errors: { types: [InputError, NotFoundError, ProviderConfigError] },
    args: {
      id: t.arg.id({ required: true }),
      budgetUsd: t.arg.float({ required: false }),
    },
    resolve: (_r, args, ctx) =>
      manager(ctx).resume(
        parseId(args.id),
        args.budgetUsd != null ? { budgetUsd: args.budgetUsd } : {},
      ),
  }),
}));

builder.subscriptionField('judgeProgress', (t) =>
  t.field({
    type: JudgeProgressRef,
    description:
      "The run's state now, then every change, until it completes, fails or is cancelled",
    args: { runId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => {
      const id = parseId(args.runId, 'runId');
      const m = manager(ctx);
      return progressStream<JudgeProgress>({
        events: ctx.pubsub.subscribe('judge:progress', id),
        current: () => m.progress(id),
        isRunning: () => m.isRunning(id),
        notFound: () => new NotFoundError('JudgeRun', String(id)),
        isNewer: (e, last) => e.sequence > last.sequence,
      });
    },
    resolve: (p) => p,
  }),
);
