import { describe, expect, it } from 'vitest';
import {
  checkGenerationForm,
  defaultGenerationForm,
  generationFormFromData,
} from '../src/lib/generation/form.ts';
import { english } from './field-texts.ts';

const seriesForm = () => ({ ...defaultGenerationForm(), kind: 'timeseries' as const, count: 10 });

describe('the Generate form: time-series shape', () => {
  it('sends length, frequency, start, time zone, anomalies and the calibration dataset', () => {
    const check = checkGenerationForm({
      ...seriesForm(),
      length: 720,
      frequency: '1D',
      start: '2025-02-03T00:00:00Z',
      timeZone: 'Europe/Madrid',
      anomalyShare: 0.2,
      likeDatasetId: '7',
    });
    expect(check.success).toBe(true);
    if (!check.success) return;
    expect(check.input).toMatchObject({
      kind: 'TIMESERIES',
      length: 720,
      frequency: 'F_1D',
      start: '2025-02-03T00:00:00Z',
      timeZone: 'Europe/Madrid',
      anomalyShare: 0.2,
      likeDatasetId: '7',
    });
  });

  it('leaves empty fields to the server defaults, and ignores them for conversations', () => {
    const blank = checkGenerationForm(seriesForm());
    expect(blank.success && blank.input).toMatchObject({ length: null, frequency: null });
    const conversations = checkGenerationForm({
      ...seriesForm(),
      kind: 'conversations',
      length: 5,
      likeDatasetId: '3',
    });
    expect(conversations.success && conversations.input).toMatchObject({
      length: null,
      likeDatasetId: null,
    });
  });

  it('shows the schema message beside the bad field', () => {
    const check = english(
      checkGenerationForm({
        ...seriesForm(),
        length: 100_001,
        timeZone: 'Mars/Olympus',
        anomalyShare: 2,
      }),
    );
    expect(check.success).toBe(false);
    if (check.success) return;
    expect(check.errors.length).toEqual(['length must be at most 100000']);
    expect(check.errors.timeZone?.[0]).toMatch(/^timeZone must be an IANA time zone/);
    expect(check.errors.anomalyShare).toEqual(['anomalyShare must be within 0..1']);
  });

  it('reads the fields back from a posted form (no JavaScript)', () => {
    const data = new FormData();
    data.set('kind', 'timeseries');
    data.set('count', '3');
    data.set('length', '48');
    data.set('frequency', '15min');
    data.set('timeZone', 'UTC');
    data.set('likeDatasetId', '12');
    const form = generationFormFromData(data);
    expect(form).toMatchObject({
      length: 48,
      frequency: '15min',
      timeZone: 'UTC',
      likeDatasetId: '12',
      start: '',
    });
    data.set('frequency', 'fortnightly');
    expect(generationFormFromData(data).frequency).toBe('');
  });
});
