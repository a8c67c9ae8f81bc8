import type { LabelledTexts } from './pipeline.ts';
import { Rng } from './random.ts';

/** One dataset of a multi-dataset run, loaded, with its weight. */
export interface WeightedTexts {
  readonly data: LabelledTexts;
  readonly weight: number;
}

/**
 * The training set of a run on several datasets: the first (the run's own data, which evaluation applies to)
 * once, then each other dataset repeated by its weight relative to the first's. A relative weight w gives each
 * of its items floor(w) copies, plus one more copy for a seeded random share w - floor(w) of them (0.5: half
 * the items once; 2: every item twice; 2.5: every item twice and half of them a third time). Repetition changes
 * every model's fit the way a per-example weight would (an SVM's hinge terms, logistic regression's loss, naive
 * Bayes' counts) and needs nothing of the solvers; the repeated rows are never tested on (see
 * `LabelledTexts.primary`), so repetition cannot leak a text into its own test fold.
 */
export function combineWeighted(parts: readonly WeightedTexts[], seed = 42): LabelledTexts {
  const [first, ...rest] = parts;
  if (!first) throw new RangeError('combineWeighted: no dataset');
  const texts = [...first.data.texts];
  const labels = [...first.data.labels];
  // Seed provenance (LabelledTexts.seededFrom) follows every copy of a seeded row.
  const seeded = rest.some((p) => p.data.seededFrom);
  const seededFrom: (readonly string[] | null)[] = seeded ? first.data.texts.map(() => null) : [];
  const rng = new Rng(seed);
  for (const part of rest) {
    const relative = part.weight / first.weight;
    const whole = Math.floor(relative + 1e-9);
    const fraction = relative - whole;
    const n = part.data.texts.length;
    const extra = new Uint8Array(n);
    if (fraction > 1e-9) {
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      for (const i of order.slice(0, Math.round(fraction * n))) extra[i] = 1;
    }
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < whole + extra[i]!; c++) {
        texts.push(part.data.texts[i]!);
        labels.push(part.data.labels[i]!);
        if (seeded) seededFrom.push(part.data.seededFrom?.[i] ?? null);
      }
    }
  }
  return {
    texts,
    labels,
    primary: first.data.texts.length,
    ...(seeded ? { seededFrom } : {}),
  };
}
