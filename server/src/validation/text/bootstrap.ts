/**
 * Bootstrap confidence intervals of the realism divergences (intent, length, vocabulary and turn JSD) where the
 * sample is small: the measured items are resampled with replacement, the divergence to the (fixed) reference
 * recomputed on each draw, and the 2.5% and 97.5% points taken, stretched to include the reported value (a
 * resampled JSD reads high: duplicated items narrow the distribution). The draws are seeded, so a report of
 * the same data is the same report. See docs/validation.md, "Sample sizes".
 *
 * Hand-written: the statistic is this module's own (a JSD over the corpus's counts); a percentile bootstrap
 * around it is a dozen lines.
 */
import { Random } from '@genesis/schema/random';
import type { Interval, ValidationMetric } from '@genesis/schema/reports';
import { CONFIDENCE } from '../verdict.ts';
import {
  type Corpus,
  type CorpusStats,
  intentDivergence,
  lengthDivergence,
  type ReferenceStats,
  statsOf,
  turnDivergence,
  vocabularyDivergence,
} from './corpus.ts';
import { round } from './metric.ts';

/** Draws per interval. */
export const TEXT_BOOTSTRAP_DRAWS = 200;

/**
 * Most items bootstrapped: the interval matters where n is small; above this the JSD's sampling spread is
 * already in its noise floor (the thresholds) and the draws' cost grows with n, so no interval is given.
 */
export const TEXT_BOOTSTRAP_MAX_ITEMS = 2000;

const DIVERGENCES: Record<string, (s: CorpusStats, r: ReferenceStats) => number | null> = {
  'realism.intent_jsd': (s, r) => intentDivergence(s, r).value,
  'realism.length_jsd': (s, r) => lengthDivergence(s, r).value,
  'realism.vocabulary_jsd': (s, r) => vocabularyDivergence(s, r).value,
  'realism.turns_jsd': (s, r) => turnDivergence(s, r)?.value ?? null,
};

/**
 * `metric` (a realism JSD, its id possibly suffixed with a language: `realism.length_jsd.es`) with its 95%
 * bootstrap interval over the items `indices` it was measured on; unchanged when it has no value, is not a
 * realism divergence, or the sample is larger than {@link TEXT_BOOTSTRAP_MAX_ITEMS}.
 */
export function withJsdInterval(
  metric: ValidationMetric,
  corpus: Corpus,
  indices: readonly number[],
  reference: ReferenceStats,
  seed: string,
): ValidationMetric {
  const base = Object.keys(DIVERGENCES).find(
    (id) => metric.id === id || metric.id.startsWith(`${id}.`),
  );
  const n = indices.length;
  if (!base || metric.value === null || metric.verdict === 'not_computable') return metric;
  if (n < 2 || n > TEXT_BOOTSTRAP_MAX_ITEMS) return metric;
  const divergence = DIVERGENCES[base]!;
  const rng = new Random(`${seed}:${metric.id}:bootstrap`);
  const draws: number[] = [];
  const picks = new Array<number>(n);
  for (let b = 0; b < TEXT_BOOTSTRAP_DRAWS; b++) {
    for (let i = 0; i < n; i++) picks[i] = indices[rng.int(0, n - 1)]!;
    const d = divergence(statsOf(corpus, picks), reference);
    if (d !== null && Number.isFinite(d)) draws.push(d);
  }
  if (draws.length < TEXT_BOOTSTRAP_DRAWS / 2) return metric;
  draws.sort((x, y) => x - y);
  const at = (p: number) => draws[Math.min(draws.length - 1, Math.floor(p * draws.length))]!;
  const tail = (1 - CONFIDENCE) / 2;
  const value = metric.value;
  const interval: Interval = {
    low: round(Math.max(0, Math.min(value, at(tail)))),
    high: round(Math.max(value, at(1 - tail))),
    level: CONFIDENCE,
    method: 'bootstrap',
  };
  return { ...metric, interval };
}
