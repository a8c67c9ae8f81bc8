import type { DatasetKind, DatasetOrigin } from '../graphql/graphql.ts';

/** Every dataset kind, in the order the UI lists them. */
export const DATASET_KINDS = [
  'CONVERSATIONS',
  'TIMESERIES',
  'UTTERANCES',
] as const satisfies readonly DatasetKind[];

/** Every dataset origin, in the order the UI lists them. */
export const DATASET_ORIGINS = [
  'GENERATED',
  'IMPORTED',
] as const satisfies readonly DatasetOrigin[];

const KIND_LABELS: Record<DatasetKind, string> = {
  CONVERSATIONS: 'Conversations',
  TIMESERIES: 'Time series',
  UTTERANCES: 'Utterances',
};

const ORIGIN_LABELS: Record<DatasetOrigin, string> = {
  GENERATED: 'Generated',
  IMPORTED: 'Imported',
};

/** The human name of a dataset kind ("Time series"). */
export function kindLabel(kind: DatasetKind): string {
  return KIND_LABELS[kind];
}

/** The human name of a dataset origin ("Imported"). */
export function originLabel(origin: DatasetOrigin): string {
  return ORIGIN_LABELS[origin];
}

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO timestamp as a short, readable date ("Nov 25, 2026, 5:24 PM"); the raw text if unparseable. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

const numberFormat = new Intl.NumberFormat('en');

/** A count with thousands separators ("12,345"). */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}
