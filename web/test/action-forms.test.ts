import { describe, expect, it } from 'vitest';
import { checkRename, checkTags } from '../src/lib/datasets/manage.ts';
import { checkImportForm, importValuesFromData } from '../src/lib/datasets/upload.ts';
import { checkTrainForm, defaultTrainForm, trainFormFromData } from '../src/lib/training/form.ts';
import { english } from './field-texts.ts';

function formData(fields: Record<string, string | File>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const csv = () => new File(['text,intent\nhi,card_arrival\n'], 'mini.csv', { type: 'text/csv' });
// What a browser posts for a file input left empty: a nameless, empty part.
const noFile = () => new File([], '', { type: 'application/octet-stream' });

describe('checkImportForm', () => {
  it('accepts a file with its kind, and a blank name as "the file name"', () => {
    const check = checkImportForm(formData({ file: csv(), kind: 'UTTERANCES', name: '  ' }));
    expect(check.success).toBe(true);
    if (check.success) {
      expect(check.input.kind).toBe('UTTERANCES');
      expect(check.input.name).toBeNull();
      expect(check.input.file.name).toBe('mini.csv');
    }
    const named = checkImportForm(formData({ file: csv(), kind: 'UTTERANCES', name: ' Mini ' }));
    expect(named.success && named.input.name).toBe('Mini');
  });

  it('locates the problems by field: no file, an unknown kind, a name too long', () => {
    const check = english(
      checkImportForm(formData({ file: noFile(), kind: 'PICTURES', name: 'x'.repeat(121) })),
    );
    expect(check).toEqual({
      success: false,
      errors: {
        file: ['Choose a file to upload.'],
        kind: ['Choose what the file holds: conversations, utterances or time series.'],
        name: ['name must be 1-120 characters'],
      },
    });
    expect(english(checkImportForm(formData({ kind: 'UTTERANCES' })))).toMatchObject({
      errors: { file: ['Choose a file to upload.'] },
    });
  });

  it('hands back the text fields as typed', () => {
    expect(importValuesFromData(formData({ file: csv(), kind: 'TIMESERIES', name: 'S' }))).toEqual({
      kind: 'TIMESERIES',
      name: 'S',
    });
  });
});

describe('the Manage checks', () => {
  it('trims a new name and refuses a blank or too long one with one message', () => {
    expect(checkRename('  New name ')).toEqual({ success: true, output: { name: 'New name' } });
    expect(checkRename('   ')).toEqual({
      success: false,
      errors: { name: ['The name must not be empty.'] },
    });
    expect(english(checkRename('x'.repeat(121)))).toEqual({
      success: false,
      errors: { name: ['name must be 1-120 characters'] },
    });
  });

  it('parses comma-separated tags and puts every tag problem on the field', () => {
    expect(checkTags('e2e, gold, , gold')).toEqual({
      success: true,
      output: { tags: ['e2e', 'gold'] },
    });
    expect(checkTags('')).toEqual({ success: true, output: { tags: [] } });
    const bad = english(checkTags('Gold'));
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.errors.tags?.[0]).toMatch(/^tag "Gold" must be lowercase/);
  });
});

describe('the Train form', () => {
  it('reads the posted fields and spells a valid form as the API input', () => {
    const values = trainFormFromData(
      formData({
        datasetId: '4',
        testDatasetId: '',
        preset: 'FAST',
        model: 'LOGREG',
        cvFolds: '5',
        learningCurve: 'on',
        experiment: ' ablation ',
        seed: '',
      }),
    );
    expect(values.learningCurve).toBe(true);
    expect(checkTrainForm(values)).toEqual({
      success: true,
      input: {
        datasetId: '4',
        testDatasetId: null,
        preset: 'FAST',
        model: 'LOGREG',
        cvFolds: 5,
        learningCurve: true,
        experiment: 'ablation',
        seed: null,
        search: null,
        searchSpace: null,
      },
    });
  });

  it('locates the problems with the API messages', () => {
    const check = checkTrainForm({ ...defaultTrainForm(), cvFolds: '1', seed: '1.5' });
    expect(check).toEqual({
      success: false,
      errors: {
        datasetId: ['Choose a dataset to train on'],
        cvFolds: ['cvFolds must be at least 2'],
        seed: ['seed must be a whole number'],
      },
    });
    expect(trainFormFromData(formData({ datasetId: '1' })).learningCurve).toBe(false);
  });
});
