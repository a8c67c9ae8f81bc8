import type { ScriptedFault } from '@genesis/bedrock-emulator/options';
import { describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { BedrockProvider } from '../src/llm/bedrock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { customerSide } from './helpers/content.ts';
import { useEmulatorAndDatabase } from './helpers/emulated-bedrock.ts';

const MODEL = 'us.amazon.nova-pro-v1:0';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

/**
 * The runner, the real AWS SDK and the emulator together: whatever the "model" does wrong, the job ends with
 * exactly the requested number of valid, distinct items.
 */
describe('generation through the real SDK against the emulator', () => {
  const bedrock = useEmulatorAndDatabase({ seed: 4, latency: { minMs: 5, maxMs: 30 } });

  async function run(input: Record<string, unknown>, stream: boolean) {
    const server = loadConfig({});
    const provider = new BedrockProvider({
      model: MODEL,
      endpoint: bedrock.emulator.url,
      requestTimeoutMs: 1500,
      stream,
    });
    const manager = new GenerationManager(
      bedrock.services,
      createAppPubSub(),
      server,
      () => provider,
      {
        backoffBaseMs: 20,
      },
    );
    const job = await manager.start({
      provider: 'bedrock',
      model: MODEL,
      seed: 1,
      concurrency: 3,
      slotsPerCall: 3,
      ...input,
    });
    const result = await manager.wait(job.id);
    const em = bedrock.services.em.fork();
    const done = await em.findOneOrFail(GenerationJobSchema, job.id);
    const items = await em.find(
      DatasetItemSchema,
      { dataset: done.dataset },
      { fields: ['key', 'intent', 'language', 'data'] },
    );
    provider.destroy();
    return { result, done, items };
  }

  const everyFault: ScriptedFault[] = [
    'throttle',
    { kind: 'server', status: 500 },
    { kind: 'server', status: 503 },
    'malformed',
    'truncated',
    'wrongIntent',
    'wrongLanguage',
    'stall',
    'none',
    'throttle',
  ];

  it.each([false, true])('conversations survive every fault kind (stream: %s)', async (stream) => {
    bedrock.emulator.reset({
      latency: { minMs: 5, maxMs: 30 },
      script: stream ? ['midStream', ...everyFault, 'midStream'] : everyFault,
      faults: { throttle: 0.05, server: 0.05, malformed: 0.05 },
    });
    const { result, done, items } = await run({ kind: 'conversations', count: 30 }, stream);
    expect(result?.status).toBe('completed');
    expect(items).toHaveLength(30);
    // Keys are unique by index; the content must be too.
    expect(new Set(items.map((i) => customerSide(i.data))).size).toBe(30);
    expect(done).toMatchObject({ accepted: 30, rejected: 0 });
    const stats = bedrock.emulator.stats();
    expect(stats.faults.throttle).toBeGreaterThan(0);
    expect(stats.faults.stall).toBe(1);
    if (stream) expect(stats.faults.midStream).toBeGreaterThanOrEqual(1);
    expect(done.retries).toBeGreaterThanOrEqual(5);
    // Wrong-intent and wrong-language answers were rejected and asked again, never stored.
    expect(items.every((i) => i.intent && i.language)).toBe(true);
  });

  it('time series come back well-formed through the same path', async () => {
    bedrock.emulator.reset({
      latency: { minMs: 5, maxMs: 20 },
      script: ['malformed', 'throttle', { kind: 'server', status: 500 }],
    });
    const { result, items } = await run({ kind: 'timeseries', count: 12, length: 48 }, false);
    expect(result?.status).toBe('completed');
    expect(items).toHaveLength(12);
  });
});
