import { describe, expect, it } from 'vitest';
import { formatCount, formatDecimal, formatNumber, formatPercent } from '../src/lib/format.ts';
import en from '../src/lib/i18n/en.json';
import es from '../src/lib/i18n/es.json';
import { parseLocale, translate } from '../src/lib/i18n/messages.ts';
import { formatMetricValue } from '../src/lib/validation/report.ts';

describe('the message catalogues', () => {
  it('have the same keys and placeholders in both languages', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    const holes = (m: string) => [...m.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
    for (const [key, message] of Object.entries(en)) {
      expect(holes(es[key as keyof typeof es]), key).toEqual(holes(message));
    }
  });

  it('fill placeholders and fall back to English for unknown locales', () => {
    expect(translate('es', 'job.label', { id: 7 })).toBe('Trabajo n.º 7');
    expect(translate('en', 'job.label', { id: 7 })).toBe('Job #7');
    expect(parseLocale('es-MX')).toBe('es');
    expect(parseLocale('fr')).toBe('en');
    expect(parseLocale(undefined)).toBe('en');
  });
});

describe('numbers in the chosen locale', () => {
  it('groups thousands and writes decimals the local way', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(12345, 'es')).toBe('12.345');
    expect(formatDecimal(1234.56, 'es')).toBe('1234,6');
    expect(formatPercent(0.9034, 1, 'es')).toBe('90,3\u00a0%');
    expect(formatNumber(12.3456)).toBe('12.35');
    expect(formatNumber(0.00421)).toBe('0.0042');
    expect(formatNumber(123456.7)).toBe('123,457');
  });

  it('writes a validation metric the local way too', () => {
    expect(formatMetricValue(0.767, 'share')).toBe('76.7%');
    expect(formatMetricValue(0.767, 'share', 'es')).toBe('76,7\u00a0%');
    expect(formatMetricValue(0.09812, 'bits', 'es')).toBe('0,0981 bits');
  });
});
