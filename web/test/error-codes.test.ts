import { codedMessage, fillTemplate, MESSAGES, type MessageCode } from '@genesis/schema/messages';
import { describe, expect, it } from 'vitest';
import { checkImportForm } from '../src/lib/datasets/upload.ts';
import {
  checkGenerationForm,
  defaultGenerationForm,
  fieldErrors,
} from '../src/lib/generation/form.ts';
import {
  alertOf,
  errorKey,
  errorOf,
  messageOf,
  NOT_FOUND_ENTITIES,
  renderMessage,
  textOf,
} from '../src/lib/i18n/api-messages.ts';
import en from '../src/lib/i18n/en.json';
import es from '../src/lib/i18n/es.json';
import { isMessageKey, translate } from '../src/lib/i18n/messages.ts';
import { checkTrainForm, defaultTrainForm } from '../src/lib/training/form.ts';

const CODES = Object.keys(MESSAGES) as MessageCode[];
/** Codes only the web app gives (its own form messages, a refused file's summary). */
const WEB_CODES = [
  'push.repoFormat',
  'import.theFile',
  'import.refusedOne',
  'import.refusedMany',
  'upload.chooseFile',
  'upload.chooseKind',
  'jobStatus.queued',
  'jobStatus.running',
  'jobStatus.paused',
];

describe('error codes in the catalogues', () => {
  it('has an English and a Spanish entry for every code', () => {
    for (const code of [...CODES, ...WEB_CODES]) {
      expect(Object.hasOwn(en, errorKey(code)), `en: ${code}`).toBe(true);
      expect(Object.hasOwn(es, errorKey(code)), `es: ${code}`).toBe(true);
      expect(es[errorKey(code) as keyof typeof es], `es: ${code}`).not.toBe(
        en[errorKey(code) as keyof typeof en],
      );
    }
  });

  it("renders each code in English exactly as the API's message (the schema's template)", () => {
    for (const code of CODES) {
      const key = errorKey(code);
      expect(isMessageKey(key)).toBe(true);
      if (!isMessageKey(key)) continue;
      // Every placeholder gets a distinct value, so a renamed or dropped one shows.
      const names = [...MESSAGES[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      const params = Object.fromEntries(names.map((name, i) => [name, `<${name}${i}>`]));
      expect(translate('en', key, params), code).toBe(codedMessage(code, params).message);
      expect(translate('en', key, params), code).toBe(fillTemplate(MESSAGES[code], params));
    }
    const pushRepo = {
      code: 'push.repoFormat',
      params: {},
      message: 'Give the repo as OWNER/NAME.',
    };
    expect(renderMessage('en', pushRepo)).toBe(pushRepo.message);
    expect(renderMessage('es', pushRepo)).toBe('Indica el repositorio como PROPIETARIO/NOMBRE.');
    expect(translate('en', 'error.import.refusedMany', { file: 'x.csv', n: 3 })).toBe(
      'x.csv was not imported: 3 problems found; nothing was stored',
    );
  });
});

describe('typed refusals', () => {
  it("renders a NotFoundError from its entity and id, in English as the API's message", () => {
    for (const entity of NOT_FOUND_ENTITIES) {
      const refusal = {
        __typename: 'NotFoundError',
        entity,
        id: '42',
        message: `${entity} 42 does not exist`,
      };
      expect(renderMessage('en', errorOf(refusal))).toBe(refusal.message);
      expect(renderMessage('es', errorOf(refusal))).toMatch(/^(El|La) .* 42 no existe$/);
    }
    const completed = {
      __typename: 'ValidationError',
      message: 'Invalid input: id: job 7 is already completed',
      issues: [
        {
          path: 'id',
          message: 'job 7 is already completed',
          code: 'generation.alreadyCompleted',
          params: [{ name: 'id', value: '7' }],
        },
      ],
    };
    expect(renderMessage('es', errorOf(completed))).toBe('el trabajo 7 ya está completado');
    expect(renderMessage('en', errorOf(completed))).toBe('job 7 is already completed');
    const other = { __typename: 'DatasetInUseError', message: 'Dataset 3 is in use by ...' };
    expect(renderMessage('es', errorOf(other))).toBe(other.message);
  });

  const wire = (params: Record<string, string | number>) =>
    Object.entries(params).map(([name, value]) => ({ name, value: String(value) }));
  /** A typed error's message as the API sends it: the template filled, with its code and params. */
  const sent = (code: MessageCode, params: Record<string, string | number>) => {
    const coded = codedMessage(code, params);
    return { message: coded.message, code, params: wire(params) };
  };

  it('renders a dataset in use from its code and its users, each in the reader language', () => {
    const parts = [
      sent('dataset.usedByJob', { id: 7, status: 'paused' }),
      sent('dataset.usedByRunTest', { id: 9, status: 'queued' }),
      sent('dataset.validationsOne', { count: 1 }),
    ];
    const refusal = {
      __typename: 'DatasetInUseError',
      ...sent('dataset.inUse', { id: 3, users: parts.map((p) => p.message).join(', ') }),
      parts,
    };
    expect(renderMessage('en', errorOf(refusal))).toBe(refusal.message);
    expect(refusal.message).toMatch(
      /^Dataset 3 is in use by generation job 7 \(paused\), training/,
    );
    expect(renderMessage('es', errorOf(refusal))).toBe(
      'El conjunto 3 está en uso por el trabajo de generación 7 (en pausa), el entrenamiento 9 (en cola, como su conjunto de prueba), 1 validación en curso; espera a que terminen o cancélalos, o bórralo forzando, lo que los cancela y borra el conjunto',
    );
  });

  it("renders a provider's refusal with its failed checks, and a failed push with what was put back", () => {
    const detail = sent('check.openai.unreachable', {
      subject: 'http://127.0.0.1:9/v1',
      error: 'fetch failed',
    });
    const checks = [
      {
        name: 'server',
        ok: false,
        detail: detail.message,
        code: detail.code,
        params: detail.params,
      },
      { name: 'model', ok: true, detail: 'llama3.1:8b is listed', code: null, params: [] },
    ];
    const provider = {
      __typename: 'ProviderConfigError',
      ...sent('provider.unusableOpenaiModel', {
        model: 'llama3.1:8b',
        checks: `server: ${detail.message}`,
      }),
      checks,
    };
    expect(renderMessage('en', errorOf(provider))).toBe(provider.message);
    expect(renderMessage('es', errorOf(provider))).toBe(
      'El servidor compatible con OpenAI (llama3.1:8b) no se puede usar tal como está configurado: comprobación server: http://127.0.0.1:9/v1: fetch failed (no se puede contactar con el servidor: revisa GENESIS_OPENAI_BASE_URL y que el servidor esté en marcha). Corrígelo y vuelve a intentarlo (`pnpm genesis doctor` hace las mismas comprobaciones).',
    );

    const failure = sent('hub.answered', { status: 503, error: 'Service Unavailable' });
    const undone = sent('hub.undoDeleted', { repo: 'alice/broken' });
    const push = {
      __typename: 'HubPushError',
      ...failure,
      message: `${failure.message}; ${undone.message}`,
      undone,
    };
    expect(renderMessage('en', errorOf(push))).toBe(push.message);
    expect(renderMessage('es', errorOf(push))).toBe(
      'el Hub respondió 503: Service Unavailable; el repositorio alice/broken que creó esta publicación se volvió a borrar',
    );
    // A client whose catalogue lacks the code shows the whole English message.
    const unknown = { ...push, code: 'hub.brandNew' };
    expect(renderMessage('es', errorOf(unknown))).toBe(push.message);
  });

  it('says a refused field once: under the field, not again in the alert', () => {
    const refused = sent('training.search.invalidValue', {
      name: 'C',
      value: '-1',
      path: 'model.C',
      expected: '>0',
      received: '-1',
    });
    const validation = (...paths: string[]) => ({
      __typename: 'ValidationError',
      message: 'Invalid input: ...',
      issues: paths.map((path) => ({ path, ...refused })),
    });
    const shown = (path: string) => path === 'input.datasetId';
    expect(alertOf(validation('input.datasetId'), shown)).toBeNull();
    const left = alertOf(validation('input.datasetId', 'input.searchSpace.0'), shown);
    expect(left && renderMessage('es', left)).toBe(
      'C=-1 no es válido: model.C debe ser >0; se recibió -1',
    );
    expect(
      alertOf({ __typename: 'NotFoundError', message: 'x', entity: 'Dataset', id: '4' }, shown),
    ).toMatchObject({ code: 'notFound.Dataset' });
  });
});

describe('coded messages in the reader language', () => {
  it("shows an API issue in Spanish, keeping the line's field and values", () => {
    const issue = {
      message: 'the row has 1 fields but the header has 2',
      code: 'import.csvFieldCount',
      params: [
        { name: 'count', value: '1' },
        { name: 'header', value: '2' },
      ],
    };
    expect(renderMessage('es', messageOf(issue))).toBe(
      'la fila tiene 1 campos, pero la cabecera tiene 2',
    );
    expect(renderMessage('en', messageOf(issue))).toBe(issue.message);
  });

  it("falls back to the API's English text for an unknown code or none", () => {
    const unknown = { message: 'something new went wrong', code: 'brand.new', params: [] };
    expect(renderMessage('es', messageOf(unknown))).toBe('something new went wrong');
    expect(renderMessage('es', messageOf({ message: 'plain', code: null }))).toBe('plain');
    expect(renderMessage('es', 'a plain text')).toBe('a plain text');
  });

  it("speaks Spanish in the browser's own form checks, from the shared schema", () => {
    const check = checkGenerationForm({ ...defaultGenerationForm(), count: 0, seed: 1.5 });
    expect(check.success).toBe(false);
    if (check.success) return;
    expect(check.errors.count?.map((m) => renderMessage('es', m))).toEqual([
      'count debe ser al menos 1',
    ]);
    expect(check.errors.count?.map(textOf)).toEqual(['count must be at least 1']);
    expect(check.errors.seed?.map((m) => renderMessage('es', m))).toEqual([
      'seed debe ser un número entero',
    ]);

    const empty = new FormData();
    empty.set('file', new File([], ''));
    empty.set('kind', 'PICTURES');
    const noFile = checkImportForm(empty);
    expect(noFile.success).toBe(false);
    if (!noFile.success) {
      expect(noFile.errors.file?.map((m) => renderMessage('es', m))).toEqual([
        'Elige un archivo para subirlo.',
      ]);
      expect(noFile.errors.kind?.map((m) => renderMessage('es', m))).toEqual([
        'Elige qué contiene el archivo: conversaciones, enunciados o series temporales.',
      ]);
      expect(noFile.errors.file?.map(textOf)).toEqual(['Choose a file to upload.']);
    }

    const upload = new FormData();
    upload.set('file', new File(['text,intent\n'], 'a.csv'));
    upload.set('kind', 'UTTERANCES');
    upload.set('name', 'x'.repeat(121));
    const refused = checkImportForm(upload);
    expect(refused.success).toBe(false);
    if (!refused.success) {
      expect(refused.errors.name?.map((m) => renderMessage('es', m))).toEqual([
        'el nombre debe tener entre 1 y 120 caracteres',
      ]);
    }
  });

  it('parses the Train form’s search space as the CLI does, refusing it in Spanish', () => {
    const form = { ...defaultTrainForm(), datasetId: '4', search: 'RANDOM' };
    const bad = checkTrainForm({ ...form, searchSpace: 'C=a..b' });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      expect(bad.errors.searchSpace?.map((m) => renderMessage('es', m))).toEqual([
        'C: a..b no es un intervalo numérico MIN..MAX',
      ]);
      expect(bad.errors.searchSpace?.map(textOf)).toEqual([
        'C: a..b is not a numeric range MIN..MAX',
      ]);
    }
    const ok = checkTrainForm({ ...form, searchSpace: 'C=0.01..100; model=svm,logreg' });
    expect(ok.success && ok.input.searchSpace).toEqual([
      { name: 'C', values: null, min: 0.01, max: 100 },
      { name: 'model', values: ['svm', 'logreg'], min: null, max: null },
    ]);
    expect(ok.success && ok.input.search).toBe('RANDOM');
  });

  it("groups the server's coded issues by field, dropping repeats", () => {
    const errors = fieldErrors([
      {
        path: 'input.count',
        message: 'count must be at least 1',
        code: 'value.atLeast',
        params: [
          { name: 'field', value: 'count' },
          { name: 'min', value: '1' },
        ],
      },
      {
        path: 'input.count',
        message: 'count must be at least 1',
        code: 'value.atLeast',
        params: [],
      },
    ]);
    expect(errors.count?.map((m) => renderMessage('es', m))).toEqual(['count debe ser al menos 1']);
  });
});
