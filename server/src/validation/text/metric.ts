/** Builds report metrics: a value judged against thresholds, or an explicit "not computable" with the reason. */
import { type Thresholds, type ValidationMetric, verdictOf } from '@genesis/schema/reports';
import { joinReasons, type Reason, reasonFields, type Said, say } from '../messages.ts';

type Extra = Pick<ValidationMetric, 'band' | 'unit' | 'details' | 'interval' | 'applicable'> & {
  /** Why it is not computable, or what the value means: a sentence with its message, or plain text. */
  reason?: Reason;
};

/** A real-vs-real band: what one random half of the reference scores against the other half. */
export type Band = NonNullable<ValidationMetric['band']>;

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
    return notComputable(id, name, group, extra.reason ?? say('metric.noValue'), extra);
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

/**
 * `t` widened so that the real-vs-real band passes: when real data scored against real data is already past
 * the warn threshold, `warn` moves to the band's worst end (its high end when lower is better, its low end when
 * higher is better) and `fail` keeps its distance from `warn`. Thresholds never tighten. `note` says
 * what was widened, for the metric's explanation; null when nothing changed.
 */
export function coveringBand(
  t: Thresholds,
  band: Band | undefined,
): { thresholds: Thresholds; note: string | null } {
  const { thresholds, note } = widened(t, band);
  return { thresholds, note: note?.text ?? null };
}

/** {@link coveringBand} with the note as a sentence and its message. */
function widened(
  t: Thresholds,
  band: Band | undefined,
): { thresholds: Thresholds; note: Said | null } {
  if (!band) return { thresholds: t, note: null };
  const lower = t.direction === 'lower_is_better';
  const worst = lower ? band.high : band.low;
  if (lower ? worst <= t.warn : worst >= t.warn) return { thresholds: t, note: null };
  const gap = Math.abs(t.fail - t.warn);
  const warn = worst;
  const fail = round(lower ? Math.max(t.fail, warn + gap) : Math.min(t.fail, warn - gap));
  const note = say('metric.widened', {
    warn: round(t.warn),
    newWarn: round(warn),
    fail: round(t.fail),
    newFail: round(fail),
    low: round(band.low),
    high: round(band.high),
  });
  return { thresholds: { ...t, warn, fail }, note };
}

/**
 * {@link measured} with thresholds widened to cover `band` ({@link coveringBand}); the band is attached and the
 * widening, if any, is appended to the reason.
 */
export function measuredWithBand(
  id: string,
  name: string,
  group: string,
  value: number | null,
  thresholds: Thresholds,
  band: Band | undefined,
  extra: Omit<Extra, 'band'> = {},
): ValidationMetric {
  const { thresholds: wide, note } = widened(thresholds, band);
  const computable = value !== null && !Number.isNaN(value);
  const reason =
    computable && note ? (extra.reason ? joinReasons([extra.reason, note]) : note) : extra.reason;
  return measured(id, name, group, value, wide, {
    ...extra,
    ...(reason !== undefined ? { reason } : {}),
    ...(band ? { band } : {}),
  });
}

/** A metric that could not be computed, and why. */
export function notComputable(
  id: string,
  name: string,
  group: string,
  reason: Reason,
  extra: Extra = {},
): ValidationMetric {
  return {
    id,
    name,
    group,
    value: null,
    verdict: 'not_computable',
    ...clean(extra),
    ...reasonFields(reason),
  };
}

/** The extras as stored: no undefined values, the reason as its text and message. */
function clean(extra: Extra): Partial<ValidationMetric> {
  const { reason, ...rest } = extra;
  return {
    ...(Object.fromEntries(
      Object.entries(rest).filter(([, x]) => x !== undefined),
    ) as Partial<ValidationMetric>),
    ...(reason !== undefined ? reasonFields(reason) : {}),
  };
}

/** Rounds to 6 significant decimals so reports stay readable and stable. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

/** `12.3%` */
export function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}
