/** Distribution distances and goodness-of-fit tests used by the text reports. */
import gammainc from '@stdlib/math-base-special-gammainc';

/** Counts or weights scaled to sum to 1 (all zeros stay zeros). */
export function shares(values: readonly number[]): number[] {
  let total = 0;
  for (const x of values) total += x;
  return total > 0 ? values.map((x) => x / total) : values.map(() => 0);
}

/**
 * Jensen-Shannon divergence in bits (0 = same distribution, 1 = disjoint), between two count or weight
 * vectors over the same labels. Both are normalised first.
 */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length)
    throw new RangeError(`JSD needs equal lengths; got ${p.length} and ${q.length}`);
  const a = shares(p);
  const b = shares(q);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const m = (x + y) / 2;
    if (x > 0) sum += x * Math.log2(x / m);
    if (y > 0) sum += y * Math.log2(y / m);
  }
  // Rounding can leave -1e-17 for identical inputs.
  return Math.min(1, Math.max(0, sum / 2));
}

/** Total variation distance (half the L1 distance of the shares), 0..1. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length)
    throw new RangeError(`TVD needs equal lengths; got ${p.length} and ${q.length}`);
  const a = shares(p);
  const b = shares(q);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return Math.min(1, sum / 2);
}

/**
 * The JSD (bits) two samples of sizes `n` and `m` drawn from one distribution over `categories` labels show on
 * average from sampling alone: (K - 1)(1/n + 1/m) / (8 ln 2), the second-order expansion of the plug-in
 * estimate. Added to JSD thresholds so a 100-item dataset is not failed for being small.
 */
export function jsdNoiseFloor(categories: number, n: number, m: number): number {
  if (categories < 2 || n <= 0 || m <= 0) return 0;
  return ((categories - 1) * (1 / n + 1 / m)) / (8 * Math.LN2);
}

/** Upper tail of the chi-square distribution: P(X >= statistic) with `dof` degrees of freedom. */
export function chiSquarePValue(statistic: number, dof: number): number {
  if (!(dof > 0)) return Number.NaN;
  if (statistic === Number.POSITIVE_INFINITY) return 0;
  if (statistic <= 0) return 1;
  return gammainc(statistic / 2, dof / 2, true, true);
}

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
  /** Some expected count is below 5, where the chi-square approximation is rough. */
  lowExpected: boolean;
}

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against expected shares. Labels with an
 * expected share of 0 add no degree of freedom; an observed count there makes the statistic infinite (p = 0):
 * the dataset holds something the targets rule out.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expectedShares: readonly number[],
): ChiSquareResult {
  if (observed.length !== expectedShares.length) {
    throw new RangeError(
      `chi-square needs equal lengths; got ${observed.length} and ${expectedShares.length}`,
    );
  }
  const n = observed.reduce((a, b) => a + b, 0);
  const expected = shares(expectedShares).map((s) => s * n);
  let statistic = 0;
  let cells = 0;
  let lowExpected = false;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    const o = observed[i]!;
    if (e === 0) {
      if (o > 0) statistic = Number.POSITIVE_INFINITY;
      continue;
    }
    cells++;
    if (e < 5) lowExpected = true;
    statistic += ((o - e) * (o - e)) / e;
  }
  const dof = cells - 1;
  return {
    statistic,
    dof,
    pValue: n === 0 ? Number.NaN : chiSquarePValue(statistic, dof),
    lowExpected,
  };
}

/**
 * Pearson's chi-square test of independence on a contingency table (rows x columns of counts). Empty rows and
 * columns are dropped first.
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquareResult {
  const rows = table.filter((row) => row.some((x) => x > 0));
  const width = rows[0]?.length ?? 0;
  const colTotals = Array.from({ length: width }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0));
  const cols = colTotals.map((t, j) => (t > 0 ? j : -1)).filter((j) => j >= 0);
  const n = colTotals.reduce((a, b) => a + b, 0);
  let statistic = 0;
  let lowExpected = false;
  for (const row of rows) {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    for (const j of cols) {
      const e = (rowTotal * colTotals[j]!) / n;
      if (e < 5) lowExpected = true;
      statistic += ((row[j]! - e) * (row[j]! - e)) / e;
    }
  }
  const dof = (rows.length - 1) * (cols.length - 1);
  return { statistic, dof, pValue: dof > 0 ? chiSquarePValue(statistic, dof) : 1, lowExpected };
}

/** Low / median / high of several values (the real-vs-real band). */
export function bandOf(values: readonly number[]): { low: number; median: number; high: number } {
  if (values.length === 0) throw new RangeError('a band needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { low: sorted[0]!, median, high: sorted[sorted.length - 1]! };
}

/** A p-value for people: `p = 0.031`, `p < 1e-15`. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'p n/a';
  if (p < 1e-15) return 'p < 1e-15';
  if (p < 0.001) return `p = ${p.toExponential(1)}`;
  return `p = ${p.toFixed(3)}`;
}
