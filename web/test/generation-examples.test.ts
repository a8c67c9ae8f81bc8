import { describe, expect, it } from 'vitest';
import {
  EXAMPLES_JSON_FIELD,
  examplesCount,
  examplesFromJson,
  examplesList,
} from '../src/lib/generation/examples.ts';
import {
  checkGenerationForm,
  defaultGenerationForm,
  fieldOfPath,
  generationFormFromData,
} from '../src/lib/generation/form.ts';
import { renderMessage } from '../src/lib/i18n/api-messages.ts';
import { english } from './field-texts.ts';

/** The Generate page's examples per intent (docs/generation.md, "Seeds"), as the form holds and sends them. */
describe('examples per intent on the Generate form', () => {
  const examples = {
    card_arrival: ['where is my card', 'card not here'],
    exchange_rate: ['rate?'],
  };

  it('counts the examples and the intents read', () => {
    expect(examplesCount(examples)).toEqual({ intents: 2, examples: 3 });
    expect(examplesCount({})).toEqual({ intents: 0, examples: 0 });
  });

  it('sends them as the API’s intentExamples list, for conversations only', () => {
    const check = checkGenerationForm({ ...defaultGenerationForm(), intentExamples: examples });
    expect(check.success).toBe(true);
    if (!check.success) return;
    expect(check.input.intentExamples).toEqual(examplesList(examples));
    expect(check.input.intentExamples).toEqual([
      { intent: 'card_arrival', examples: ['where is my card', 'card not here'] },
      { intent: 'exchange_rate', examples: ['rate?'] },
    ]);

    const none = checkGenerationForm(defaultGenerationForm());
    expect(none.success && none.input.intentExamples).toBeNull();
    const series = checkGenerationForm({
      ...defaultGenerationForm(),
      kind: 'timeseries',
      intentExamples: examples,
    });
    expect(series.success && series.input.intentExamples).toBeNull();
  });

  it('refuses examples of an unknown intent beside the examples field, with the schema message', () => {
    const check = checkGenerationForm({
      ...defaultGenerationForm(),
      intentExamples: { nope: ['hi'] },
    });
    expect(english(check)).toEqual({
      success: false,
      errors: { intentExamples: ['intentExamples keys must be intent ids; unknown: "nope"'] },
    });
  });

  it('shows the file input’s and the API’s examples messages beside the examples field', () => {
    expect(fieldOfPath('intentExamplesFile')).toBe('intentExamples');
    expect(fieldOfPath('input.intentExamples.card_arrival[1]')).toBe('intentExamples');
  });

  it('reads the examples a posted form carries as JSON, and ignores anything else', () => {
    const data = new FormData();
    data.set('kind', 'conversations');
    data.set('count', '10');
    data.set(EXAMPLES_JSON_FIELD, JSON.stringify(examples));
    expect(generationFormFromData(data).intentExamples).toEqual(examples);
    expect(examplesFromJson(null)).toBeNull();
    expect(examplesFromJson('')).toBeNull();
    expect(examplesFromJson('{not json')).toBeNull();
    expect(examplesFromJson('["a"]')).toBeNull();
    expect(examplesFromJson('{"card_arrival": [1]}')).toBeNull();
    expect(examplesFromJson('{"card_arrival": "hi"}')).toBeNull();
  });

  it('shows a refused file’s located message in the reader’s language', () => {
    const message = {
      code: 'examplesFile.lineEmpty',
      params: { line: '4', intent: 'card_arrival' },
      message: 'line 4 (card_arrival) has an empty text',
    };
    expect(renderMessage('en', message)).toBe('line 4 (card_arrival) has an empty text');
    expect(renderMessage('es', message)).toBe('la línea 4 (card_arrival) tiene un texto vacío');
  });
});
