/**
 * The confident-learning label check of curation (docs/curation.md, "Curate", rule `dropLabelDisagreement`):
 * out-of-fold predictions of a classifier trained on the dataset itself (plus, in every fold, the real texts of a
 * reference dataset, which are never tested), and a per-intent confidence threshold as in confident learning
 * (Northcutt, Jiang and Chuang 2021, "the confident joint"): the threshold of intent j is the mean out-of-fold
 * probability of j over the items labelled j. An item labelled i is flagged when some other intent j reaches its
 * own threshold and is more probable than i: the classifier, trained on everything else, confidently reads the
 * item as another intent. Unlike an oracle trained on a few real texts, this judges each item against the rest of
 * the data it will be trained with.
 */

import { stratifiedKFold } from '../training/evaluate.ts';
import { analyzeCorpus } from '../training/features.ts';
import { fitTemperature, softmaxRows } from '../training/models/linear.ts';
import { fitAndScore, type LabelledTexts, ModelFitter } from '../training/pipeline.ts';
import { PRESETS } from '../training/presets.ts';

export interface LabelCheckOptions {
  /** Folds of the out-of-fold predictions (default 5). */
  folds?: number;
  seed?: number;
  /**
   * How much more probable the other intent must be than the item's own, as a ratio (default 1: just more
   * probable). Larger values drop fewer items.
   */
  margin?: number;
  /** Threads for the SVM fits (default: every core). */
  threads?: number;
}

export interface LabelCheck {
  /** Per item: whether its label is confidently contradicted. */
  flagged: boolean[];
  /** Per item: the intent it was read as when flagged, else null. */
  readAs: (string | null)[];
  /** Per item: the out-of-fold probability of its own label. */
  ownProbability: number[];
}

/**
 * Checks the labels of `items` by confident learning. `reference` (real texts, may be empty) joins every training
 * fold and is never tested. Intents with fewer than 2 items are never flagged (they cannot be held out).
 * Features and model: the `best` preset's (word 1-2 + char_wb 2-5 TF-IDF, linear SVM).
 */
export async function checkLabels(
  items: LabelledTexts,
  reference: LabelledTexts,
  options: LabelCheckOptions = {},
): Promise<LabelCheck> {
  const n = items.texts.length;
  const folds = options.folds ?? 5;
  const margin = options.margin ?? 1;
  const config = { ...PRESETS.best.config, seed: options.seed ?? PRESETS.best.config.seed };
  const empty: LabelCheck = {
    flagged: new Array(n).fill(false),
    readAs: new Array(n).fill(null),
    ownProbability: new Array(n).fill(1),
  };
  const classes = [...new Set([...items.labels, ...reference.labels])].sort();
  if (n < folds || classes.length < 2) return empty;
  const index = new Map(classes.map((c, i) => [c, i]));
  const texts = [...items.texts, ...reference.texts];
  const y = Int32Array.from([...items.labels, ...reference.labels], (l) => index.get(l)!);
  const k = classes.length;
  const corpus = analyzeCorpus(texts, config.features);
  const extras = Array.from({ length: reference.texts.length }, (_, i) => n + i);
  const { folds: split } = stratifiedKFold(items.labels, folds, config.seed);
  const oof = new Float64Array(n * k);
  const fitter = new ModelFitter(config.model.kind === 'svm', options.threads);
  try {
    for (const fold of split) {
      const scores = await fitAndScore(
        corpus,
        y,
        k,
        { train: Int32Array.from([...fold.train, ...extras]), test: fold.test },
        fitter,
        config,
      );
      fold.test.forEach((row, r) => {
        oof.set(scores.subarray(r * k, (r + 1) * k), row * k);
      });
    }
  } finally {
    await fitter.close();
  }
  const yItems = y.subarray(0, n);
  const proba = softmaxRows(oof, k, fitTemperature(oof, yItems, k));
  // Per-intent thresholds: mean probability of the intent over its own items.
  const sum = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sum[yItems[i]!]! += proba[i * k + yItems[i]!]!;
    count[yItems[i]!]!++;
  }
  const threshold = Float64Array.from(sum, (s, c) =>
    count[c]! > 0 ? s / count[c]! : Number.POSITIVE_INFINITY,
  );
  const out: LabelCheck = { flagged: [], readAs: [], ownProbability: [] };
  for (let i = 0; i < n; i++) {
    const own = yItems[i]!;
    const pOwn = proba[i * k + own]!;
    let best = -1;
    for (let c = 0; c < k; c++) {
      if (c === own || proba[i * k + c]! < threshold[c]!) continue;
      if (best < 0 || proba[i * k + c]! > proba[i * k + best]!) best = c;
    }
    const flag = best >= 0 && count[own]! >= 2 && proba[i * k + best]! > margin * pOwn;
    out.flagged.push(flag);
    out.readAs.push(flag ? classes[best]! : null);
    out.ownProbability.push(pOwn);
  }
  return out;
}
