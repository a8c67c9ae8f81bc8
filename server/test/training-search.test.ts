import { describe, expect, it } from 'vitest';
import { presetConfig } from '../src/training/presets.ts';
import { applyParams } from '../src/training/search.ts';
import { parseSearchSpace, resolveSearch, SearchSpecError } from '../src/training/search-space.ts';

const balanced = presetConfig('balanced');

function specError(fn: () => unknown): SearchSpecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SearchSpecError) return err;
    throw err;
  }
  throw new Error('expected a SearchSpecError');
}

describe('search spaces', () => {
  it('parses the CLI syntax: lists, ranges, words, JSON values, or a JSON object', () => {
    expect(parseSearchSpace('C=0.1,1,10; maxFeatures=50000,100000,all')).toEqual([
      { name: 'C', values: [0.1, 1, 10] },
      { name: 'maxFeatures', values: [50000, 100000, 'all'] },
    ]);
    expect(parseSearchSpace('C=0.01..100;model=svm,logreg;sublinearTf=true,false')).toEqual([
      { name: 'C', min: 0.01, max: 100 },
      { name: 'model', values: ['svm', 'logreg'] },
      { name: 'sublinearTf', values: [true, false] },
    ]);
    expect(parseSearchSpace('features.blocks.1.ngramRange=[2,5],[3,5];minDf=1..5')).toEqual([
      {
        name: 'features.blocks.1.ngramRange',
        values: [
          [2, 5],
          [3, 5],
        ],
      },
      { name: 'minDf', min: 1, max: 5 },
    ]);
    expect(parseSearchSpace('{"C": [0.1, 1], "alpha": {"min": 0.1, "max": 3}}')).toEqual([
      { name: 'C', values: [0.1, 1] },
      { name: 'alpha', min: 0.1, max: 3 },
    ]);
    expect(specError(() => parseSearchSpace('C')).message).toMatch(/"C" is not NAME=VALUES/);
    expect(specError(() => parseSearchSpace('C=a..b')).message).toMatch(
      /C: a\.\.b is not a numeric range/,
    );
    expect(specError(() => parseSearchSpace('C=1,,2')).param).toBe('C');
    expect(specError(() => parseSearchSpace('{"C": 3}')).message).toMatch(
      /C: give a list of values or \{"min": x, "max": y\}/,
    );
  });

  it('resolves short names to config paths, * meaning every TF-IDF block', () => {
    const grid = resolveSearch(
      'grid',
      [
        { name: 'C', values: [0.5, 2] },
        { name: 'maxFeatures', values: [1000, 'all'] },
      ],
      balanced,
    );
    expect(grid).toMatchObject({
      kind: 'grid',
      folds: 3,
      trials: 4,
      search: {
        kind: 'grid',
        grid: { 'model.C': [0.5, 2], 'features.blocks.*.maxFeatures': [1000, null] },
      },
      names: { 'model.C': 'C', 'features.blocks.*.maxFeatures': 'maxFeatures' },
    });
    const config = applyParams(balanced, { 'features.blocks.*.maxFeatures': 1000 });
    expect(config.features.blocks.map((b) => b.maxFeatures)).toEqual([1000, 1000]);

    const random = resolveSearch('random', [{ name: 'minDf', min: 1, max: 5 }], balanced, {
      trials: 7,
      folds: 4,
      seed: 3,
    });
    expect(random).toMatchObject({
      trials: 7,
      folds: 4,
      search: {
        kind: 'random',
        iterations: 7,
        seed: 3,
        space: { 'features.blocks.*.minDf': { min: 1, max: 5, log: true, integer: true } },
      },
    });
    // No spec: the model's regularisation.
    expect(resolveSearch('grid', undefined, balanced).search).toEqual({
      kind: 'grid',
      grid: { 'model.C': [0.1, 0.3, 1, 3, 10] },
    });
    expect(resolveSearch('grid', [], presetConfig('quick_test')).search).toEqual({
      kind: 'grid',
      grid: { 'model.alpha': [0.1, 0.3, 1, 3] },
    });
    // Searching the model too: C is checked against every searched model that has it.
    expect(
      resolveSearch(
        'grid',
        [
          { name: 'model', values: ['svm', 'logreg'] },
          { name: 'C', values: [1, 10] },
        ],
        balanced,
      ).search,
    ).toEqual({
      kind: 'grid',
      grid: { model: [{ kind: 'svm' }, { kind: 'logreg' }], 'model.C': [1, 10] },
    });
  });

  it('refuses bad specs, naming the parameter', () => {
    const bad = (
      kind: 'grid' | 'random',
      specs: Parameters<typeof resolveSearch>[1],
      options = {},
    ) => specError(() => resolveSearch(kind, specs, balanced, options));
    expect(bad('grid', [{ name: 'gamma', values: [1] }])).toMatchObject({
      param: 'gamma',
      message: expect.stringMatching(/^unknown search parameter "gamma"; use C, alpha, tol/),
    });
    expect(
      bad('grid', [
        { name: 'model', values: ['svm', 'nb'] },
        { name: 'C', values: [1] },
      ]),
    ).toMatchObject({
      param: 'C',
      message: 'C=1 is not valid: not a parameter of this config (the nb model has alpha and norm)',
    });
    expect(bad('grid', [{ name: 'C', values: ['big'] }]).message).toMatch(
      /^C=big is not valid: model\.C must be number; got "big"$/,
    );
    expect(bad('grid', [{ name: 'minDf', values: [1.5] }]).message).toMatch(
      /^minDf=1\.5 is not valid: features\.blocks\.0\.minDf must be a whole number; got 1\.5$/,
    );
    expect(bad('grid', [{ name: 'model', values: ['forest'] }]).param).toBe('model');
    expect(bad('random', [{ name: 'C', min: 0, max: 1 }]).message).toBe(
      'C: a range needs 0 < min <= max (it is sampled log-uniformly); got 0..1',
    );
    expect(bad('random', [{ name: 'C', min: 10, max: 1 }]).param).toBe('C');
    expect(bad('grid', [{ name: 'C', values: [] }]).message).toBe('C: no values given');
    expect(bad('grid', [{ name: 'C', values: [1], min: 1, max: 2 }]).message).toMatch(
      /either values or a min\.\.max range/,
    );
    expect(
      bad('grid', [
        { name: 'C', values: [1] },
        { name: 'model.C', values: [2] },
      ]).message,
    ).toBe('model.C is given twice');
    expect(bad('random', undefined, { trials: 0 }).param).toBe('searchTrials');
    expect(bad('grid', undefined, { trials: 5 }).param).toBe('searchTrials');
  });
});
