/**
 * Several references, one per language: a bilingual dataset measured against Banking77 for English and a
 * user's own Spanish utterances for Spanish; a Spanish dataset validated with a Spanish reference dataset end to
 * end, over GraphQL (the real server) and the `genesis` CLI (a child process). Coverage says which reference
 * covered which language, and bad combinations are errors located by argument.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Conversation } from '@genesis/schema/conversation';
import type { Utterance } from '@genesis/schema/utterance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/generation/config.ts';
import { planConversations } from '../src/generation/plan.ts';
import { answerConversations } from '../src/llm/local/conversations/answer.ts';
import { loadConfig, REPO_ROOT } from '../src/platform/config.ts';
import { buildTextProfile, parseTextProfile } from '../src/validation/text/profile.ts';
import { validateText } from '../src/validation/text/report.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

const banking77 = parseTextProfile(
  JSON.parse(readFileSync(resolve(REPO_ROOT, 'data/reference/banking77.profile.json'), 'utf8')),
);

function generated(count: number, seed: number): Conversation[] {
  const config = resolveConfig(
    { kind: 'conversations', count, provider: 'local', seed, targets: {} },
    loadConfig({}),
  );
  return answerConversations(planConversations(config), String(seed)).conversations.map(
    ({ slot: _slot, ...c }) => c,
  );
}

/** Opening customer messages of generated conversations in one language, as utterances. */
function utterances(language: 'en' | 'es', count: number, seed: number): Utterance[] {
  return generated(count * 3, seed)
    .filter((c) => c.language === language)
    .slice(0, count)
    .map((c) => ({ text: c.turns[0]!.text, intent: c.intent, language }));
}

const jsonl = (items: readonly object[]) => `${items.map((i) => JSON.stringify(i)).join('\n')}\n`;

describe('several references, one per language (report)', () => {
  const spanishReference = buildTextProfile(
    'spanish utterances',
    utterances('es', 400, 29),
    'utterances',
    {
      splits: 3,
    },
  );
  const mixed = generated(200, 3);
  const en = mixed.filter((c) => c.language === 'en').length;
  const es = mixed.length - en;

  it('measures each language against its own reference and says which covered which', () => {
    expect(en).toBeGreaterThan(30);
    expect(es).toBeGreaterThan(30);
    // With Banking77 alone the Spanish half has no reference.
    const alone = validateText(mixed, 'conversations', { profile: banking77 });
    expect(alone.overall.verdict).toBe('incomplete');
    expect(alone.reason).toMatch(/no reference for language es/);

    const report = validateText(mixed, 'conversations', {
      profiles: [banking77, spanishReference],
    });
    expect(report.reason).not.toMatch(/no reference for language/);
    expect(report.coverage!.items).toBe(1);
    expect(report.coverage!.parts.every((p) => p.referenced)).toBe(true);
    expect(report.coverage!.references).toEqual([
      { name: banking77.name, covers: ['en'], items: en },
      { name: 'spanish utterances', covers: ['es'], items: es },
    ]);
    // Realism and memorisation once per reference, on the items of its language.
    for (const id of [
      'realism.vocabulary_jsd',
      'realism.length_jsd',
      'privacy.memorisation_rate',
    ]) {
      const english = report.metrics.find((m) => m.id === `${id}.en`)!;
      const spanish = report.metrics.find((m) => m.id === `${id}.es`)!;
      expect(english.verdict, id).not.toBe('not_computable');
      expect(spanish.verdict, id).not.toBe('not_computable');
      expect(english.sample!.n).toBe(en);
      expect(spanish.sample!.n).toBe(es);
      expect(english.reason).toContain(banking77.name);
      expect(spanish.reason).toContain('spanish utterances');
    }
    expect(report.reference!.name).toBe(`${banking77.name} + spanish utterances`);
    // Memorisation against each reference stays a gate.
    expect(report.gates!.map((g) => g.metricId)).toEqual(
      expect.arrayContaining(['privacy.memorisation_rate.en', 'privacy.memorisation_rate.es']),
    );
  });

  it('fails on Spanish items copied from the Spanish reference, naming that gate', () => {
    const copied = utterances('es', 400, 29).slice(0, 60);
    const english = utterances('en', 60, 5);
    const report = validateText([...english, ...copied], 'utterances', {
      profiles: [banking77, spanishReference],
    });
    const memorised = report.metrics.find((m) => m.id === 'privacy.memorisation_rate.es')!;
    expect(memorised.value).toBeGreaterThan(0.9);
    expect(memorised.verdict).toBe('fail');
    expect(report.overall.verdict).toBe('fail');
    expect(report.reason).toMatch(/^fail: .*memorisation/);
  });

  it('refuses two references of the same language', () => {
    const other = buildTextProfile('other spanish', utterances('es', 100, 41), 'utterances', {
      splits: 2,
    });
    expect(() =>
      validateText(mixed, 'conversations', { profiles: [spanishReference, other] }),
    ).toThrow(/spanish utterances and other spanish both hold language es/);
  });
});

const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String) {
  importDataset(file: $file, kind: $kind, name: $name) {
    ... on MutationImportDatasetSuccess { data { id itemCount } }
    ... on ImportFailedError { issues { line message } } } }`;

const VALIDATE = `mutation($input: ValidateInput!) {
  validateDataset(input: $input) {
    __typename
    ... on MutationValidateDatasetSuccess { data { referenceName overallVerdict reason
      coverage { items parts { key items referenced } references { name covers items } missing { what } }
      metrics { id verdict } } }
    ... on ValidationError { issues { path message } }
    ... on NotFoundError { message }
  } }`;

describe('a Spanish dataset with a Spanish reference, over GraphQL', () => {
  let s: TestServer;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const files: Array<[string, string, Utterance[] | Conversation[]]> = [
      ['spanish', 'UTTERANCES', utterances('es', 200, 3)],
      ['es-ref', 'UTTERANCES', utterances('es', 400, 29)],
      ['es-ref-2', 'UTTERANCES', utterances('es', 100, 41)],
      ['mixed', 'CONVERSATIONS', generated(200, 3)],
    ];
    for (const [name, kind, items] of files) {
      const r = await s.upload<any>(
        IMPORT,
        { kind, name },
        { name: `${name}.jsonl`, content: jsonl(items) },
      );
      ids[name] = r.body.data.importDataset.data.id;
    }
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const validate = async (input: Record<string, unknown>) => {
    const r = await s.gql<any>(VALIDATE, { input });
    expect(r.errors).toBeUndefined();
    return r.data.validateDataset;
  };

  it('is incomplete against Banking77, complete against the Spanish reference', async () => {
    const shipped = await validate({ datasetId: ids.spanish });
    expect(shipped.data.overallVerdict).toBe('INCOMPLETE');
    expect(shipped.data.reason).toMatch(/no reference for language es \(200 items\)/);

    const own = await validate({ datasetId: ids.spanish, referenceDatasetId: ids['es-ref'] });
    expect(own.__typename).toBe('MutationValidateDatasetSuccess');
    expect(own.data.referenceName).toBe('es-ref');
    expect(own.data.overallVerdict).not.toBe('INCOMPLETE');
    expect(own.data.reason).not.toMatch(/no reference for language/);
    expect(own.data.coverage.items).toBe(1);
    expect(own.data.coverage.parts).toEqual([{ key: 'es', items: 200, referenced: true }]);
    expect(own.data.coverage.references).toEqual([{ name: 'es-ref', covers: ['es'], items: 200 }]);
    const vocabulary = own.data.metrics.find((m: any) => m.id === 'realism.vocabulary_jsd');
    expect(vocabulary.verdict).not.toBe('NOT_COMPUTABLE');
  }, 120_000);

  it('measures a bilingual dataset against Banking77 for en and the Spanish dataset for es', async () => {
    const r = await validate({
      datasetId: ids.mixed,
      profile: 'banking77',
      references: [ids['es-ref']],
    });
    expect(r.__typename).toBe('MutationValidateDatasetSuccess');
    expect(r.data.reason).not.toMatch(/no reference for language/);
    expect(r.data.coverage.parts.every((p: any) => p.referenced)).toBe(true);
    expect(r.data.coverage.references.map((x: any) => [x.name, x.covers])).toEqual([
      [expect.stringMatching(/Banking77/), ['en']],
      ['es-ref', ['es']],
    ]);
    const ids_ = r.data.metrics.map((m: any) => m.id);
    expect(ids_).toEqual(
      expect.arrayContaining(['realism.vocabulary_jsd.en', 'realism.vocabulary_jsd.es']),
    );
  }, 120_000);

  it('compares another dataset against the same several references', async () => {
    // The mixed dataset's latest report is against Banking77 + es-ref (the test above).
    const r = await s.gql<any>(
      `query($a: ID!, $b: ID!) { compareDatasets(a: $a, b: $b) {
        ... on QueryCompareDatasetsSuccess { data { reference { key name kind source revalidated }
          reportB { referenceName coverage { references { name covers } } } } }
        ... on ValidationError { issues { path message } } } }`,
      { a: ids.mixed, b: ids.spanish },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data.compareDatasets.data;
    expect(c.reference).toMatchObject({
      kind: 'multiple',
      source: 'a',
      key: `dataset:${ids['es-ref']}+profile:banking77`,
      revalidated: [ids.spanish],
    });
    expect(c.reportB.referenceName).toMatch(/Banking77.* \+ es-ref$/);
    // The Spanish dataset has no English: Banking77 covers nothing of it, es-ref its Spanish.
    expect(c.reportB.coverage.references).toEqual([
      { name: expect.stringMatching(/Banking77/), covers: [] },
      { name: 'es-ref', covers: ['es'] },
    ]);
  }, 180_000);

  it('locates bad references by argument', async () => {
    const twice = await validate({
      datasetId: ids.mixed,
      references: [ids['es-ref'], ids['es-ref-2']],
    });
    expect(twice.__typename).toBe('ValidationError');
    expect(twice.issues).toEqual([
      {
        path: 'input.references[1]',
        message: expect.stringMatching(
          /es-ref-2 holds language es, as does es-ref \(input\.references\[0\]\); give one reference per language/,
        ),
      },
    ]);
    const same = await validate({
      datasetId: ids.mixed,
      referenceDatasetId: ids['es-ref'],
      references: [ids['es-ref']],
    });
    expect(same.issues[0].path).toBe('input.references[0]');
    expect(same.issues[0].message).toMatch(/given twice \(also as referenceDatasetId\)/);
    // A bilingual reference beside Banking77: both hold English.
    const overlap = await validate({
      datasetId: ids.spanish,
      profile: 'banking77',
      references: [ids['es-ref'], ids.mixed],
    });
    expect(overlap.issues).toEqual([
      {
        path: 'input.references[1]',
        message: expect.stringMatching(/^mixed holds language en, as does Banking77.* \(profile\)/),
      },
    ]);
    const badId = await validate({ datasetId: ids.spanish, references: ['x'] });
    expect(badId.issues[0].path).toBe('input.references[0]');
    const timeseries = await validate({
      datasetId: ids.spanish,
      references: [ids['es-ref']],
      profile: 'electricity',
    });
    expect(timeseries.issues[0]).toEqual({
      path: 'profile',
      message: expect.stringMatching(
        /the electricity profile describes timeseries, not utterances/,
      ),
    });
  }, 120_000);
});

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');

function genesis(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      TSX,
      ['src/cli/main.ts', ...args],
      { cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('genesis validate --reference with a Spanish reference (CLI)', () => {
  let dir: string;
  const ids: Record<string, string> = {};
  const run = (args: string[]) => genesis([...args, '--db', join(dir, 'cli.sqlite')]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-references-cli-'));
    const files: Array<[string, string, object[]]> = [
      ['spanish', 'utterances', utterances('es', 200, 3)],
      ['es-ref', 'utterances', utterances('es', 400, 29)],
      ['es-ref-2', 'utterances', utterances('es', 100, 41)],
      ['mixed', 'conversations', generated(200, 3)],
    ];
    for (const [name, kind, items] of files) {
      writeFileSync(join(dir, `${name}.jsonl`), jsonl(items));
      const r = await run(['import', join(dir, `${name}.jsonl`), '--kind', kind, '--json']);
      expect(r.code, r.stderr).toBe(0);
      ids[name] = String(JSON.parse(r.stdout).id);
    }
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a Spanish dataset against a Spanish reference dataset is complete, es covered by it', async () => {
    const r = await run(['validate', ids.spanish!, '--reference', ids['es-ref']!, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.overall.verdict).not.toBe('incomplete');
    expect(report.reason).not.toMatch(/no reference for language/);
    expect(report.coverage.parts).toEqual([
      { dimension: 'language', key: 'es', items: 200, referenced: true },
    ]);
    expect(report.coverage.references).toEqual([{ name: 'es-ref', covers: ['es'], items: 200 }]);
    const table = await run(['validate', ids.spanish!, '--reference', ids['es-ref']!]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^Reference es-ref: covers es \(200 items\)$/m);
  }, 180_000);

  it('takes one reference per language: --profile banking77 --reference SPANISH', async () => {
    const r = await run([
      'validate',
      ids.mixed!,
      '--profile',
      'banking77',
      '--reference',
      ids['es-ref']!,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.reason).not.toMatch(/no reference for language/);
    expect(report.coverage.references.map((x: any) => x.covers)).toEqual([['en'], ['es']]);
  }, 180_000);

  it('two Spanish references are a usage error naming both arguments', async () => {
    const r = await run([
      'validate',
      ids.mixed!,
      '--reference',
      ids['es-ref']!,
      '--reference',
      ids['es-ref-2']!,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `--reference ${ids['es-ref-2']}: es-ref-2 holds language es, as does es-ref \\(--reference ${ids['es-ref']}\\)`,
      ),
    );
  }, 180_000);
});
