import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadFile } from '@huggingface/hub';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { generateConversations, type HubApp, READ, startHubApp, WRITE } from './helpers/hub.ts';
import type { HubServer } from './support/hub-server.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `genesis` CLI in a child process against the given database. */
function genesis(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/main.ts', ...args],
      {
        cwd: SERVER_DIR,
        env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1', HF_TOKEN: '', ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const PUSH = `mutation($id: ID!, $repo: String!, $revision: String, $message: String) {
  pushDataset(id: $id, repo: $repo, revision: $revision, message: $message) {
    __typename
    ... on MutationPushDatasetSuccess { data { repo created commitOid itemCount previousItemCount summary files { path change } } }
    ... on HubPushError { reason status message }
    ... on ValidationError { issues { path message } }
  }
}`;

/** The card's YAML header, parsed. */
function cardHeader(card: string): Record<string, any> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(card);
  expect(m, 'the card starts with a YAML header').not.toBeNull();
  return YAML.parse(m![1]!) as Record<string, any>;
}

/** The Hub `datasets` dtype a Parquet leaf is read as. */
function dtypeOf(el: { type?: string; converted_type?: string }): string {
  if (el.converted_type === 'TIMESTAMP_MILLIS') return 'timestamp[ms]';
  if (el.type === 'BYTE_ARRAY') return 'string';
  if (el.type === 'INT32') return 'int32';
  if (el.type === 'DOUBLE') return 'float64';
  return `unknown ${el.type}`;
}

/** The card's features, rebuilt from the Parquet file's own schema. */
function featuresFromParquet(file: ArrayBuffer): unknown[] {
  const tree = parquetSchema(parquetMetadata(file));
  return tree.children.map((c) => {
    if (c.element.converted_type === 'LIST') {
      const struct = c.children[0]!.children[0]!;
      return {
        name: c.element.name,
        list: struct.children.map((f) => ({ name: f.element.name, dtype: dtypeOf(f.element) })),
      };
    }
    return { name: c.element.name, dtype: dtypeOf(c.element) };
  });
}

// The CLI test spawns tsx eight times: minutes on a loaded machine.
describe('push to a Hub-compatible server', { timeout: 300_000 }, () => {
  let fixture: HubApp;
  let hub: HubServer;
  let s: TestServer;
  let dir: string;
  let datasetId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-push-'));
    fixture = await startHubApp({ env: { GENESIS_DB: join(dir, 'push.sqlite') } });
    ({ hub, s } = fixture);
    // The local provider finishes 12 items quickly.
    datasetId = await generateConversations(s, 12, 7);
    const validated = await s.gql<any>(
      `mutation($id: ID!) { validateDataset(input: { datasetId: $id, profile: "banking77" }) { __typename } }`,
      { id: datasetId },
    );
    expect(validated.errors).toBeUndefined();
  });
  afterAll(async () => {
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pushes over GraphQL: Parquet with nested turns equal to the dataset, a card whose features match it', async () => {
    const r = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/banking-conversations' });
    expect(r.errors).toBeUndefined();
    expect(r.data.pushDataset.__typename).toBe('MutationPushDatasetSuccess');
    const pushed = r.data.pushDataset.data;
    expect(pushed).toMatchObject({
      repo: 'alice/banking-conversations',
      created: true,
      itemCount: 12,
    });
    expect(pushed.commitOid).toMatch(/^[0-9a-f]{40}$/);

    const commits = hub.commits('alice/banking-conversations');
    expect(commits).toHaveLength(2); // the repo's creation, then the push
    const last = commits.at(-1)!;
    expect(last.operations).toContainEqual({
      path: 'data/train-00000-of-00001.parquet',
      op: 'lfs',
    });
    expect(last.operations.map((o) => o.path).sort()).toEqual([
      'README.md',
      'data/train-00000-of-00001.parquet',
      'genesis/generation-config.json',
      'genesis/lineage.json',
      'genesis/validation-report.json',
    ]);

    // Read the pushed file back through the real client, and compare every row with the registry's items.
    const blob = await downloadFile({
      repo: { type: 'dataset', name: 'alice/banking-conversations' },
      path: 'data/train-00000-of-00001.parquet',
      hubUrl: hub.url,
      accessToken: WRITE,
    });
    const file = await blob!.arrayBuffer();
    const rows = (await parquetReadObjects({ file })) as Record<string, any>[];
    const items = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { items(first: 50) { edges { node { data } } } } }',
      { id: datasetId },
    );
    expect(items.errors).toBeUndefined();
    const data = items.data.dataset.items.edges.map((e: { node: { data: any } }) => e.node.data);
    expect(rows).toHaveLength(12);
    const byId = new Map(rows.map((row) => [row.conversation_id, row]));
    for (const item of data) {
      const row = byId.get(item.conversation_id)!;
      expect(row, item.conversation_id).toBeDefined();
      // Nested: a list of {speaker, text} records, not a JSON string.
      expect(Array.isArray(row.turns)).toBe(true);
      expect(row.turns).toEqual(item.turns);
      expect(row).toMatchObject({
        intent: item.intent,
        category: item.category,
        language: item.language,
        turn_count: item.turn_count,
        resolution_status: item.resolution_status,
      });
      expect(row.generation).toEqual(item.generation);
    }

    const card = new TextDecoder().decode(hub.file('alice/banking-conversations', 'README.md'));
    const header = cardHeader(card);
    expect(header.dataset_info.features).toEqual(featuresFromParquet(file));
    expect(header.configs).toEqual([
      { config_name: 'default', data_files: [{ split: 'train', path: 'data/train-*' }] },
    ]);
    expect(header.dataset_info.splits).toEqual([
      { name: 'train', num_bytes: file.byteLength, num_examples: 12 },
    ]);
    expect(header.tags).toContain('synthetic');
    expect(header.task_categories).toEqual(['text-classification']);
    expect(header.size_categories).toEqual(['n<1K']);
    expect(header.language.length).toBeGreaterThan(0);
    expect(['en', 'es']).toEqual(expect.arrayContaining(header.language));
    expect(card).toMatch(/### Generation config/);
    expect(card).toMatch(/\*\*Verdict: /);
    const report = JSON.parse(
      new TextDecoder().decode(
        hub.file('alice/banking-conversations', 'genesis/validation-report.json'),
      ),
    );
    expect(report.verdict).toMatch(/\w+/);
    const lineage = JSON.parse(
      new TextDecoder().decode(hub.file('alice/banking-conversations', 'genesis/lineage.json')),
    );
    expect(lineage.dataset).toMatchObject({ id: datasetId, origin: 'generated', itemCount: 12 });
  });

  it('makes no commit when pushing unchanged content, and says what changed after a change', async () => {
    const before = hub.commits('alice/banking-conversations').length;
    const again = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/banking-conversations' });
    const data = again.data.pushDataset.data;
    expect(data.commitOid).toBeNull();
    expect(data.files.every((f: { change: string }) => f.change === 'UNCHANGED')).toBe(true);
    expect(data.summary).toMatch(/nothing changed/);
    expect(hub.commits('alice/banking-conversations')).toHaveLength(before);

    // A rename changes the card and the lineage, not the data.
    const renamed = await s.gql<any>(
      'mutation($id: ID!) { renameDataset(id: $id, name: "banking v2") { __typename } }',
      { id: datasetId },
    );
    expect(renamed.errors).toBeUndefined();
    const changed = await s.gql<any>(PUSH, {
      id: datasetId,
      repo: 'alice/banking-conversations',
      message: 'rename',
    });
    const c = changed.data.pushDataset.data;
    expect(c.commitOid).not.toBeNull();
    const byPath = Object.fromEntries(
      c.files.map((f: { path: string; change: string }) => [f.path, f.change]),
    );
    expect(byPath).toMatchObject({
      'README.md': 'CHANGED',
      'genesis/lineage.json': 'CHANGED',
      'data/train-00000-of-00001.parquet': 'UNCHANGED',
    });
    expect(c.summary).toMatch(/README\.md changed/);
    const last = hub.commits('alice/banking-conversations').at(-1)!;
    expect(last.title).toBe('rename');
    expect(last.operations.map((o) => o.path).sort()).toEqual([
      'README.md',
      'genesis/lineage.json',
    ]);
  });

  it('pushes from the CLI with --json, and refuses clearly without a token, with a bad token, without write access or repo', async () => {
    const db = join(dir, 'push.sqlite');
    const env = { HF_ENDPOINT: hub.url, HF_TOKEN: WRITE };
    const ok = await genesis(
      [
        'push',
        datasetId,
        '--repo',
        'alice/from-cli',
        '--private',
        '--message',
        'first',
        '--json',
        '--db',
        db,
      ],
      env,
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({
      ok: true,
      repo: 'alice/from-cli',
      created: true,
      private: true,
      itemCount: 12,
      changes: { added: 5, changed: 0, unchanged: 0, deleted: 0 },
    });
    // The push is recorded in the registry, and the JSON says which record.
    expect(out.record.id).toEqual(expect.any(Number));
    expect(Number.isNaN(Date.parse(out.record.at))).toBe(false);
    expect(hub.repos.get('alice/from-cli')?.private).toBe(true);
    expect(hub.commits('alice/from-cli').at(-1)?.title).toBe('first');

    const again = await genesis(['push', datasetId, '--repo', 'alice/from-cli', '--db', db], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing changed, no commit made/);
    expect(again.stdout).toMatch(/\(private\); recorded as push \d+/);
    expect(hub.commits('alice/from-cli')).toHaveLength(2);

    // --public on the existing private repo goes through its settings; nothing else changes, no commit.
    const opened = await genesis(
      ['push', datasetId, '--repo', 'alice/from-cli', '--public', '--json', '--db', db],
      env,
    );
    expect(opened.code).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({
      private: false,
      visibilityChanged: true,
      commit: null,
    });
    expect(hub.repos.get('alice/from-cli')?.private).toBe(false);
    expect(hub.commits('alice/from-cli')).toHaveLength(2);

    const noToken = await genesis(['push', datasetId, '--repo', 'alice/x', '--db', db], {
      HF_ENDPOINT: hub.url,
    });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/HF_TOKEN is not set/);

    const badToken = await genesis(['push', datasetId, '--repo', 'alice/x', '--json', '--db', db], {
      HF_ENDPOINT: hub.url,
      HF_TOKEN: 'hf_not_a_real_token_000',
    });
    expect(badToken.code).toBe(1);
    const bad = JSON.parse(badToken.stdout);
    expect(bad).toMatchObject({ ok: false, reason: 'UNAUTHORIZED', status: 401 });
    expect(bad.error).toMatch(/refused HF_TOKEN \(401\)/);
    // The token is never echoed.
    expect(badToken.stdout + badToken.stderr).not.toContain('hf_not_a_real_token_000');

    hub.createRepo('alice/empty');
    const readOnly = await genesis(['push', datasetId, '--repo', 'alice/empty', '--db', db], {
      HF_ENDPOINT: hub.url,
      HF_TOKEN: READ,
    });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/may not write to alice\/empty \(403\)/);

    const otherNamespace = await genesis(
      ['push', datasetId, '--repo', 'bob/data', '--db', db],
      env,
    );
    expect(otherNamespace.code).toBe(1);
    expect(otherNamespace.stderr).toMatch(
      /bob\/data does not exist and HF_TOKEN may not create it/,
    );

    const badRepo = await genesis(['push', datasetId, '--repo', 'no-slash', '--db', db], env);
    expect(badRepo.code).toBe(2);
    expect(badRepo.stderr).toMatch(/must be OWNER\/NAME/);
  });

  it('answers GraphQL failures as data: missing branch, unreachable Hub, bad arguments', async () => {
    const branch = await s.gql<any>(PUSH, {
      id: datasetId,
      repo: 'alice/banking-conversations',
      revision: 'no-such-branch',
    });
    expect(branch.data.pushDataset).toMatchObject({
      __typename: 'HubPushError',
      reason: 'REVISION_NOT_FOUND',
    });
    expect(branch.data.pushDataset.message).toMatch(/branch "no-such-branch" does not exist/);

    const invalid = await s.gql<any>(PUSH, { id: datasetId, repo: 'a/b/c' });
    expect(invalid.data.pushDataset.__typename).toBe('ValidationError');
    expect(invalid.data.pushDataset.issues[0].path).toBe('repo');

    const down = await startTestServer('sqlite', {
      HF_ENDPOINT: 'http://127.0.0.1:9',
      HF_TOKEN: WRITE,
    });
    try {
      const imported = await down.upload<any>(
        'mutation($file: File!) { importDataset(file: $file, kind: UTTERANCES) { __typename ... on MutationImportDatasetSuccess { data { id } } } }',
        {},
        { name: 'u.csv', content: 'text,intent\nwhere is my card?,card_arrival\n' },
      );
      const id = imported.body.data!.importDataset.data.id;
      const r = await down.gql<any>(PUSH, { id, repo: 'alice/x' });
      expect(r.data.pushDataset).toMatchObject({ __typename: 'HubPushError', reason: 'NETWORK' });
      expect(r.data.pushDataset.message).toMatch(/cannot reach the Hub at http:\/\/127\.0\.0\.1:9/);
    } finally {
      await down.close();
    }
  });
});

describe.each(TEST_DATABASES)('push of time series on %s', { timeout: 120_000 }, (kind) => {
  let fixture: HubApp;
  let hub: HubServer;
  let s: TestServer;
  beforeAll(async () => {
    fixture = await startHubApp({ kind });
    ({ hub, s } = fixture);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('pushes the long format with timestamps, and a card whose features match the file', async () => {
    const csv = `series_id,timestamp,value\n${Array.from({ length: 48 }, (_, i) => {
      const hour = String(Math.floor(i / 2)).padStart(2, '0');
      return `${i % 2 === 0 ? 'a' : 'b'},2024-03-01T${hour}:00:00Z,${i + 0.5}`;
    }).join('\n')}\n`;
    const imported = await s.upload<any>(
      `mutation($file: File!) { importDataset(file: $file, kind: TIMESERIES, seriesType: "residential_consumption") {
        __typename ... on MutationImportDatasetSuccess { data { id itemCount } } ... on Error { message } } }`,
      {},
      { name: 'series.csv', content: csv },
    );
    const result = imported.body.data!.importDataset;
    expect(result.__typename, result.message).toBe('MutationImportDatasetSuccess');
    const pushed = await s.gql<any>(PUSH, { id: result.data.id, repo: 'alice/series' });
    expect(pushed.data.pushDataset.__typename).toBe('MutationPushDatasetSuccess');
    expect(pushed.data.pushDataset.data.itemCount).toBe(2);

    const bytes = hub.file('alice/series', 'data/train-00000-of-00001.parquet')!;
    const file = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer;
    const rows = (await parquetReadObjects({ file })) as Record<string, any>[];
    expect(rows).toHaveLength(48);
    const a = rows.filter((r) => r.series_id === 'a');
    expect(a.map((r) => r.value)).toEqual(Array.from({ length: 24 }, (_, i) => 2 * i + 0.5));
    expect(a[1]!.timestamp).toEqual(new Date('2024-03-01T01:00:00Z'));
    const header = cardHeader(new TextDecoder().decode(hub.file('alice/series', 'README.md')));
    expect(header.dataset_info.features).toEqual(featuresFromParquet(file));
    expect(header.dataset_info.features).toContainEqual({
      name: 'timestamp',
      dtype: 'timestamp[ms]',
    });
    expect(header.task_categories).toEqual(['time-series-forecasting']);
    expect(header.tags).not.toContain('synthetic');
    // Imported data has no generation job or report: neither file is pushed.
    expect(hub.file('alice/series', 'genesis/generation-config.json')).toBeUndefined();
    expect(hub.file('alice/series', 'genesis/validation-report.json')).toBeUndefined();
  });
});
