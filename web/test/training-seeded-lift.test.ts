import { describe, expect, it } from 'vitest';
import { translate } from '../src/lib/i18n/messages.ts';
import { seededExclusion } from '../src/lib/training/augmentation.ts';

/** The run page's seeded-lift note (docs/curation.md, "Augment"). */
describe('seededExclusion', () => {
  it('is null for an augmentation that was not seeded', () => {
    expect(seededExclusion(null)).toBeNull();
    expect(seededExclusion(undefined)).toBeNull();
  });

  it('gives the seeded rows and the fewest and most items a fold left out', () => {
    expect(seededExclusion({ rows: 40, excludedPerFold: [9, 14, 11] })).toEqual({
      rows: 40,
      min: 9,
      max: 14,
      folds: 3,
    });
    expect(seededExclusion({ rows: 0, excludedPerFold: [] })).toEqual({
      rows: 0,
      min: 0,
      max: 0,
      folds: 0,
    });
  });

  it('reads in both languages', () => {
    const params = { rows: '40', min: '9', max: '14' };
    expect(translate('en', 'augment.seededNote', params)).toContain(
      '(40 seeded items; 9 to 14 left out per fold)',
    );
    expect(translate('es', 'augment.seededNote', params)).toContain(
      '(40 elementos sembrados; de 9 a 14 excluidos por pliegue)',
    );
  });
});
