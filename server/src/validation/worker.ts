import { parentPort, workerData } from 'node:worker_threads';
import type { DatasetKind } from '@genesis/schema/common';
import type { OracleSource } from './text/label-fidelity.ts';

/**
 * What the validation worker is asked: build a profile from items, train label oracles on a reference's
 * labelled texts, or validate items against a profile (and oracles).
 */
export type ValidationTask =
  | { op: 'profile'; kind: DatasetKind; name: string; items: unknown[] }
  | { op: 'oracle'; kind: DatasetKind; name: string; items: unknown[] }
  | {
      op: 'validate';
      kind: DatasetKind;
      items: unknown[];
      profile: unknown;
      /** Text only: the label oracles (absent: `label_fidelity` is not computable). */
      oracles?: OracleSource | null;
      targets: Record<string, Record<string, number>> | null;
    };

// Runs one task (workerData.data), posts { ok, result } or { ok: false, message }, and exits.
const port = parentPort;
if (!port) throw new Error('validation/worker.ts must run in a worker thread (see service.ts)');
const task = (workerData as { data: ValidationTask }).data;

try {
  port.postMessage({ ok: true, result: await run(task) });
} catch (error) {
  port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}

async function run(t: ValidationTask): Promise<unknown> {
  if (t.op === 'oracle') {
    if (t.kind === 'timeseries') return null;
    const { buildReferenceOracles } = await import('./text/label-fidelity.ts');
    return buildReferenceOracles(t.items as never, t.kind, t.name);
  }
  if (t.kind === 'timeseries') {
    const { buildSeriesProfile, parseSeriesProfile } = await import('./series/profile.ts');
    const { validateSeries } = await import('./series/report.ts');
    if (t.op === 'profile') return buildSeriesProfile(t.name, t.items);
    return validateSeries(t.items as never, {
      profile: t.profile ? parseSeriesProfile(t.profile) : null,
    });
  }
  const { buildTextProfile, parseTextProfile } = await import('./text/profile.ts');
  const { validateText } = await import('./text/report.ts');
  if (t.op === 'profile') return buildTextProfile(t.name, t.items as never, t.kind);
  const { resolveOracles } = await import('./text/label-fidelity.ts');
  return validateText(t.items as never, t.kind, {
    profile: t.profile ? parseTextProfile(t.profile) : null,
    oracles: resolveOracles(t.oracles),
    targets: t.targets as never,
  });
}
