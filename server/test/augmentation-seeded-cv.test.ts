import { describe, expect, it } from 'vitest';
import { combineWeighted } from '../src/training/datasets.ts';
import { evaluateScores, meanStd, stratifiedKFold } from '../src/training/evaluate.ts';
import { analyzeCorpus } from '../src/training/features.ts';
import {
  type EvaluationSummary,
  fitAndScore,
  type LabelledTexts,
  ModelFitter,
  trainClassifier,
} from '../src/training/pipeline.ts';
import { presetConfig } from '../src/training/presets.ts';
import { tinyIntentData } from './training-fixtures.ts';

type Cv = Extract<EvaluationSummary, { kind: 'cv' }>;

const config = presetConfig('fast', { cvFolds: 3, seed: 7 });

async function cv(data: LabelledTexts): Promise<Cv> {
  const r = await trainClassifier(data, config, { threads: 1 });
  if (r.evaluation?.kind !== 'cv') throw new Error('expected CV figures');
  return r.evaluation;
}

/**
 * Real texts whose intent is carried by one word each and no two alike: a model that has not seen a text
 * guesses, one that has seen a copy of it knows it. `zorp` words are card_arrival, `quib` exchange_rate, `flon`
 * lost_or_stolen_phone, mixed into shared filler so the other words say nothing.
 */
function realData(): LabelledTexts {
  const texts: string[] = [];
  const labels: string[] = [];
  const intents = ['card_arrival', 'exchange_rate', 'lost_or_stolen_phone'];
  const fillers = ['please help me with this', 'i have a question today', 'hello can you check'];
  for (let i = 0; i < 18; i++) {
    const intent = intents[i % 3]!;
    texts.push(`${fillers[(i * 5) % 3]} token${i}a token${i}b ${fillers[i % 3]}`);
    labels.push(intent);
  }
  return { texts, labels };
}

describe('cross-validation with seeded synthetic rows', () => {
  const real = realData();
  // Synthetic copies of the first 9 real texts (a writer that copied its seed), each seeded from it, and
  // unseeded items that say nothing new.
  const copies = {
    texts: real.texts.slice(0, 9),
    labels: real.labels.slice(0, 9),
    seededFrom: real.texts.slice(0, 9).map((t) => [` ${t.toUpperCase()} `]),
  };
  const plain = { texts: ['hello there'], labels: ['card_arrival'] };
  const synthetic = {
    texts: [...copies.texts, ...plain.texts],
    labels: [...copies.labels, ...plain.labels],
    seededFrom: [...copies.seededFrom, null],
  };
  const combined = (withProvenance: boolean) =>
    combineWeighted(
      [
        { data: real, weight: 1 },
        {
          data: withProvenance ? synthetic : { texts: synthetic.texts, labels: synthetic.labels },
          weight: 1,
        },
      ],
      7,
    );

  it('leaves out of each fold the items seeded from its test texts: a lower lift, the one measured by hand, and the count per fold', async () => {
    const before = await cv(real);
    const leaky = await cv(combined(false));
    const honest = await cv(combined(true));
    const liftLeaky = leaky.accuracy.mean - before.accuracy.mean;
    const liftHonest = honest.accuracy.mean - before.accuracy.mean;
    expect(liftHonest).toBeLessThan(liftLeaky);
    expect(honest.macroF1.mean).toBeLessThan(leaky.macroF1.mean);

    // By hand: the same folds, each trained on its real rows plus the synthetic rows whose seed it does not test.
    const data = combined(true);
    const { folds } = stratifiedKFold(real.labels, 3, config.seed);
    const classes = [...new Set(data.labels)].sort();
    const y = Int32Array.from(data.labels, (l) => classes.indexOf(l));
    const corpus = analyzeCorpus(data.texts, config.features);
    const fitter = new ModelFitter(true, 1);
    const accuracies: number[] = [];
    const f1s: number[] = [];
    const excluded: number[] = [];
    try {
      for (const fold of folds) {
        const tested = new Set(Array.from(fold.test));
        // Synthetic row 18 + i is a copy of real row i (i < 9); row 27 is unseeded.
        const keep = Array.from({ length: 10 }, (_, i) => 18 + i).filter(
          (row) => row === 27 || !tested.has(row - 18),
        );
        excluded.push(10 - keep.length);
        const scores = await fitAndScore(
          corpus,
          y,
          classes.length,
          { train: Int32Array.from([...fold.train, ...keep]), test: fold.test },
          fitter,
          config,
        );
        const m = evaluateScores(
          scores,
          Array.from(fold.test, (i) => y[i]!),
          classes,
        );
        accuracies.push(m.accuracy);
        f1s.push(m.macroF1);
      }
    } finally {
      await fitter.close();
    }
    expect(honest.foldAccuracies).toEqual(accuracies);
    expect(honest.accuracy.mean).toBeCloseTo(meanStd(accuracies).mean, 12);
    expect(honest.macroF1.mean).toBeCloseTo(meanStd(f1s).mean, 12);
    // The report: how many seeded rows each fold left out, of how many.
    expect(honest.seededExcluded).toEqual(excluded);
    expect(excluded.reduce((a, b) => a + b, 0)).toBe(9);
    expect(honest.seededRows).toBe(9);
    expect(leaky.seededExcluded).toBeUndefined();
  });

  it('a weight that repeats a seeded row repeats its provenance', () => {
    const data = combineWeighted(
      [
        { data: real, weight: 1 },
        { data: synthetic, weight: 2 },
      ],
      7,
    );
    expect(data.seededFrom).toHaveLength(data.texts.length);
    expect(data.seededFrom!.slice(0, 18).every((s) => s === null)).toBe(true);
    expect(data.seededFrom!.filter((s) => s !== null)).toHaveLength(18);
  });

  it('without seeds nothing changes: the figures of a fixed seed are those measured before provenance existed', async () => {
    const tiny = tinyIntentData(6);
    const extra = {
      texts: tiny.texts.slice(0, 9).map((t) => `${t} hmm`),
      labels: tiny.labels.slice(0, 9),
    };
    const parts = (seededFrom?: null[]) =>
      combineWeighted(
        [
          { data: tiny, weight: 1 },
          { data: seededFrom ? { ...extra, seededFrom } : extra, weight: 1.5 },
        ],
        7,
      );
    for (const data of [parts(), parts(extra.texts.map(() => null))]) {
      const e = await cv(data);
      expect(e.foldAccuracies).toEqual([0.8333333333333334, 0.6666666666666666, 0.5]);
      expect(e.accuracy.mean).toBe(0.6666666666666666);
      expect(e.macroF1.mean).toBe(0.5894179894179895);
      expect(e.seededExcluded).toBeUndefined();
    }
  });
});
