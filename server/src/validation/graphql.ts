import { codedMessage } from '@genesis/schema/messages';
import type { Message } from '@genesis/schema/report-message';
import type {
  Distribution,
  GateResult,
  Interval,
  JudgeGroup,
  ValidationMetric,
  ValidationReportData,
} from '@genesis/schema/reports';
import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { TargetsInput } from '../generation/graphql.ts';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { builder, type Context } from '../platform/graphql/builder.ts';
import { parseId } from '../platform/graphql/ids.ts';
import { DatasetRef } from '../registry/graphql/dataset.ts';
import { say } from './messages.ts';
import type { DatasetComparison } from './service.ts';
import { REFERENCE_PROFILES } from './service.ts';
import { type ValidationReport, ValidationReportSchema } from './validation-report.entity.ts';
import { gateFor } from './verdict.ts';

/** A sentence of a report as a message: its code, its parameters and its English text. */
interface ReportMessageData {
  message: Message;
  text: string;
}

const ReportMessageRef = builder.objectRef<ReportMessageData>('ReportMessage').implement({
  description:
    'A sentence of a validation report as a message code and parameters, for a client to say in its reader\'s language (report.reason.<code> in the web app\'s catalogue); text is the English sentence (docs/validation.md, "Report text in other languages")',
  fields: (t) => ({
    code: t.string({ resolve: (m) => m.message.code }),
    params: t.field({
      type: 'JSON',
      description:
        'Values of the {name} placeholders: a string (a name, never translated), a number (formatted in the locale), a nested message {code, params} or a list {items, separator}',
      resolve: (m) => m.message.params ?? {},
    }),
    text: t.string({ description: 'The English sentence', resolve: (m) => m.text }),
  }),
});

/** A stored sentence as a {@link ReportMessageRef}; null when it was stored as text only (older reports). */
function messageOf(
  text: string | undefined,
  message: Message | undefined,
): ReportMessageData | null {
  return text !== undefined && message ? { message, text } : null;
}

const VerdictEnum = builder.enumType('Verdict', {
  values: {
    PASS: { value: 'pass' as const },
    WARN: { value: 'warn' as const },
    FAIL: { value: 'fail' as const },
    NOT_COMPUTABLE: { value: 'not_computable' as const },
    INCOMPLETE: {
      value: 'incomplete' as const,
      description:
        'Overall only: part of the data had no reference, under 80% of the weight was measured, or too few items',
    },
  },
});

const IntervalRef = builder.objectRef<Interval>('Interval').implement({
  description: 'A confidence interval (level 0.95 for 95%) and how it was computed',
  fields: (t) => ({
    low: t.exposeFloat('low'),
    high: t.exposeFloat('high'),
    level: t.exposeFloat('level'),
    method: t.exposeString('method', {
      description: 'wilson, dkw, metric intervals (the score), ...',
    }),
  }),
});

const SampleRef = builder
  .objectRef<NonNullable<ValidationMetric['sample']>>('MetricSample')
  .implement({
    description: "A metric's sample size and its documented minimum (below it: not computable)",
    fields: (t) => ({ n: t.exposeInt('n'), min: t.exposeInt('min') }),
  });

const GateResultRef = builder.objectRef<GateResult>('GateResult').implement({
  description:
    'A gate: a metric that fails the report whatever its average (at warn it caps the verdict at warn)',
  fields: (t) => ({
    metricId: t.exposeString('metricId'),
    name: t.exposeString('name'),
    nameMessage: t.field({
      type: ReportMessageRef,
      nullable: true,
      description: "The gate's name as a message",
      resolve: (g) => {
        const gate = gateFor(g.metricId);
        if (!gate) return null;
        const said = say(gate.code);
        return { message: said.message, text: g.name };
      },
    }),
    verdict: t.field({ type: VerdictEnum, resolve: (g) => g.verdict }),
    value: t.exposeFloat('value', { nullable: true }),
    why: t.exposeString('why', { description: 'Why this metric is a gate' }),
  }),
});

type CoverageData = NonNullable<ValidationReportData['coverage']>;

const CoveragePartRef = builder.objectRef<CoverageData['parts'][number]>('CoveragePart').implement({
  description: 'A language, series type or domain present in the data',
  fields: (t) => ({
    dimension: t.exposeString('dimension', { description: 'language, series_type or domain' }),
    key: t.exposeString('key'),
    items: t.exposeInt('items'),
    referenced: t.exposeBoolean('referenced', {
      description: 'Whether the reference holds it',
    }),
  }),
});

const CoverageReferenceRef = builder
  .objectRef<NonNullable<CoverageData['references']>[number]>('CoverageReference')
  .implement({
    description: 'A reference of the report and the languages of the data it measured',
    fields: (t) => ({
      name: t.exposeString('name'),
      covers: t.exposeStringList('covers', {
        description: 'The languages of the data this reference measured (en, es)',
      }),
      items: t.exposeInt('items', { description: 'Items of the data in those languages' }),
    }),
  });

const NotMeasuredRef = builder
  .objectRef<CoverageData['notMeasured'][number]>('NotMeasuredMetric')
  .implement({
    fields: (t) => ({
      metricId: t.exposeString('metricId'),
      name: t.exposeString('name'),
      weight: t.exposeFloat('weight', { description: "Its share of the score's weight" }),
      reason: t.exposeString('reason'),
      reasonMessage: t.field({
        type: ReportMessageRef,
        nullable: true,
        description: 'reason as a message (null in older reports)',
        resolve: (m) => messageOf(m.reason, m.reasonMessage),
      }),
    }),
  });

const MissingPieceRef = builder
  .objectRef<CoverageData['missing'][number]>('MissingPiece')
  .implement({
    fields: (t) => ({
      what: t.exposeString('what'),
      how: t.exposeString('how', { description: 'How to supply it' }),
      whatMessage: t.field({
        type: ReportMessageRef,
        nullable: true,
        description: 'what as a message (null in older reports)',
        resolve: (m) => messageOf(m.what, m.whatMessage),
      }),
      howMessage: t.field({
        type: ReportMessageRef,
        nullable: true,
        description: 'how as a message (null in older reports)',
        resolve: (m) => messageOf(m.how, m.howMessage),
      }),
    }),
  });

const CoverageRef = builder.objectRef<CoverageData>('Coverage').implement({
  description: 'What a report measured against a reference, and what it could not',
  fields: (t) => ({
    items: t.exposeFloat('items', {
      description: 'Share of the items measured against a reference',
    }),
    weight: t.exposeFloat('weight', {
      description: "Share of the score's weight (metrics that apply) that was computed",
    }),
    minimumWeight: t.exposeFloat('minimumWeight'),
    parts: t.field({ type: [CoveragePartRef], resolve: (c) => c.parts }),
    references: t.field({
      type: [CoverageReferenceRef],
      description:
        'Text: which reference covered which languages (several references: one per language); empty for time series and older reports',
      resolve: (c) => c.references ?? [],
    }),
    notMeasured: t.field({ type: [NotMeasuredRef], resolve: (c) => c.notMeasured }),
    missing: t.field({ type: [MissingPieceRef], resolve: (c) => c.missing }),
  }),
});

const ThresholdsRef = builder
  .objectRef<NonNullable<ValidationMetric['thresholds']>>('Thresholds')
  .implement({
    fields: (t) => ({
      direction: t.exposeString('direction', {
        description: 'lower_is_better or higher_is_better',
      }),
      warn: t.exposeFloat('warn'),
      fail: t.exposeFloat('fail'),
    }),
  });

const BandRef = builder.objectRef<NonNullable<ValidationMetric['band']>>('Band').implement({
  description:
    'Real-vs-real: what one random half of the reference scores against the other half (financial series: also the same real series cut at other dates against the whole reference)',
  fields: (t) => ({
    low: t.exposeFloat('low'),
    median: t.exposeFloat('median'),
    high: t.exposeFloat('high'),
  }),
});

export const MetricRef = builder.objectRef<ValidationMetric>('ValidationMetric').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    name: t.exposeString('name'),
    group: t.exposeString('group'),
    value: t.exposeFloat('value', { nullable: true }),
    verdict: t.field({ type: VerdictEnum, resolve: (m) => m.verdict }),
    reason: t.exposeString('reason', { nullable: true }),
    reasonMessage: t.field({
      type: ReportMessageRef,
      nullable: true,
      description: 'reason as a message (null when there is no reason, or in older reports)',
      resolve: (m) => messageOf(m.reason, m.reasonMessage),
    }),
    thresholds: t.field({
      type: ThresholdsRef,
      nullable: true,
      resolve: (m) => m.thresholds ?? null,
    }),
    band: t.field({ type: BandRef, nullable: true, resolve: (m) => m.band ?? null }),
    unit: t.exposeString('unit', { nullable: true }),
    details: t.field({ type: 'JSON', nullable: true, resolve: (m) => m.details ?? null }),
    interval: t.field({ type: IntervalRef, nullable: true, resolve: (m) => m.interval ?? null }),
    sample: t.field({ type: SampleRef, nullable: true, resolve: (m) => m.sample ?? null }),
    applicable: t.boolean({
      description: 'False when the metric does not apply to this data (no gap in coverage)',
      resolve: (m) => m.applicable !== false,
    }),
  }),
});

export const DistributionRef = builder.objectRef<Distribution>('Distribution').implement({
  description:
    "Chart data: labels with the dataset's values and the reference's (or targets') values",
  fields: (t) => ({
    id: t.exposeString('id'),
    name: t.exposeString('name'),
    labels: t.exposeStringList('labels'),
    dataset: t.exposeFloatList('dataset'),
    reference: t.exposeFloatList('reference', { nullable: true }),
    referenceName: t.exposeString('referenceName', { nullable: true }),
  }),
});

const BiasRef = builder
  .objectRef<NonNullable<ValidationReportData['bias']>>('BiasSummary')
  .implement({
    fields: (t) => ({
      severity: t.exposeString('severity', { description: 'none, low, medium or high' }),
      reasons: t.exposeStringList('reasons'),
      reasonMessages: t.field({
        type: [ReportMessageRef],
        nullable: true,
        description: 'reasons as messages, one each (null in older reports)',
        resolve: (b) =>
          b.reasonMessages && b.reasonMessages.length === b.reasons.length
            ? b.reasonMessages.map((message, i) => ({ message, text: b.reasons[i]! }))
            : null,
      }),
    }),
  });

const data = (r: ValidationReport) => r.report as unknown as ValidationReportData;

/** One of the items label fidelity's oracle disagrees with most (`details.worst` of `label_fidelity`). */
interface LabelDisagreement {
  item: number;
  id?: string;
  language: string;
  label: string;
  labelProbability: number;
  labelRank: number;
  oracle: string;
  probability: number;
  excerpt: string;
}

const LabelDisagreementRef = builder.objectRef<LabelDisagreement>('LabelDisagreement').implement({
  description:
    "An item whose intent label the label-fidelity oracle strongly disagrees with: its label, the oracle's top intent, and both probabilities",
  fields: (t) => ({
    item: t.exposeInt('item', { description: "The item's 0-based position in the dataset" }),
    itemId: t.string({
      nullable: true,
      description: "The item's own id (conversation_id), when it has one",
      resolve: (d) => d.id ?? null,
    }),
    language: t.exposeString('language'),
    intent: t.string({ description: "The item's intent label", resolve: (d) => d.label }),
    intentProbability: t.float({
      description: "The oracle's probability of the item's label (its label fidelity)",
      resolve: (d) => d.labelProbability,
    }),
    intentRank: t.int({
      description: "The label's rank among the oracle's intents (1: its top-1)",
      resolve: (d) => d.labelRank,
    }),
    predicted: t.string({ description: "The oracle's top intent", resolve: (d) => d.oracle }),
    predictedProbability: t.float({ resolve: (d) => d.probability }),
    text: t.string({
      description: "The customer's text, cut to 160 characters",
      resolve: (d) => d.excerpt,
    }),
  }),
});

const JudgeDimensionRef = builder
  .objectRef<JudgeGroup['dimensions'][number]>('JudgeDimension')
  .implement({
    description:
      'One rubric criterion of the judge group: its mean score and the items it averages',
    fields: (t) => ({
      criterion: t.exposeString('criterion'),
      mean: t.exposeFloat('mean', {
        nullable: true,
        description: 'Mean 1-5; null when none scored',
      }),
      scored: t.exposeInt('scored'),
    }),
  });

const JudgeGroupRunRef = builder
  .objectRef<NonNullable<JudgeGroup['run']>>('JudgeGroupRun')
  .implement({
    description: 'The latest judge run of the dataset when the report was made',
    fields: (t) => ({
      id: t.exposeID('id'),
      provider: t.exposeString('provider'),
      model: t.exposeString('model'),
      mode: t.exposeString('mode'),
      status: t.exposeString('status'),
      costUsd: t.exposeFloat('costUsd'),
    }),
  });

const JudgeGroupRef = builder.objectRef<JudgeGroup>('JudgeGroup').implement({
  description:
    "The LLM judge's scores of the dataset when the report was made: an optional metric group outside the score, the gates and the verdict (docs/validation.md)",
  fields: (t) => ({
    status: t.exposeString('status', {
      description: 'scored, or not_run when the dataset had no judge run',
    }),
    scored: t.exposeInt('scored', { description: 'Items with a judge score' }),
    share: t.exposeFloat('share', { description: "Share of the dataset's items scored, 0..1" }),
    overall: t.exposeFloat('overall', { nullable: true, description: 'Mean overall score (1-5)' }),
    dimensions: t.field({ type: [JudgeDimensionRef], resolve: (g) => g.dimensions }),
    run: t.field({ type: JudgeGroupRunRef, nullable: true, resolve: (g) => g.run }),
    runs: t.exposeInt('runs'),
    costUsd: t.exposeFloat('costUsd', { description: 'What every judge run cost together (USD)' }),
  }),
});

export const ValidationReportRef = builder
  .objectRef<ValidationReport>('ValidationReport')
  .implement({
    description: 'A stored validation of a dataset; a dataset keeps every version',
    fields: (t) => ({
      id: t.exposeID('id'),
      version: t.exposeInt('version'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      referenceName: t.string({ nullable: true, resolve: (r) => data(r).reference?.name ?? null }),
      overallScore: t.float({ resolve: (r) => data(r).overall.score }),
      overallVerdict: t.field({ type: VerdictEnum, resolve: (r) => data(r).overall.verdict }),
      reason: t.string({
        description:
          'Why this verdict, the report\'s first line: e.g. "fail: real-vs-synthetic classifier 0.98 (gate)"',
        resolve: (r) => {
          const d = data(r);
          return d.reason ?? `${d.overall.verdict}: score ${d.overall.score.toFixed(1)}`;
        },
      }),
      reasonMessage: t.field({
        type: ReportMessageRef,
        nullable: true,
        description:
          'reason as a message; a report stored before reasons existed gets its score line, one stored before messages null',
        resolve: (r) => {
          const d = data(r);
          if (d.reason !== undefined) return messageOf(d.reason, d.reasonMessage);
          const line = say('verdict.line', {
            verdict: say(`verdict.word.${d.overall.verdict}`),
            why: say('verdict.scoreOnly', { score: d.overall.score }),
          });
          return { message: line.message, text: line.text };
        },
      }),
      scoreInterval: t.field({
        type: IntervalRef,
        nullable: true,
        description:
          'Range of the overall score when the metrics with an interval move to its ends',
        resolve: (r) => data(r).scoreInterval ?? null,
      }),
      gates: t.field({
        type: [GateResultRef],
        description: 'Every gate metric of the report',
        resolve: (r) => data(r).gates ?? [],
      }),
      coverage: t.field({
        type: CoverageRef,
        nullable: true,
        description: 'What was measured against a reference (null in reports made before coverage)',
        resolve: (r) => data(r).coverage ?? null,
      }),
      weights: t.field({ type: 'JSON', resolve: (r) => data(r).weights }),
      metrics: t.field({
        type: [MetricRef],
        args: { group: t.arg.string({ required: false }) },
        resolve: (r, args) => data(r).metrics.filter((m) => !args.group || m.group === args.group),
      }),
      bias: t.field({ type: BiasRef, nullable: true, resolve: (r) => data(r).bias }),
      distributions: t.field({ type: [DistributionRef], resolve: (r) => data(r).distributions }),
      labelDisagreements: t.field({
        type: [LabelDisagreementRef],
        description:
          'Label fidelity: the items (at most 20) the oracle disagrees with most, worst first; empty when label fidelity was not judged',
        resolve: (r) => {
          const metric = data(r).metrics.find((m) => m.id === 'label_fidelity');
          const worst = (metric?.details as { worst?: LabelDisagreement[] } | undefined)?.worst;
          return Array.isArray(worst) ? worst : [];
        },
      }),
      judge: t.field({
        type: JudgeGroupRef,
        nullable: true,
        description:
          "The LLM judge's scores when the report was made (not part of the verdict); null for time series and reports made before the group existed",
        resolve: (r) => data(r).judge ?? null,
      }),
      computeSeconds: t.float({ resolve: (r) => data(r).computeSeconds }),
    }),
  });

builder.objectFields(DatasetRef, (t) => ({
  validation: t.loadable({
    type: ValidationReportRef,
    nullable: true,
    description: 'The latest validation report',
    // A page of datasets asks for their latest reports in two queries, not one per dataset.
    load: (ids: number[], ctx: Context) => latestReports(ctx.em, ids),
    resolve: (d) => d.id,
  }),
  validations: t.field({
    type: [ValidationReportRef],
    description: 'Every validation report, newest first',
    resolve: (d, _a, ctx) =>
      ctx.em.find(ValidationReportSchema, { dataset: d.id }, { orderBy: { version: 'desc' } }),
  }),
}));

const ReferenceProfileRef = builder
  .objectRef<(typeof REFERENCE_PROFILES)[number]>('ReferenceProfile')
  .implement({
    description: 'A shipped reference profile: statistics of a real dataset (never its text)',
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      kind: t.exposeString('kind'),
      description: t.exposeString('description'),
    }),
  });

const RangeRef = builder
  .objectRef<{ value: number; low: number; high: number }>('ValueRange')
  .implement({
    description: 'A value compared, with the uncertainty range it was judged by',
    fields: (t) => ({
      value: t.exposeFloat('value'),
      low: t.exposeFloat('low'),
      high: t.exposeFloat('high'),
    }),
  });

const MetricPairRef = builder
  .objectRef<DatasetComparison['metrics'][number]>('MetricComparison')
  .implement({
    fields: (t) => ({
      id: t.exposeString('id'),
      name: t.exposeString('name'),
      group: t.exposeString('group'),
      a: t.field({ type: MetricRef, nullable: true, resolve: (m) => m.a }),
      b: t.field({ type: MetricRef, nullable: true, resolve: (m) => m.b }),
      difference: t.exposeFloat('difference', {
        nullable: true,
        description: "b minus a, the two reports' values",
      }),
      equalDifference: t.exposeFloat('equalDifference', {
        nullable: true,
        description:
          'b minus a on equal samples (basis equal_sample: distinct-n on the same token budget), which change judges',
      }),
      change: t.exposeString('change', {
        description:
          'better or worse (B vs A) only when the difference lies outside the uncertainty of both sides; same when within it; unknown without a direction or an uncertainty measure',
      }),
      basis: t.exposeString('basis', {
        description:
          "reports (the two reports' values) or equal_sample (both re-measured on the same token budget)",
      }),
      rangeA: t.field({ type: RangeRef, nullable: true, resolve: (m) => m.rangeA }),
      rangeB: t.field({ type: RangeRef, nullable: true, resolve: (m) => m.rangeB }),
      note: t.exposeString('note', { description: 'Why this call' }),
      noteMessage: t.field({
        type: ReportMessageRef,
        nullable: true,
        description: 'note as a message',
        resolve: (m) => messageOf(m.note, m.noteMessage),
      }),
    }),
  });

const EqualSampleRef = builder
  .objectRef<NonNullable<DatasetComparison['equalSample']>>('EqualSample')
  .implement({
    description: 'How diversity was compared on equal samples (text datasets)',
    fields: (t) => ({
      tokens: t.exposeInt('tokens', { description: 'Tokens measured on each side per draw' }),
      tokensA: t.exposeInt('tokensA'),
      tokensB: t.exposeInt('tokensB'),
      draws: t.exposeInt('draws'),
      seed: t.exposeString('seed'),
      note: t.exposeString('note'),
      noteMessage: t.field({
        type: ReportMessageRef,
        nullable: true,
        description: 'note as a message',
        resolve: (e) => messageOf(e.note, e.noteMessage),
      }),
    }),
  });

const OverlayRef = builder
  .objectRef<DatasetComparison['overlays'][number]>('DistributionOverlay')
  .implement({
    fields: (t) => ({
      id: t.exposeString('id'),
      name: t.exposeString('name'),
      labels: t.exposeStringList('labels'),
      a: t.exposeFloatList('a'),
      b: t.exposeFloatList('b'),
    }),
  });

const SamplePairRef = builder
  .objectRef<DatasetComparison['samples'][number]>('SamplePair')
  .implement({
    fields: (t) => ({
      intent: t.exposeString('intent'),
      a: t.field({ type: 'JSON', nullable: true, resolve: (s) => s.a }),
      b: t.field({ type: 'JSON', nullable: true, resolve: (s) => s.b }),
    }),
  });

const ComparisonReferenceRef = builder
  .objectRef<DatasetComparison['reference']>('ComparisonReference')
  .implement({
    description: 'The one reference both sides of a comparison were measured against',
    fields: (t) => ({
      key: t.exposeString('key', {
        description: 'profile:<id>, dataset:<id> or sha256:<hex> (a profile file or upload)',
      }),
      name: t.exposeString('name'),
      kind: t.exposeString('kind', {
        description:
          'shipped, dataset, file, upload, or multiple (one reference per language or domain)',
      }),
      source: t.exposeString('source', {
        description:
          "given (the profile argument), a or b (the reference of that side's latest report), or default",
      }),
      revalidated: t.idList({
        description: 'Datasets validated anew for this comparison (a new report version)',
        resolve: (r) => r.revalidated.map(String),
      }),
    }),
  });

const ComparisonRef = builder.objectRef<DatasetComparison>('DatasetComparison').implement({
  description:
    'Two datasets side by side: every metric with its difference, overlaid distributions, samples',
  fields: (t) => ({
    a: t.field({
      type: DatasetRef,
      resolve: (c) => c.aId,
    }),
    b: t.field({
      type: DatasetRef,
      resolve: (c) => c.bId,
    }),
    reportA: t.field({ type: ValidationReportRef, resolve: (c) => c.reportA }),
    reportB: t.field({ type: ValidationReportRef, resolve: (c) => c.reportB }),
    reference: t.field({
      type: ComparisonReferenceRef,
      description: 'The reference both reports were measured against',
      resolve: (c) => c.reference,
    }),
    metrics: t.field({ type: [MetricPairRef], resolve: (c) => c.metrics }),
    overlays: t.field({ type: [OverlayRef], resolve: (c) => c.overlays }),
    equalSample: t.field({
      type: EqualSampleRef,
      nullable: true,
      description: 'Distinct-n of both sides on the same token budget (text datasets)',
      resolve: (c) => c.equalSample,
    }),
    vocabularyOverlap: t.exposeFloat('vocabularyOverlap', {
      nullable: true,
      description: 'Jaccard overlap of the two vocabularies (text datasets)',
    }),
    samples: t.field({
      type: [SamplePairRef],
      description: 'One item per intent from each dataset',
      resolve: (c) => c.samples,
    }),
  }),
});

const ValidateInput = builder.inputType('ValidateInput', {
  fields: (t) => ({
    datasetId: t.id({ required: true }),
    referenceDatasetId: t.id({
      required: false,
      description: 'Build the reference profile from this dataset',
    }),
    references: t.idList({
      required: false,
      description:
        'More reference datasets, with referenceDatasetId and profile: one reference per language for text (e.g. profile banking77 for en and a Spanish utterances dataset for es), one per domain for time series',
    }),
    profile: t.string({
      required: false,
      description:
        'A shipped reference profile id (see referenceProfiles); for a profile file, upload it as profileFile',
    }),
    profileFile: t.field({
      type: 'File',
      required: false,
      description:
        'A reference profile file written by `pnpm genesis profile DATASET --out FILE.json` (multipart upload)',
    }),
    targets: t.field({
      type: TargetsInput,
      required: false,
      description: "Targets for the bias report (default: the generation job's, else the defaults)",
    }),
  }),
});

builder.queryFields((t) => ({
  referenceProfiles: t.field({
    type: [ReferenceProfileRef],
    resolve: () => [...REFERENCE_PROFILES],
  }),
  validationReport: t.field({
    type: ValidationReportRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.em.findOne(ValidationReportSchema, parseId(args.id)),
  }),
  compareDatasets: t.field({
    type: ComparisonRef,
    errors: { types: [InputError, NotFoundError] },
    args: {
      a: t.arg.id({ required: true }),
      b: t.arg.id({ required: true }),
      profile: t.arg.string({
        required: false,
        description:
          "Shipped profile id to measure both datasets against (default: the reference of A's latest report, else B's, else the shipped one); a dataset whose latest report used another reference is validated anew",
      }),
    },
    resolve: (_r, args, ctx) =>
      ctx.validation.compare(parseId(args.a, 'a'), parseId(args.b, 'b'), args.profile ?? null),
  }),
}));

builder.mutationFields((t) => ({
  validateDataset: t.field({
    type: ValidationReportRef,
    description:
      'Validates a dataset (quality, bias, fidelity) against a reference and stores a new report version',
    errors: { types: [InputError, NotFoundError] },
    args: { input: t.arg({ type: ValidateInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const i = args.input;
      const file = i.profileFile;
      if (file && file.size > ctx.config.maxUploadBytes) {
        throw new InputError([
          {
            path: 'profileFile',
            ...codedMessage(
              file.name ? 'validation.profileTooLarge' : 'validation.profileTooLargeUnnamed',
              {
                name: file.name,
                size: (file.size / 1048576).toFixed(1),
                limit: ctx.config.maxUploadBytes / 1048576,
              },
            ),
          },
        ]);
      }
      const profileUpload = file ? { name: file.name, text: await file.text() } : null;
      const targets = i.targets
        ? Object.fromEntries(
            Object.entries(i.targets)
              .filter((e): e is [string, { key: string; weight: number }[]] => Array.isArray(e[1]))
              .map(([k, list]) => [k, Object.fromEntries(list.map((w) => [w.key, w.weight]))]),
          )
        : null;
      return ctx.validation.validate(parseId(i.datasetId, 'input.datasetId'), {
        referenceDatasetId: i.referenceDatasetId
          ? parseId(i.referenceDatasetId, 'input.referenceDatasetId')
          : null,
        profile: i.profile ?? null,
        profileUpload,
        targets,
        references: (i.references ?? []).map((id, k) => {
          const path = `input.references[${k}]`;
          return { referenceDatasetId: parseId(id, path), path };
        }),
      });
    },
  }),
}));

/** The latest report of each dataset (null where it has none), in the order of `datasetIds`. */
async function latestReports(
  em: EntityManager,
  datasetIds: readonly number[],
): Promise<(ValidationReport | null)[]> {
  const latest = await em
    .createQueryBuilder(ValidationReportSchema, 'r')
    .select(['dataset', raw('max(version) as version')])
    .where({ dataset: { $in: [...datasetIds] } })
    .groupBy('dataset')
    .execute<{ dataset_id: number | string; version: number | string }[]>('all', false);
  const reports = latest.length
    ? await em.find(ValidationReportSchema, {
        $or: latest.map((l) => ({ dataset: Number(l.dataset_id), version: Number(l.version) })),
      })
    : [];
  const byDataset = new Map(reports.map((r) => [(r.dataset as { id: number }).id, r]));
  return datasetIds.map((id) => byDataset.get(id) ?? null);
}
