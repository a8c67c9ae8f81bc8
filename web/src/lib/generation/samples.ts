/**
 * A job's progress over time, for the job page's charts: the samples the server kept (at most 120, see
 * `GenerationJob.samples`) plus the live events seen since the page loaded, shaped into chart series.
 */

/** One point of a job's progress over time (the API's `GenerationSample`). */
export interface ProgressSample {
  /** Seconds since the job's first run started. */
  t: number;
  accepted: number;
  itemsPerMinute: number;
  costUsd: number;
  throttles: number;
}

/** The most samples the page keeps while it stays open (the server keeps its own bounded series). */
export const MAX_PAGE_SAMPLES = 240;
/** The least time between two live samples, in seconds. */
export const MIN_SAMPLE_GAP_S = 2;

/**
 * The samples with one more from a live event at `t` seconds, unless the last is less than
 * {@link MIN_SAMPLE_GAP_S} older (then the newest replaces it, so the line always ends at the latest state).
 * Bounded: past {@link MAX_PAGE_SAMPLES} every other older sample is dropped.
 */
export function appendSample(
  samples: readonly ProgressSample[],
  next: ProgressSample,
): ProgressSample[] {
  const last = samples[samples.length - 1];
  if (last && next.t < last.t) return [...samples];
  const out =
    last && next.t - last.t < MIN_SAMPLE_GAP_S && samples.length > 1
      ? [...samples.slice(0, -1), next]
      : [...samples, next];
  if (out.length <= MAX_PAGE_SAMPLES) return out;
  const newest = out[out.length - 1] as ProgressSample;
  const thinned = out.slice(0, -1).filter((_, i) => i % 2 === 0);
  return [...thinned, newest];
}

/** A time label: `m:ss`, or `h:mm:ss` from an hour. */
export function clockLabel(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A round top for a y axis at or above `max` (1, 2 or 5 times a power of ten); 1 for nothing. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export interface SampleChart {
  /** One line: the x labels (unique clock times) and the values. */
  points: { x: string; y: number }[];
  /** At most `ticks` evenly spaced x labels to print. */
  xTicks: string[];
  yMax: number;
}

/** One figure of the samples as a chart line (samples on the same second: the last one counts). */
export function sampleChart(
  samples: readonly ProgressSample[],
  figure: 'itemsPerMinute' | 'costUsd' | 'throttles',
  ticks = 6,
): SampleChart {
  const bySecond = new Map<string, number>();
  for (const s of samples) bySecond.set(clockLabel(s.t), s[figure]);
  const points = [...bySecond].map(([x, y]) => ({ x, y }));
  const every = Math.max(1, Math.ceil(points.length / ticks));
  const xTicks = points.filter((_, i) => i % every === 0).map((p) => p.x);
  const last = points[points.length - 1];
  if (last && !xTicks.includes(last.x)) xTicks.push(last.x);
  return { points, xTicks, yMax: niceMax(Math.max(0, ...points.map((p) => p.y))) };
}

/** The server's samples, then the live ones newer than its last (the page's own, since it loaded). */
export function mergeSamples(
  stored: readonly ProgressSample[],
  live: readonly ProgressSample[],
): ProgressSample[] {
  const last = stored[stored.length - 1]?.t ?? Number.NEGATIVE_INFINITY;
  return [...stored, ...live.filter((s) => s.t > last)];
}
