import type { ResultOf } from 'gql.tada';
import type { JobStatus } from '../graphql/graphql.ts';
import type { GenerationProgressFields } from './documents.ts';

/** Statuses after which a job sends no more events (until it is resumed). */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = [
  'COMPLETED',
  'COMPLETED_SHORT',
  'FAILED',
  'CANCELLED',
];

/** Whether a job is queued or running, i.e. can be cancelled and will send events. */
export function isJobActive(status: JobStatus): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/** Whether a job stopped before finishing and can be resumed (only missing items are made). */
export function isJobResumable(status: JobStatus, done: number, requested: number): boolean {
  return (
    status === 'PAUSED' ||
    status === 'FAILED' ||
    status === 'COMPLETED_SHORT' ||
    (status === 'CANCELLED' && done < requested)
  );
}

const STATUS_LABELS: Record<JobStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  PAUSED: 'Paused',
  COMPLETED: 'Completed',
  // Ended with fewer items than asked (the job page says how many and why); a resume tops it up.
  COMPLETED_SHORT: 'Completed short',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/** The human name of a job status ("Running"). */
export function jobStatusLabel(status: JobStatus): string {
  return STATUS_LABELS[status];
}

/**
 * How far a job is, 0..100: items decided (accepted + rejected) of those requested, rounded
 * down so the bar shows 100 only when every slot is decided.
 */
export function progressPercent(p: { requested: number; accepted: number; rejected: number }) {
  if (p.requested <= 0) return 0;
  return Math.min(100, Math.floor(((p.accepted + p.rejected) / p.requested) * 100));
}

/** One column of the per-label chart: what was accepted so far and what the job aims for. */
export interface LabelColumn {
  label: string;
  count: number;
  /** Items this label should end with, from the target weights (null when unknown). */
  target: number | null;
}

/**
 * The per-intent (or per-series-type) columns of a job: every label it aims for, in a fixed order
 * (so columns fill up in place instead of jumping), each with its expected final count; labels
 * that arrive without a target are appended.
 *
 * @param perLabel accepted items per label, from `GenerationProgress.perLabel`
 * @param universe the labels in display order with their (unnormalised) target weights
 * @param requested how many items the job asked for
 */
export function labelColumns(
  perLabel: readonly { label: string; count: number }[],
  universe: readonly { label: string; weight: number }[],
  requested: number,
): LabelColumn[] {
  const counts = new Map(perLabel.map((p) => [p.label, p.count]));
  const total = universe.reduce((sum, u) => sum + Math.max(0, u.weight), 0);
  const columns: LabelColumn[] = universe.map((u) => ({
    label: u.label,
    count: counts.get(u.label) ?? 0,
    target: total > 0 ? (requested * Math.max(0, u.weight)) / total : null,
  }));
  const known = new Set(universe.map((u) => u.label));
  for (const p of perLabel) {
    if (!known.has(p.label)) columns.push({ label: p.label, count: p.count, target: null });
  }
  return columns;
}

/**
 * The labels a job aims for with their weights, read from its stored config (`targets.intents`
 * or `targets.seriesTypes`); when the job did not narrow them, `defaults` (every label with its
 * default weight). Labels keep the order of `defaults` (the catalog order).
 */
export function labelUniverse(
  config: unknown,
  key: 'intents' | 'seriesTypes',
  defaults: readonly { label: string; weight: number }[],
): { label: string; weight: number }[] {
  const targets =
    typeof config === 'object' && config !== null && 'targets' in config
      ? (config.targets as Record<string, unknown> | null)
      : null;
  const weights = targets?.[key];
  if (typeof weights !== 'object' || weights === null) return [...defaults];
  const byLabel = new Map(
    Object.entries(weights as Record<string, unknown>).filter(
      (e): e is [string, number] => typeof e[1] === 'number',
    ),
  );
  const order = defaults.map((d) => d.label);
  const ordered = order.filter((label) => byLabel.has(label));
  const extra = [...byLabel.keys()].filter((label) => !order.includes(label));
  return [...ordered, ...extra].map((label) => ({ label, weight: byLabel.get(label) ?? 0 }));
}

/**
 * Default series-type weights: each domain's share split equally among its types, as the
 * generator does when no series types are chosen.
 */
export function defaultSeriesWeights(
  seriesTypes: readonly { id: string; domain: string }[],
  domains: readonly { id: string; weight: number }[],
): { label: string; weight: number }[] {
  const perDomain = new Map<string, number>();
  for (const t of seriesTypes) perDomain.set(t.domain, (perDomain.get(t.domain) ?? 0) + 1);
  const share = new Map(domains.map((d) => [d.id, d.weight]));
  return seriesTypes.map((t) => ({
    label: t.id,
    weight: (share.get(t.domain) ?? 0) / (perDomain.get(t.domain) ?? 1),
  }));
}

/** The record counts of a job's Bedrock batch inference, from `GenerationProgress.batch`. */
export type BatchCounts = Pick<
  NonNullable<ResultOf<typeof GenerationProgressFields>['batch']>,
  'recordsSubmitted' | 'recordsCompleted' | 'recordsFailed'
>;

/**
 * How far Bedrock is through a job's batch records, 0..100: records completed or failed of those
 * submitted, rounded down so 100 means every record is done.
 */
export function batchPercent(batch: BatchCounts): number {
  if (batch.recordsSubmitted <= 0) return 0;
  const done = batch.recordsCompleted + batch.recordsFailed;
  return Math.min(100, Math.floor((done / batch.recordsSubmitted) * 100));
}

/** Bedrock's batch job status in words: `InProgress` → "In progress", `PartiallyCompleted` → "Partially completed". */
export function batchStatusLabel(status: string): string {
  const words = status.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const MODE_LABELS: Record<string, string> = {
  on_demand: 'on demand',
  batch: 'batch mode',
  auto: 'auto mode (batch for large jobs)',
};

/** A job's generation mode in words, read from its stored config; null when it has none. */
export function jobModeLabel(config: unknown): string | null {
  const mode =
    typeof config === 'object' && config !== null && 'mode' in config ? config.mode : null;
  return typeof mode === 'string' ? (MODE_LABELS[mode] ?? mode) : null;
}
