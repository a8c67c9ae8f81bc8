import { describe, expect, it } from 'vitest';
import { REPORT_CODES } from '../../server/src/validation/messages.ts';
import en from '../src/lib/i18n/en.json';
import es from '../src/lib/i18n/es.json';
import {
  distributionName,
  reasonWhy,
  reportMessageKey,
  reportText,
} from '../src/lib/validation/messages.ts';

describe('report messages in the catalogues', () => {
  it('every code the server can put in a report has an English and a Spanish entry', () => {
    expect(REPORT_CODES.length).toBeGreaterThan(100);
    for (const code of REPORT_CODES) {
      const key = reportMessageKey(code);
      expect(Object.hasOwn(en, key), `en ${key}`).toBe(true);
      expect(Object.hasOwn(es, key), `es ${key}`).toBe(true);
    }
  });
});

/** A report line as the API sends it: `fail: PII 0.05 (gate)` with its message. */
const failLine = {
  code: 'verdict.line',
  params: {
    verdict: { code: 'verdict.word.fail' },
    why: {
      code: 'list',
      params: {
        items: {
          items: [
            { code: 'verdict.gate', params: { name: { code: 'gate.pii' }, value: 0.05 } },
            { code: 'verdict.gate', params: { name: { code: 'gate.memorisation' }, value: 0.4 } },
          ],
          separator: ', ',
        },
      },
    },
  },
};

describe('a report sentence in the reader’s language', () => {
  it('renders the message from the Spanish catalogue, numbers with a decimal comma', () => {
    const text = 'fail: PII 0.05 (gate), memorisation 0.4 (gate)';
    expect(reasonWhy('es', text, failLine)).toBe(
      'datos personales 0,05 (puerta), memorización 0,4 (puerta)',
    );
    expect(
      reportText('es', '12 of 200 items break a rule', {
        code: 'quality.broken',
        params: { k: 12, n: 200 },
      }),
    ).toBe('12 de 200 elementos incumplen una regla');
    expect(reportText('es', 'p = 0.012', { code: 'bias.p', params: { p: 0.0123 } })).toBe(
      'p = 0,012',
    );
  });

  it('is the API’s English text in English, and for an older report or an unknown code', () => {
    const text = 'fail: PII 0.05 (gate), memorisation 0.4 (gate)';
    expect(reasonWhy('en', text, failLine)).toBe('PII 0.05 (gate), memorisation 0.4 (gate)');
    expect(reasonWhy('es', text, null)).toBe('PII 0.05 (gate), memorisation 0.4 (gate)');
    expect(reportText('es', 'the dataset is empty', null)).toBe('the dataset is empty');
    expect(reportText('es', 'something new', { code: 'no.such.code', params: {} })).toBe(
      'something new',
    );
    // One unknown code inside a list: the whole sentence falls back, never half-translated.
    expect(
      reportText('es', 'a; b', {
        code: 'list',
        params: {
          items: { items: [{ code: 'metric.empty' }, { code: 'no.such.code' }], separator: '; ' },
        },
      }),
    ).toBe('a; b');
  });

  it('names charts by their id', () => {
    expect(distributionName('es', 'turns', 'Turns per conversation')).toBe(
      'Turnos por conversación',
    );
    expect(distributionName('es', 'intents_reference.es', 'Intents vs reference [es]')).toBe(
      'Intenciones frente a la referencia [es]',
    );
    expect(
      distributionName('es', 'acf.electricity', 'Electricity: mean autocorrelation by lag'),
    ).toBe('Electricidad: autocorrelación media por retardo');
    expect(distributionName('en', 'turns', 'Turns per conversation')).toBe(
      'Turns per conversation',
    );
    expect(distributionName('es', 'unknown', 'Something')).toBe('Something');
  });
});
