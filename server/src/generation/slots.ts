import type { ConversationSlot, Slot, SlotRequest } from '@genesis/schema/request';

/** Output token limit of one request for these slots (on demand and in batch records alike). */
export function maxOutputTokens(task: SlotRequest['task'], slots: readonly Slot[]): number {
  if (task === 'timeseries') return Math.min(8192, 250 * slots.length + 200);
  const turns = slots.reduce((n, s) => n + (s as ConversationSlot).turns, 0);
  return Math.min(16_000, 90 * turns + 120 * slots.length + 200);
}

/**
 * Takes the next call's slots from the front of `pending`: up to `n` of the first slot's language, so a call is
 * all-English or all-Spanish and gets the system prompt of its language.
 */
export function takeSlots<S extends Slot>(pending: S[], n: number): S[] {
  const first = pending[0];
  if (!first || !('turns' in first)) return pending.splice(0, n);
  const taken: S[] = [];
  for (let i = 0; i < pending.length && taken.length < n; ) {
    if ((pending[i] as ConversationSlot).language === first.language) {
      taken.push(pending.splice(i, 1)[0]!);
    } else i++;
  }
  return taken;
}
