import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import type { ModelCall, ModelProvider } from '../src/llm/provider.ts';
import { ProviderError } from '../src/llm/provider.ts';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';
import { TrainingRunSchema } from '../src/training/training-run.entity.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { tinyIntentData } from './training-fixtures.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/** A model that never answers: its job stays running until it is cancelled. */
class SilentProvider implements ModelProvider {
  readonly name = 'bedrock' as const;
  readonly model = MODEL;
  call(request: ModelCall): Promise<never> {
    return new Promise((_, reject) => {
      const stop = () => reject(new ProviderError('aborted', 'aborted'));
      if (request.signal?.aborted) stop();
      request.signal?.addEventListener('abort', stop, { once: true });
    });
  }
}

const DELETE = `mutation($id: ID!, $force: Boolean) {
  deleteDataset(id: $id, force: $force) {
    __typename
    ... on MutationDeleteDatasetSuccess { data }
    ... on DatasetInUseError { message datasetId jobIds runIds exportsInProgress validationsInProgress users { kind id status role } }
    ... on NotFoundError { message }
  }
}`;

/**
 * Items big enough (16 KB each) that the server cannot have read past the first 1000-item chunk of an export
 * when the client has read only its first bytes: loopback socket buffers hold a few MB, a chunk is 16 MB. So a
 * delete made after the first bytes arrive always lands before the export's next read, on any machine speed.
 */
const ITEMS = 3000;
const PAD = 'x'.repeat(16_000);

describe.each(TEST_DATABASES)('datasets in use (%s)', (db) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(db, {}, { providers: () => new SilentProvider(), backoffBaseMs: 5 });
    // Storing a big dataset keeps the event loop busy for seconds (client and server share it here), so the
    // server's 5 s keep-alive timer could close a pooled socket just as fetch reuses it; let the client close.
    s.app.server.keepAliveTimeout = 0;
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  async function bigDataset(name: string): Promise<number> {
    const repo = s.app.services.datasets(s.app.services.em.fork());
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      key: `u-${i}`,
      data: { text: `item ${i} ${PAD}`, intent: 'card_arrival', language: 'en' },
      columns: { intent: 'card_arrival', language: 'en' },
    }));
    const dataset = await repo.createWithItems(
      { name, kind: 'utterances', origin: 'imported' },
      items,
    );
    return dataset.id;
  }

  /** Starts an export and reads its first bytes; the rest is left unread (the server waits on the socket). */
  async function startExport(id: number) {
    const res = await fetch(`${s.url}/datasets/${id}/export?format=jsonl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-item-count')).toBe(String(ITEMS));
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    let lines = new TextDecoder().decode(first.value).split('\n').length - 1;
    return {
      /** Reads to the end; resolves with the number of lines, or rejects when the body is cut. */
      async rest(): Promise<number> {
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return lines;
          lines += decoder.decode(value).split('\n').length - 1;
        }
      },
    };
  }

  it('fails an export visibly when its dataset is deleted while it streams', async () => {
    const id = await bigDataset('deleted mid-export');
    const stream = await startExport(id);
    // Another process deletes it (no guard in this process knows): the repository's own delete.
    expect(await s.app.services.datasets(s.app.services.em.fork()).deleteById(id)).toBe(true);
    // Never a short file that ends like a complete one: the connection is closed before the last chunk.
    await expect(stream.rest()).rejects.toThrow();
  }, 120_000);

  it('exports a whole, consistent file when nothing changes', async () => {
    const id = await bigDataset('whole export');
    const stream = await startExport(id);
    expect(await stream.rest()).toBe(ITEMS);
    await s.gql(DELETE, { id: String(id) });
  }, 120_000);

  it('refuses to delete a dataset an export is reading; force stops the export and deletes', async () => {
    const id = await bigDataset('exported while deleted');
    const stream = await startExport(id);
    const refused = await s.gql<any>(DELETE, { id: String(id) });
    expect(refused.errors).toBeUndefined();
    expect(refused.data.deleteDataset).toMatchObject({
      __typename: 'DatasetInUseError',
      datasetId: String(id),
      exportsInProgress: 1,
      jobIds: [],
      runIds: [],
    });
    expect(refused.data.deleteDataset.message).toMatch(/1 export in progress/);
    expect(
      await s.app.services.em.fork().findOne(DatasetSchema, id, { fields: ['id'] }),
    ).not.toBeNull();

    const forced = await s.gql<any>(DELETE, { id: String(id), force: true });
    expect(forced.data.deleteDataset).toEqual({
      __typename: 'MutationDeleteDatasetSuccess',
      data: String(id),
    });
    await expect(stream.rest()).rejects.toThrow();
    expect(await s.app.services.em.fork().findOne(DatasetSchema, id)).toBeNull();
  }, 120_000);

  it('refuses to delete the dataset of a running or paused job or a queued run, naming them; force cancels them', async () => {
    const started = await s.gql<any>(
      `mutation($input: GenerationInput!) { startGeneration(input: $input) {
        ... on MutationStartGenerationSuccess { data { id dataset { id } } } } }`,
      {
        input: { kind: 'CONVERSATIONS', count: 5, provider: 'BEDROCK', model: MODEL, seed: 1 },
      },
    );
    const jobId = started.data.startGeneration.data.id as string;
    const datasetId = Number(started.data.startGeneration.data.dataset.id);
    await expect.poll(() => s.app.generation.isRunning(Number(jobId))).toBe(true);
    // The runner stores `running` once it has claimed the job; until then the job is still `queued` (a busy CI
    // machine showed it), and the refusal names what is stored.
    await expect
      .poll(
        async () =>
          (await s.app.services.em.fork().findOneOrFail(GenerationJobSchema, Number(jobId))).status,
        { timeout: 30_000 },
      )
      .toBe('running');

    // A paused job and a queued run (of another process) on the same dataset.
    const em = s.app.services.em.fork();
    const paused = em.create(GenerationJobSchema, {
      kind: 'conversations',
      status: 'paused',
      provider: 'local',
      model: 'local',
      config: {},
      dataset: datasetId,
      requested: 1,
    } as never);
    const run = em.create(TrainingRunSchema, {
      status: 'queued',
      testDataset: datasetId,
      preset: 'fast',
      config: {},
      leaseOwner: 'elsewhere:1:x',
      leaseExpiresAt: new Date(Date.now() + 3_600_000),
    } as never);
    await em.flush();

    const refused = await s.gql<any>(DELETE, { id: String(datasetId) });
    expect(refused.data.deleteDataset).toMatchObject({
      __typename: 'DatasetInUseError',
      jobIds: [jobId, String(paused.id)],
      runIds: [String(run.id)],
    });
    expect(refused.data.deleteDataset.users).toEqual([
      { kind: 'GENERATION_JOB', id: jobId, status: 'running', role: 'dataset' },
      { kind: 'GENERATION_JOB', id: String(paused.id), status: 'paused', role: 'dataset' },
      { kind: 'TRAINING_RUN', id: String(run.id), status: 'queued', role: 'testDataset' },
    ]);
    const message = refused.data.deleteDataset.message as string;
    expect(message).toContain(`generation job ${jobId} (running)`);
    expect(message).toContain(`generation job ${paused.id} (paused)`);
    expect(message).toContain(`training run ${run.id} (queued, as its test dataset)`);
    expect(s.app.generation.isRunning(Number(jobId))).toBe(true);

    const forced = await s.gql<any>(DELETE, { id: String(datasetId), force: true });
    expect(forced.data.deleteDataset.__typename).toBe('MutationDeleteDatasetSuccess');
    expect(s.app.generation.isRunning(Number(jobId))).toBe(false);
    const after = s.app.services.em.fork();
    const jobs = await after.find(
      GenerationJobSchema,
      { id: { $in: [Number(jobId), paused.id] } },
      { orderBy: { id: 'asc' } },
    );
    expect(jobs.map((j) => [j.status, j.dataset])).toEqual([
      ['cancelled', null],
      ['cancelled', null],
    ]);
    expect((await after.findOneOrFail(TrainingRunSchema, run.id)).status).toBe('cancelled');
    expect(await after.findOne(DatasetSchema, datasetId)).toBeNull();
  }, 120_000);

  it('deletes a dataset only finished work used, and keeps the run lineage readable', async () => {
    const up = async (name: string, n: number) => {
      const data = tinyIntentData(n);
      const repo = s.app.services.datasets(s.app.services.em.fork());
      return (
        await repo.createWithItems(
          { name, kind: 'utterances', origin: 'imported' },
          data.texts.map((text, i) => ({
            key: `k${i}`,
            data: { text, intent: data.labels[i], language: 'en' },
            columns: { intent: data.labels[i]!, language: 'en' },
          })),
        )
      ).id;
    };
    const trainId = await up('lineage train', 30);
    const testId = await up('lineage test', 12);
    const started = await s.gql<any>(
      `mutation($input: TrainingInput!) { startTraining(input: $input) {
        ... on MutationStartTrainingSuccess { data { id } } } }`,
      { input: { datasetId: String(trainId), testDatasetId: String(testId), preset: 'FAST' } },
    );
    const runId = started.data.startTraining.data.id as string;
    await s.app.training.wait(Number(runId));

    for (const id of [trainId, testId]) {
      const r = await s.gql<any>(DELETE, { id: String(id) });
      expect(r.data.deleteDataset.__typename).toBe('MutationDeleteDatasetSuccess');
    }
    const run = await s.gql<any>(
      `query($id: ID!) { trainingRun(id: $id) {
        status dataset { id } testDataset { id } datasetId datasetName testDatasetId testDatasetName } }`,
      { id: runId },
    );
    expect(run.errors).toBeUndefined();
    expect(run.data.trainingRun).toEqual({
      status: 'COMPLETED',
      dataset: null,
      testDataset: null,
      datasetId: String(trainId),
      datasetName: 'lineage train',
      testDatasetId: String(testId),
      testDatasetName: 'lineage test',
    });
  }, 120_000);

  it('still answers NotFoundError for an unknown dataset', async () => {
    const r = await s.gql<any>(DELETE, { id: '987654' });
    expect(r.data.deleteDataset.__typename).toBe('NotFoundError');
  });
});
