/**
 * The discriminative score: how well a simple classifier tells real series from synthetic ones by their summary
 * features. 0.5 accuracy means it cannot (the ideal); 1 means every synthetic series gives itself away.
 */

import { Random } from '@genesis/schema/random';
import { stratifiedKFold } from '../../training/evaluate.ts';
import { fitLogisticRegression } from '../../training/models/logreg.ts';
import { csrFromDense } from '../../training/sparse.ts';
import { type Said, say } from '../messages.ts';
import { median } from './stats.ts';

/** Fewest series of each side the score is computed with: below that, accuracy is mostly luck. */
export const MIN_SERIES_PER_SIDE = 10;
/** Most series of each side used (a random sample beyond): enough for a stable estimate, and fast. */
const MAX_SERIES_PER_SIDE = 1000;
const FOLDS = 5;
/** A feature missing on more than this share of either side is left out rather than imputed. */
const MAX_MISSING_SHARE = 0.2;

export type DiscriminatorResult =
  | { ok: true; accuracy: number; perSide: number; folds: number; features: string[] }
  | { ok: false; reason: string; said: Said };

/**
 * Cross-validated accuracy of an L2-regularised logistic regression separating `real` from `synthetic`
 * feature rows. Both sides are sampled to the same size (so 0.5 is chance), features are standardised on
 * each training fold, and a feature's missing values (NaN) are filled with its median.
 */
export function discriminate(
  real: readonly (readonly number[])[],
  synthetic: readonly (readonly number[])[],
  featureNames: readonly string[],
  seed: number | string = 'discriminator',
): DiscriminatorResult {
  const perSide = Math.min(real.length, synthetic.length, MAX_SERIES_PER_SIDE);
  if (perSide < MIN_SERIES_PER_SIDE) {
    const said = say('series.discriminatorFew', {
      min: MIN_SERIES_PER_SIDE,
      n: synthetic.length,
      m: real.length,
    });
    return { ok: false, reason: said.text, said };
  }
  const rng = new Random(seed);
  const a = rng.shuffle(real).slice(0, perSide);
  const b = rng.shuffle(synthetic).slice(0, perSide);

  const columns = featureNames
    .map((_, j) => j)
    .filter((j) => {
      const missing = (rows: readonly (readonly number[])[]) =>
        rows.filter((r) => !Number.isFinite(r[j] ?? Number.NaN)).length / rows.length;
      return missing(a) <= MAX_MISSING_SHARE && missing(b) <= MAX_MISSING_SHARE;
    });
  if (columns.length === 0) {
    const said = say('series.noFeature');
    return { ok: false, reason: said.text, said };
  }
  const fill = columns.map((j) =>
    median([...a, ...b].map((r) => r[j] ?? Number.NaN).filter(Number.isFinite)),
  );
  const rows = [...a, ...b].map((r) =>
    columns.map((j, c) => {
      const x = r[j] ?? Number.NaN;
      return Number.isFinite(x) ? x : fill[c]!;
    }),
  );
  const labels = rows.map((_, i) => (i < perSide ? 0 : 1));
  const { folds } = stratifiedKFold(labels, FOLDS, typeof seed === 'number' ? seed : 42);

  let correct = 0;
  for (const fold of folds) {
    const { centre, scale } = standardiser(rows, fold.train);
    const scaled = (i: number) => rows[i]!.map((x, c) => (x - centre[c]!) / scale[c]!);
    const model = fitLogisticRegression(
      csrFromDense(Array.from(fold.train, scaled), columns.length),
      Array.from(fold.train, (i) => labels[i]!),
      2,
      { C: 1 },
    );
    const predicted = model.predict(csrFromDense(Array.from(fold.test, scaled), columns.length));
    fold.test.forEach((i, k) => {
      if (predicted[k] === labels[i]) correct++;
    });
  }
  return {
    ok: true,
    accuracy: correct / rows.length,
    perSide,
    folds: folds.length,
    features: columns.map((j) => featureNames[j]!),
  };
}

/** Mean and standard deviation of each column over the training rows (1 for a constant column). */
function standardiser(
  rows: readonly number[][],
  train: Int32Array,
): { centre: number[]; scale: number[] } {
  const width = rows[0]?.length ?? 0;
  const centre = new Array<number>(width).fill(0);
  const scale = new Array<number>(width).fill(0);
  for (const i of train) {
    rows[i]!.forEach((x, c) => {
      centre[c]! += x / train.length;
    });
  }
  for (const i of train) {
    rows[i]!.forEach((x, c) => {
      scale[c]! += (x - centre[c]!) ** 2 / train.length;
    });
  }
  return { centre, scale: scale.map((s) => (s > 0 ? Math.sqrt(s) : 1)) };
}
