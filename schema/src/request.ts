/**
 * The model request contract (docs/bedrock.md, "The request contract"): each model call carries the wanted slots
 * as one JSON block in the user message, and the answer is a JSON object keyed by slot. It lives in the schema
 * package because three parties speak it: the job runner, the local provider and the Bedrock emulator.
 */
import type { DomainId } from './catalog/series.ts';
import type { Complexity, Language, Resolution, Sentiment } from './common.ts';
import type { Frequency } from './timeseries.ts';

/**
 * One wanted conversation, planned up front from the job's target distributions. The request contract
 * sends slots to the model as JSON, so field names are snake_case like the schema's.
 */
export interface ConversationSlot {
  slot: string;
  intent: string;
  category: string;
  language: Language;
  sentiment: Sentiment;
  complexity: Complexity;
  /** Number of turns, customer first: 2..12. */
  turns: number;
  resolution: Resolution;
  /** Market of a Spanish conversation: Mexico or Spain (currency, payment rails, vocabulary). */
  region?: 'MX' | 'ES';
  /**
   * Contrastive guidance from a classifier's confusions (augmentation): intents this conversation must not be
   * mistaken for, "about `intent`, not these". Absent on ordinary slots.
   */
  not_intents?: string[];
  /**
   * Real customer messages of this intent to vary (seeded augmentation, docs/curation.md "Augment"): the writer
   * keeps their vocabulary and register and recombines them, never copying one as it is. Absent on ordinary slots.
   */
  examples?: string[];
}

/** One wanted time series. */
export interface SeriesSlot {
  slot: string;
  domain: DomainId;
  series_type: string;
  frequency: Frequency;
  /** ISO-8601 start, UTC. */
  start: string;
  length: number;
  /** Language of the series' description. */
  language: Language;
  /** IANA time zone of the series' clock (daily profiles, weekends, solar nights); default UTC. */
  time_zone?: string;
  /**
   * Whether this series may carry anomalies (spikes, outages, level shifts...). `false`: the scenario must
   * have none, and any it has are dropped. Absent: the writer decides (jobs from before this field).
   */
  anomalies?: boolean;
  /** The engine renders this slot from fitted parameters: the scenario adds only its events on top. */
  calibrated?: boolean;
}

/** A slot of either task. */
export type Slot = ConversationSlot | SeriesSlot;

/** The JSON block of one model request: several slots of one task. */
export type SlotRequest =
  | { task: 'conversations'; slots: ConversationSlot[] }
  | { task: 'timeseries'; slots: SeriesSlot[] };

/**
 * Finds the JSON slot request in a user message (the fenced block, else the first object with "task"). Used by
 * the local provider and the emulator, which answer the same prompt an LLM would get.
 */
export function extractSlotRequest(prompt: string): SlotRequest | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(prompt);
  const candidates = [fenced?.[1], prompt.slice(prompt.indexOf('{"task"'))].filter(
    (c): c is string => typeof c === 'string' && c.trim().startsWith('{'),
  );
  for (const c of candidates) {
    try {
      const parsed = JSON.parse(c.trim()) as SlotRequest;
      if (
        (parsed.task === 'conversations' || parsed.task === 'timeseries') &&
        Array.isArray(parsed.slots)
      ) {
        return parsed;
      }
    } catch {
      // try the next candidate
    }
  }
  return null;
}

/**
 * Pulls the JSON object out of a model answer: a forced tool call's input, plain JSON, a ```json fence, or the
 * outermost {...} in prose. Returns null when nothing parses.
 */
export function extractJson(answer: { text: string; toolInput?: unknown }): unknown {
  if (answer.toolInput !== undefined && answer.toolInput !== null) return answer.toolInput;
  const text = answer.text.trim();
  const candidates = [text];
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fence?.[1]) candidates.push(fence[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      return JSON.parse(c);
    } catch {
      // next candidate
    }
  }
  return null;
}

/** Roughly 4 characters a token: what the local provider and estimates use where no tokenizer exists. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
