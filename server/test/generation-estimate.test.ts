import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  estimateGeneration,
  learnFromJobs,
  measuredJob,
  projectCost,
  projectSeconds,
} from '../src/generation/estimate.ts';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { BedrockProvider } from '../src/llm/bedrock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { useTestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { useEmulatorAndDatabase } from './helpers/emulated-bedrock.ts';

process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

const ESTIMATE = `query($input: GenerationInput!) { estimateGeneration(input: $input) {
  __typename ... on QueryEstimateGenerationSuccess { data {
    calls inputTokens outputTokens cacheReadTokens cacheWriteTokens costUsd seconds basedOnJobs basedOnItems } } } }`;
const START = `mutation($input: GenerationInput!) { startGeneration(input: $input) {
  __typename ... on MutationStartGenerationSuccess { data { id } } } }`;
const JOB = `query($id: ID!) { generationJob(id: $id) {
  status accepted calls inputTokens outputTokens cacheReadTokens cacheWriteTokens costUsd
  estimate { calls inputTokens outputTokens costUsd basedOnJobs }
  samples { t accepted itemsPerMinute costUsd throttles }
  progress { costUsd projectedCostUsd } } }`;

/** |estimate - outcome| / outcome. */
const error = (estimate: number, outcome: number) => Math.abs(estimate - outcome) / outcome;

describe.each(TEST_DATABASES)(
  'estimates that learn from finished jobs (local provider, over HTTP, %s)',
  (kind) => {
    const s = useTestServer(kind);

    async function runToEnd(input: Record<string, unknown>) {
      const started = await s.gql<any>(START, { input });
      expect(started.data.startGeneration.__typename).toBe('MutationStartGenerationSuccess');
      const id = started.data.startGeneration.data.id;
      // Wait on the job's own subscription, which ends at a terminal status.
      const client = createClient({
        url: `${s.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      for await (const _ of client.iterate({
        query: 'subscription($id: ID!) { generationProgress(jobId: $id) { status } }',
        variables: { id },
      }));
      await client.dispose();
      return (await s.gql<any>(JOB, { id })).data.generationJob;
    }

    const input = { kind: 'CONVERSATIONS', count: 150, seed: 11 };

    it('lands within 25% of the outcome from the prior, then learns from the finished job', async () => {
      const first = (await s.gql<any>(ESTIMATE, { input })).data.estimateGeneration.data;
      expect(first.basedOnJobs).toBe(0);

      const job = await runToEnd(input);
      expect(job.status).toBe('COMPLETED');
      // The estimate was kept on the job, and `generate --json` / the API report the job's tokens beside it.
      expect(job.estimate).toMatchObject({
        calls: first.calls,
        outputTokens: first.outputTokens,
        basedOnJobs: 0,
      });
      expect(error(first.outputTokens, job.outputTokens)).toBeLessThanOrEqual(0.25);
      expect(error(first.inputTokens, job.inputTokens)).toBeLessThanOrEqual(0.25);
      expect(error(first.calls, job.calls)).toBeLessThanOrEqual(0.25);
      // A finished job's projected cost is its cost; its progress over time was kept.
      expect(job.progress.projectedCostUsd).toBe(job.progress.costUsd);
      // However fast the job, its charts have its start (nothing accepted) and its end.
      expect(job.samples.length).toBeGreaterThanOrEqual(2);
      expect(job.samples[0].accepted).toBe(0);
      expect(job.samples.at(-1).accepted).toBe(150);

      // The next estimate of the same provider, model and kind learns from that job's measurements: the same
      // mix is now predicted from what was measured (closer than the prior), and says so.
      const second = (await s.gql<any>(ESTIMATE, { input })).data.estimateGeneration.data;
      expect(second).toMatchObject({ basedOnJobs: 1, basedOnItems: 150 });
      expect(second.outputTokens).not.toBe(first.outputTokens);
      expect(error(second.outputTokens, job.outputTokens)).toBeLessThanOrEqual(0.02);
      expect(error(second.outputTokens, job.outputTokens)).toBeLessThan(
        error(first.outputTokens, job.outputTokens),
      );

      // Per complexity: simple conversations are shorter than complex ones, from the measured items.
      const only = (complexity: string) => ({
        ...input,
        targets: { complexities: [{ key: complexity, weight: 1 }] },
      });
      const simple = (await s.gql<any>(ESTIMATE, { input: only('simple') })).data.estimateGeneration
        .data;
      const complex = (await s.gql<any>(ESTIMATE, { input: only('complex') })).data
        .estimateGeneration.data;
      expect(complex.outputTokens).toBeGreaterThan(simple.outputTokens * 1.3);

      // Another kind has learned nothing yet.
      const series = (await s.gql<any>(ESTIMATE, { input: { kind: 'TIMESERIES', count: 10 } })).data
        .estimateGeneration.data;
      expect(series.basedOnJobs).toBe(0);
    });
  },
);

describe('estimates of an emulated Bedrock job (real SDK)', () => {
  const MODEL = 'us.amazon.nova-pro-v1:0';
  const bedrock = useEmulatorAndDatabase({ seed: 3, latency: { minMs: 2, maxMs: 10 } });

  it('lands within 25% of the outcome for output tokens and cost', async () => {
    const provider = new BedrockProvider({
      model: MODEL,
      endpoint: bedrock.emulator.url,
      stream: false,
    });
    const manager = new GenerationManager(
      bedrock.services,
      createAppPubSub(),
      loadConfig({}),
      () => provider,
    );
    const job = await manager.start({
      kind: 'conversations',
      count: 60,
      provider: 'bedrock',
      model: MODEL,
      seed: 2,
      concurrency: 4,
    });
    await manager.wait(job.id);
    provider.destroy();
    const done = await bedrock.services.em.fork().findOneOrFail(GenerationJobSchema, job.id);
    expect(done.status).toBe('completed');
    const estimate = done.estimate!;
    expect(estimate.basis).toBeNull();
    expect(done.costUsd).toBeGreaterThan(0);
    expect(error(estimate.outputTokens, done.outputTokens)).toBeLessThanOrEqual(0.25);
    expect(error(estimate.costUsd!, done.costUsd)).toBeLessThanOrEqual(0.25);
    expect(done.answerSizes?.groups.reduce((n, g) => n + g.items, 0)).toBe(60);

    // What it measured is what the next estimate starts from.
    const learned = learnFromJobs([measuredJob(done)]);
    expect(learned).toMatchObject({ jobs: 1, items: 60 });
    const config = {
      ...(done.config as Parameters<typeof estimateGeneration>[0]),
    };
    const next = estimateGeneration(config, {}, null, learned);
    expect(error(next.outputTokens, done.outputTokens)).toBeLessThanOrEqual(0.05);
  });
});

describe('genesis generate --dry-run', { timeout: 180_000 }, () => {
  it('never says "about 0 min", and says what the estimate is based on', async () => {
    const serverDir = fileURLToPath(new URL('..', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'genesis-estimate-'));
    try {
      const out = await new Promise<string>((done, fail) =>
        execFile(
          join(serverDir, 'node_modules/.bin/tsx'),
          ['src/cli/main.ts', 'generate', '--kind', 'conversations', '--count', '150', '--dry-run'],
          {
            cwd: serverDir,
            env: { ...process.env, DATABASE_URL: '', GENESIS_DB: join(dir, 'r.sqlite') },
          },
          (err, stdout, stderr) => (err ? fail(new Error(stderr || err.message)) : done(stdout)),
        ),
      );
      expect(out).not.toMatch(/about 0 min/);
      expect(out).toMatch(/time: +under a second/);
      expect(out).toMatch(/based on: +the documented prior/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('live projections', () => {
  // Estimated at $1 and 100 s for 100 items; the job really costs $0.02 and takes 2 s per item.
  const estimate = { costUsd: 1, seconds: 100, items: 100 };
  const at = (done: number) => ({
    requested: 100,
    accepted: done,
    rejected: 0,
    costUsd: 0.02 * done,
    estimate,
  });

  it('start from the estimate and converge to what is measured as answers come back', () => {
    expect(projectCost(at(0))).toBeCloseTo(1);
    const costs = [5, 20, 50, 90].map((done) => projectCost(at(done))!);
    // Each projection is nearer the true $2 than the one before.
    for (let i = 1; i < costs.length; i++)
      expect(Math.abs(costs[i]! - 2)).toBeLessThan(Math.abs(costs[i - 1]! - 2));
    expect(costs.at(-1)).toBeCloseTo(2, 1);

    // 30 items per minute = 2 s per item measured; the estimate said 1 s.
    expect(projectSeconds(at(0), 0, 0)).toBe(100);
    const etas = [5, 20, 50, 90].map((done) => projectSeconds(at(done), 30, done)! / (100 - done));
    for (let i = 1; i < etas.length; i++)
      expect(Math.abs(etas[i]! - 2)).toBeLessThan(Math.abs(etas[i - 1]! - 2));
    expect(projectSeconds(at(100), 30, 100)).toBe(0);
    // Without an estimate, only the measurement counts; with neither, nothing is claimed.
    expect(projectCost({ ...at(10), estimate: null })).toBeCloseTo(2);
    expect(projectCost({ ...at(0), estimate: null })).toBeNull();
    expect(projectSeconds({ ...at(0), estimate: null }, 0, 0)).toBeNull();
  });
});
