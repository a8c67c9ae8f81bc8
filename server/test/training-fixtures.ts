import type { LabelledTexts } from '../src/training/pipeline.ts';

const INTENTS: Record<string, { en: string[]; es: string[] }> = {
  card_arrival: {
    en: [
      'where is my card',
      'my card has not arrived',
      'when will my new card come',
      'card delivery status',
    ],
    es: ['dónde está mi tarjeta', 'mi tarjeta no ha llegado', 'cuándo llega mi tarjeta nueva'],
  },
  exchange_rate: {
    en: [
      'what is the exchange rate',
      'how much is a dollar in euros',
      'currency conversion rate today',
    ],
    es: [
      'cuál es el tipo de cambio',
      'cuánto vale un dólar en euros',
      'tasa de conversión de divisas',
    ],
  },
  lost_or_stolen_phone: {
    en: ['i lost my phone', 'my phone was stolen', 'someone took my mobile', 'phone missing help'],
    es: ['perdí mi teléfono', 'me robaron el móvil', 'alguien se llevó mi celular'],
  },
};

const PREFIXES = ['', 'hi, ', 'hello ', 'please ', 'hola, ', 'urgent: '];
const SUFFIXES = ['', '?', ' please', ' thanks', ' asap', ' gracias'];

/**
 * A small bilingual intent dataset, deterministic: `perIntent` texts for each of three intents, made from
 * fixed phrases with varied openings and endings. Easy enough that any sane model scores well on it.
 */
export function tinyIntentData(perIntent = 30): LabelledTexts {
  const texts: string[] = [];
  const labels: string[] = [];
  for (const [intent, phrases] of Object.entries(INTENTS)) {
    const all = [...phrases.en, ...phrases.es];
    for (let i = 0; i < perIntent; i++) {
      const text = `${PREFIXES[i % PREFIXES.length]}${all[i % all.length]}${SUFFIXES[(i * 7) % SUFFIXES.length]}`;
      texts.push(i % 3 === 0 ? text.toUpperCase() : text);
      labels.push(intent);
    }
  }
  return { texts, labels };
}
