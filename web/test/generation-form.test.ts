import { describe, expect, it } from 'vitest';
import {
  checkGenerationForm,
  defaultGenerationForm,
  fieldErrors,
  fieldOfPath,
  formToSchemaInput,
} from '../src/lib/generation/form.ts';
import { english } from './field-texts.ts';

describe('checkGenerationForm', () => {
  it('turns the default form into the API input: upper-case enums and weight lists', () => {
    const check = checkGenerationForm(defaultGenerationForm());
    expect(check.success).toBe(true);
    if (!check.success) return;
    expect(check.input.kind).toBe('CONVERSATIONS');
    expect(check.input.count).toBe(100);
    expect(check.input.provider).toBe('LOCAL');
    expect(check.input.model).toBeNull();
    expect(check.input.targets?.languages).toEqual([
      { key: 'en', weight: 0.5 },
      { key: 'es', weight: 0.5 },
    ]);
    expect(check.input.targets?.intents).toBeNull();
    expect(check.input.targets?.seriesTypes).toBeNull();
  });

  it('reports a count below 1 beside the count field, with the schema message', () => {
    const check = checkGenerationForm({ ...defaultGenerationForm(), count: 0 });
    expect(english(check)).toEqual({
      success: false,
      errors: { count: ['count must be at least 1'] },
    });
  });

  it('reports an empty count as "must be a number", not as a missing key', () => {
    const check = checkGenerationForm({ ...defaultGenerationForm(), count: undefined });
    expect(english(check)).toEqual({
      success: false,
      errors: { count: ['count must be a number'] },
    });
  });

  it('groups weight problems under their target field', () => {
    const form = defaultGenerationForm();
    form.languages = { en: -1, es: 0.5 };
    form.sentiments = { positive: 0, neutral: 0, negative: 0 };
    const check = english(checkGenerationForm(form));
    expect(check.success).toBe(false);
    if (check.success) return;
    expect(check.errors['targets.languages']).toEqual(['languages weights must be >= 0']);
    expect(check.errors['targets.sentiments']).toEqual([
      'sentiments needs at least one weight above 0',
    ]);
  });

  it('rejects a fractional seed and a negative budget with their own messages', () => {
    const check = english(
      checkGenerationForm({ ...defaultGenerationForm(), seed: 1.5, budgetUsd: -2 }),
    );
    expect(check.success).toBe(false);
    if (check.success) return;
    expect(check.errors.seed).toEqual(['seed must be a whole number']);
    expect(check.errors.budgetUsd).toEqual(['budgetUsd must be >= 0']);
  });

  it('sends chosen intents with equal weights, and series types only for time series', () => {
    const form = { ...defaultGenerationForm(), intents: ['card_arrival', 'exchange_rate'] };
    const conv = checkGenerationForm(form);
    expect(conv.success && conv.input.targets?.intents).toEqual([
      { key: 'card_arrival', weight: 1 },
      { key: 'exchange_rate', weight: 1 },
    ]);
    const series = checkGenerationForm({
      ...form,
      kind: 'timeseries',
      seriesTypes: ['solar_generation'],
    });
    expect(series.success).toBe(true);
    if (!series.success) return;
    expect(series.input.kind).toBe('TIMESERIES');
    expect(series.input.targets?.intents).toBeNull();
    expect(series.input.targets?.sentiments).toBeNull();
    expect(series.input.targets?.seriesTypes).toEqual([{ key: 'solar_generation', weight: 1 }]);
  });

  it('sends a model only for Bedrock, trimmed', () => {
    const local = formToSchemaInput({ ...defaultGenerationForm(), model: 'x' });
    expect(local.model).toBeUndefined();
    const bedrock = formToSchemaInput({
      ...defaultGenerationForm(),
      provider: 'bedrock',
      model: '  us.amazon.nova-lite-v1:0 ',
    });
    expect(bedrock.model).toBe('us.amazon.nova-lite-v1:0');
  });

  it('sends the mode only for Bedrock, in the API spelling', () => {
    const local = { ...defaultGenerationForm(), mode: 'batch' as const };
    expect(formToSchemaInput(local).mode).toBeUndefined();
    const check = checkGenerationForm({ ...local, provider: 'bedrock' });
    expect(check.success && check.input.mode).toBe('BATCH');
    const onDemand = checkGenerationForm({ ...defaultGenerationForm(), provider: 'bedrock' });
    expect(onDemand.success && onDemand.input.mode).toBe('ON_DEMAND');
  });

  it('leaves a weight group out when all its boxes are empty, so the server default applies', () => {
    const form = defaultGenerationForm();
    form.complexities = { simple: undefined, medium: null, complex: undefined };
    expect(formToSchemaInput(form).targets?.complexities).toBeUndefined();
  });
});

describe('server issues', () => {
  it('maps `input.<field>` paths of a ValidationError to the form fields', () => {
    expect(fieldOfPath('input.count')).toBe('count');
    expect(fieldOfPath('input.targets.languages')).toBe('targets.languages');
    expect(fieldOfPath('input.targets.languages.fr')).toBe('targets.languages');
    expect(fieldOfPath('cvFolds')).toBe('cvFolds');
    expect(fieldOfPath('')).toBe('');
  });

  it('groups messages by field without repeating one', () => {
    expect(
      fieldErrors([
        { path: 'input.count', message: 'count must be at least 1' },
        { path: 'input.targets.languages.fr', message: 'bad key' },
        { path: 'input.targets.languages.de', message: 'bad key' },
      ]),
    ).toEqual({ count: ['count must be at least 1'], 'targets.languages': ['bad key'] });
  });
});
