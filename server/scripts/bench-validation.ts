/**
 * pnpm bench:validation [--sizes 10000,100000] [--repeat 2] [--seed 7] [--profile FILE] [--show]
 *                       [--e2e-size N] [--groups] [--series 1000x1000]
 *
 * 1. In process: times the full conversation validation report (quality, consistency, realism, diversity with
 *    MinHash-LSH, language ID, privacy and memorisation, bias) against the shipped Banking77 profile, on
 *    conversations the local writer generates from planned slots (the same path a `local` generation job
 *    takes, minus the database). Prints the time per size, the best of `--repeat` runs after a small warm-up,
 *    and the scaling ratio of the largest size to the smallest (ideal: the size ratio, 10 for 10k -> 100k).
 *    Goal: 100k in under 10 s on the 2-core machine. `--show` prints the metrics of the smallest size.
 * 2. End to end (what `genesis validate` and `validateDataset` cost a user): the `--e2e-size` conversations
 *    (default: the largest size; 0 skips) are stored in a temporary SQLite registry, then timed through
 *    `ValidationManager.validate` both ways, alternating, `--repeat` times each: the old path (the main thread
 *    reads the items and copies them into one worker thread, which computes the whole report) and the new one
 *    (two worker threads each read them on their own connection and compute one half of the report; one
 *    thread on a one-core machine). Prints the phases of each (reference, reads, profile parse in the worker,
 *    report, hand-off, store; each half's), the process's CPU seconds, the best of each, and the ratio
 *    new / old of the same run.
 *    `--groups`: the report's parts timed one after the other on one thread at the e2e size, wall and CPU time
 *    (corpus, language ID with ELD's own detect and with the en/es-restricted scorer and their ratio, label
 *    fidelity, PII, bias, each half and the whole report), to see which dominate.
 * 3. Time-series fidelity: `--series SERIESxPOINTS` electricity loads from the local engine (default
 *    1000x1000; 0 skips) through the full series report against the shipped electricity profile, in process.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getSeriesType } from '@genesis/schema/catalog/series';
import type { Conversation } from '@genesis/schema/conversation';
import { Random } from '@genesis/schema/random';
import type { ValidationReportData } from '@genesis/schema/reports';
import type { TimeSeries } from '@genesis/schema/timeseries';
import { resolveConfig } from '../src/generation/config.ts';
import { planConversations } from '../src/generation/plan.ts';
import { detectLanguages, eldLanguage } from '../src/language/language.ts';
import { answerConversations } from '../src/llm/local/conversations/answer.ts';
import { loadConfig, REPO_ROOT } from '../src/platform/config.ts';
import { initORM } from '../src/platform/db/orm.ts';
import { createTempSqlite } from '../src/platform/db/temp-database.ts';
import { itemColumns, itemKey } from '../src/registry/columns.ts';
import { renderSeries } from '../src/timeseries/engine.ts';
import { defaultScenario } from '../src/timeseries/scenario.ts';
import { loadSeriesProfile } from '../src/validation/series/profile.ts';
import { validateSeries } from '../src/validation/series/report.ts';
import { ValidationManager, type ValidationPhases } from '../src/validation/service.ts';
import { biasReport } from '../src/validation/text/bias.ts';
import { buildCorpus } from '../src/validation/text/corpus.ts';
import { labelFidelityMetric, resolveOracles } from '../src/validation/text/label-fidelity.ts';
import { scanPii } from '../src/validation/text/pii.ts';
import { parseTextProfile } from '../src/validation/text/profile.ts';
import { textCorpusPart, textItemsPart, validateText } from '../src/validation/text/report.ts';
import { customerTexts } from '../src/validation/text/tokens.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    repeat: { type: 'string', default: '2' },
    seed: { type: 'string', default: '7' },
    profile: {
      type: 'string',
      default: resolve(REPO_ROOT, 'data/reference/banking77.profile.json'),
    },
    show: { type: 'boolean', default: false },
    'e2e-size': { type: 'string' },
    groups: { type: 'boolean', default: false },
    series: { type: 'string', default: '1000x1000' },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const repeat = Math.max(1, Number(values.repeat));
const seed = Number(values.seed);
const profile = parseTextProfile(JSON.parse(readFileSync(values.profile!, 'utf8')));
// The shipped profile comes with the Banking77 label oracle, as in the service; a profile file has none.
const oracles = values.profile!.endsWith('/data/reference/banking77.profile.json')
  ? resolveOracles({ shipped: 'banking77' })
  : null;
const e2eSize = Number(values['e2e-size'] ?? Math.max(...sizes));
const [seriesCount = 0, seriesLength = 0] =
  values.series === '0' ? [] : values.series!.split('x').map(Number);

function generate(count: number): Conversation[] {
  const config = resolveConfig(
    { kind: 'conversations', count, provider: 'local', seed, targets: {} },
    loadConfig({}),
  );
  const slots = planConversations(config);
  const out: Conversation[] = [];
  // The runner asks for slotsPerCall slots per call; the answer does not depend on the batching.
  for (let i = 0; i < slots.length; i += 1000) {
    for (const { slot: _slot, ...conversation } of answerConversations(
      slots.slice(i, i + 1000),
      String(seed),
    ).conversations) {
      out.push(conversation);
    }
  }
  return out;
}

console.log(
  `validation bench: conversations from the local writer (seed ${seed}) vs ${profile.name} (${profile.itemCount} utterances); node ${process.version}`,
);
// Warm-up: JIT-compile the hot paths so the first measured size is not charged for it.
validateText(generate(2000), 'conversations', { profile, oracles });

const results: Array<{ size: number; seconds: number }> = [];
for (const size of sizes) {
  const started = performance.now();
  const items = generate(size);
  const generateSeconds = (performance.now() - started) / 1000;
  let best = Number.POSITIVE_INFINITY;
  let report: ReturnType<typeof validateText> | null = null;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    report = validateText(items, 'conversations', { profile, oracles });
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  results.push({ size, seconds: best });
  console.log(
    `${String(size).padStart(7)} conversations: validate ${best.toFixed(2)} s (best of ${repeat}; ${Math.round(size / best)} items/s; generated in ${generateSeconds.toFixed(1)} s); score ${report!.overall.score} ${report!.overall.verdict}, bias ${report!.bias?.severity}`,
  );
  if (values.show && size === sizes[0]) {
    for (const m of report!.metrics) {
      const band = m.band ? ` band ${m.band.low}..${m.band.high}` : '';
      const thresholds = m.thresholds
        ? ` (warn ${m.thresholds.warn}, fail ${m.thresholds.fail})`
        : '';
      console.log(
        `    ${m.id.padEnd(36)} ${String(m.value).padEnd(10)} ${m.verdict.padEnd(14)}${thresholds}${band} ${m.reason ?? ''}`,
      );
    }
    for (const reason of report!.bias?.reasons ?? []) console.log(`    bias: ${reason}`);
  }
}
if (results.length >= 2) {
  const first = results[0]!;
  const last = results[results.length - 1]!;
  console.log(
    `scaling ${last.size}/${first.size}: time ratio ${(last.seconds / first.seconds).toFixed(2)} (ideal ${(last.size / first.size).toFixed(0)}); ` +
      `${last.size} in ${last.seconds.toFixed(2)} s (goal < 10 s)`,
  );
}

if (e2eSize > 0) {
  const items = generate(e2eSize);
  const temp = await createTempSqlite();
  const services = await initORM(temp.db);
  try {
    let t = performance.now();
    const dataset = await services.datasets(services.em.fork()).createWithItems(
      { name: `bench ${e2eSize}`, kind: 'conversations', origin: 'imported' },
      items.map((c, i) => ({
        key: itemKey('conversations', c, i),
        data: c,
        columns: itemColumns('conversations', c),
      })),
    );
    const storeSeconds = (performance.now() - t) / 1000;
    const options = values.profile!.endsWith('/data/reference/banking77.profile.json')
      ? { profile: 'banking77' }
      : { profileFile: values.profile! };
    type Run = {
      seconds: number;
      /** CPU seconds of the whole process (every thread) during the validation: its work, whatever the load. */
      cpu: number;
      phases: ValidationPhases;
      score: number | null;
      version: number;
    };
    const runs: Record<'main' | 'worker', Run[]> = { main: [], worker: [] };
    // Alternating old and new in one process, so both see the same machine load and caches.
    for (let r = 0; r < repeat; r++) {
      for (const read of ['main', 'worker'] as const) {
        let phases: ValidationPhases | null = null;
        const manager = new ValidationManager(services, { read, onPhases: (p) => (phases = p) });
        t = performance.now();
        const cpu = process.cpuUsage();
        const stored = await manager.validate(dataset.id, options);
        const used = process.cpuUsage(cpu);
        runs[read].push({
          seconds: (performance.now() - t) / 1000,
          cpu: (used.user + used.system) / 1e6,
          phases: phases!,
          score: stored.overallScore ?? null,
          version: stored.version,
        });
      }
    }
    const best = (list: Run[]) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const old = best(runs.main);
    const now = best(runs.worker);
    const f = (x: number) => `${x.toFixed(2)} s`;
    const line = (label: string, run: Run) => {
      const p = run.phases;
      console.log(
        `  ${label.padEnd(44)} ${f(run.seconds).padStart(8)}: reference ${f(p.reference)}, read on main ${f(p.mainRead)}, ` +
          `read in worker ${f(p.read)}, profile parse ${f(p.profile)}, report ${f(p.report)}, ` +
          `hand-off ${f(p.handOff)}, store ${f(p.store)}; process CPU ${f(run.cpu)} (score ${run.score}, v${run.version})`,
      );
      for (const [half, h] of Object.entries(p.halves ?? {})) {
        console.log(
          `    ${`${half} half`.padEnd(42)}: read ${f(h.read)}, profile parse ${f(h.profile)}, report ${f(h.report)}`,
        );
      }
    };
    console.log(
      `${String(e2eSize).padStart(7)} conversations end to end (temp SQLite registry -> ValidationManager.validate), best of ${repeat} each, alternating:`,
    );
    line('old: main thread reads, copies to the worker', old);
    line('new: the worker reads the items itself', now);
    console.log(
      `  ratio new / old: ${(now.seconds / old.seconds).toFixed(2)} (${(old.seconds / now.seconds).toFixed(2)}x faster; process CPU ${(now.cpu / old.cpu).toFixed(2)}); ` +
        `${Math.round(e2eSize / now.seconds)} items/s; storing the items first took ${storeSeconds.toFixed(1)} s; goal <= 3 s`,
    );
    if (now.score !== old.score) {
      console.log(`  WARNING: the scores differ (old ${old.score}, new ${now.score})`);
    }
    if (values.groups) {
      // One thread, one after the other: which parts of the report cost what (validateText runs language ID
      // on a second thread beside the rest, so its wall time is less than this sum).
      const textItems = items as never[];
      // CPU seconds beside the wall time: on a shared machine the wall time grows with the load, the CPU time
      // (of this process, which runs nothing else meanwhile) much less.
      const timed = <T>(label: string, fn: () => T): { out: T; seconds: number; cpu: number } => {
        const started = performance.now();
        const cpuStart = process.cpuUsage();
        const out = fn();
        const used = process.cpuUsage(cpuStart);
        const seconds = (performance.now() - started) / 1000;
        const cpu = (used.user + used.system) / 1e6;
        console.log(`    ${label.padEnd(48)} ${f(seconds).padStart(8)} (CPU ${f(cpu)})`);
        return { out, seconds, cpu };
      };
      console.log(`  the report's parts at ${e2eSize} items, on one thread (wall, and CPU):`);
      timed('corpus (tokens, n-grams)', () => buildCorpus(textItems, 'conversations'));
      const languageTexts = textItems.map((it) => customerTexts(it, 'conversations').join('\n'));
      const eldSeconds = timed('language ID, ELD detect (subset en/es; before)', () =>
        languageTexts.map(eldLanguage),
      );
      const ourSeconds = timed('language ID, ELD restricted to en/es (now)', () =>
        detectLanguages(languageTexts),
      );
      console.log(
        `    language ID ratio now / before: ${(ourSeconds.seconds / eldSeconds.seconds).toFixed(2)} (CPU ${(ourSeconds.cpu / eldSeconds.cpu).toFixed(2)}; same answers: ${eldSeconds.out.every((x, i) => x === ourSeconds.out[i])})`,
      );
      timed('label fidelity (oracle)', () =>
        labelFidelityMetric(textItems, 'conversations', oracles),
      );
      timed('PII scan', () => scanPii(textItems, 'conversations'));
      timed('bias', () => biasReport(textItems, 'conversations', null));
      timed('corpus half (textCorpusPart)', () =>
        textCorpusPart(items, 'conversations', { profile, oracles }),
      );
      timed('items half (textItemsPart)', () =>
        textItemsPart(items, 'conversations', { profile, oracles }),
      );
      timed('whole report (validateText, one thread)', () =>
        validateText(items, 'conversations', { profile, oracles }),
      );
    }
  } finally {
    await services.close();
    await temp.drop();
  }
}

if (seriesCount > 0) {
  const seriesProfile = loadSeriesProfile(
    resolve(REPO_ROOT, 'data/reference/electricity.profile.json'),
  );
  const types = [
    'residential_consumption',
    'commercial_consumption',
    'industrial_load',
    'grid_demand',
  ];
  const series: TimeSeries[] = Array.from({ length: seriesCount }, (_, i) => {
    const type = getSeriesType(types[i % types.length]!)!;
    const slot = {
      slot: `bench-${i}`,
      domain: type.domain,
      series_type: type.id,
      frequency: type.frequency,
      start: '2024-01-01T00:00:00Z',
      length: seriesLength,
      language: 'en' as const,
    };
    return renderSeries(
      slot,
      defaultScenario(slot, new Random(`scenario-${seed}-${i}`)),
      new Random(`${seed}-${i}`),
    );
  });
  validateSeries(series.slice(0, 50), { profile: seriesProfile });
  let best = Number.POSITIVE_INFINITY;
  let report: ValidationReportData | null = null;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    report = validateSeries(series, { profile: seriesProfile });
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  console.log(
    `time-series fidelity: ${seriesCount} electricity series x ${seriesLength} points vs ${seriesProfile.name} in ${best.toFixed(2)} s ` +
      `(best of ${repeat}, in process); score ${report!.overall.score} ${report!.overall.verdict}`,
  );
}
