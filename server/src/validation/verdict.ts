/**
 * The verdict rules every report follows (text and time series alike): gates, coverage, sample sizes and the
 * score's interval. A verdict is only worth what its weakest honest check says, so:
 *
 * - a **gate** metric at fail makes the verdict fail whatever the average, and at warn caps it at warn;
 * - a language, series type or domain of the data without a reference, or under {@link MIN_WEIGHT_COVERAGE} of
 *   the score's weight measured, makes it `incomplete`, naming what is missing and how to supply it;
 * - each metric has a minimum sample below which it is not computable, and a report of fewer items than
 *   its family's minimum gets no verdict (`incomplete`).
 *
 * The rules and their reasons are documented in docs/validation.md, section "Verdict rules".
 */
import { type Message, term } from '@genesis/schema/report-message';
import type {
  Coverage,
  GateResult,
  Interval,
  OverallVerdict,
  ValidationMetric,
} from '@genesis/schema/reports';
import { verdictOf } from '@genesis/schema/reports';
import {
  joinReasons,
  type ReportCode,
  reasonFields,
  type Said,
  say,
  sayAll,
  storedReason,
} from './messages.ts';

/** A metric that disqualifies a dataset whatever its average. */
export interface Gate {
  /**
   * The metric id it applies to. `*` stands for one id segment, and a key matches wherever its segments run
   * contiguously in an id: `label_fidelity` matches `label_fidelity`, `label_fidelity.top1` and
   * `fidelity.label_fidelity`; `fidelity.*.discriminator` matches every domain's discriminator.
   */
  key: string;
  /** For people, in the reason line: `fail: memorisation 0.4 (gate)`. */
  name: string;
  /** The name's message code (`gate.pii`), for other languages. */
  code: GateCode;
  /** Why it is a gate. */
  why: string;
}

type GateCode = Extract<ReportCode, `gate.${string}`>;

/** The gates, keyed by metric id (see {@link Gate.key}); a gate applies once a report holds its metric. */
export const GATES: readonly Gate[] = [
  {
    key: 'consistency.schema_violation_rate',
    code: 'gate.schema',
    name: 'schema violations',
    why: 'items that break the schema (wrong intent/category, speakers out of order, bad turn count) cannot be used as labelled data, however good the rest is',
  },
  {
    key: 'privacy.pii_rate',
    code: 'gate.pii',
    name: 'PII',
    why: 'a card number, IBAN, email or phone number in a dataset makes it unsafe to share or train on, whatever its quality',
  },
  {
    key: 'privacy.memorisation_rate',
    code: 'gate.memorisation',
    name: 'memorisation',
    why: 'near-copies of the reference are not synthetic data: they leak the reference and inflate every realism score',
  },
  {
    key: 'language.mismatch_rate',
    code: 'gate.language',
    name: 'language mismatch',
    why: 'an item written in another language than its label is a wrong label, and it poisons per-language training and evaluation',
  },
  {
    key: 'label_fidelity',
    code: 'gate.labelFidelity',
    name: 'label fidelity',
    why: 'items that do not say what their intent label claims teach a classifier the wrong thing; shuffled labels keep every distribution intact, so only this metric sees them',
  },
  {
    key: 'fidelity.*.discriminator',
    code: 'gate.discriminator',
    name: 'real-vs-synthetic classifier',
    why: 'when a simple classifier tells the series from real ones, they are not realistic, however close their averages are',
  },
  {
    key: 'consistency.bounds',
    code: 'gate.bounds',
    name: 'physical-bound violations',
    why: 'values a meter, sensor or market cannot produce (negative load, humidity over 100%) make a series unusable',
  },
];

/** The gate a metric id falls under, if any. */
export function gateFor(metricId: string): Gate | undefined {
  const id = metricId.split('.');
  return GATES.find((gate) => {
    const key = gate.key.split('.');
    for (let start = 0; start + key.length <= id.length; start++) {
      if (key.every((part, i) => part === '*' || part === id[start + i])) return true;
    }
    return false;
  });
}

/** Below this share of the score's weight measured, the verdict is `incomplete`. */
export const MIN_WEIGHT_COVERAGE = 0.8;

/** Confidence level of every interval in a report. */
export const CONFIDENCE = 0.95;
const Z = 1.959964;

/** Wilson score interval of k successes in n trials (a rate's interval that stays inside 0..1). */
export function wilson(k: number, n: number): Interval | undefined {
  if (n <= 0) return undefined;
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  // At k = 0 or k = n the bound is exactly 0 or 1 (the formula leaves rounding dust).
  return {
    low: k === 0 ? 0 : round(Math.max(0, centre - half)),
    high: k === n ? 1 : round(Math.min(1, centre + half)),
    level: CONFIDENCE,
    method: 'wilson',
  };
}

/**
 * The interval of a two-sample KS statistic from n series against m: the value plus or minus the
 * Dvoretzky-Kiefer-Wolfowitz bound, with series (not points, which are dependent) as the sample.
 */
export function ksInterval(value: number, n: number, m: number): Interval | undefined {
  if (n <= 0 || m <= 0) return undefined;
  const half = Math.sqrt(Math.log(2 / (1 - CONFIDENCE)) / 2) * Math.sqrt((n + m) / (n * m));
  return {
    low: round(Math.max(0, value - half)),
    high: round(Math.min(1, value + half)),
    level: CONFIDENCE,
    method: 'dkw',
  };
}

/**
 * `metric` with its sample size; below `min` a computed metric becomes not computable (its value kept for
 * information, never judged) and the reason says so.
 */
export function withMinimum(metric: ValidationMetric, n: number, min: number): ValidationMetric {
  const sample = { n, min };
  if (metric.verdict === 'not_computable' || n >= min) return { ...metric, sample };
  const { thresholds: _, ...rest } = metric;
  const { reason: _reason, reasonMessage: _message, ...kept } = rest;
  const note = say('metric.minimum', { min, n });
  const before = storedReason(metric);
  return {
    ...kept,
    verdict: 'not_computable',
    sample,
    ...reasonFields(before ? joinReasons([before, note]) : note),
  };
}

/** The gate results of a report's metrics, in report order. */
export function gateResults(metrics: readonly ValidationMetric[]): GateResult[] {
  return metrics.flatMap((m) => {
    const gate = gateFor(m.id);
    return gate
      ? [{ metricId: m.id, name: gate.name, verdict: m.verdict, value: m.value, why: gate.why }]
      : [];
  });
}

/**
 * Each applicable metric's share of the score's weight: a group's weight split evenly over its applicable
 * metrics (the score averages a group's metrics), over the groups that have one.
 */
export function metricWeights(
  metrics: readonly ValidationMetric[],
  groupWeights: Readonly<Record<string, number>>,
): Map<ValidationMetric, number> {
  const applicable = metrics.filter((m) => m.applicable !== false && m.group in groupWeights);
  const perGroup = new Map<string, number>();
  for (const m of applicable) perGroup.set(m.group, (perGroup.get(m.group) ?? 0) + 1);
  const total = [...perGroup.keys()].reduce((s, g) => s + groupWeights[g]!, 0);
  const out = new Map<ValidationMetric, number>();
  if (total === 0) return out;
  for (const m of applicable) out.set(m, groupWeights[m.group]! / total / perGroup.get(m.group)!);
  return out;
}

export interface VerdictInput {
  metrics: readonly ValidationMetric[];
  /** The overall score 0..100 of `metrics` (the report's own scoring), and of any variant of them. */
  score: (metrics: readonly ValidationMetric[]) => number;
  groupWeights: Readonly<Record<string, number>>;
  /** Pass from `pass`, warn from `warn`. */
  thresholds: { pass: number; warn: number };
  /** Items (or series) in the dataset, and the fewest a verdict needs. */
  itemCount: number;
  minItems: number;
  /** What a verdict is given from: "items", "series". */
  unit: string;
  /** Share of the items measured against a reference. */
  itemShare: number;
  parts: Coverage['parts'];
  /** What is missing beyond the parts (how to supply each). */
  missing: Coverage['missing'];
}

export interface VerdictOutput {
  verdict: OverallVerdict;
  reason: string;
  /** `reason` as a message (docs/validation.md, "Report text in other languages"). */
  reasonMessage: Message;
  gates: GateResult[];
  coverage: Coverage;
  scoreInterval?: Interval;
}

/** A number for a reason line: 3 significant digits. */
export function short(x: number | null): string {
  if (x === null) return 'n/a';
  return String(Number(x.toPrecision(3)));
}

/** {@link short} as a message parameter: the rounded number, or "n/a". */
function shortParam(x: number | null): number | Said {
  return x === null ? say('verdict.na') : Number(x.toPrecision(3));
}

/** The overall verdict of a report by the rules above, its reason line, the gates and the coverage. */
export function decideVerdict(input: VerdictInput): VerdictOutput {
  const { metrics, thresholds } = input;
  const gates = gateResults(metrics);
  const weights = metricWeights(metrics, input.groupWeights);
  const totalWeight = [...weights.values()].reduce((a, b) => a + b, 0);
  let measuredWeight = 0;
  const notMeasured: Coverage['notMeasured'] = [];
  for (const [m, w] of weights) {
    if (m.verdict === 'not_computable') {
      notMeasured.push({
        metricId: m.id,
        name: m.name,
        weight: round(w),
        ...reasonFields(storedReason(m) ?? say('metric.notComputed')),
      });
    } else measuredWeight += w;
  }
  const weightShare = totalWeight > 0 ? measuredWeight / totalWeight : 0;
  const coverage: Coverage = {
    items: round(input.itemShare),
    weight: round(weightShare),
    minimumWeight: MIN_WEIGHT_COVERAGE,
    parts: input.parts,
    notMeasured,
    missing: input.missing,
  };
  const computable = metrics.some((m) => m.verdict !== 'not_computable');
  const score = computable ? input.score(metrics) : 0;
  const scoreInterval = computable ? intervalOfScore(metrics, input.score) : undefined;
  // The gates are named as the Help page names their metric: the web app keys them by metric id.
  const at = (list: GateResult[]) =>
    sayAll(
      list.map((g) =>
        say('verdict.gate', {
          name: say(gateFor(g.metricId)?.code ?? 'gate.schema'),
          value: shortParam(g.value),
        }),
      ),
      ', ',
    );
  const unit = say(input.unit === 'series' ? 'unit.series' : 'unit.items');

  const failed = gates.filter((g) => g.verdict === 'fail');
  const out = (verdict: OverallVerdict, why: Said): VerdictOutput => {
    const line = say('verdict.line', { verdict: say(`verdict.word.${verdict}`), why });
    return {
      verdict,
      reason: line.text,
      reasonMessage: line.message,
      gates,
      coverage,
      ...(scoreInterval ? { scoreInterval } : {}),
    };
  };
  if (failed.length > 0) return out('fail', at(failed));
  if (!computable) {
    return out(
      'not_computable',
      input.itemCount === 0 ? say('verdict.noItems', { unit }) : say('verdict.nothingComputed'),
    );
  }
  const gaps: Said[] = [];
  if (input.itemCount < input.minItems) {
    gaps.push(say('verdict.tooFew', { n: input.itemCount, unit, min: input.minItems }));
  }
  const unreferenced = input.parts.filter((p) => !p.referenced);
  for (const dimension of ['language', 'series_type', 'domain'] as const) {
    const list = unreferenced.filter((p) => p.dimension === dimension);
    if (list.length === 0) continue;
    gaps.push(
      say('verdict.noReference', {
        dimension: say(`dimension.${dimension}${list.length > 1 ? 's' : ''}`),
        parts: {
          list: list.map((p) =>
            say('verdict.part', {
              // A language is its code in every language; a domain or a series type has a name in each.
              key:
                dimension === 'language'
                  ? p.key
                  : term(dimension === 'domain' ? 'domain' : 'seriesType', p.key),
              n: p.items,
              unit,
            }),
          ),
          separator: ', ',
        },
      }),
    );
  }
  if (weightShare < MIN_WEIGHT_COVERAGE) {
    gaps.push(
      say('verdict.weight', {
        share: Math.round(weightShare * 100),
        min: Math.round(MIN_WEIGHT_COVERAGE * 100),
      }),
    );
  }
  if (gaps.length > 0) return out('incomplete', sayAll(gaps, '; '));
  const warned = gates.filter((g) => g.verdict === 'warn');
  const byScore: 'pass' | 'warn' | 'fail' =
    score >= thresholds.pass ? 'pass' : score >= thresholds.warn ? 'warn' : 'fail';
  const scoreText = scoreInterval
    ? say('verdict.scoreRange', {
        score: shortParam(score),
        low: shortParam(scoreInterval.low),
        high: shortParam(scoreInterval.high),
      })
    : say('verdict.score', { score: shortParam(score) });
  if (warned.length > 0 && byScore === 'pass') {
    return out('warn', say('verdict.capped', { gates: at(warned), score: scoreText }));
  }
  const rule = say(`verdict.rule.${byScore}`, { pass: thresholds.pass, warn: thresholds.warn });
  return out(byScore, say('verdict.byScore', { score: scoreText, rule }));
}

const POINTS = { pass: 1, warn: 0.5, fail: 0 } as const;

/**
 * The score's range when every metric with an interval and thresholds takes the verdict of its interval's
 * worse end (low) or better end (high), the others unchanged: conservative, since all move at once.
 */
function intervalOfScore(
  metrics: readonly ValidationMetric[],
  score: (metrics: readonly ValidationMetric[]) => number,
): Interval {
  const at = (end: 'worse' | 'better') =>
    metrics.map((m) => {
      if (!m.interval || !m.thresholds || m.verdict === 'not_computable') return m;
      // The point's own verdict is always inside the range.
      const candidates = [
        m.verdict,
        verdictOf(m.interval.low, m.thresholds),
        verdictOf(m.interval.high, m.thresholds),
      ].sort((x, y) => POINTS[x] - POINTS[y]);
      return { ...m, verdict: end === 'worse' ? candidates[0]! : candidates[2]! };
    });
  return {
    low: round(score(at('worse'))),
    high: round(score(at('better'))),
    level: CONFIDENCE,
    method: 'metric intervals',
  };
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}
