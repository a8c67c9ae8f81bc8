import { formatCount as formatCountIn, formatDate as formatDateIn } from '../format.ts';
import type { DatasetKind, DatasetOrigin } from '../graphql/graphql.ts';
import type { Locale } from '../i18n/messages.ts';

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

const KIND_LABELS: Record<Locale, Record<DatasetKind, string>> = {
  en: { CONVERSATIONS: 'Conversations', TIMESERIES: 'Time series', UTTERANCES: 'Utterances' },
  es: { CONVERSATIONS: 'Conversaciones', TIMESERIES: 'Series temporales', UTTERANCES: 'Frases' },
};

const ORIGIN_LABELS: Record<Locale, Record<DatasetOrigin, string>> = {
  en: { GENERATED: 'Generated', IMPORTED: 'Imported' },
  es: { GENERATED: 'Generado', IMPORTED: 'Importado' },
};

/** The human name of a dataset kind ("Time series"). */
export function kindLabel(kind: DatasetKind, locale: Locale = 'en'): string {
  return KIND_LABELS[locale][kind];
}

/** The human name of a dataset origin ("Imported"). */
export function originLabel(origin: DatasetOrigin, locale: Locale = 'en'): string {
  return ORIGIN_LABELS[locale][origin];
}

/** An ISO timestamp as a short, readable date ("Nov 25, 2026, 5:24 PM"); the raw text if unparseable. */
export function formatDate(iso: string, locale: Locale = 'en'): string {
  return formatDateIn(iso, locale);
}

/** A count with thousands separators ("12,345"). */
export function formatCount(n: number, locale: Locale = 'en'): string {
  return formatCountIn(n, locale);
}
