/**
 * pnpm bench:timeseries:seeds [--seeds 14-41] [--set 7] [--jobs 2] [--types a,b] [--engine calibrated]
 *   [--params FILE] [--data DIR]
 *
 * `bench:timeseries` over a range of seeds, summarised by sets of consecutive seeds: with 14-56 real series per
 * type a discriminator's accuracy moves by about ±0.05 from one seed to the next (more for the smallest types),
 * so changes are judged on the means over seed sets (docs/timeseries.md, "Fidelity"). Runs one
 * `bench-timeseries.ts --seed S --json FILE` per seed (`--jobs` at a time, each its own process), then prints per
 * type and set the mean accuracy of the logistic regression and of the boosted stumps, the smallest
 * nearest-neighbour ratio, the copies, and which seeds put a distance above its real-vs-real band.
 * A set is reported only when all its seeds ran; the seeds that failed are named.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '14-41' },
    set: { type: 'string', default: '7' },
    jobs: { type: 'string', default: '2' },
    types: { type: 'string' },
    engine: { type: 'string', default: 'calibrated' },
    params: { type: 'string' },
    data: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`bench:timeseries:seeds: ${message}`);
  process.exit(2);
}

const range = /^(\d+)-(\d+)$/.exec(args.seeds!);
if (!range) fail(`--seeds must be a range FIRST-LAST, e.g. 14-41; got "${args.seeds}"`);
const [first, last] = [Number(range[1]), Number(range[2])];
if (last < first) fail(`--seeds ${args.seeds}: the last seed is before the first`);
const setSize = Number(args.set);
if (!Number.isInteger(setSize) || setSize < 1)
  fail(`--set must be a whole number >= 1; got "${args.set}"`);
const jobs = Number(args.jobs);
if (!Number.isInteger(jobs) || jobs < 1)
  fail(`--jobs must be a whole number >= 1; got "${args.jobs}"`);
if (args.engine !== 'calibrated' && args.engine !== 'original') {
  fail(`--engine must be calibrated or original (one engine per run); got "${args.engine}"`);
}

/** One row of `bench-timeseries.ts --json`. */
interface Row {
  engine: string;
  type: string;
  logreg: number | null;
  boosted: number;
  metrics: Record<string, { value: number | null; high: number | null }>;
  nn: number;
  copies: number;
}

const script = resolve(import.meta.dirname, 'bench-timeseries.ts');
const dir = mkdtempSync(join(tmpdir(), 'bench-seeds-'));
const seeds = Array.from({ length: last - first + 1 }, (_, i) => first + i);
const results = new Map<number, Row[]>();
const failed: { seed: number; why: string }[] = [];

/** Runs the benchmark for one seed in its own process (tsx's loader comes with `execArgv`). */
function runSeed(seed: number): Promise<void> {
  const file = join(dir, `${seed}.json`);
  const argv = [
    ...process.execArgv,
    script,
    '--seed',
    String(seed),
    '--engine',
    args.engine!,
    '--json',
    file,
    ...(args.types ? ['--types', args.types] : []),
    ...(args.params ? ['--params', resolve(args.params)] : []),
    ...(args.data ? ['--data', resolve(args.data)] : []),
  ];
  return new Promise((done) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      if (code === 0) {
        results.set(seed, (JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] }).rows);
      } else {
        const why = stderr.trim().split('\n').slice(-1)[0] ?? `exit code ${code}`;
        failed.push({ seed, why });
      }
      done();
    });
  });
}

const bar = new cliProgress.SingleBar(
  { format: 'seeds [{bar}] {value}/{total} | ETA {eta_formatted}', hideCursor: true },
  cliProgress.Presets.shades_classic,
);
bar.start(seeds.length, 0);
const queue = [...seeds];
await Promise.all(
  Array.from({ length: Math.min(jobs, seeds.length) }, async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      await runSeed(seed);
      bar.increment();
    }
  }),
);
bar.stop();
rmSync(dir, { recursive: true, force: true });

const sets: number[][] = [];
for (let i = 0; i < seeds.length; i += setSize) sets.push(seeds.slice(i, i + setSize));
const types = [...new Set([...results.values()].flat().map((r) => r.type))];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number) => x.toFixed(3);

console.log(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), engine ${args.engine}, seeds ${first}-${last} in sets of ${setSize}; LR / GBS means per set\n`,
);
console.log(
  `| type | ${sets.map((s) => `${s[0]}-${s[s.length - 1]}`).join(' | ')} | NN ratio min | copies | distances above band |`,
);
console.log(`|---|${sets.map(() => '---').join('|')}|---|---|---|`);
for (const type of types) {
  const rowOf = (seed: number) => results.get(seed)?.find((r) => r.type === type);
  const cells = sets.map((set) => {
    const rows = set.map(rowOf);
    if (rows.some((r) => r === undefined)) return 'incomplete';
    const done = rows as Row[];
    const lr = done.map((r) => r.logreg).filter((x): x is number => x !== null);
    return `${lr.length === done.length ? f(mean(lr)) : '-'} / ${f(mean(done.map((r) => r.boosted)))}`;
  });
  const all = seeds.flatMap((seed) => {
    const r = rowOf(seed);
    return r ? [{ seed, r }] : [];
  });
  const above = new Map<string, number[]>();
  for (const { seed, r } of all) {
    for (const [key, m] of Object.entries(r.metrics)) {
      if (m.value !== null && m.high !== null && m.value > m.high) {
        above.set(key, [...(above.get(key) ?? []), seed]);
      }
    }
  }
  const aboveText =
    above.size === 0
      ? 'none'
      : [...above]
          .map(([key, s]) => `${key} on ${s.length} of ${all.length} (${s.join(', ')})`)
          .join('; ');
  const nnMin = Math.min(...all.map(({ r }) => r.nn));
  const copies = all.reduce((sum, { r }) => sum + r.copies, 0);
  console.log(
    `| ${type} | ${cells.join(' | ')} | ${nnMin.toFixed(2)} | ${copies} | ${aboveText} |`,
  );
}
if (failed.length > 0) {
  console.log(`\nseeds that failed: ${failed.map((x) => `${x.seed} (${x.why})`).join('; ')}`);
  process.exitCode = 1;
}
