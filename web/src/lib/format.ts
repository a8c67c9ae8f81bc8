import type { Locale } from './i18n/messages.ts';

/** Formatters are costly to build: one per locale and shape, made on first use. */
const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, key: string, options: Intl.NumberFormatOptions) {
  const id = `${locale}:${key}`;
  let format = cache.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(id, format);
  }
  return format;
}

/**
 * A dollar amount: cents for normal amounts, two significant digits below one cent so a cost per
 * item ($0.0031) is not shown as $0.00.
 */
export function formatUsd(amount: number, locale: Locale = 'en'): string {
  if (amount !== 0 && Math.abs(amount) < 0.01) {
    return numberFormat(locale, 'usd-small', {
      style: 'currency',
      currency: 'USD',
      maximumSignificantDigits: 2,
    }).format(amount);
  }
  return numberFormat(locale, 'usd', { style: 'currency', currency: 'USD' }).format(amount);
}

/** A share 0..1 as a percentage ("90.3%"; "90,3 %" in Spanish). */
export function formatPercent(fraction: number, digits = 1, locale: Locale = 'en'): string {
  if (locale === 'en') return `${(fraction * 100).toFixed(digits)}%`;
  return numberFormat(locale, `pct${digits}`, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(fraction);
}

/** A number with at most one decimal ("23.9", "1,234.5"). */
export function formatDecimal(n: number, locale: Locale = 'en'): string {
  return numberFormat(locale, 'decimal', { maximumFractionDigits: 1 }).format(n);
}

/** A count with thousands separators ("12,345"; "12.345" in Spanish). */
export function formatCount(n: number, locale: Locale = 'en'): string {
  return numberFormat(locale, 'count', {}).format(n);
}

/** A score with exactly `digits` decimals ("0.000", "0.873"; "0,873" in Spanish), so a column of scores lines up. */
export function formatFixed(n: number, locale: Locale = 'en', digits = 3): string {
  if (!Number.isFinite(n)) return '—';
  return numberFormat(locale, `fixed${digits}`, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}

/**
 * A number for people: thousands separators and at most `digits` decimals, fewer for big numbers
 * ("12,345", "3.14", "0.0042").
 */
export function formatNumber(n: number, locale: Locale = 'en', digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs !== 0 && abs < 0.01) {
    return numberFormat(locale, 'tiny', { maximumSignificantDigits: 2 }).format(n);
  }
  const max = abs >= 1000 ? 0 : abs >= 100 ? 1 : digits;
  return numberFormat(locale, `num${max}`, { maximumFractionDigits: max }).format(n);
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

/** An ISO timestamp as a short, readable date ("Nov 25, 2026, 5:24 PM"); the raw text if unparseable. */
export function formatDate(iso: string, locale: Locale = 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    dateFormats.set(locale, format);
  }
  return format.format(date);
}

/**
 * A duration in seconds, rounded to the two largest units that matter ("2 h 5 min", "3 min 20 s",
 * "45 s", "under 1 s").
 */
export function formatDuration(seconds: number, locale: Locale = 'en'): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return locale === 'es' ? 'menos de 1 s' : 'under 1 s';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return rest > 0 ? `${m} min ${rest} s` : `${m} min`;
  return `${rest} s`;
}
