/**
 * pnpm bench:generation [--count 500] [--naive-count N] [--model ID]
 *
 * Generates conversations through the real AWS SDK against the in-repo Bedrock emulator, set up like a tight
 * account: 60 requests and 60,000 tokens per minute counted as strictly as Bedrock (cache reads reserved at the
 * start of a call), 0.5-3 s latency, 10% faults. Prints, for our runner and in
 * the same run for the original lab's schedule (one request, then a 5 s pause; one conversation per request, no
 * retries): accepted items per minute, the ceiling the quota allows for the tokens each item really costs, and
 * lost and duplicated items. "Duplicated" counts accepted items whose CONTENT repeats another's: the same
 * customer turns (lower-cased, whitespace collapsed), whatever their slot keys. Slot keys cannot repeat: the
 * registry's unique (dataset, key) constraint forbids it. The two run side by side, each against its own
 * emulator (its own quota, like two accounts), so the original schedule can do all its items (about an hour
 * for 500) without doubling the wait. --naive-count N runs the original schedule on its first N items only.
 */
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/generation/config.ts';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { parseConversationAnswer } from '../src/generation/parse.ts';
import { planConversations } from '../src/generation/plan.ts';
import {
  buildPrompt,
  CONVERSATION_EXAMPLES,
  CONVERSATION_SYSTEM_PROMPT,
} from '../src/generation/prompts.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { BedrockProvider } from '../src/llm/bedrock.ts';
import { DEFAULT_BEDROCK_MODEL, outputBurndown } from '../src/llm/prices.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM } from '../src/platform/db/orm.ts';
import { createTempSqlite } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { startLocalEmulator } from '../test/helpers/emulators.ts';
import { duplicatedContent } from './bench-content.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '500' },
    'naive-count': { type: 'string' },
    model: { type: 'string', default: DEFAULT_BEDROCK_MODEL },
    seed: { type: 'string', default: '1' },
  },
});
const COUNT = Number(values.count);
const NAIVE_COUNT = Number(values['naive-count'] ?? values.count);
const MODEL = values.model!;
const RPM = 60;
const TPM = 60_000;
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

const emulatorOptions = {
  rpm: RPM,
  tpm: TPM,
  // Counted as strictly as Bedrock: cache reads are reserved at the start of a call too (docs/bedrock.md §7).
  strict: true,
  latency: { minMs: 500, maxMs: 3000 },
  faults: { throttle: 0.03, server: 0.03, malformed: 0.02, truncated: 0.01, wrongIntent: 0.01 },
  seed: Number(values.seed),
};
const emulator = await startLocalEmulator(emulatorOptions);
const naiveEmulator = await startLocalEmulator(emulatorOptions);
const burndown = outputBurndown(MODEL);
console.log(
  `emulator ${emulator.url}: ${RPM} rpm, ${TPM} tpm (output x${burndown}, strict: cache reads reserved), 0.5-3 s latency, 10% faults; model ${MODEL}`,
);

/** Quota tokens the emulator charged, as Bedrock counts them. */
function quotaTokens(s: ReturnType<typeof emulator.stats>) {
  return s.tokensIn + s.cacheWriteTokens + s.tokensOut * burndown;
}
function ceilingPerMinute(itemsPerCall: number, tokensPerItem: number) {
  return Math.min(RPM * itemsPerCall, TPM / tokensPerItem);
}

const NAIVE_NAME = "the original lab's schedule: one request, then a 5 s pause";

// --- naive: the original lab's schedule: one request, then a 5 s pause; one conversation each, no retries, so a
// failed request loses its item ---
const naiveConfig = resolveConfig(
  { kind: 'conversations', count: 1000, provider: 'bedrock', model: MODEL, seed: 2, targets: {} },
  loadConfig({}),
);
const naiveSlots = planConversations(naiveConfig);
const provider = new BedrockProvider({
  model: MODEL,
  endpoint: naiveEmulator.url,
  maxAttempts: 1,
});
const naiveRun = (async () => {
  let accepted = 0;
  let lost = 0;
  const acceptedItems: Record<string, unknown>[] = [];
  const start = Date.now();
  for (const slot of naiveSlots.slice(0, NAIVE_COUNT)) {
    try {
      const answer = await provider.call({
        system: CONVERSATION_SYSTEM_PROMPT,
        examples: CONVERSATION_EXAMPLES,
        prompt: buildPrompt({ task: 'conversations', slots: [slot] }),
        maxTokens: 90 * slot.turns + 320,
        temperature: 0.9,
        seed: '0',
      });
      const [outcome] = parseConversationAnswer(answer, [slot], (s) => ({
        model: MODEL,
        provider: 'bedrock',
        created_at: new Date().toISOString(),
        slot: s.slot,
        conversationId: s.slot,
      }));
      if (outcome?.ok) {
        accepted++;
        acceptedItems.push(outcome.item as unknown as Record<string, unknown>);
      } else lost++;
    } catch {
      lost++;
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
  return {
    accepted,
    lost,
    duplicated: duplicatedContent(acceptedItems),
    minutes: (Date.now() - start) / 60_000,
  };
})();

// --- ours: the job runner, paced to the quota, adaptive concurrency, retries, re-asks ---
const temp = await createTempSqlite();
const services = await initORM(temp.db);
const server = loadConfig({ GENESIS_BEDROCK_ENDPOINT: emulator.url, AWS_REGION: 'us-east-1' });
const manager = new GenerationManager(services, createAppPubSub(), server);
const started = Date.now();
const job = await manager.start({
  kind: 'conversations',
  count: COUNT,
  provider: 'bedrock',
  model: MODEL,
  rpm: RPM,
  tpm: TPM,
  seed: 7,
});
const ticker = setInterval(async () => {
  const p = await manager.progress(job.id);
  if (p)
    process.stdout.write(
      `  ours: ${p.accepted}/${p.requested} accepted, ${p.itemsPerMinute}/min, concurrency ${p.concurrency}, retries ${p.retries}\n`,
    );
}, 30_000);
await manager.wait(job.id);
const minutes = (Date.now() - started) / 60_000;
console.log(
  `  ours done in ${minutes.toFixed(1)} min; the original schedule goes on to ${NAIVE_COUNT} items`,
);
const naive = await naiveRun;
clearInterval(ticker);
const naiveAccepted = naive.accepted;
const naiveLost = naive.lost;
const naiveMinutes = naive.minutes;
const naiveStats = naiveEmulator.stats();
const naiveRate = naiveAccepted / naiveMinutes;
const em = services.em.fork();
const done = await em.findOneOrFail(GenerationJobSchema, job.id);
const items = await em.find(DatasetItemSchema, { dataset: done.dataset }, { fields: ['data'] });
const stats = emulator.stats();
const oursRate = done.accepted / minutes;
const oursTokensPerItem = quotaTokens(stats) / done.accepted;
const oursCeiling = ceilingPerMinute(
  (done.config as { slotsPerCall: number }).slotsPerCall,
  oursTokensPerItem,
);
const naiveTokensPerItem = naiveAccepted ? quotaTokens(naiveStats) / naiveAccepted : Number.NaN;
const naiveCeiling = ceilingPerMinute(1, naiveTokensPerItem);

const row = (
  name: string,
  rate: number,
  ceiling: number,
  lost: number,
  dup: number,
  extra: string,
) =>
  `${name.padEnd(8)} ${rate.toFixed(1).padStart(8)} ${ceiling.toFixed(1).padStart(9)} ${((100 * rate) / ceiling).toFixed(1).padStart(8)}% ${String(lost).padStart(5)} ${String(dup).padStart(4)}  ${extra}`;
console.log(
  `\noriginal = ${NAIVE_NAME} (one conversation per request, no retries); dup = accepted items with the same customer turns as another`,
);
console.log('strategy  items/min   ceiling  of ceil   lost  dup  notes');
console.log(
  row(
    'original',
    naiveRate,
    naiveCeiling,
    naiveLost,
    naive.duplicated,
    `${naiveAccepted} accepted in ${naiveMinutes.toFixed(1)} min; ${naiveStats.requests} requests`,
  ),
);
console.log(
  row(
    'ours',
    oursRate,
    oursCeiling,
    COUNT - done.accepted - done.rejected,
    duplicatedContent(items.map((i) => i.data)),
    `${done.accepted}/${COUNT} accepted, ${done.rejected} rejected, in ${minutes.toFixed(1)} min; ${stats.requests} requests, ${done.throttles} throttles, ${done.retries} retries, $${done.costUsd.toFixed(2)}`,
  ),
);
console.log(`\nours / original schedule: ${(oursRate / naiveRate).toFixed(1)}x items per minute`);
// The quota's true ceiling over this run: a full bucket at the start (one minute of quota) plus the quota per
// minute, so no strategy can exceed 100% of it.
const withBucket = (ceiling: number, mins: number) => (ceiling * (mins + 1)) / mins;
console.log(
  `of the ceiling counting the initial full bucket: ours ${((100 * oursRate) / withBucket(oursCeiling, minutes)).toFixed(1)}% (goal 97%), original ${((100 * naiveRate) / withBucket(naiveCeiling, naiveMinutes)).toFixed(1)}%`,
);
// A full bucket at the start is one minute of quota for free; the steady rate leaves it out.
const headStart = Math.min(done.accepted, TPM / oursTokensPerItem);
const steady = (done.accepted - headStart) / minutes;
console.log(
  `ours without the initial full bucket (${headStart.toFixed(0)} items): ${steady.toFixed(1)} items/min = ${((100 * steady) / oursCeiling).toFixed(1)}% of the ceiling (goal 90%)`,
);
console.log(
  `emulator, ours: ${stats.requests} requests, ${stats.throttled} quota 429s (the pacer probes upward, so a few are expected), injected faults ${JSON.stringify(stats.faults)}`,
);
console.log(
  `quota tokens per accepted item: ours ${oursTokensPerItem.toFixed(0)}, original ${naiveTokensPerItem.toFixed(0)}`,
);
await services.close();
await temp.drop();
provider.destroy();
await emulator.stop();
await naiveEmulator.stop();
