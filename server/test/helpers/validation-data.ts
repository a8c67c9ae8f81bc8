import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getSeriesType } from '@genesis/schema/catalog/series';
import type { Conversation } from '@genesis/schema/conversation';
import { Random } from '@genesis/schema/random';
import type { ValidationMetric } from '@genesis/schema/reports';
import type { Frequency, TimeSeries } from '@genesis/schema/timeseries';
import { REPO_ROOT } from '../../src/platform/config.ts';
import { renderSeries } from '../../src/timeseries/engine.ts';
import { defaultScenario } from '../../src/timeseries/scenario.ts';
import { loadSeriesProfile } from '../../src/validation/series/profile.ts';
import { parseTextProfile } from '../../src/validation/text/profile.ts';
import { generatedConversations } from './conversations.ts';

/** The shipped reference profiles the validation tests compare against (data/reference/). */
export const banking77Profile = parseTextProfile(
  JSON.parse(readFileSync(resolve(REPO_ROOT, 'data/reference/banking77.profile.json'), 'utf8')),
);
export const electricityProfile = loadSeriesProfile(
  resolve(REPO_ROOT, 'data/reference/electricity.profile.json'),
);

/**
 * One series of `typeId` from the time-series engine, as a generation job would store it, seeded: the same series
 * on every run (its type's frequency and 1,000 points unless given).
 */
export function engineSeries(
  typeId: string,
  seed: number,
  options: { length?: number; frequency?: Frequency } = {},
): TimeSeries {
  const type = getSeriesType(typeId)!;
  const slot = {
    slot: `s-${typeId}-${seed}`,
    domain: type.domain,
    series_type: type.id,
    frequency: options.frequency ?? type.frequency,
    start: '2024-01-01T00:00:00Z',
    length: options.length ?? 1000,
    language: 'en' as const,
  };
  return renderSeries(
    slot,
    defaultScenario(slot, new Random(`scenario-${seed}`)),
    new Random(seed),
  );
}

/** Seeds 1..count. */
export const seeds = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

const LOADS = [
  'residential_consumption',
  'commercial_consumption',
  'industrial_load',
  'grid_demand',
];

/** `perType` engine series of each electricity load type, seeds `offset + 1` on. */
export const loads = (perType: number, offset = 0) =>
  LOADS.flatMap((type) =>
    Array.from({ length: perType }, (_, i) => engineSeries(type, offset + i + 1)),
  );

/** `count` English conversations from the local writer (drawn from twice as many, seeded). */
export const englishConversations = (count: number, seed: number): Conversation[] =>
  generatedConversations(count * 2, seed)
    .filter((c) => c.language === 'en')
    .slice(0, count);

export function metricOf(report: { metrics: ValidationMetric[] }, id: string): ValidationMetric {
  const found = report.metrics.find((m) => m.id === id);
  if (!found)
    throw new Error(`no metric ${id}; have ${report.metrics.map((m) => m.id).join(', ')}`);
  return found;
}
