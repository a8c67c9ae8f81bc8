/**
 * Timestamps as imported and exported: CSV files write naive `2016-07-01 02:00:00` (UTC by
 * convention) or ISO 8601; the schema stores ISO 8601 with a zone.
 */

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Epoch milliseconds of `2016-07-01 02:00:00` (no zone: UTC, the convention of the benchmark
 * files), ISO 8601 with a zone, or a bare date; null for anything else, including impossible dates
 * such as 2016-02-30 that Date would silently roll over.
 */
export function parseTimestamp(text: string): number | null {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const fraction = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, fraction));
  // Date.UTC rolls 2016-02-30 over to March 1st; a real date reads back as written.
  const real =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  if (!real) return null;
  const zone = m[8];
  if (zone === undefined || zone.toUpperCase() === 'Z') return local.getTime();
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  return local.getTime() - offset * 60_000;
}

/** `2016-07-01T02:00:00Z`: ISO 8601 without the `.000` that whole seconds do not need. */
export function isoString(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
