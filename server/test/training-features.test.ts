import { describe, expect, it } from 'vitest';
import { type NgramBlock, parseTrainingConfig } from '../src/training/config.ts';
import {
  analyze,
  analyzeCorpus,
  foldText,
  Vectorizer,
  wordTokens,
} from '../src/training/features.ts';
import { csrToDense } from '../src/training/sparse.ts';

const word = (lo: number, hi: number, extra = {}): NgramBlock => ({
  analyzer: 'word',
  ngramRange: [lo, hi] as [number, number],
  minDf: 1,
  maxFeatures: null,
  sublinearTf: false,
  weight: 1,
  ...extra,
});
const charWb = (lo: number, hi: number): NgramBlock => ({ ...word(lo, hi), analyzer: 'char_wb' });
const features = (...blocks: NgramBlock[]) =>
  parseTrainingConfig({ features: { blocks }, model: { kind: 'nb' } }).features;

describe('text folding and n-grams', () => {
  it('folds accents, ñ and case so Spanish typed without accents matches', () => {
    expect(foldText('¿Dónde está mi TARJETA? Ñandú, pingüino')).toBe(
      '¿donde esta mi tarjeta? nandu, pinguino',
    );
    expect(foldText('Dónde', { foldAccents: false })).toBe('dónde');
    expect(foldText('Dónde', { lowercase: false })).toBe('Donde');
  });

  it('tokenises like scikit-learn: runs of 2+ word characters, punctuation and 1-letter words dropped', () => {
    expect(wordTokens('a card, 2 cards & my_card!? 42')).toEqual([
      'card',
      'cards',
      'my_card',
      '42',
    ]);
  });

  it('makes word 1-2-grams in order', () => {
    expect(analyze('The card, the CARD!', word(1, 2))).toEqual([
      'the',
      'card',
      'the',
      'card',
      'the card',
      'card the',
      'the card',
    ]);
  });

  it('makes char_wb n-grams inside space-padded words, a short word giving itself once', () => {
    // Checked against scikit-learn 1.2: TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 3)) on 'ab c'
    // has the features ' a', ' ab', ' c', ' c ', 'ab', 'ab ', 'b ', 'c '.
    const grams = analyze('ab c', charWb(2, 3));
    expect(grams).toEqual([' a', 'ab', 'b ', ' ab', 'ab ', ' c', 'c ', ' c ']);
    expect(new Set(grams).size).toBe(8);
  });
});

describe('Vectorizer', () => {
  const docs = ['apple banana', 'apple apple cherry', 'banana'];

  it('computes smooth idf and L2-normalised tf-idf as worked out by hand', () => {
    const vec = Vectorizer.fit(docs, features(word(1, 1)));
    expect(vec.featureNames()).toEqual(['word:apple', 'word:banana', 'word:cherry']);
    // idf = ln((1 + n) / (1 + df)) + 1 with n = 3: apple and banana df 2, cherry df 1.
    const idfA = Math.log(4 / 3) + 1;
    const idfC = Math.log(4 / 2) + 1;
    const [row] = csrToDense(vec.transform(['apple apple cherry']));
    const norm = Math.hypot(2 * idfA, idfC);
    expect(row![0]).toBeCloseTo((2 * idfA) / norm, 6);
    expect(row![1]).toBe(0);
    expect(row![2]).toBeCloseTo(idfC / norm, 6);
  });

  it('uses 1 + ln(tf) with sublinearTf (same numbers as scikit-learn)', () => {
    const vec = Vectorizer.fit(docs, features(word(1, 1, { sublinearTf: true })));
    const [row] = csrToDense(vec.transform(['apple apple cherry']));
    // scikit-learn 1.2, TfidfVectorizer(sublinear_tf=True): [[0.78980693, 0, 0.61335554]]
    expect(row![0]).toBeCloseTo(0.78980693, 6);
    expect(row![2]).toBeCloseTo(0.61335554, 6);
  });

  it('drops rare terms with minDf and keeps the most frequent with maxFeatures', () => {
    expect(Vectorizer.fit(docs, features(word(1, 1, { minDf: 2 }))).featureNames()).toEqual([
      'word:apple',
      'word:banana',
    ]);
    expect(Vectorizer.fit(docs, features(word(1, 1, { maxFeatures: 1 }))).featureNames()).toEqual([
      'word:apple',
    ]);
  });

  it('normalises each block on its own, like a FeatureUnion, and ignores unseen terms', () => {
    const vec = Vectorizer.fit(docs, features(word(1, 1), charWb(2, 3)));
    const x = vec.transform(['apple cherry', 'zzz qqq']);
    const [first, second] = csrToDense(x);
    const nWord = 3;
    const sq = (v: number[]) => v.reduce((a, b) => a + b * b, 0);
    expect(sq(first!.slice(0, nWord))).toBeCloseTo(1, 6);
    expect(sq(first!.slice(nWord))).toBeCloseTo(1, 6);
    expect(second!.every((v) => v === 0)).toBe(true);
  });

  it('gives the same rows from an analysed corpus as from the texts, on any subset of rows', () => {
    const texts = [
      'Mi tarjeta no llegó',
      'card not arrived',
      'where is my card?',
      'tarjeta perdida',
      // Words repeated within a text and across texts: analyzeCorpus cuts each distinct word once.
      'my card card, my  card',
    ];
    const config = features(word(1, 2), charWb(2, 5));
    const corpus = analyzeCorpus(texts, config);
    const vec = Vectorizer.fitAnalyzed(corpus, [0, 2, 3]);
    expect(vec.featureNames()).toEqual(
      Vectorizer.fit([texts[0]!, texts[2]!, texts[3]!], config).featureNames(),
    );
    const fromCorpus = csrToDense(vec.transformAnalyzed(corpus, [1, 3, 4]));
    const fromTexts = csrToDense(vec.transform([texts[1]!, texts[3]!, texts[4]!]));
    expect(fromCorpus).toHaveLength(3);
    fromCorpus.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(v).toBeCloseTo(fromTexts[i]![j]!, 6);
      });
    });
  });

  it('round-trips through JSON with identical output', () => {
    const vec = Vectorizer.fit(docs, features(word(1, 2), charWb(2, 4)));
    const restored = Vectorizer.fromJSON(JSON.parse(JSON.stringify(vec.toJSON())));
    expect(restored.featureNames()).toEqual(vec.featureNames());
    expect(csrToDense(restored.transform(['banana apple']))).toEqual(
      csrToDense(vec.transform(['banana apple'])),
    );
  });

  it('rejects corrupted JSON with a precise message', () => {
    const json = Vectorizer.fit(docs, features(word(1, 1))).toJSON();
    expect(() =>
      Vectorizer.fromJSON({ ...json, blocks: [{ ...json.blocks[0]!, terms: ['apple'] }] }),
    ).toThrow('Vectorizer JSON block 0: 1 terms but 3 idf values');
  });
});

describe('training config', () => {
  it('names every bad field', () => {
    expect(() =>
      parseTrainingConfig({
        features: { blocks: [{ analyzer: 'word', ngramRange: [3, 1] }] },
        model: { kind: 'svm', C: -1 },
      }),
    ).toThrow(
      /Invalid training config: features\.blocks\.0\.ngramRange: the minimum n must not exceed the maximum n; model\.C: .*/,
    );
    expect(() => parseTrainingConfig({ features: { blocks: [] }, model: { kind: 'nb' } })).toThrow(
      'Invalid training config: features.blocks: give at least one block',
    );
  });
});
