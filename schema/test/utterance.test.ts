import { describe, expect, it } from 'vitest';
import { parseItem } from '../src/dataset.ts';

describe('UtteranceSchema', () => {
  it('accepts real Banking77-style utterances in English and Spanish', () => {
    expect(
      parseItem('utterances', {
        text: 'I am still waiting on my card?',
        intent: 'card_arrival',
        language: 'en',
      }),
    ).toEqual({
      success: true,
      output: { text: 'I am still waiting on my card?', intent: 'card_arrival', language: 'en' },
    });
    expect(
      parseItem('utterances', {
        text: ' Creo que mi pago con tarjeta fue revertido ',
        intent: 'reverted_card_payment?',
        language: 'es',
      }),
    ).toEqual({
      success: true,
      output: {
        text: 'Creo que mi pago con tarjeta fue revertido',
        intent: 'reverted_card_payment?',
        language: 'es',
      },
    });
  });

  it('rejects an unknown intent, a blank or over-long text and an unknown language', () => {
    expect(parseItem('utterances', { text: '  ', intent: 'foo', language: 'pt' })).toEqual({
      success: false,
      errors: [
        { path: 'text', message: 'text must not be empty' },
        { path: 'intent', message: "unknown intent 'foo'" },
        { path: 'language', message: 'language must be one of en, es; got "pt"' },
      ],
    });
    expect(
      parseItem('utterances', { text: 'x'.repeat(2001), intent: 'card_arrival', language: 'en' }),
    ).toEqual({
      success: false,
      errors: [{ path: 'text', message: 'text must be at most 2000 characters; got 2001' }],
    });
  });
});
