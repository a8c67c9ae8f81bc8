/** Builds report metrics: a value judged against thresholds, or an explicit "not computable" with the reason. */
import { type Thresholds, type ValidationMetric, verdictOf } from '@genesis/schema/reports';

type Extra = Pick<ValidationMetric, 'reason' | 'band' | 'unit' | 'details'>;

/** A computed metric; its verdict comes from `thresholds` (a null value becomes not computable). */
export function measured(
  id: string,
  name: string,
  group: string,
  value: number | null,
  thresholds: Thresholds,
  extra: Extra = {},
): ValidationMetric {
  if (value === null || Number.isNaN(value)) {
    return notComputable(id, name, group, extra.reason ?? 'no value', extra);
  }
  return {
    id,
    name,
    group,
    value: round(value),
    verdict: verdictOf(value, thresholds),
    thresholds: { ...thresholds, warn: round(thresholds.warn), fail: round(thresholds.fail) },
    ...clean(extra),
  };
}

/** A metric that could not be computed, and why. */
export function notComputable(
  id: string,
  name: string,
  group: string,
  reason: string,
  extra: Extra = {},
): ValidationMetric {
  return { id, name, group, value: null, verdict: 'not_computable', ...clean(extra), reason };
}

function clean(extra: Extra): Extra {
  return Object.fromEntries(Object.entries(extra).filter(([, x]) => x !== undefined)) as Extra;
}

/** Rounds to 6 significant decimals so reports stay readable and stable. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

/** `12.3%` */
export function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}
