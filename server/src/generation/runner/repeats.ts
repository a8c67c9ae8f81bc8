import type { SlotOutcome } from '../parse.ts';

/** The re-ask feedback of a conversation whose customer side is already in the dataset. */
export const REPEAT_REASON =
  'the customer side repeats a conversation already in the dataset; write a different one';

/**
 * How many times a slot rejected as a repeat is asked again, each with a new seed, on top of `maxAttemptsPerSlot`
 * (docs/bedrock.md): a job fills its count unless a provider keeps repeating itself past this, and then ends
 * `completed_short` (a resume asks those slots again).
 */
export const MAX_REPEAT_REASKS = 8;

/** A conversation's customer side, case- and space-folded: equal keys are exact duplicates for a reader. */
export function customerKey(item: Record<string, unknown>): string {
  const turns = (item as { turns?: { speaker: string; text: string }[] }).turns ?? [];
  return turns
    .filter((t) => t.speaker === 'customer')
    .map((t) => t.text)
    .join('\n')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The customer sides of every conversation stored or accepted in a job's dataset. An answer that repeats one is
 * re-asked (with feedback) instead of stored, on demand and in batch alike.
 */
export class RepeatedConversations {
  readonly #keys = new Set<string>();

  /** Remembers a conversation already in the dataset. */
  add(item: Record<string, unknown>): void {
    this.#keys.add(customerKey(item));
  }

  /** Forgets an accepted conversation whose write failed (its slot is asked again). */
  forget(item: Record<string, unknown>): void {
    this.#keys.delete(customerKey(item));
  }

  /** Passes an outcome through, or rejects an accepted one that repeats the dataset (remembering it otherwise). */
  screen<T extends Record<string, unknown>>(outcome: SlotOutcome<T>): SlotOutcome<T> {
    if (!outcome.ok) return outcome;
    const key = customerKey(outcome.item);
    if (this.#keys.has(key)) return { slot: outcome.slot, ok: false, reason: REPEAT_REASON };
    this.#keys.add(key);
    return outcome;
  }
}
