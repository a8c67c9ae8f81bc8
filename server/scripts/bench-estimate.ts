/**
 * pnpm bench:estimate [--count 300] [--bedrock-count 300] [--jobs 3] [--model ID]
 *
 * How far a job's estimate lands from its outcome. For the local provider and for Bedrock through the real AWS
 * SDK against the in-repo emulator (0.2-1 s latency, 3% throttles and 5xx, 2% malformed answers), runs `--jobs`
 * jobs of the same size (seeds 1, 2, ...) one after the other on a fresh registry: the first is estimated from
 * the documented prior (no finished job yet), each next one from what the earlier ones measured. Prints, per job,
 * the estimate, the outcome and the error of calls, input and output tokens, cost and duration, and the learned
 * estimates' mean error over the prior's, all from this same run. Duration is shown for reference only: it
 * depends on the machine.
 */
import { parseArgs } from 'node:util';
import type { GenerationEstimate } from '../src/generation/estimate.ts';
import {
  type GenerationJob,
  GenerationJobSchema,
} from '../src/generation/generation-job.entity.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { BedrockProvider } from '../src/llm/bedrock.ts';
import { LocalProvider } from '../src/llm/local/provider.ts';
import { DEFAULT_BEDROCK_MODEL } from '../src/llm/prices.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM } from '../src/platform/db/orm.ts';
import { createTempSqlite } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { startLocalEmulator } from '../test/helpers/emulators.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    'bedrock-count': { type: 'string', default: '300' },
    jobs: { type: 'string', default: '3' },
    model: { type: 'string', default: DEFAULT_BEDROCK_MODEL },
  },
});
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

const emulator = await startLocalEmulator({
  latency: { minMs: 200, maxMs: 1000 },
  faults: { throttle: 0.03, server: 0.03, malformed: 0.02 },
  seed: 7,
});
const temp = await createTempSqlite();
const services = await initORM(temp.db);
const server = loadConfig({});
const bedrock = new BedrockProvider({ model: values.model!, endpoint: emulator.url });
const local = new LocalProvider();
const manager = new GenerationManager(
  services,
  createAppPubSub(),
  server,
  (c) => (c.provider === 'local' ? local : bedrock),
  { backoffBaseMs: 50 },
);

async function run(input: Record<string, unknown>): Promise<GenerationJob> {
  const job = await manager.start(input);
  await manager.wait(job.id);
  return services.em.fork().findOneOrFail(GenerationJobSchema, job.id);
}

const pct = (estimate: number, outcome: number) =>
  outcome === 0 ? (estimate === 0 ? 0 : Number.POSITIVE_INFINITY) : (estimate - outcome) / outcome;
const fmtPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

interface Row {
  label: string;
  basis: string;
  errors: Record<string, number>;
  cells: string[];
}

function row(label: string, job: GenerationJob): Row {
  const e = job.estimate as GenerationEstimate;
  const seconds =
    job.startedAt && job.finishedAt
      ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000
      : 0;
  const figures: [string, number, number][] = [
    ['calls', e.calls, job.calls],
    ['input', e.inputTokens + e.cacheReadTokens, job.inputTokens + job.cacheReadTokens],
    ['output', e.outputTokens, job.outputTokens],
    ['cost', e.costUsd ?? 0, job.costUsd],
  ];
  const errors = Object.fromEntries(figures.map(([k, a, b]) => [k, pct(a, b)]));
  return {
    label,
    basis: e.basis
      ? `${e.basis.jobs} ${e.basis.jobs === 1 ? 'job' : 'jobs'} (${e.basis.items} items)`
      : 'prior',
    errors,
    cells: [
      ...figures.map(([k, a, b]) =>
        k === 'cost'
          ? `$${a.toFixed(4)} / $${b.toFixed(4)} (${b === 0 && a === 0 ? 'free' : fmtPct(errors[k]!)})`
          : `${Math.round(a).toLocaleString('en')} / ${b.toLocaleString('en')} (${fmtPct(errors[k]!)})`,
      ),
      `${e.seconds.toFixed(1)} s / ${seconds.toFixed(1)} s`,
    ],
  };
}

const JOBS = Math.max(2, Number(values.jobs));
const setups = [
  [
    `local, ${values.count} conversations`,
    { kind: 'conversations', count: Number(values.count), provider: 'local' },
  ],
  [
    `emulated Bedrock, ${values['bedrock-count']} conversations`,
    {
      kind: 'conversations',
      count: Number(values['bedrock-count']),
      provider: 'bedrock',
      model: values.model,
      concurrency: 8,
    },
  ],
] as const;
const groups: { label: string; rows: Row[] }[] = [];
for (const [label, input] of setups) {
  const group = { label, rows: [] as Row[] };
  for (let seed = 1; seed <= JOBS; seed++)
    group.rows.push(row(`${label}, job ${seed}`, await run({ ...input, seed })));
  groups.push(group);
}
const rows = groups.flatMap((g) => g.rows);

console.log(`model ${values.model}; each cell: estimate / outcome (error)\n`);
console.log(
  '| job | estimated from | calls | input tokens (incl. cache reads) | output tokens | cost | duration |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.label} | ${r.basis} | ${r.cells.join(' | ')} |`);
console.log(
  '\nLearned vs prior: mean |error| of jobs 2.. over |error| of job 1 (lower is better; noisy for small jobs):',
);
for (const g of groups) {
  const [prior, ...learned] = g.rows;
  const ratios = ['output', 'cost']
    .filter((k) => Number.isFinite(prior!.errors[k]!) && prior!.errors[k] !== 0)
    .map((k) => {
      const mean = learned.reduce((n, r) => n + Math.abs(r.errors[k]!), 0) / learned.length;
      return `${k} ${(mean / Math.abs(prior!.errors[k]!)).toFixed(2)}x`;
    });
  console.log(`  ${g.label}: ${ratios.join(', ') || 'n/a'}`);
}

await manager.stopAll();
bedrock.destroy();
await services.close();
await temp.drop();
await emulator.stop();
