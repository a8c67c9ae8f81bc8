import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchEmulator } from '@genesis/bedrock-emulator/batch/server';
import type { AnswerRequest } from '@genesis/bedrock-emulator/options';
import { judgeRequestOf } from '@genesis/bedrock-emulator/rubric-answer';
import type { Emulator } from '@genesis/bedrock-emulator/server';
import type { JudgeProgress } from '@genesis/schema/judge';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { JudgeManager, judgeManagerFor } from '../src/curation/judge.ts';
import { JudgeRunSchema } from '../src/curation/judge-run.entity.ts';
import { JudgeScoreSchema } from '../src/curation/judge-score.entity.ts';
import { answerLocally } from '../src/llm/local/answer.ts';
import { costOf, priceOf } from '../src/llm/prices.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { itemColumns } from '../src/registry/columns.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { startLocalBatchEmulator, startLocalEmulator } from './helpers/emulators.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

function cli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

/**
 * Utterances with known faults: on-topic English ones, Spanish text labelled English, and texts about another
 * intent than their label. The heuristic judge must rank the clean ones above the faulty ones.
 */
const UTTERANCES = [
  ...[
    'My new card still has not arrived, when will it get here?',
    'I ordered my card two weeks ago and it never showed up, where is it?',
    'How can I track the delivery of the card you sent me?',
    "I still haven't received my new card yet, is it on the way?",
  ].map((text) => ({ text, intent: 'card_arrival', language: 'en', fault: null })),
  ...[
    'Mi tarjeta nueva todavía no ha llegado, ¿cuándo llegará por favor?',
    'Pedí la tarjeta hace dos semanas y no ha llegado, ¿dónde está?',
  ].map((text) => ({ text, intent: 'card_arrival', language: 'en', fault: 'language' })),
  ...[
    'What is the exchange rate you use when I pay in euros abroad?',
    'Please tell me how to change my PIN number at a cash machine.',
  ].map((text) => ({ text, intent: 'card_arrival', language: 'en', fault: 'intent' })),
] as const;

async function seedUtterances(services: Services, name = 'judge me'): Promise<number> {
  const dataset = await services.datasets(services.em.fork()).createWithItems(
    { name, kind: 'utterances', origin: 'imported' },
    UTTERANCES.map((u, i) => {
      const data = { text: u.text, intent: u.intent, language: u.language };
      return { key: `u${i + 1}`, data, columns: itemColumns('utterances', data as never) };
    }),
  );
  return dataset.id;
}

describe.each(TEST_DATABASES)(
  'the LLM judge through the API on %s (local heuristic judge and Bedrock through the emulator)',
  (db) => {
    let s: TestServer;
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startLocalEmulator({ seed: 7 });
      s = await startTestServer(db, {
        GENESIS_BEDROCK_ENDPOINT: emulator.url,
        AWS_REGION: 'us-east-1',
      });
    });
    afterAll(async () => {
      await s?.close();
      await emulator?.stop();
    });

    const JUDGE = `mutation($id: ID!, $rubric: JudgeRubricInput) {
    judgeDataset(id: $id, rubric: $rubric) {
      __typename
      ... on MutationJudgeDatasetSuccess { data { id status planned estimateUsd } }
      ... on ValidationError { issues { path message } }
      ... on NotFoundError { message }
    }
  }`;

    it('scores every item once, ranks the faulty items lower, and streams progress to the end', async () => {
      const id = await seedUtterances(s.app.services);
      const estimate = await s.gql<any>(
        'query($id: ID!) { judgeEstimate(id: $id) { items toScore calls costUsd priced } }',
        { id: String(id) },
      );
      expect(estimate.data?.judgeEstimate).toMatchObject({
        items: UTTERANCES.length,
        toScore: UTTERANCES.length,
        calls: 2,
        costUsd: 0,
        priced: true,
      });

      const client = createClient({
        url: `${s.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      const started = await s.gql<any>(JUDGE, { id: String(id), rubric: { concurrency: 1 } });
      expect(started.data?.judgeDataset?.__typename, JSON.stringify(started)).toBe(
        'MutationJudgeDatasetSuccess',
      );
      const run = started.data.judgeDataset.data;
      const events: JudgeProgress[] = [];
      for await (const e of client.iterate<{ judgeProgress: JudgeProgress }>({
        query: `subscription($id: ID!) { judgeProgress(runId: $id) { status scored planned sequence } }`,
        variables: { id: run.id },
      })) {
        events.push(e.data!.judgeProgress);
      }
      await client.dispose();
      expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', scored: UTTERANCES.length });

      const scores = await s.app.services.em.fork().find(JudgeScoreSchema, { dataset: id });
      expect(scores).toHaveLength(UTTERANCES.length);
      const byKey = new Map(scores.map((x) => [x.itemKey, x]));
      UTTERANCES.forEach((u, i) => {
        const score = byKey.get(`u${i + 1}`)!;
        expect(score.agentQuality).toBeNull(); // utterances have no agent side
        for (const c of ['label_faithfulness', 'customer_naturalness', 'language_register'])
          expect(score.reasons[c]).toMatch(/\w/);
        if (u.fault === 'language') expect(score.languageRegister).toBeLessThanOrEqual(2);
        if (u.fault === 'intent') expect(score.labelFaithfulness).toBeLessThanOrEqual(2);
        if (u.fault === null) {
          expect(score.labelFaithfulness).toBeGreaterThanOrEqual(4);
          expect(score.languageRegister).toBe(5);
        }
      });

      // Judging again with the same judge asks nothing: every item is already scored.
      const again = await s.gql<any>(JUDGE, { id: String(id) });
      const rerun = again.data.judgeDataset.data;
      await judgeManagerFor(s.app.services, s.app.pubsub, s.config).wait(Number(rerun.id));
      const second = await s.app.services.em.fork().findOneOrFail(JudgeRunSchema, Number(rerun.id));
      expect(second).toMatchObject({ status: 'completed', calls: 0, scored: UTTERANCES.length });
      expect(await s.app.services.em.fork().count(JudgeScoreSchema, { dataset: id })).toBe(
        UTTERANCES.length,
      );

      // The summary on the Dataset type, and curation by judge score drops exactly the faulty items.
      const summary = await s.gql<any>(
        'query($id: ID!) { dataset(id: $id) { judgeSummary { items overall runs costUsd means { criterion mean } } } }',
        { id: String(id) },
      );
      expect(summary.data?.dataset?.judgeSummary).toMatchObject({
        items: UTTERANCES.length,
        runs: 2,
      });
      const curated = await s.gql<any>(
        `mutation($id: ID!) { curateDataset(id: $id, rules: { minJudgeScore: 4.2 }) {
        __typename ... on MutationCurateDatasetSuccess { data { kept dropped report } } } }`,
        { id: String(id) },
      );
      const faulty = UTTERANCES.filter((u) => u.fault !== null).length;
      expect(curated.data?.curateDataset?.data).toMatchObject({
        kept: UTTERANCES.length - faulty,
        dropped: faulty,
      });
      expect(curated.data.curateDataset.data.report.rules.judge_score.dropped).toBe(faulty);
    });

    it('judges through Bedrock (the real SDK against the emulator) and prices the tokens it used', async () => {
      const job = await s.app.generation.start({ kind: 'conversations', count: 12, seed: 4 });
      await s.app.generation.wait(job.id);
      const datasetId = (job.dataset as { id: number }).id;
      const before = emulator.stats().invocations;
      const started = await s.gql<any>(JUDGE, {
        id: String(datasetId),
        rubric: { model: MODEL, sample: 8, itemsPerCall: 3 },
      });
      expect(started.data?.judgeDataset?.__typename, JSON.stringify(started)).toBe(
        'MutationJudgeDatasetSuccess',
      );
      const run = started.data.judgeDataset.data;
      expect(run.planned).toBe(8);
      expect(run.estimateUsd).toBeGreaterThan(0);
      await judgeManagerFor(s.app.services, s.app.pubsub, s.config).wait(Number(run.id));
      const done = await s.app.services.em.fork().findOneOrFail(JudgeRunSchema, Number(run.id));
      expect(done).toMatchObject({ status: 'completed', scored: 8, failed: 0, calls: 3 });
      // Three judge calls, plus the provider check made before the run was created.
      expect(emulator.stats().invocations - before).toBeGreaterThanOrEqual(3);
      expect(done.costUsd).toBeCloseTo(
        costOf(priceOf(MODEL)!, {
          inputTokens: done.inputTokens,
          outputTokens: done.outputTokens,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        }),
        10,
      );
      const scores = await s.app.services.em.fork().find(JudgeScoreSchema, { run: done.id });
      expect(scores).toHaveLength(8);
      // Conversations have an agent side: every criterion is scored.
      for (const x of scores) expect(x.agentQuality).toBeGreaterThanOrEqual(1);
    });

    it('asks again for the items of a malformed or cut answer, and stores each once', async () => {
      const id = await seedUtterances(s.app.services, 'faulty model');
      // One call at a time, so the scripted faults meet the calls in a known order (the first answers the
      // provider check made before the run is created).
      emulator.reset({
        script: ['none', 'malformed', 'none', 'throttle', 'none', 'truncated', 'none'],
      });
      try {
        const started = await s.gql<any>(JUDGE, {
          id: String(id),
          rubric: { model: MODEL, sample: 6, itemsPerCall: 2, concurrency: 1 },
        });
        const runId = Number(started.data.judgeDataset.data.id);
        const result = await judgeManagerFor(s.app.services, s.app.pubsub, s.config).wait(runId);
        expect(result?.status, result?.message ?? '').toBe('completed');
        const done = await s.app.services.em.fork().findOneOrFail(JudgeRunSchema, runId);
        expect(done).toMatchObject({ scored: 6, failed: 0 });
        // Three chunks of two, plus the re-asks of the malformed and the truncated answers.
        expect(done.calls).toBeGreaterThanOrEqual(5);
        expect(await s.app.services.em.fork().count(JudgeScoreSchema, { run: runId })).toBe(6);
      } finally {
        emulator.reset({ script: [] });
      }
    });

    it('refuses bad input with located errors, and a run over its budget before any call', async () => {
      const id = await seedUtterances(s.app.services, 'bad inputs');
      const issues = async (rubric: Record<string, unknown>, datasetId = String(id)) =>
        (await s.gql<any>(JUDGE, { id: datasetId, rubric })).data?.judgeDataset;
      expect(await issues({}, '99999')).toMatchObject({ __typename: 'NotFoundError' });
      expect(await issues({ sample: 0 })).toMatchObject({
        __typename: 'ValidationError',
        issues: [{ path: 'rubric.sample', message: expect.stringMatching(/at least 1/) }],
      });
      expect(await issues({ mode: 'BATCH' })).toMatchObject({
        issues: [{ path: 'rubric.mode', message: expect.stringMatching(/Bedrock batch/) }],
      });
      const badMode = await s.gql<any>(JUDGE, { id: String(id), rubric: { mode: 'FAST' } });
      expect(badMode.errors?.[0]?.message).toMatch(/JudgeMode/);
      const calls = emulator.stats().invocations;
      const over = await issues({ model: MODEL, budgetUsd: 0.000001 });
      expect(over).toMatchObject({
        __typename: 'ValidationError',
        issues: [{ path: 'rubric.budgetUsd', message: expect.stringMatching(/over the budget/) }],
      });
      expect(emulator.stats().invocations).toBe(calls);
      expect(await s.app.services.em.fork().count(JudgeRunSchema, { dataset: id })).toBe(0);
    });
  },
);

describe('genesis judge (CLI), killed and resumed', () => {
  let emulator: Emulator;
  let dir: string;
  /** Every item id the emulator was asked to judge, in order (a repeat is a second paid judgement). */
  const asked: string[] = [];
  beforeAll(async () => {
    emulator = await startLocalEmulator({
      latency: { minMs: 60, maxMs: 120 },
      seed: 2,
      answer: (request: AnswerRequest) => {
        for (const item of judgeRequestOf(request.messages)?.items ?? []) asked.push(item.id);
        return answerLocally(request);
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'genesis-judge-'));
  });
  afterAll(async () => {
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects bad flags with the flag named, and judges with --json', async () => {
    const env = { GENESIS_DB: join(dir, 'flags.sqlite') };
    const services = await initORM({ type: 'sqlite', path: env.GENESIS_DB });
    const id = await seedUtterances(services);
    await services.close();
    const mode = await cli(['judge', String(id), '--mode', 'fast'], env).done;
    expect(mode.code).toBe(2);
    expect(mode.err).toMatch(/--mode.*fast.*on_demand, batch/);
    const sample = await cli(['judge', String(id), '--sample', '0'], env).done;
    expect(sample.code).toBe(2);
    expect(sample.err).toMatch(/--sample must be between 1/);
    const unknown = await cli(['judge', '999'], env).done;
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/999/);
    const batch = await cli(['judge', String(id), '--mode', 'batch'], env).done;
    expect(batch.code).toBe(2);
    expect(batch.err).toMatch(/--mode: batch mode is Bedrock batch inference/);
    const ok = await cli(['judge', String(id), '--json'], env).done;
    expect(ok.code, ok.err).toBe(0);
    const result = JSON.parse(ok.out);
    expect(result).toMatchObject({ status: 'completed', scored: UTTERANCES.length, failed: 0 });
    expect(result.summary.items).toBe(UTTERANCES.length);
    const curate = await cli(['curate', String(id), '--min-judge-score', '4.2', '--json'], env)
      .done;
    expect(curate.code, curate.err).toBe(0);
    expect(JSON.parse(curate.out).rules.judge_score.dropped).toBe(
      UTTERANCES.filter((u) => u.fault !== null).length,
    );
  }, 240_000);

  it('a killed run resumes to every planned item scored once, nothing judged twice but what was in flight', async () => {
    const db = join(dir, 'kill.sqlite');
    const env = {
      GENESIS_DB: db,
      GENESIS_BEDROCK_ENDPOINT: emulator.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    };
    const gen = await cli(['generate', '--kind', 'conversations', '--count', '40', '--json'], env)
      .done;
    expect(gen.code, gen.err).toBe(0);
    const datasetId = JSON.parse(gen.out.slice(gen.out.indexOf('{'))).datasetId;
    asked.length = 0;
    const concurrency = 2;
    const first = cli(
      [
        'judge',
        String(datasetId),
        '--model',
        MODEL,
        '--items-per-call',
        '2',
        '--concurrency',
        String(concurrency),
        '--json',
      ],
      env,
    );
    const services = await initORM({ type: 'sqlite', path: db });
    try {
      const stored = () => services.em.fork().count(JudgeScoreSchema, {});
      await expect.poll(stored, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(8);
      first.child.kill('SIGKILL');
      expect((await first.done).code).toBeNull();
      const before = await stored();
      expect(before).toBeLessThan(40);
      const run = await services.em.fork().findOneOrFail(JudgeRunSchema, { id: { $gt: 0 } });
      expect(run.status).toBe('running');

      const second = await cli(['judge', '--resume', String(run.id), '--json'], env).done;
      expect(second.code, second.err).toBe(0);
      expect(JSON.parse(second.out)).toMatchObject({
        status: 'completed',
        scored: 40,
        planned: 40,
      });
      const scores = await services.em.fork().find(JudgeScoreSchema, { run: run.id });
      expect(new Set(scores.map((x) => x.itemKey)).size).toBe(40);
      expect(scores).toHaveLength(40);
      // Only the calls in flight at the kill (at most `concurrency` calls of 2 items) were asked again.
      const counts = new Map<string, number>();
      for (const k of asked) counts.set(k, (counts.get(k) ?? 0) + 1);
      const twice = [...counts.values()].filter((n) => n > 1).length;
      expect(counts.size).toBe(40);
      expect(twice).toBeLessThanOrEqual(concurrency * 2);
      expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
      const done = await services.em.fork().findOneOrFail(JudgeRunSchema, run.id);
      expect(done.costUsd).toBeGreaterThan(0);
      expect(done.outputTokens).toBeLessThanOrEqual(emulator.stats().tokensOut);
    } finally {
      first.child.kill('SIGKILL');
      await services.close();
    }
  }, 240_000);
});

describe('the LLM judge in Bedrock batch mode', () => {
  let batch: BatchEmulator;
  let onDemand: Emulator;
  let temp: TempDatabase;
  let services: Services;
  beforeAll(async () => {
    batch = await startLocalBatchEmulator({ minRecordsPerJob: 10, seed: 3 });
    onDemand = await startLocalEmulator({ seed: 5 });
    temp = await createTempSqlite();
    services = await initORM(temp.db);
  });
  afterAll(async () => {
    await services?.close();
    await temp?.drop();
    await batch?.stop();
    await onDemand?.stop();
  });

  it('scores through batch jobs at half the on-demand price', async () => {
    const server = loadConfig({
      AWS_REGION: 'us-east-1',
      GENESIS_BEDROCK_ENDPOINT: onDemand.url,
      GENESIS_BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/genesis-batch',
      GENESIS_BATCH_INPUT_URI: 's3://genesis-in/judge/',
      GENESIS_BATCH_OUTPUT_URI: 's3://genesis-out/judge/',
      GENESIS_BATCH_ENDPOINT: batch.url,
      GENESIS_BATCH_POLL_MS: '50',
      GENESIS_BATCH_MIN_RECORDS: '10',
    });
    const datasetId = await seedUtterances(services);
    const more = await services.datasets(services.em.fork()).createWithItems(
      { name: 'batch judge', kind: 'utterances', origin: 'imported' },
      Array.from({ length: 30 }, (_, i) => {
        const data = {
          text: `My card number ${i} has not arrived yet, where is it?`,
          intent: 'card_arrival',
          language: 'en',
        };
        return { key: `b${i}`, data, columns: itemColumns('utterances', data as never) };
      }),
    );
    expect(datasetId).toBeGreaterThan(0);
    const manager = new JudgeManager(services, createAppPubSub(), server);
    const { run, estimate } = await manager.start(more.id, {
      model: MODEL,
      mode: 'batch',
      itemsPerCall: 2,
    });
    const onDemandEstimate = await manager.estimate(more.id, { model: MODEL, itemsPerCall: 2 });
    expect(estimate.note).toBeNull();
    expect(estimate.costUsd).toBeCloseTo(onDemandEstimate.costUsd / 2, 10);
    const calls = onDemand.stats().invocations;
    const result = await manager.wait(run.id);
    expect(result?.status, result?.message ?? '').toBe('completed');
    expect(onDemand.stats().invocations).toBe(calls); // nothing went on demand
    const done = await services.em.fork().findOneOrFail(JudgeRunSchema, run.id);
    expect(done).toMatchObject({ scored: 30, failed: 0, batchJobs: null });
    expect(done.costUsd).toBeGreaterThan(0);
    expect(done.costUsd).toBeCloseTo(
      costOf(priceOf(MODEL)!, {
        inputTokens: done.inputTokens,
        outputTokens: done.outputTokens,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      }) / 2,
      10,
    );
    expect(await services.em.fork().count(JudgeScoreSchema, { dataset: more.id })).toBe(30);
  });
});
