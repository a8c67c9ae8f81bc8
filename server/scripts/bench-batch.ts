/**
 * pnpm bench:batch [--count 2000]
 *
 * Generates the same number of conversations twice through the real AWS SDKs against the in-repo emulators:
 * in batch mode (records to S3, Bedrock batch jobs, failed records finished on demand) and on demand (Converse
 * calls). Prints cost per accepted item, items, lost and duplicated, and the ratio batch / on-demand.
 *
 * "Duplicated" counts accepted items whose CONTENT repeats another's (the same customer turns, lower-cased and
 * whitespace collapsed), whatever their slot keys; slot keys cannot repeat, the registry's unique (dataset, key)
 * constraint forbids it. Cost is not a measured bill: it is the emulators' token counts priced by the price
 * table in src/llm/prices.ts (batch at half the on-demand price), the same figure a job records.
 */
import { parseArgs } from 'node:util';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { PRICES_AS_OF } from '../src/llm/prices.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM } from '../src/platform/db/orm.ts';
import { createTempSqlite } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { startLocalBatchEmulator, startLocalEmulator } from '../test/helpers/emulators.ts';
import { duplicatedContent } from './bench-content.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
const COUNT = Number(values.count);
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

const batchEmulator = await startLocalBatchEmulator({ faults: { failedRecords: 0.02 }, seed: 1 });
const onDemand = await startLocalEmulator({
  faults: { throttle: 0.02, server: 0.02, malformed: 0.01 },
  seed: 1,
});
const temp = await createTempSqlite();
const services = await initORM(temp.db);
const server = loadConfig({
  AWS_REGION: 'us-east-1',
  GENESIS_BEDROCK_ENDPOINT: onDemand.url,
  GENESIS_BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/genesis-batch',
  GENESIS_BATCH_INPUT_URI: 's3://genesis-in/batch/',
  GENESIS_BATCH_OUTPUT_URI: 's3://genesis-out/batch/',
  GENESIS_BATCH_ENDPOINT: batchEmulator.url,
  GENESIS_BATCH_POLL_MS: '200',
});
const manager = new GenerationManager(services, createAppPubSub(), server, undefined, {
  backoffBaseMs: 50,
});

async function run(mode: 'batch' | 'on_demand') {
  const started = Date.now();
  const job = await manager.start({
    kind: 'conversations',
    count: COUNT,
    provider: 'bedrock',
    model: MODEL,
    mode,
    seed: 3,
    concurrency: 16,
  });
  await manager.wait(job.id);
  const em = services.em.fork();
  const done = await em.findOneOrFail(GenerationJobSchema, job.id);
  const items = await em.find(DatasetItemSchema, { dataset: done.dataset }, { fields: ['data'] });
  return {
    mode,
    accepted: done.accepted,
    lost: COUNT - done.accepted - done.rejected,
    duplicated: duplicatedContent(items.map((i) => i.data)),
    cost: done.costUsd,
    perItem: done.costUsd / Math.max(1, done.accepted),
    seconds: (Date.now() - started) / 1000,
    status: `${done.status}${done.error ? `: ${done.error}` : ''}`,
  };
}

const batch = await run('batch');
const onDemandStats = onDemand.stats();
const demand = await run('on_demand');
console.log(`\n${COUNT} conversations, model ${MODEL}`);
console.log(
  `cost: the emulators' token counts priced by the price table (src/llm/prices.ts, prices as of ${PRICES_AS_OF}; ` +
    'batch at half price), not a measured bill; dup = accepted items with the same customer turns as another',
);
console.log('mode        accepted  lost  dup   cost      $/item      time');
for (const r of [batch, demand]) {
  console.log(
    `${r.mode.padEnd(10)} ${String(r.accepted).padStart(9)} ${String(r.lost).padStart(5)} ${String(r.duplicated).padStart(4)}  $${r.cost.toFixed(2).padStart(7)}  $${r.perItem.toFixed(5)}  ${r.seconds.toFixed(1)} s`,
  );
}
console.log(`status: batch ${batch.status}; on-demand ${demand.status}`);
console.log(
  `batch / on-demand cost per accepted item: ${(batch.perItem / demand.perItem).toFixed(3)}`,
);
console.log(
  `batch run: ${batchEmulator.stats().bedrock.jobsCreated} batch jobs; ${onDemandStats.requests} on-demand requests to finish failed records`,
);
await services.close();
await temp.drop();
await batchEmulator.stop();
await onDemand.stop();
