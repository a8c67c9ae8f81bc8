import { codedMessage, fillTemplate, MESSAGES, type MessageCode } from '@genesis/schema/messages';
import { describe, expect, it } from 'vitest';
import { checkImportForm } from '../src/lib/datasets/upload.ts';
import {
  checkGenerationForm,
  defaultGenerationForm,
  fieldErrors,
} from '../src/lib/generation/form.ts';
import {
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

const CODES = Object.keys(MESSAGES) as MessageCode[];
/** Codes only the web app gives (its own form messages, a refused file's summary). */
const WEB_CODES = [
  'push.repoFormat',
  'import.theFile',
  'import.refusedOne',
  'import.refusedMany',
  'upload.chooseFile',
  'upload.chooseKind',
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
