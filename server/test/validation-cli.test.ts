/**
 * `genesis validate`, `genesis profile` and `genesis compare` run as a user runs them (a child process): a
 * profile file written by `genesis profile` is a reference like the shipped ones; a bad one is a usage error
 * (exit 2) naming the file and the problem; a comparison measures both datasets against one reference and says
 * which.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function genesis(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/main.ts', ...args],
      { cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const QUERIES = [
  'where is my new card, it has still not arrived',
  'how long does a card take to arrive',
  'how do I top up my account with a bank transfer',
  'my transfer has not reached my account yet',
  'why was I charged a fee at the cash machine',
  'there is an extra fee on my cash withdrawal',
  'I forgot my passcode and cannot log in',
  'how can I reset my passcode',
];
const INTENTS = [
  'card_arrival',
  'card_arrival',
  'transfer_not_received_by_recipient',
  'transfer_not_received_by_recipient',
  'cash_withdrawal_charge',
  'cash_withdrawal_charge',
  'passcode_forgotten',
  'passcode_forgotten',
];

function csv(tag: string, count: number): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const k = i % QUERIES.length;
    return `"${QUERIES[k]} (${tag} ${i})",${INTENTS[k]}`;
  });
  return `text,category\n${rows.join('\n')}\n`;
}

describe('genesis validate / profile / compare', () => {
  let dir: string;
  let db: string;
  let a: string;
  let b: string;
  const at = (name: string) => join(dir, name);
  const run = (args: string[]) => genesis([...args, '--db', db]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-validation-cli-'));
    db = at('cli.sqlite');
    writeFileSync(at('a.csv'), csv('a', 80));
    writeFileSync(at('b.csv'), csv('b', 60));
    const ia = await run(['import', at('a.csv'), '--kind', 'utterances', '--json']);
    const ib = await run(['import', at('b.csv'), '--kind', 'utterances', '--json']);
    expect(ia.code, ia.stderr).toBe(0);
    expect(ib.code, ib.stderr).toBe(0);
    a = JSON.parse(ia.stdout).id;
    b = JSON.parse(ib.stdout).id;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates against a profile file written by `genesis profile`', async () => {
    const prof = await run(['profile', a, '--out', at('a.profile.json')]);
    expect(prof.code, prof.stderr).toBe(0);
    const r = await run(['validate', b, '--profile', at('a.profile.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.reference).toMatchObject({ name: 'a', kind: 'utterances', itemCount: 80 });
    const intent = report.metrics.find((m: any) => m.id === 'realism.intent_jsd');
    expect(intent.verdict).not.toBe('not_computable');
    expect(intent.band).toBeDefined();
    // The table names the reference too.
    const table = await run(['validate', b, '--profile', at('a.profile.json')]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/report v2 against a:/);
  }, 120_000);

  it('rejects a bad profile file with exit 2, naming the file and the problem', async () => {
    const profile = JSON.parse(readFileSync(at('a.profile.json'), 'utf8'));
    writeFileSync(at('not-json.json'), '{ "format": ');
    writeFileSync(at('other.json'), JSON.stringify({ hello: 'world' }));
    writeFileSync(
      at('broken.json'),
      JSON.stringify({ ...profile, sketch: { ...profile.sketch, count: 3 } }),
    );
    const cases: Array<[string, RegExp]> = [
      [at('missing.json'), /cannot read the profile file .*missing\.json: no such file/],
      [at('not-json.json'), /the profile file .*not-json\.json is not valid JSON/],
      [at('other.json'), /the profile file .*other\.json is not a reference profile/],
      [
        at('broken.json'),
        /the profile file .*broken\.json: invalid text profile: sketch\.count is 3 but the signatures hold 80/,
      ],
      ['electricity', /the electricity profile describes timeseries, not utterances/],
      [
        'nope',
        /unknown profile "nope"; shipped: banking77, electricity, or the path of a profile file/,
      ],
    ];
    for (const [value, message] of cases) {
      const r = await run(['validate', b, '--profile', value]);
      expect(r.code, `${value}: ${r.stderr}`).toBe(2);
      expect(r.stderr, value).toMatch(message);
    }
  }, 240_000);

  it('compares both datasets against one reference and says which', async () => {
    // a's latest report is against Banking77, b's against a's profile file.
    expect((await run(['validate', a, '--profile', 'banking77', '--json'])).code).toBe(0);
    const first = await run(['compare', a, b, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const c1 = JSON.parse(first.stdout);
    expect(c1.reference).toMatchObject({
      key: 'profile:banking77',
      kind: 'shipped',
      source: 'a',
      revalidated: [Number(b)],
    });
    const memorisation = c1.metrics.find((m: any) => m.id === 'privacy.memorisation_rate');
    expect(memorisation.a.band).toEqual(memorisation.b.band);

    // Given a profile file: both are validated anew against it.
    const given = await run(['compare', a, b, '--profile', at('a.profile.json'), '--json']);
    expect(given.code, given.stderr).toBe(0);
    const c2 = JSON.parse(given.stdout);
    expect(c2.reference).toMatchObject({
      kind: 'file',
      source: 'given',
      name: 'a (a.profile.json)',
      revalidated: [Number(a), Number(b)],
    });
    expect(c2.reference.key).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Now both latest reports are against it: nothing to redo, and the table says what was used.
    const table = await run(['compare', a, b]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /Both measured against a \(a\.profile\.json\) \(the reference of the first dataset's latest report\)\n/,
    );

    const nope = await run(['compare', a, b, '--profile', 'nope']);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/unknown profile "nope"; shipped: banking77, electricity/);
    const wrongKind = await run(['compare', a, b, '--profile', 'electricity']);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toMatch(/describes timeseries, not utterances/);
  }, 240_000);
});
