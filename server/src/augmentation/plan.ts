/**
 * The augmentation plan: how many synthetic items to generate per intent, and which confusions to steer away
 * from, read from a training run's **cross-validated** figures on its own training data. The run's test-set
 * figures (`metrics.test`) are never read here: a plan tuned on the test set would make the measured lift a
 * lie. See docs/curation.md, "Augment".
 */
import type { EvaluationSummary } from '../training/pipeline.ts';

/** A confused pair: items of `intent` the classifier predicted as `notIntent` (out of fold). */
export interface ContrastPair {
  intent: string;
  notIntent: string;
  /** Out-of-fold items of `intent` predicted as `notIntent`. */
  count: number;
}

export interface IntentPlan {
  intent: string;
  /** Cross-validated F1 of the intent on the run's training data. */
  f1: number;
  support: number;
  /** Synthetic items planned for it. */
  count: number;
  /** The intents its synthetic items must be told apart from ("about A, not B"). */
  notIntents: string[];
}

export interface AugmentationPlan {
  total: number;
  /** Where the figures come from: always the run's out-of-fold (cross-validated) predictions. */
  basis: 'cross_validation';
  folds: number;
  perIntent: IntentPlan[];
  contrasts: ContrastPair[];
}

export interface PlanOptions {
  /** Every intent gets at least this share of an equal split, so no intent is forgotten (default 0.25). */
  floor?: number;
  /** Confusions kept per intent (default 2), each seen at least `minConfusions` times (default 1). */
  pairsPerIntent?: number;
  minConfusions?: number;
}

/** Largest-remainder apportionment of `total` over `weights` (deterministic; ties by name). */
function apportion(total: number, weights: ReadonlyMap<string, number>): Map<string, number> {
  const sum = [...weights.values()].reduce((a, b) => a + b, 0);
  const out = new Map<string, number>();
  const rest: Array<[string, number]> = [];
  let given = 0;
  for (const [k, w] of weights) {
    const exact = sum > 0 ? (total * w) / sum : total / weights.size;
    const whole = Math.floor(exact);
    out.set(k, whole);
    given += whole;
    rest.push([k, exact - whole]);
  }
  rest.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (let i = 0; i < total - given; i++) {
    const k = rest[i % rest.length]![0];
    out.set(k, out.get(k)! + 1);
  }
  return out;
}

/**
 * Plans `count` synthetic items over the intents of a run's cross-validation: an intent's share grows with its
 * error (1 - F1), on top of a floor every intent gets; each intent's most frequent out-of-fold confusions become
 * contrastive guidance. Throws a RangeError when the evaluation is not cross-validation.
 */
export function planAugmentation(
  evaluation: EvaluationSummary | null | undefined,
  count: number,
  options: PlanOptions = {},
): AugmentationPlan {
  if (evaluation?.kind !== 'cv') {
    throw new RangeError(
      'the plan needs cross-validated figures on the run’s training data; the run has none',
    );
  }
  const floor = options.floor ?? 0.25;
  const pairsPerIntent = options.pairsPerIntent ?? 2;
  const minConfusions = options.minConfusions ?? 1;
  const { pooled } = evaluation;
  const classes = pooled.perClass.filter((c) => c.support > 0);
  const meanError = classes.reduce((a, c) => a + (1 - c.f1), 0) / Math.max(1, classes.length);
  const weights = new Map(
    classes.map((c) => [c.label, 1 - c.f1 + floor * Math.max(meanError, 0.01)] as const),
  );
  const counts = apportion(count, weights);
  const index = new Map(pooled.labels.map((l, i) => [l, i]));
  const contrasts: ContrastPair[] = [];
  const perIntent: IntentPlan[] = classes.map((c) => {
    const row = pooled.confusion[index.get(c.label)!] ?? [];
    const confused = row
      .map((n, p) => ({ notIntent: pooled.labels[p]!, count: n }))
      .filter((x) => x.notIntent !== c.label && x.count >= minConfusions)
      .sort((a, b) => b.count - a.count || (a.notIntent < b.notIntent ? -1 : 1))
      .slice(0, pairsPerIntent);
    for (const x of confused) contrasts.push({ intent: c.label, ...x });
    return {
      intent: c.label,
      f1: c.f1,
      support: c.support,
      count: counts.get(c.label) ?? 0,
      notIntents: confused.map((x) => x.notIntent),
    };
  });
  contrasts.sort((a, b) => b.count - a.count || (a.intent < b.intent ? -1 : 1));
  return { total: count, basis: 'cross_validation', folds: evaluation.folds, perIntent, contrasts };
}

/**
 * The plan of a stored run: reads `metrics.evaluation` only (never `metrics.test`).
 */
export function planFromRunMetrics(
  metrics: Record<string, unknown> | null | undefined,
  count: number,
  options: PlanOptions = {},
): AugmentationPlan {
  return planAugmentation(metrics?.evaluation as EvaluationSummary | undefined, count, options);
}
