import { JOB_MESSAGE_CODES, JOB_MESSAGES, jobText } from '@genesis/schema/job-messages';
import { MESSAGES } from '@genesis/schema/messages';
import { formatMessage, term } from '@genesis/schema/report-message';
import { describe, expect, it } from 'vitest';
import { REPORT_MESSAGES } from '../../server/src/validation/messages.ts';
import { renderMessage } from '../src/lib/i18n/api-messages.ts';
import en from '../src/lib/i18n/en.json';
import { enumName } from '../src/lib/i18n/enum-names.ts';
import es from '../src/lib/i18n/es.json';
import { jobMessageKey, jobMessageText } from '../src/lib/i18n/job-messages.ts';
import { metricName, reportText } from '../src/lib/validation/messages.ts';

/** The English of a report message, as the server says it (`say` in server/src/validation/messages.ts). */
const english = (message: Parameters<typeof formatMessage>[0]) =>
  formatMessage(
    message,
    (code) => REPORT_MESSAGES[code as keyof typeof REPORT_MESSAGES] ?? null,
    'en',
  );

describe('names inside Spanish report sentences', () => {
  it('says domains and series types by their Spanish names, the English by their ids', () => {
    const domain = {
      code: 'missing.domain',
      params: { key: term('domain', 'electricity'), n: 4 },
    };
    expect(english(domain)).toBe(
      'a reference for the electricity domain (4 series): its fidelity was not measured',
    );
    expect(reportText('es', english(domain)!, domain)).toBe(
      'una referencia para el dominio electricidad (4 series): no se midió su fidelidad',
    );
    const lacks = {
      code: 'series.profileLacks',
      params: {
        name: 'energy',
        what: term('seriesType', 'solar_generation'),
        covers: {
          items: [term('seriesType', 'gas_consumption'), term('seriesType', 'wind_generation')],
          separator: ', ',
        },
      },
    };
    expect(reportText('es', english(lacks)!, lacks)).toBe(
      "el perfil de referencia 'energy' no tiene series de generación solar (cubre consumo de gas, generación eólica)",
    );
    const part = {
      code: 'verdict.noReference',
      params: {
        dimension: { code: 'dimension.series_types' },
        parts: {
          items: [
            {
              code: 'verdict.part',
              params: {
                key: term('seriesType', 'air_quality'),
                n: 3,
                unit: { code: 'unit.series' },
              },
            },
          ],
          separator: ', ',
        },
      },
    };
    expect(english(part)).toBe('no reference for series types air_quality (3 series)');
    expect(reportText('es', english(part)!, part)).toBe(
      'sin referencia para los tipos de serie calidad del aire (3 series)',
    );
  });

  it('says label values, kinds of dataset and of personal data in Spanish', () => {
    const gap = {
      code: 'bias.gap',
      params: {
        label: term('value', 'negative'),
        observed: { code: 'bias.percent', params: { pct: 62.5 } },
        target: { code: 'bias.percent', params: { pct: 33.3 } },
      },
    };
    expect(english(gap)).toBe('negative 62.5% vs 33.3%');
    expect(reportText('es', english(gap)!, gap)).toBe('negativo 62,5 % frente a 33,3 %');
    const kind = {
      code: 'realism.referenceNoTurns',
      params: {
        name: 'Support logs',
        kind: { code: 'kind.other', params: { kind: term('datasetKind', 'timeseries') } },
      },
    };
    expect(reportText('es', english(kind)!, kind)).toBe(
      'la referencia (Support logs) contiene series temporales, que no tienen turnos',
    );
    const pii = { code: 'privacy.piiKind', params: { count: 3, kind: term('pii', 'email') } };
    expect(english(pii)).toBe('3 email');
    expect(reportText('es', '3 email', pii)).toBe('3 correo electrónico');
  });

  it('names the shipped Banking77 reference in Spanish, any other name as given', () => {
    const jsd = {
      code: 'realism.jsd',
      params: { what: { code: 'realism.lengths' }, name: 'Banking77 (train)', floor: 0.02 },
    };
    expect(reportText('es', english(jsd)!, jsd)).toBe(
      'longitud del mensaje inicial en tokens frente a Banking77 (entrenamiento); el muestreo por sí solo da en torno a 0,02',
    );
    const other = { ...jsd, params: { ...jsd.params, name: 'my reference' } };
    expect(reportText('es', english(other)!, other)).toMatch(/frente a my reference;/);
  });

  it('keeps an id it has no name for, and a report made before terms as it was', () => {
    const unknown = { code: 'missing.domain', params: { key: term('domain', 'weather'), n: 2 } };
    expect(reportText('es', english(unknown)!, unknown)).toBe(
      'una referencia para el dominio weather (2 series): no se midió su fidelidad',
    );
    // Before `{file}`: the file names come from `{key}`.
    const old = { code: 'missing.seriesHow', params: { key: 'electricity' } };
    expect(reportText('es', 'import real electricity series …', old)).toContain(
      '--out electricity.json',
    );
  });

  it('names metrics: label fidelity, a metric of one of several references, per-domain fidelity', () => {
    expect(metricName('es', 'label_fidelity', 'Label fidelity')).toBe(
      es['help.gate.label_fidelity.name'],
    );
    expect(
      metricName(
        'es',
        'realism.length_jsd.es',
        'Opening-message length vs reference [es: Banking77 (train)]',
      ),
    ).toBe('Longitud del primer mensaje frente a la referencia [es: Banking77 (entrenamiento)]');
    expect(
      metricName('es', 'fidelity.electricity.marginal_ks', 'Electricity: Value distribution (KS)'),
    ).toBe('Electricidad: Distribución de valores (Kolmogórov-Smirnov)');
    expect(metricName('en', 'label_fidelity', 'Label fidelity')).toBe('Label fidelity');
    expect(metricName('es', 'no.such.metric', 'Something')).toBe('Something');
  });
});

describe('a generation job’s status text in Spanish', () => {
  it('every code has an English entry that reads as the server’s, and a Spanish one', () => {
    for (const code of JOB_MESSAGE_CODES) {
      const key = jobMessageKey(code);
      expect((en as Record<string, string>)[key], key).toBe(JOB_MESSAGES[code]);
      expect(Object.hasOwn(es, key), `es ${key}`).toBe(true);
    }
  });

  it('says a configuration pause with the provider’s own error kept and the doctor’s Spanish hint', () => {
    const error = 'CredentialsProviderError: Could not load credentials from any providers';
    const said = jobText('paused.config', {
      provider: { code: 'provider.bedrock' },
      error,
      hint: { code: 'check.bedrock.noCredentials' },
    });
    const hint = MESSAGES['check.bedrock.noCredentials'];
    expect(said.text).toBe(
      `Paused: Bedrock cannot be used as configured (${error}): ${hint.slice(hint.indexOf('(') + 1, -1)}. Fix it and resume the job.`,
    );
    expect(jobMessageText('es', said.text, said.message)).toBe(
      `En pausa: Bedrock no se puede usar tal como está configurado (${error}): no se encontraron credenciales de AWS: define AWS_PROFILE, ejecuta \`aws sso login\` o exporta AWS_ACCESS_KEY_ID y AWS_SECRET_ACCESS_KEY. Corrígelo y reanuda el trabajo.`,
    );
    expect(jobMessageText('en', said.text, said.message)).toBe(said.text);
  });

  it('says numbers the Spanish way, and an old job or an unknown code in English', () => {
    const budget = jobText('paused.budget', { budget: 1, spent: 0.98765, next: 0.0512 });
    expect(jobMessageText('es', budget.text, budget.message)).toBe(
      'Detenido antes de superar el presupuesto de 1,00 $: gastado 0,9877 $, la siguiente llamada costaría unos 0,0512 $. Sube el presupuesto y reanuda.',
    );
    const short = jobText('completed_short.line', {
      accepted: 1200,
      requested: 15000,
      missing: 13800,
      rejected: 2,
      slots: { code: 'completed_short.slots' },
      reasons: {
        items: [
          { code: 'completed_short.reason', params: { n: 2, reason: 'repeats a conversation' } },
        ],
        separator: '; ',
      },
      them: { code: 'completed_short.them' },
    });
    expect(short.text).toMatch(/^Completed short: 1,200 of 15,000 items \(13,800 missing\)/);
    expect(jobMessageText('es', short.text, short.message)).toBe(
      'Completado con menos elementos: 1200 de 15.000 elementos (faltan 13.800); 2 elementos previstos se rechazaron tras agotar todos los intentos (2x repeats a conversation). Reanuda el trabajo para volver a pedirlos con intentos nuevos.',
    );
    expect(jobMessageText('es', 'Paused: something', null)).toBe('Paused: something');
    expect(jobMessageText('es', 'Paused: new', { code: 'no.such', params: {} })).toBe(
      'Paused: new',
    );
  });
});

describe('enum values inside a Spanish error', () => {
  it('says a run status and dataset kinds in Spanish, and English as the API does', () => {
    const noModel = {
      code: 'training.noModel',
      params: { id: '7', status: 'completed' },
      message: 'run 7 has no model (status completed)',
    };
    expect(renderMessage('es', noModel)).toBe(
      'el entrenamiento 7 no tiene modelo (estado completado)',
    );
    expect(renderMessage('en', noModel)).toBe(noModel.message);
    const reference = {
      code: 'validation.referenceKind',
      params: { id: '3', kind: 'utterances', datasetKind: 'timeseries' },
      message: "dataset 3 holds utterances; it can't be the reference of timeseries",
    };
    expect(renderMessage('es', reference)).toBe(
      'el conjunto 3 contiene enunciados; no puede ser la referencia de series temporales',
    );
    expect(renderMessage('en', reference)).toBe(reference.message);
  });

  it('keeps a value it has no words for, such as an HTTP status', () => {
    const hub = {
      code: 'hub.answered',
      params: { status: '403', error: 'Forbidden' },
      message: 'the Hub answered 403: Forbidden',
    };
    expect(renderMessage('es', hub)).toBe('el Hub respondió 403: Forbidden');
    expect(enumName('es', 'mode', 'ON_DEMAND')).toBe('bajo demanda');
    expect(enumName('es', 'status', 'RUNNING')).toBe('en curso');
    expect(enumName('es', 'status', 'unheard_of')).toBeNull();
  });
});
