import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../server/src/training/presets.ts';
import en from '../src/lib/i18n/en.json';
import es from '../src/lib/i18n/es.json';
import { presetDescription, presetLabel } from '../src/lib/training/labels.ts';

/** The figures a description quotes ("0.877", "20%", "5-fold"), written the English way. */
const figures = (text: string) => [...text.matchAll(/\d+(?:[.,]\d+)?/g)].map((m) => m[0]);

describe('preset names and descriptions', () => {
  it('read in the chosen language, from their enum value or stored name', () => {
    expect(presetLabel('QUICK_TEST')).toBe('Quick test');
    expect(presetLabel('quick_test', 'es')).toBe('Prueba rápida');
    expect(presetLabel('CROSS_VALIDATION', 'es')).toBe('Validación cruzada');
    expect(presetLabel(null, 'es')).toBe('Personalizado');
    expect(presetDescription('FAST', 'the API text', 'es')).toMatch(/^1-2-gramas de palabras/);
  });

  it('fall back to the API’s text for a preset the catalogues do not know yet', () => {
    expect(presetLabel('NEW_ONE', 'es')).toBe('New one');
    expect(presetDescription('NEW_ONE', 'What the API says.', 'es')).toBe('What the API says.');
    expect(presetDescription('NEW_ONE', null, 'es')).toBeNull();
  });

  it('has every server preset in both catalogues, in English word for word and in Spanish with the same figures', () => {
    for (const preset of Object.values(PRESETS)) {
      const key = `preset.${preset.name}.description` as keyof typeof en;
      expect(en[key], preset.name).toBe(preset.description);
      // Spanish writes decimals with a comma and big numbers grouped; the figures themselves are the same.
      const spanish = figures(es[key].replaceAll('10 000', '10k')).map((f) => f.replace(',', '.'));
      expect(spanish, preset.name).toEqual(figures(preset.description));
      expect(es[`preset.${preset.name}.name` as keyof typeof es], preset.name).toBeTruthy();
    }
  });
});
