import type { Emulator } from '@genesis/bedrock-emulator/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { BedrockProvider, classifyBedrockError } from '../src/llm/bedrock.ts';
import type { ModelCall, ModelProvider } from '../src/llm/provider.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { ProviderConfigError } from '../src/platform/errors.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { startLocalEmulator } from './helpers/emulators.ts';

/**
 * Issue 16: with no AWS credentials a Bedrock job used to end "completed" with every item rejected ("the model
 * refused the request: CredentialsProviderError"). Configuration problems are now refused before a job is
 * created (ProviderConfigError, the doctor's checks) and, when they appear mid-job, pause it (resumable once
 * fixed) instead of rejecting items.
 */
const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const AWS_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/** Runs `fn` with no AWS credentials anywhere the SDK's default chain looks (env, files, metadata service). */
async function withoutCredentials<T>(fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(AWS_VARS.map((k) => [k, process.env[k]]));
  for (const k of AWS_VARS) delete process.env[k];
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  try {
    return await fn();
  } finally {
    for (const k of AWS_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    delete process.env.AWS_EC2_METADATA_DISABLED;
  }
}

const WITH_KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

const START = `mutation($input: GenerationInput!) {
  startGeneration(input: $input) {
    __typename
    ... on MutationStartGenerationSuccess { data { id status } }
    ... on ProviderConfigError { message provider model checks { name ok detail } }
    ... on ValidationError { issues { path message } }
  }
}`;

describe('Bedrock configuration problems', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startLocalEmulator({ seed: 5 });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('classifies credential, access and unknown-model errors as configuration, not as refused requests', () => {
    for (const name of [
      'CredentialsProviderError',
      'UnrecognizedClientException',
      'AccessDeniedException',
      'ExpiredTokenException',
    ])
      expect(classifyBedrockError({ name, message: 'x' }).kind, name).toBe('config');
    expect(
      classifyBedrockError({
        name: 'ValidationException',
        message: 'The provided model identifier is invalid.',
      }).kind,
    ).toBe('config');
    // A request Bedrock refuses for its own content stays a per-slot rejection.
    expect(
      classifyBedrockError({ name: 'ValidationException', message: 'maxTokens too large' }).kind,
    ).toBe('client');
  });

  it('the real SDK with no credentials at all fails a call as a configuration error', async () => {
    await withoutCredentials(async () => {
      const provider = new BedrockProvider({ model: MODEL, endpoint: emulator.url });
      try {
        const checks = await provider.check();
        expect(checks.find((c) => c.name === 'AWS credentials')).toMatchObject({ ok: false });
        const err = await provider
          .call({
            system: 's',
            examples: '',
            prompt: 'p',
            maxTokens: 5,
            temperature: 0,
            seed: '1',
          })
          .catch((e) => e);
        expect(err.kind).toBe('config');
        expect(err.message).toMatch(/CredentialsProviderError/);
      } finally {
        provider.destroy();
      }
    });
  });

  describe('through the API', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer('sqlite', {
        GENESIS_PROVIDER: 'bedrock',
        AWS_REGION: 'us-east-1',
        GENESIS_BEDROCK_ENDPOINT: emulator.url,
      });
    });
    afterAll(async () => {
      await s?.close();
    });

    it('refuses startGeneration without credentials with a typed error that says what to fix, creating nothing', async () => {
      const before = emulator.stats().requests;
      const r = await withoutCredentials(() =>
        s.gql<any>(START, {
          input: { kind: 'CONVERSATIONS', count: 5, provider: 'BEDROCK', model: MODEL },
        }),
      );
      expect(r.errors).toBeUndefined();
      const out = r.data.startGeneration;
      expect(out.__typename).toBe('ProviderConfigError');
      expect(out.provider).toBe('bedrock');
      expect(out.message).toMatch(/AWS credentials/);
      expect(out.message).toMatch(/AWS_PROFILE|aws sso login|AWS_ACCESS_KEY_ID/);
      expect(out.checks).toContainEqual(
        expect.objectContaining({ name: 'AWS credentials', ok: false }),
      );
      expect(emulator.stats().requests).toBe(before);
      const jobs = await s.gql<any>(
        '{ generationJobs(first: 5) { totalCount } datasets { totalCount } }',
      );
      expect(jobs.data.generationJobs.totalCount).toBe(0);
    });

    it('starts the same job once credentials are there', async () => {
      const saved = { ...process.env };
      Object.assign(process.env, WITH_KEYS);
      try {
        const r = await s.gql<any>(START, {
          input: { kind: 'CONVERSATIONS', count: 5, provider: 'BEDROCK', model: MODEL },
        });
        expect(r.data.startGeneration.__typename, JSON.stringify(r)).toBe(
          'MutationStartGenerationSuccess',
        );
        const id = r.data.startGeneration.data.id;
        await expect
          .poll(
            async () =>
              (
                await s.gql<any>('query($id: ID!) { generationJob(id: $id) { status accepted } }', {
                  id,
                })
              ).data.generationJob,
            { timeout: 20_000, interval: 50 },
          )
          .toMatchObject({ status: 'COMPLETED', accepted: 5 });
      } finally {
        for (const k of Object.keys(WITH_KEYS)) if (saved[k] === undefined) delete process.env[k];
      }
    });
  });

  describe('mid-job', () => {
    let temp: TempDatabase;
    let services: Services;
    afterEach(async () => {
      await services?.close();
      await temp?.drop();
    });

    it('pauses the job with what to fix instead of rejecting items, and a resume finishes it once fixed', async () => {
      temp = await createTempSqlite();
      services = await initORM(temp.db);
      const saved = { ...process.env };
      Object.assign(process.env, WITH_KEYS);
      const good = new BedrockProvider({ model: MODEL, endpoint: emulator.url });
      // The credentials go away after two calls (an expired session, a deleted key): every later call fails in
      // the real SDK with CredentialsProviderError, until they are back.
      let broken = false;
      let calls = 0;
      const bad = await withoutCredentials(
        async () => new BedrockProvider({ model: MODEL, endpoint: emulator.url }),
      );
      const provider: ModelProvider = {
        name: 'bedrock',
        model: MODEL,
        check: () => (broken ? withoutCredentials(() => bad.check()) : good.check()),
        call: async (request: ModelCall) => {
          if (++calls > 2) broken = true;
          return broken ? withoutCredentials(() => bad.call(request)) : good.call(request);
        },
      };
      try {
        const manager = new GenerationManager(
          services,
          createAppPubSub(),
          loadConfig({}),
          () => provider,
          { backoffBaseMs: 5 },
        );
        const job = await manager.start({
          kind: 'conversations',
          count: 20,
          provider: 'bedrock',
          model: MODEL,
          seed: 3,
          slotsPerCall: 2,
          concurrency: 1,
        });
        const result = await manager.wait(job.id);
        expect(result?.status).toBe('paused');
        expect(result?.message).toMatch(/CredentialsProviderError/);
        expect(result?.message).toMatch(/resume/i);
        const em = services.em.fork();
        const paused = await em.findOneOrFail(GenerationJobSchema, job.id);
        expect(paused).toMatchObject({ status: 'paused', accepted: 4, rejected: 0 });
        expect(paused.rejections ?? []).toEqual([]);

        // While still broken, a resume is refused before anything runs.
        await expect(manager.resume(job.id)).rejects.toBeInstanceOf(ProviderConfigError);
        broken = false;
        calls = -1000;
        await manager.resume(job.id);
        const resumed = await manager.wait(job.id);
        expect(resumed?.status).toBe('completed');
        const done = await services.em.fork().findOneOrFail(GenerationJobSchema, job.id);
        expect(done).toMatchObject({ accepted: 20, rejected: 0 });
        expect(await services.em.fork().count(DatasetItemSchema, { dataset: done.dataset })).toBe(
          20,
        );
      } finally {
        good.destroy();
        bad.destroy();
        for (const k of Object.keys(WITH_KEYS)) if (saved[k] === undefined) delete process.env[k];
      }
    });
  });
});
