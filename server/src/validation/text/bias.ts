/**
 * The bias report of a conversation (or labelled utterance) dataset: its label distributions against the
 * targets it was generated for, intent coverage, and intent x language parity, with an overall severity and
 * the reasons for it.
 *
 * Severity rules (the worst finding wins). "Excess" is a distance minus what sampling alone would give at this
 * size, and a finding only counts when a chi-square test says it is not chance (p < 0.01):
 * - a distribution (intent, category, language, sentiment, complexity, resolution) vs its target, by total
 *   variation distance: excess >= 0.20 high, >= 0.10 medium, >= 0.03 low;
 * - intent x language parity (mean per-intent TVD from the language target, weighted by items; chi-square test
 *   of independence): the same cut-offs;
 * - intent coverage (share of targeted intents present): < 0.80 high, < 0.95 medium, < 1 low.
 */
import { CATEGORY_IDS, getIntent, INTENT_IDS } from '@genesis/schema/catalog/intents';
import { COMPLEXITIES, LANGUAGES, RESOLUTIONS, SENTIMENTS } from '@genesis/schema/common';
import { BIAS_SEVERITIES, type BiasSeverity } from '@genesis/schema/dataset';
import {
  DEFAULT_COMPLEXITIES,
  DEFAULT_LANGUAGES,
  DEFAULT_RESOLUTIONS,
  DEFAULT_SENTIMENTS,
} from '@genesis/schema/generation';
import { term } from '@genesis/schema/report-message';
import type { Distribution, ValidationMetric } from '@genesis/schema/reports';
import { type Said, say } from '../messages.ts';
import type { TextKind } from './corpus.ts';
import { measured, notComputable, percent, round } from './metric.ts';
import {
  chiSquareGoodnessOfFit,
  chiSquareIndependence,
  formatP,
  shares,
  totalVariation,
} from './stats.ts';
import { labelOf, type TextItem } from './tokens.ts';

/** Target weights per label (need not sum to 1). Missing ones fall back to the generation defaults. */
export interface TextTargets {
  intents?: Record<string, number> | null;
  languages?: Record<string, number> | null;
  sentiments?: Record<string, number> | null;
  complexities?: Record<string, number> | null;
  resolutions?: Record<string, number> | null;
}

/** p-value under which a deviation counts as real rather than chance. */
export const BIAS_SIGNIFICANCE = 0.01;
/** Excess distance (beyond sampling noise) at which a finding is low, medium, high. */
export const BIAS_EXCESS_CUTOFFS = { low: 0.03, medium: 0.1, high: 0.2 } as const;
/** Distance thresholds of the bias metrics, before the sampling allowance is added. */
const TVD_WARN = 0.05;
const TVD_FAIL = 0.15;

/**
 * The TVD two equal distributions show on average from sampling `n` items alone:
 * half the sum over labels of E|p̂ - p| ≈ sqrt(2 p (1 - p) / (π n)) (normal approximation).
 */
export function expectedSamplingTvd(targetShares: readonly number[], n: number): number {
  if (n <= 0) return 0;
  let sum = 0;
  for (const p of targetShares) sum += Math.sqrt((2 * p * (1 - p)) / (Math.PI * n));
  return sum / 2;
}

interface Dimension {
  id: string;
  /** Distribution id (plural, e.g. `sentiments`). */
  plural: string;
  name: string;
  field: string;
  labels: readonly string[];
  /** Maps an item's field value to a label (category comes from the intent when absent). */
  labelOf: (item: TextItem) => string | null;
  target: Record<string, number> | null;
  targetName: string;
}

/** `p = 0.012` as a sentence ({@link formatP}'s text). */
function saidP(p: number): Said {
  if (Number.isNaN(p)) return say('bias.pNone');
  if (p < 1e-15) return say('bias.pTiny');
  if (p < 0.001) return say('bias.pSmall', { p: p.toExponential(1) });
  return say('bias.p', { p });
}

/** `12.3%` ({@link percent}'s text) as a message parameter. */
function saidPercent(share: number): Said {
  return say('bias.percent', { pct: share * 100 });
}

/** A bias dimension's id as a word (`intent`). */
const DIMENSION_CODES = {
  intent: 'bias.dim.intent',
  category: 'bias.dim.category',
  language: 'bias.dim.language',
  sentiment: 'bias.dim.sentiment',
  complexity: 'bias.dim.complexity',
  resolution: 'bias.dim.resolution',
} as const;

function saidDimension(id: string): Said | string {
  return id in DIMENSION_CODES ? say(DIMENSION_CODES[id as keyof typeof DIMENSION_CODES]) : id;
}

export interface BiasResult {
  metrics: ValidationMetric[];
  bias: {
    severity: BiasSeverity;
    reasons: string[];
    reasonMessages?: NonNullable<ValidationMetric['reasonMessage']>[];
  };
  distributions: Distribution[];
}

/** Bias metrics, severity and target distributions of a dataset. */
export function biasReport(
  items: readonly TextItem[],
  kind: TextKind,
  targets: TextTargets | null | undefined,
): BiasResult {
  const given = targets ?? {};
  const name = (key: keyof TextTargets) => (given[key] ? 'targets' : 'default targets');
  const intentTarget = given.intents ?? Object.fromEntries(INTENT_IDS.map((id) => [id, 1]));
  const categoryTarget: Record<string, number> = {};
  for (const [intent, weight] of Object.entries(intentTarget)) {
    const category = getIntent(intent)?.category;
    if (category) categoryTarget[category] = (categoryTarget[category] ?? 0) + weight;
  }
  const conversations = kind === 'conversations';
  const languageTarget = given.languages ?? (conversations ? { ...DEFAULT_LANGUAGES } : null);
  const field = (f: string) => (item: TextItem) => labelOf(item, f);
  const dimensions: Dimension[] = [
    {
      id: 'intent',
      plural: 'intents',
      name: 'Intent',
      field: 'intent',
      labels: INTENT_IDS,
      labelOf: field('intent'),
      target: intentTarget,
      targetName: name('intents'),
    },
    {
      id: 'category',
      plural: 'categories',
      name: 'Category',
      field: 'category',
      labels: CATEGORY_IDS,
      labelOf: (item) =>
        labelOf(item, 'category') ?? getIntent(labelOf(item, 'intent') ?? '')?.category ?? null,
      target: categoryTarget,
      targetName: name('intents'),
    },
    {
      id: 'language',
      plural: 'languages',
      name: 'Language',
      field: 'language',
      labels: LANGUAGES,
      labelOf: field('language'),
      target: languageTarget,
      targetName: name('languages'),
    },
  ];
  if (conversations) {
    dimensions.push(
      {
        id: 'sentiment',
        plural: 'sentiments',
        name: 'Sentiment',
        field: 'sentiment',
        labels: SENTIMENTS,
        labelOf: field('sentiment'),
        target: given.sentiments ?? { ...DEFAULT_SENTIMENTS },
        targetName: name('sentiments'),
      },
      {
        id: 'complexity',
        plural: 'complexities',
        name: 'Complexity',
        field: 'complexity',
        labels: COMPLEXITIES,
        labelOf: field('complexity'),
        target: given.complexities ?? { ...DEFAULT_COMPLEXITIES },
        targetName: name('complexities'),
      },
      {
        id: 'resolution',
        plural: 'resolutions',
        name: 'Resolution',
        field: 'resolution_status',
        labels: RESOLUTIONS,
        labelOf: field('resolution_status'),
        target: given.resolutions ?? { ...DEFAULT_RESOLUTIONS },
        targetName: name('resolutions'),
      },
    );
  }

  const metrics: ValidationMetric[] = [];
  const distributions: Distribution[] = [];
  const findings: Array<{ severity: BiasSeverity; reason: Said }> = [];
  const targetSaid = (targetName: string) =>
    say(targetName === 'targets' ? 'bias.targets' : 'bias.defaultTargets');

  for (const dim of dimensions) {
    const index = new Map(dim.labels.map((label, i) => [label, i]));
    const observed = dim.labels.map(() => 0);
    let unlabelled = 0;
    for (const item of items) {
      const label = dim.labelOf(item);
      const at = label === null ? undefined : index.get(label);
      if (at === undefined) unlabelled++;
      else observed[at]!++;
    }
    const n = observed.reduce((a, b) => a + b, 0);
    const metricId = `bias.${dim.id}_tvd`;
    const metricName = `${dim.name} distribution vs ${dim.targetName} (total variation distance)`;
    const targetWeights = dim.target ? dim.labels.map((label) => dim.target![label] ?? 0) : null;
    distributions.push({
      id: dim.plural,
      name: `${dim.name}s`.replace(/ys$/, 'ies'),
      labels: [...dim.labels],
      dataset: shares(observed).map(round),
      ...(targetWeights
        ? { reference: shares(targetWeights).map(round), referenceName: dim.targetName }
        : {}),
    });
    if (!targetWeights) {
      metrics.push(
        notComputable(
          metricId,
          metricName,
          'bias',
          say('bias.noTarget', { dimension: saidDimension(dim.id) }),
          // Bias is measured against targets: without one there is nothing to check, not a gap.
          { applicable: false },
        ),
      );
      continue;
    }
    if (n === 0) {
      metrics.push(
        notComputable(metricId, metricName, 'bias', say('bias.noValid', { field: dim.field })),
      );
      continue;
    }
    const targetShares = shares(targetWeights);
    const observedShares = shares(observed);
    const tvd = totalVariation(observed, targetWeights);
    const allowance = expectedSamplingTvd(targetShares, n);
    const chi = chiSquareGoodnessOfFit(observed, targetWeights);
    let gap = 0;
    for (let i = 1; i < dim.labels.length; i++) {
      if (
        Math.abs(observedShares[i]! - targetShares[i]!) >
        Math.abs(observedShares[gap]! - targetShares[gap]!)
      ) {
        gap = i;
      }
    }
    const label = dim.labels[gap]!;
    const gapText = say('bias.gap', {
      // Sentiment, complexity and resolution values have names in each language; intents and languages are ids.
      label:
        dim.id === 'sentiment' || dim.id === 'complexity' || dim.id === 'resolution'
          ? term('value', label)
          : label,
      observed: saidPercent(observedShares[gap]!),
      target: saidPercent(targetShares[gap]!),
    });
    metrics.push(
      measured(
        metricId,
        metricName,
        'bias',
        tvd,
        { direction: 'lower_is_better', warn: TVD_WARN + allowance, fail: TVD_FAIL + allowance },
        {
          reason: say('bias.tvd', {
            gap: gapText,
            chi: round(chi.statistic),
            dof: chi.dof,
            p: saidP(chi.pValue),
            allowance: round(allowance),
          }),
          details: {
            chiSquare: round(chi.statistic),
            dof: chi.dof,
            pValue: chi.pValue,
            lowExpected: chi.lowExpected,
            samplingAllowance: round(allowance),
            unlabelled,
            observed: Object.fromEntries(
              dim.labels.map((l, i) => [l, observed[i]!]).filter(([, c]) => c),
            ),
          },
        },
      ),
    );
    const severity = severityOf(tvd - allowance, chi.pValue);
    if (severity !== 'none') {
      findings.push({
        severity,
        reason: say('bias.finding', {
          dimension: saidDimension(dim.id),
          tvd: round(tvd),
          target: targetSaid(dim.targetName),
          gap: gapText,
          p: saidP(chi.pValue),
        }),
      });
    }
  }

  // Coverage: share of the targeted intents (weight > 0) that occur at all.
  const targeted = INTENT_IDS.filter((id) => (intentTarget[id] ?? 0) > 0);
  const present = new Set(items.map((item) => labelOf(item, 'intent')));
  const missing = targeted.filter((id) => !present.has(id));
  const coverage = targeted.length ? (targeted.length - missing.length) / targeted.length : 0;
  metrics.push(
    measured(
      'bias.intent_coverage',
      'Intent coverage (share of targeted intents present)',
      'bias',
      items.length ? coverage : null,
      { direction: 'higher_is_better', warn: 1, fail: 0.9 },
      {
        reason: items.length
          ? say('bias.coverage', { k: targeted.length - missing.length, n: targeted.length })
          : say('metric.empty'),
        details: { missing: missing.slice(0, 77) },
      },
    ),
  );
  if (items.length) {
    const coverageSeverity: BiasSeverity =
      coverage < 0.8 ? 'high' : coverage < 0.95 ? 'medium' : coverage < 1 ? 'low' : 'none';
    if (coverageSeverity !== 'none') {
      findings.push({
        severity: coverageSeverity,
        reason: say('bias.coverageFinding', {
          k: missing.length,
          n: targeted.length,
          intents: `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
        }),
      });
    }
  }

  const parity = parityMetric(items, languageTarget);
  metrics.push(parity.metric);
  if (parity.finding) findings.push(parity.finding);

  const rank = (s: BiasSeverity) => BIAS_SEVERITIES.indexOf(s);
  findings.sort((a, b) => rank(b.severity) - rank(a.severity));
  const severity = findings[0]?.severity ?? 'none';
  return {
    metrics,
    bias: {
      severity,
      reasons: findings.map((f) => f.reason.text),
      ...(findings.length ? { reasonMessages: findings.map((f) => f.reason.message) } : {}),
    },
    distributions,
  };
}

function severityOf(excess: number, pValue: number): BiasSeverity {
  if (!(pValue < BIAS_SIGNIFICANCE)) return 'none';
  if (excess >= BIAS_EXCESS_CUTOFFS.high) return 'high';
  if (excess >= BIAS_EXCESS_CUTOFFS.medium) return 'medium';
  if (excess >= BIAS_EXCESS_CUTOFFS.low) return 'low';
  return 'none';
}

/**
 * Intent x language parity: how far each intent's language mix is from the language target (or, without one,
 * from the dataset's own overall mix), as the item-weighted mean TVD over intents.
 */
function parityMetric(
  items: readonly TextItem[],
  languageTarget: Record<string, number> | null,
): { metric: ValidationMetric; finding: { severity: BiasSeverity; reason: Said } | null } {
  const id = 'bias.intent_language_parity';
  const title = 'Intent x language parity (mean per-intent TVD from the language mix)';
  const languageIndex = new Map(LANGUAGES.map((l, i) => [l as string, i]));
  const table = new Map<string, number[]>();
  const overall = LANGUAGES.map(() => 0);
  for (const item of items) {
    const intent = labelOf(item, 'intent');
    const at = languageIndex.get(labelOf(item, 'language') ?? '');
    if (!intent || at === undefined || !getIntent(intent)) continue;
    let row = table.get(intent);
    if (!row) {
      row = LANGUAGES.map(() => 0);
      table.set(intent, row);
    }
    row[at]!++;
    overall[at]!++;
  }
  const total = overall.reduce((a, b) => a + b, 0);
  if (total === 0) {
    return {
      metric: notComputable(id, title, 'bias', say('bias.parityNone')),
      finding: null,
    };
  }
  const target = languageTarget ? LANGUAGES.map((l) => languageTarget[l] ?? 0) : overall;
  const targetShares = shares(target);
  let weighted = 0;
  let allowance = 0;
  const perIntent: Array<{
    intent: string;
    items: number;
    tvd: number;
    shares: Record<string, number>;
  }> = [];
  for (const [intent, row] of table) {
    const n = row.reduce((a, b) => a + b, 0);
    const tvd = totalVariation(row, target);
    weighted += n * tvd;
    allowance += n * expectedSamplingTvd(targetShares, n);
    perIntent.push({
      intent,
      items: n,
      tvd: round(tvd),
      shares: Object.fromEntries(LANGUAGES.map((l, i) => [l, round(row[i]! / n)])),
    });
  }
  const value = weighted / total;
  allowance /= total;
  const independence = chiSquareIndependence([...table.values()]);
  perIntent.sort((a, b) => b.tvd - a.tvd);
  const metric = measured(
    id,
    title,
    'bias',
    value,
    { direction: 'lower_is_better', warn: TVD_WARN + allowance, fail: TVD_FAIL + allowance },
    {
      reason: say(languageTarget ? 'bias.parityTarget' : 'bias.parityMix', {
        p: saidP(independence.pValue),
        allowance: round(allowance),
      }),
      details: {
        pValue: independence.pValue,
        samplingAllowance: round(allowance),
        worst: perIntent.slice(0, 10),
      },
    },
  );
  // Parity is about intents differing from each other, so the independence test gates it.
  const severity = severityOf(
    value - allowance,
    languageTarget
      ? Math.min(independence.pValue, chiSquareGoodnessOfFit(overall, target).pValue)
      : independence.pValue,
  );
  const worst = perIntent[0];
  return {
    metric,
    finding:
      severity === 'none' || !worst
        ? null
        : {
            severity,
            reason: say('bias.parityFinding', {
              tvd: round(value),
              intent: worst.intent,
              shares: {
                list: Object.entries(worst.shares).map(([language, s]) =>
                  say('bias.share', { language, share: saidPercent(s) }),
                ),
                separator: ', ',
              },
            }),
          },
  };
}
