/**
 * pnpm bench:validation [--sizes 10000,100000] [--repeat 2] [--seed 7] [--profile FILE] [--show]
 *
 * Times the full conversation validation report (quality, consistency, realism, diversity with MinHash-LSH,
 * language ID, privacy and memorisation, bias) against the shipped Banking77 profile, on conversations the
 * local writer generates from planned slots (the same path a `local` generation job takes, minus the
 * database). Prints the time per size, the best of `--repeat` runs after a small warm-up, and the scaling
 * ratio of the largest size to the smallest (ideal: the size ratio, 10 for 10k -> 100k). Goal: 100k in under
 * 10 s on the 2-core machine. `--show` prints the metrics of the smallest size.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Conversation } from '@genesis/schema/conversation';
import { loadConfig, REPO_ROOT } from '../src/config.ts';
import { resolveConfig } from '../src/generation/config.ts';
import { answerConversations } from '../src/generation/local/conversations/answer.ts';
import { planConversations } from '../src/generation/plan.ts';
import { parseTextProfile } from '../src/validation/text/profile.ts';
import { validateText } from '../src/validation/text/report.ts';

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
  },
});
const sizes = values.sizes!.split(',').map(Number);
const repeat = Math.max(1, Number(values.repeat));
const seed = Number(values.seed);
const profile = parseTextProfile(JSON.parse(readFileSync(values.profile!, 'utf8')));

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
validateText(generate(2000), 'conversations', { profile });

const results: Array<{ size: number; seconds: number }> = [];
for (const size of sizes) {
  const started = performance.now();
  const items = generate(size);
  const generateSeconds = (performance.now() - started) / 1000;
  let best = Number.POSITIVE_INFINITY;
  let report: ReturnType<typeof validateText> | null = null;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    report = validateText(items, 'conversations', { profile });
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
