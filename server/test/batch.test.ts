import {
  BedrockClient,
  StopModelInvocationJobCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { S3Client } from '@aws-sdk/client-s3';
import type { BatchEmulatorOptions } from '@genesis/bedrock-emulator/batch/options';
import type { BatchEmulator } from '@genesis/bedrock-emulator/batch/server';
import type { AnswerRequest } from '@genesis/bedrock-emulator/options';
import { getIntent } from '@genesis/schema/catalog/intents';
import type { ConversationSlot } from '@genesis/schema/request';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BatchEngine,
  type BatchEngineOptions,
  BatchError,
  type BatchProgress,
  type BatchResult,
  runBatch,
  splitIntoJobs,
  splitIntoRecords,
} from '../src/generation/batch/engine.ts';
import { priceOf } from '../src/llm/prices.ts';
import { startLocalBatchEmulator } from './helpers/emulators.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatchRole';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const INTENTS = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card'];

function slots(n: number): ConversationSlot[] {
  return Array.from({ length: n }, (_, i) => {
    const intent = INTENTS[i % INTENTS.length]!;
    return {
      slot: `s${i}`,
      intent,
      category: getIntent(intent)!.category,
      language: i % 2 ? 'es' : 'en',
      sentiment: 'neutral',
      complexity: 'simple',
      turns: 2,
      resolution: 'resolved',
    };
  });
}

let emulator: BatchEmulator | null = null;

async function setup(options: BatchEmulatorOptions = {}) {
  emulator = await startLocalBatchEmulator(options);
  const bedrock = new BedrockClient({ region: 'us-east-1', endpoint: emulator.url, credentials });
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials,
    forcePathStyle: true,
  });
  const engineOptions = (over: Partial<BatchEngineOptions> = {}): BatchEngineOptions => ({
    bedrock,
    s3,
    modelId: MODEL,
    roleArn: ROLE,
    inputUri: 's3://genesis-in/batch/',
    outputUri: 's3://genesis-out/results/',
    jobNamePrefix: 'genesis-job1',
    minRecordsPerJob: options.minRecordsPerJob,
    maxRecordsPerJob: options.maxRecordsPerJob,
    poll: { initialMs: 2, factor: 1.5, maxMs: 20 },
    ...over,
  });
  return { emulator, bedrock, s3, engineOptions };
}

afterEach(async () => {
  await emulator?.stop();
  emulator = null;
});

/** Every planned slot exactly once: accepted, rejected (with a reason) or failed (with a reason). */
function expectNoLossNoDuplicates(result: BatchResult, planned: ConversationSlot[]) {
  const ids = [...result.outcomes.map((o) => o.slot), ...result.failed.map((f) => f.slot.slot)];
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual(planned.map((s) => s.slot).sort());
  const retry = result.retry.map((s) => s.slot).sort();
  const notAccepted = [
    ...result.outcomes.filter((o) => !o.ok).map((o) => o.slot),
    ...result.failed.map((f) => f.slot.slot),
  ].sort();
  expect(retry).toEqual(notAccepted);
}

describe('batch engine against the emulator (real AWS SDK clients)', () => {
  it('runs 200 slots: every slot is accepted or returned for retry, at half the on-demand price', async () => {
    const { emulator, engineOptions } = await setup({
      faults: { failedRecords: 0.1 },
      inProgressMs: 10,
    });
    const planned = slots(200);
    const progress: BatchProgress[] = [];
    const result = await runBatch(planned, engineOptions({ onProgress: (p) => progress.push(p) }));

    expectNoLossNoDuplicates(result, planned);
    // 200 slots at 5 a record would be 40 records, under the minimum of 100: 2 a record instead.
    expect(result.jobs).toHaveLength(1);
    expect(result.jobs[0]).toMatchObject({ status: 'PartiallyCompleted', totalRecordCount: 100 });
    const failedRecords = result.jobs[0]!.errorRecordCount;
    expect(failedRecords).toBeGreaterThan(0);
    expect(result.failed).toHaveLength(failedRecords * 2);
    expect(result.failed[0]!.reason).toMatch(/^the batch record failed \(500\): /);
    const accepted = result.outcomes.filter((o) => o.ok);
    expect(accepted.length).toBeGreaterThan(150);
    const item = accepted[0]!.ok ? accepted[0]!.item : null;
    expect(item?.generation?.provider).toBe('bedrock-batch');

    const price = priceOf(MODEL)!;
    const onDemand =
      (result.usage.inputTokens * price.input + result.usage.outputTokens * price.output) / 1e6;
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.cost).toBeCloseTo(onDemand / 2, 10);

    expect(progress.at(-1)).toMatchObject({
      status: 'PartiallyCompleted',
      recordsSubmitted: 100,
      recordsFailed: failedRecords,
      recordsCompleted: 100 - failedRecords,
    });
    expect(emulator.stats().bedrock.jobsCreated).toBe(1);
  });

  it('writes Bedrock-shaped input and reads the output layout: <output>/<jobId>/records.jsonl.out', async () => {
    const { emulator, engineOptions } = await setup({ minRecordsPerJob: 2 });
    const result = await runBatch(slots(4), engineOptions({ slotsPerRecord: 2 }));
    const jobId = result.jobArns[0]!.split('/').at(-1)!;
    expect(result.jobArns[0]).toMatch(
      /^arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]{12}$/,
    );
    // Named <prefix>-<hash of the slots>-<n>: the same slots give the same name after a restart.
    const [key] = emulator.store.list('genesis-in', 'batch/');
    expect(key).toMatch(/^batch\/genesis-job1-[0-9a-f]{10}-1\/records\.jsonl$/);
    const input = emulator.store.get('genesis-in', key!)!;
    const lines = input.body
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      recordId: 'R0000000001',
      modelInput: { messages: [{ role: 'user' }], inferenceConfig: { temperature: 0.9 } },
    });
    expect(emulator.store.list('genesis-out', `results/${jobId}/`)).toEqual([
      `results/${jobId}/manifest.json.out`,
      `results/${jobId}/records.jsonl.out`,
    ]);
    const manifest = JSON.parse(
      emulator.store.get('genesis-out', `results/${jobId}/manifest.json.out`)!.body.toString(),
    );
    expect(manifest).toMatchObject({
      totalRecordCount: 2,
      processedRecordCount: 2,
      successRecordCount: 2,
      errorRecordCount: 0,
    });
    expect(result.usage.inputTokens).toBe(manifest.inputTokenCount);
  });

  it('splits records into several jobs within the min and max records per job', async () => {
    const { emulator, engineOptions } = await setup({ minRecordsPerJob: 10, maxRecordsPerJob: 30 });
    const planned = slots(200);
    const result = await runBatch(planned, engineOptions({ slotsPerRecord: 4 }));
    expectNoLossNoDuplicates(result, planned);
    // 50 records, at most 30 a job: two jobs of 25.
    expect(result.jobs.map((j) => j.totalRecordCount)).toEqual([25, 25]);
    expect(result.jobs.every((j) => j.status === 'Completed')).toBe(true);
    expect(emulator.stats().bedrock.jobsCreated).toBe(2);
    expect(splitIntoJobs(50, 10, 30)).toEqual([25, 25]);
    expect(splitIntoJobs(61, 10, 30)).toEqual([21, 20, 20]);
    // No split of 160 keeps every job within 100..150: one full job, 10 records left for on-demand.
    expect(splitIntoJobs(160, 100, 150)).toEqual([150]);
    expect(splitIntoJobs(99, 100, 150)).toEqual([]);
    expect(splitIntoRecords(slots(200), 5, 100).map((r) => r.length)).toEqual(Array(100).fill(2));
  });

  it('returns records left out by the job limits for on-demand retry', async () => {
    const { engineOptions } = await setup({ minRecordsPerJob: 10, maxRecordsPerJob: 15 });
    const planned = slots(16);
    const result = await runBatch(planned, engineOptions({ slotsPerRecord: 1 }));
    expectNoLossNoDuplicates(result, planned);
    expect(result.jobs.map((j) => j.totalRecordCount)).toEqual([15]);
    expect(result.failed).toEqual([
      { slot: planned[15], reason: 'left out of the batch by the per-job record limits' },
    ]);
  });

  it('returns every slot of a failed job for retry, with the job message', async () => {
    const { engineOptions } = await setup({
      minRecordsPerJob: 10,
      maxRecordsPerJob: 20,
      jobScript: ['fail', 'ok'],
    });
    const planned = slots(40);
    const result = await runBatch(planned, engineOptions({ slotsPerRecord: 1 }));
    expectNoLossNoDuplicates(result, planned);
    expect(result.jobs.map((j) => j.status)).toEqual(['Failed', 'Completed']);
    // Records are grouped by language (a record gets its language's system prompt), English first: the failed
    // first job held the first 20 slots of that order.
    const ordered = [...planned].sort((a, b) => a.language.localeCompare(b.language));
    expect(result.failed.map((f) => f.slot.slot)).toEqual(ordered.slice(0, 20).map((s) => s.slot));
    expect(result.failed[0]!.reason).toBe(
      'the batch job ended Failed (The job failed because of an internal error. Try again.) without an answer for this record',
    );
  });

  it('returns rejected slots with the parse reason, for a re-ask on demand', async () => {
    const wrongIntentForEven = ({ slotRequest }: AnswerRequest) =>
      JSON.stringify({
        conversations: (slotRequest?.task === 'conversations' ? slotRequest.slots : []).map(
          (s) => ({
            slot: s.slot,
            intent: Number(s.slot.slice(1)) % 2 === 0 ? 'top_up_failed' : s.intent,
            language: 'en',
            turns: [
              { speaker: 'customer', text: 'Where is my card? It has not arrived yet.' },
              { speaker: 'agent', text: 'It was sent on Monday and arrives tomorrow.' },
            ],
          }),
        ),
      });
    const { engineOptions } = await setup({ minRecordsPerJob: 2, answer: wrongIntentForEven });
    const planned = slots(6).map((s) => ({ ...s, language: 'en' as const }));
    const result = await runBatch(planned, engineOptions({ slotsPerRecord: 3 }));
    expectNoLossNoDuplicates(result, planned);
    const rejected = result.outcomes.filter((o) => !o.ok);
    expect(rejected.map((o) => o.slot)).toEqual(['s0', 's2', 's4']);
    expect(rejected[0]).toMatchObject({
      reason: 'asked for intent card_arrival, got top_up_failed',
    });
    expect(result.retry.map((s) => s.slot).sort()).toEqual(['s0', 's2', 's4']);
  });

  it('stop() stops the running jobs; what they did not answer comes back for retry', async () => {
    const { bedrock, engineOptions } = await setup({ minRecordsPerJob: 5, inProgressMs: 60_000 });
    const planned = slots(10);
    let engine: BatchEngine | null = null;
    engine = new BatchEngine(
      engineOptions({
        slotsPerRecord: 1,
        onProgress: (p) => {
          if (p.status === 'InProgress') void engine?.stop();
        },
      }),
    );
    const result = await engine.run(planned);
    expectNoLossNoDuplicates(result, planned);
    expect(result.jobs[0]!.status).toBe('Stopped');
    expect(result.failed.length).toBeGreaterThan(0);
    expect(result.failed[0]!.reason).toMatch(/^the batch job ended Stopped \(The job was stopped/);
    // A second stop of an ended job is refused by Bedrock.
    await expect(
      bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: result.jobArns[0] })),
    ).rejects.toThrow(ValidationException);
  });

  it('re-attaches after a restart to the stored job ARNs without submitting new jobs', async () => {
    const { emulator, engineOptions } = await setup({
      minRecordsPerJob: 10,
      maxRecordsPerJob: 20,
      inProgressMs: 30,
    });
    const planned = slots(40);
    const stored: string[] = [];
    const controller = new AbortController();
    const first = new BatchEngine(
      engineOptions({
        slotsPerRecord: 1,
        signal: controller.signal,
        onJobs: (arns) => {
          stored.push(...arns);
          // The process "dies" right after persisting the ARNs.
          controller.abort(new Error('restart'));
        },
      }),
    );
    await expect(first.run(planned)).rejects.toThrow('restart');
    expect(stored).toHaveLength(2);
    const created = emulator.stats().bedrock.createCalls;

    const second = new BatchEngine(engineOptions({ slotsPerRecord: 1 }));
    const result = await second.attach(stored, planned);
    expectNoLossNoDuplicates(result, planned);
    expect(result.jobArns).toEqual(stored);
    expect(result.outcomes.filter((o) => o.ok).length).toBeGreaterThan(30);
    expect(emulator.stats().bedrock.createCalls).toBe(created);
    expect(emulator.stats().bedrock.jobsCreated).toBe(2);
  });

  it('a process that dies before storing the job ARNs gets the same jobs back when it runs again', async () => {
    const { emulator, engineOptions } = await setup({
      minRecordsPerJob: 10,
      maxRecordsPerJob: 20,
      inProgressMs: 30,
    });
    const planned = slots(40);
    const first = new BatchEngine(
      engineOptions({
        slotsPerRecord: 1,
        // The crash comes after CreateModelInvocationJob and before the ARNs are stored anywhere.
        onJobs: () => {
          throw new Error('killed before the ARNs were stored');
        },
      }),
    );
    await expect(first.run(planned)).rejects.toThrow('killed');
    expect(emulator.stats().bedrock.jobsCreated).toBe(2);

    const second = new BatchEngine(engineOptions({ slotsPerRecord: 1 }));
    const result = await second.run(planned);
    expectNoLossNoDuplicates(result, planned);
    // Same names, same content, same idempotency tokens: Bedrock returns the jobs already running.
    expect(result.jobArns).toEqual(first.jobArns);
    expect(emulator.stats().bedrock.jobsCreated).toBe(2);

    // Other slots for the same generation job are new work: new jobs.
    const third = new BatchEngine(engineOptions({ slotsPerRecord: 1 }));
    const more = slots(60).slice(40);
    await third.run(more);
    expect(emulator.stats().bedrock.jobsCreated).toBe(3);
  });

  it('runs time-series records with the series prompt and the parse the caller gives', async () => {
    const { engineOptions } = await setup({ minRecordsPerJob: 10, inProgressMs: 10 });
    const series = Array.from({ length: 20 }, (_, i) => ({
      slot: `t${i}`,
      domain: 'sensors' as const,
      series_type: 'humidity',
      frequency: '1H' as const,
      start: '2026-01-01T00:00:00Z',
      length: 48,
      language: 'en' as const,
    }));
    const seen: string[][] = [];
    const engine = new BatchEngine(
      engineOptions({
        task: 'timeseries',
        slotsPerRecord: 2,
        parse: (answer, recordSlots) => {
          seen.push(recordSlots.map((x) => x.slot));
          const json = JSON.parse(/\{[\s\S]*\}/.exec(answer.text)![0]) as {
            scenarios: { slot: string }[];
          };
          return recordSlots.map((x) =>
            json.scenarios.some((e) => e.slot === x.slot)
              ? { slot: x.slot, ok: true as const, item: x.slot as never, repairs: [] }
              : { slot: x.slot, ok: false as const, reason: 'missing' },
          );
        },
      }),
    );
    const result = await engine.run(series);
    expect(result.failed).toEqual([]);
    expect(result.outcomes.filter((o) => o.ok)).toHaveLength(20);
    expect(seen.flat().sort()).toEqual(series.map((x) => x.slot).sort());
    expect(() => new BatchEngine(engineOptions({ task: 'timeseries' }))).toThrow(
      /time-series batch needs a parse function/,
    );
  });

  it('refuses a batch below the minimum records and bad S3 URIs with precise messages', async () => {
    const { engineOptions } = await setup();
    await expect(runBatch(slots(99), engineOptions())).rejects.toThrow(
      new BatchError(
        'a batch needs at least 100 records, and 99 slots make at most 99; generate them on demand',
      ),
    );
    expect(() => new BatchEngine(engineOptions({ inputUri: 'genesis-in/batch' }))).toThrow(
      'inputUri must be an S3 URI like s3://bucket/prefix/, got "genesis-in/batch"',
    );
  });
});
