const usd = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' });
const usdSmall = new Intl.NumberFormat('en', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 2,
});
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/**
 * A dollar amount: cents for normal amounts, two significant digits below one cent so a cost per
 * item ($0.0031) is not shown as $0.00.
 */
export function formatUsd(amount: number): string {
  if (amount !== 0 && Math.abs(amount) < 0.01) return usdSmall.format(amount);
  return usd.format(amount);
}

/** A share 0..1 as a percentage ("90.3%"). */
export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A number with at most one decimal ("23.9"). */
export function formatDecimal(n: number): string {
  return decimal.format(n);
}

/**
 * A duration in seconds, rounded to the two largest units that matter ("2 h 5 min", "3 min 20 s",
 * "45 s", "under 1 s").
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return 'under 1 s';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return rest > 0 ? `${m} min ${rest} s` : `${m} min`;
  return `${rest} s`;
}
