import { getIntent } from '@genesis/schema/catalog/intents';
import type { GenerationMeta } from '@genesis/schema/common';
import { type Conversation, ConversationSchema } from '@genesis/schema/conversation';
import { formatIssues } from '@genesis/schema/issues';
import { Random } from '@genesis/schema/random';
import { type ConversationSlot, extractJson, type SeriesSlot } from '@genesis/schema/request';
import { type TimeSeries, TimeSeriesSchema } from '@genesis/schema/timeseries';
import * as v from 'valibot';
import { clearLanguage } from '../language/language.ts';
import type { TypeParams } from '../timeseries/calibrated.ts';
import { ScenarioSchema } from '../timeseries/scenario.ts';

/** What became of one slot in one answer. Rejections carry the reason, worded as feedback for a re-ask. */
export type SlotOutcome<T> =
  | { slot: string; ok: true; item: T; repairs: string[] }
  | { slot: string; ok: false; reason: string };

function entriesOf(json: unknown, key: string): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object' && Array.isArray((json as Record<string, unknown>)[key])) {
    return (json as Record<string, unknown[]>)[key]!;
  }
  return null;
}

/**
 * Turns one model answer into an outcome per requested slot. Safe repairs are made (our own conversation id,
 * the catalog's category for the intent, a recounted turn_count, missing labels filled from the slot); answers
 * that don't do what the slot asked (another intent or language, another number of turns, a schema violation)
 * are rejected with a reason the re-ask passes back to the model.
 */
export function parseConversationAnswer(
  answer: { text: string; toolInput?: unknown; stopReason?: string },
  slots: readonly ConversationSlot[],
  meta: (slot: ConversationSlot) => GenerationMeta & { conversationId: string },
): SlotOutcome<Conversation>[] {
  const json = extractJson(answer);
  const truncated = answer.stopReason === 'max_tokens';
  const entries = entriesOf(json, 'conversations');
  if (!entries) {
    const reason = truncated
      ? 'the answer was cut off before the JSON ended (max tokens); answer more briefly'
      : json === null
        ? 'the answer was not valid JSON; answer with only the JSON object'
        : 'the answer had no "conversations" array';
    return slots.map((s) => ({ slot: s.slot, ok: false, reason }));
  }
  const bySlot = new Map<string, Record<string, unknown>>();
  for (const e of entries) {
    if (e && typeof e === 'object' && typeof (e as { slot?: unknown }).slot === 'string') {
      const key = (e as { slot: string }).slot;
      if (!bySlot.has(key)) bySlot.set(key, e as Record<string, unknown>);
    }
  }
  return slots.map((slot): SlotOutcome<Conversation> => {
    const entry = bySlot.get(slot.slot);
    if (!entry) {
      return {
        slot: slot.slot,
        ok: false,
        reason: truncated
          ? 'the answer was cut off before this slot (max tokens)'
          : 'the answer had no entry for this slot',
      };
    }
    const repairs: string[] = [];
    const { slot: _slot, ...fields } = entry;
    const data: Record<string, unknown> = { ...fields };
    if (data.intent !== slot.intent) {
      return {
        slot: slot.slot,
        ok: false,
        reason: `asked for intent ${slot.intent}, got ${String(data.intent)}`,
      };
    }
    if (data.language !== undefined && data.language !== slot.language) {
      return {
        slot: slot.slot,
        ok: false,
        reason: `asked for language ${slot.language}, got ${String(data.language)}`,
      };
    }
    for (const [field, wanted] of [
      ['language', slot.language],
      ['sentiment', slot.sentiment],
      ['complexity', slot.complexity],
      ['resolution_status', slot.resolution],
    ] as const) {
      if (data[field] === undefined) {
        data[field] = wanted;
        repairs.push(`${field} filled from the slot`);
      } else if (data[field] !== wanted) {
        return {
          slot: slot.slot,
          ok: false,
          reason: `asked for ${field} ${wanted}, got ${String(data[field])}`,
        };
      }
    }
    const category = getIntent(slot.intent)?.category;
    if (data.category !== category) {
      data.category = category;
      repairs.push('category set from the intent');
    }
    const turns = Array.isArray(data.turns) ? data.turns : null;
    if (turns && data.turn_count !== turns.length) {
      data.turn_count = turns.length;
      repairs.push('turn_count recounted');
    }
    if (turns && turns.length !== slot.turns) {
      return {
        slot: slot.slot,
        ok: false,
        reason: `asked for ${slot.turns} turns, got ${turns.length}`,
      };
    }
    const { conversationId, ...generation } = meta(slot);
    data.conversation_id = conversationId;
    data.generation = generation;
    const parsed = v.safeParse(ConversationSchema, data);
    if (!parsed.success) {
      const problems = formatIssues(parsed.issues)
        .slice(0, 5)
        .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
      return { slot: slot.slot, ok: false, reason: `invalid conversation: ${problems.join('; ')}` };
    }
    const customerText = parsed.output.turns
      .filter((t) => t.speaker === 'customer')
      .map((t) => t.text)
      .join(' ');
    // Only a clear mismatch (ELD, the validation lab's language ID) is held against the answer.
    const detected = clearLanguage(customerText);
    if (detected && detected !== slot.language) {
      return {
        slot: slot.slot,
        ok: false,
        reason: `the conversation must be in ${slot.language === 'es' ? 'Spanish' : 'English'}, but it is written in ${detected === 'es' ? 'Spanish' : 'English'}`,
      };
    }
    return { slot: slot.slot, ok: true, item: parsed.output, repairs };
  });
}

/** Who wrote a generated item, stored in its `generation` field. */
export interface ItemMeta {
  model: string;
  provider: string;
  created_at: string;
  slot: string;
}

/**
 * Time series: the model writes scenarios and the engine renders them, so values are always well-formed. Each
 * slot's series is rendered from the job seed and its slot, so a re-asked slot renders the same way.
 */
export async function parseSeriesAnswer(
  answer: { text: string; toolInput?: unknown; stopReason: string },
  slots: readonly SeriesSlot[],
  job: {
    id: number;
    seed: number | string;
    /**
     * Fitted engine parameters by series type (the shipped ones, or those fitted to a user's dataset); `null`
     * renders with the original models. Default: the shipped parameters.
     */
    calibration?: Record<string, TypeParams> | null;
    /** Whether the job asked for anomalies; without, a scenario's anomalies and regime shifts are dropped. */
    anomalies?: boolean;
  },
  meta: (slot: SeriesSlot) => ItemMeta,
): Promise<SlotOutcome<TimeSeries>[]> {
  const { renderSeries } = await import('../timeseries/engine.ts');
  const calibration =
    job.calibration === undefined
      ? (await import('../timeseries/params.ts')).shippedCalibration()
      : job.calibration;
  const json = extractJson(answer) as { scenarios?: unknown } | unknown[] | null;
  const list = Array.isArray(json)
    ? json
    : Array.isArray((json as { scenarios?: unknown })?.scenarios)
      ? (json as { scenarios: unknown[] }).scenarios
      : null;
  if (!list) {
    const reason =
      answer.stopReason === 'max_tokens'
        ? 'the answer was cut off (max tokens)'
        : 'the answer had no "scenarios" array';
    return slots.map((s) => ({ slot: s.slot, ok: false, reason }));
  }
  const bySlot = new Map<string, unknown>();
  for (const e of list) {
    const key = (e as { slot?: unknown })?.slot;
    if (typeof key === 'string' && !bySlot.has(key)) bySlot.set(key, e);
  }
  return slots.map((slot): SlotOutcome<TimeSeries> => {
    const entry = bySlot.get(slot.slot);
    if (!entry)
      return { slot: slot.slot, ok: false, reason: 'the answer had no entry for this slot' };
    const scenario = v.safeParse(ScenarioSchema, entry);
    if (!scenario.success) {
      const problems = formatIssues(scenario.issues)
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`);
      return { slot: slot.slot, ok: false, reason: `invalid scenario: ${problems.join('; ')}` };
    }
    // A dataset without requested anomalies has none, whatever the model wrote.
    const wanted =
      job.anomalies === false || slot.anomalies === false
        ? { ...scenario.output, anomalies: [], regime_shift: null }
        : scenario.output;
    const rendered = renderSeries(slot, wanted, new Random(`${job.seed}:${slot.slot}:render`), {
      calibration: calibration?.[slot.series_type] ?? null,
    });
    const series = {
      ...rendered,
      series_id: `job${job.id}-${slot.slot}`,
      generation: meta(slot),
    } satisfies TimeSeries;
    const checked = v.safeParse(TimeSeriesSchema, series);
    if (!checked.success) {
      const problems = formatIssues(checked.issues)
        .slice(0, 3)
        .map((i) => `${i.path}: ${i.message}`);
      return {
        slot: slot.slot,
        ok: false,
        reason: `rendered series invalid: ${problems.join('; ')}`,
      };
    }
    return { slot: slot.slot, ok: true, item: checked.output, repairs: [] };
  });
}
