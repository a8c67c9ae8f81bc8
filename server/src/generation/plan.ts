import { getIntent, INTENT_IDS } from '@genesis/schema/catalog/intents';
import {
  DOMAINS,
  type DomainId,
  getSeriesType,
  SERIES_TYPES,
} from '@genesis/schema/catalog/series';
import type { Complexity, Language, Resolution, Sentiment } from '@genesis/schema/common';
import { Random } from '@genesis/schema/random';
import type { ConversationSlot, SeriesSlot } from '@genesis/schema/request';
import { shippedCalibration } from '../timeseries/params.ts';
import type { GenerationConfig } from './config.ts';

/**
 * Splits `total` into integer counts proportional to `weights` that sum to exactly `total` (largest remainder
 * method; ties broken by key order so the result is deterministic).
 */
export function apportion(total: number, weights: Record<string, number>): Map<string, number> {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const sum = entries.reduce((a, [, w]) => a + w, 0);
  const raw = entries.map(([k, w]) => ({ k, exact: (total * w) / sum }));
  const out = new Map(raw.map(({ k, exact }) => [k, Math.floor(exact)]));
  let left = total - [...out.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...raw].sort(
    (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)),
  );
  for (let i = 0; left > 0; i = (i + 1) % byRemainder.length, left--) {
    const k = byRemainder[i]!.k;
    out.set(k, out.get(k)! + 1);
  }
  return out;
}

/** A list holding each key `count` times, shuffled: exact marginals, random pairing with other dimensions. */
function shuffledLabels<T extends string>(
  total: number,
  weights: Record<string, number>,
  rng: Random,
): T[] {
  const labels: T[] = [];
  for (const [k, n] of apportion(total, weights)) for (let i = 0; i < n; i++) labels.push(k as T);
  return rng.shuffle(labels);
}

const TURNS_BY_COMPLEXITY: Record<Complexity, [number, number]> = {
  simple: [2, 4],
  medium: [4, 6],
  complex: [6, 10],
};

export function slotKey(index: number): string {
  return `s-${String(index + 1).padStart(6, '0')}`;
}

/**
 * Plans every slot of a conversation job from its targets and seed. The plan is a pure function of the config,
 * so a resumed job recomputes the same slots and only fills the missing ones. Every marginal (intent, language,
 * sentiment, complexity, resolution) matches its target counts exactly; languages are balanced within each
 * intent, so intent x language parity holds too.
 */
export function planConversations(config: GenerationConfig): ConversationSlot[] {
  const rng = new Random(`plan:${config.seed}`);
  const n = config.count;
  // Exact counts (an augmentation plan) apportion to themselves: they add up to `count` (the input checks it).
  const intentWeights =
    config.intentCounts ??
    config.targets.intents ??
    Object.fromEntries(INTENT_IDS.map((id) => [id, 1]));
  // Intents in catalog order, each with its exact count; languages alternate within an intent.
  const intents: string[] = [];
  const languages: Language[] = [];
  const langCounts = apportion(n, config.targets.languages);
  const langPool = [...langCounts.entries()].filter(([, c]) => c > 0).map(([k]) => k as Language);
  const langLeft = new Map(langCounts);
  let turn = rng.int(0, Math.max(0, langPool.length - 1));
  for (const [intent, count] of apportion(n, intentWeights)) {
    for (let i = 0; i < count; i++) {
      intents.push(intent);
      // Round-robin over languages that still have quota keeps each intent balanced and the total exact.
      let tries = 0;
      while (
        tries < langPool.length &&
        (langLeft.get(langPool[turn % langPool.length]!) ?? 0) <= 0
      ) {
        turn++;
        tries++;
      }
      const lang = langPool[turn % langPool.length]!;
      langLeft.set(lang, (langLeft.get(lang) ?? 0) - 1);
      languages.push(lang);
      turn++;
    }
  }
  const sentiments = shuffledLabels<Sentiment>(n, config.targets.sentiments, rng);
  const complexities = shuffledLabels<Complexity>(n, config.targets.complexities, rng);
  const resolutions = shuffledLabels<Resolution>(n, config.targets.resolutions, rng);
  const order = rng.shuffle(intents.map((_, i) => i));
  let spanish = 0;
  return order.map((src, i) => {
    const intent = intents[src]!;
    const complexity = complexities[i]!;
    const [lo, hi] = TURNS_BY_COMPLEXITY[complexity];
    // Even counts end on the agent's reply; odd ones (allowed) end on the customer.
    const turns = 2 * rng.int(Math.ceil(lo / 2), Math.floor(hi / 2));
    const language = languages[src]!;
    return {
      slot: slotKey(i),
      intent,
      category: getIntent(intent)!.category,
      language,
      sentiment: sentiments[i]!,
      complexity,
      turns,
      resolution: resolutions[i]!,
      // Spanish conversations alternate between the two markets the bank serves.
      ...(language === 'es'
        ? { region: spanish++ % 2 === 0 ? ('MX' as const) : ('ES' as const) }
        : {}),
      ...(config.notIntents?.[intent]?.length ? { not_intents: config.notIntents[intent] } : {}),
      ...(config.intentExamples?.[intent]?.length
        ? { examples: slotSeeds(config, intent, slotKey(i)) }
        : {}),
    };
  });
}

/**
 * The seeds a slot carries: `seedsPerSlot` of its intent's examples, a draw seeded by the job and the slot (so a
 * resumed job gives a slot the same ones, and the unseeded plan is unchanged); all of them on jobs from before
 * `seedsPerSlot`.
 */
function slotSeeds(config: GenerationConfig, intent: string, slot: string): string[] {
  const all = config.intentExamples![intent]!;
  if (config.seedsPerSlot === undefined || all.length <= config.seedsPerSlot) return all;
  return new Random(`seeds:${config.seed}:${slot}`).shuffle([...all]).slice(0, config.seedsPerSlot);
}

/** The time zone a type's series keep by default: its reference's (`series-engine.params.json`), else UTC. */
function seriesTimeZone(type: string): string {
  return shippedCalibration()?.[type]?.timeZone ?? 'UTC';
}

/** Plans every slot of a time-series job: series types by weight (default: the domain shares). */
export function planSeries(config: GenerationConfig): SeriesSlot[] {
  const rng = new Random(`plan:${config.seed}`);
  const weights =
    config.targets.seriesTypes ??
    Object.fromEntries(
      SERIES_TYPES.map((t) => {
        const domain = DOMAINS.find((d) => d.id === t.domain)!;
        const siblings = SERIES_TYPES.filter((s) => s.domain === t.domain).length;
        return [t.id, domain.weight / siblings];
      }),
    );
  const types = shuffledLabels<string>(config.count, weights, rng);
  const languages = shuffledLabels<Language>(config.count, config.targets.languages, rng);
  const calibrated = config.engine === 'calibrated';
  // A deterministic share of the series may carry anomalies; the rest have none.
  const withAnomalies =
    config.anomalyShare === undefined
      ? null
      : shuffledLabels<'yes' | 'no'>(
          config.count,
          { yes: config.anomalyShare, no: 1 - config.anomalyShare },
          new Random(`anomalies:${config.seed}`),
        );
  return types.map((type, i) => {
    const domain = getSeriesType(type)!.domain as DomainId;
    return {
      slot: slotKey(i),
      domain,
      series_type: type,
      frequency: config.frequencyByType && domain === 'financial' ? '1D' : config.frequency,
      start: config.start,
      length: config.length,
      language: languages[i]!,
      ...(calibrated ? { calibrated: true } : {}),
      ...(withAnomalies ? { anomalies: withAnomalies[i] === 'yes' } : {}),
      ...(calibrated || config.timeZone
        ? { time_zone: config.timeZone ?? seriesTimeZone(type) }
        : {}),
    };
  });
}
