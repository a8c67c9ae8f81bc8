import { type ConversationSlot, extractJson } from '@genesis/schema/request';
import { describe, expect, it } from 'vitest';
import { parseConversationAnswer } from '../src/generation/parse.ts';

const SLOT: ConversationSlot = {
  slot: 's1',
  intent: 'card_arrival',
  category: 'card_management',
  language: 'en',
  sentiment: 'negative',
  complexity: 'simple',
  turns: 2,
  resolution: 'resolved',
};
const META = (slot: ConversationSlot) => ({
  model: 'test-model',
  provider: 'test',
  created_at: '2026-12-02T00:00:00.000Z',
  slot: slot.slot,
  conversationId: `job1-${slot.slot}`,
});

/** A conversation entry the way a model writes one, with overrides. */
function entry(over: Record<string, unknown> = {}) {
  return {
    slot: 's1',
    intent: 'card_arrival',
    category: 'card_management',
    sentiment: 'negative',
    complexity: 'simple',
    language: 'en',
    turn_count: 2,
    resolution_status: 'resolved',
    turns: [
      { speaker: 'customer', text: 'My new card still has not arrived and it has been two weeks.' },
      {
        speaker: 'agent',
        text: 'I am sorry about the wait; I have sent a replacement by express.',
      },
    ],
    ...over,
  };
}

const answer = (conversations: unknown[]) => ({
  text: JSON.stringify({ conversations }),
  stopReason: 'end_turn',
});

describe('parsing a model answer', () => {
  it('reads plain JSON, fenced JSON with prose around it, and tool-use input', () => {
    const body = { conversations: [entry()] };
    expect(extractJson({ text: JSON.stringify(body) })).toEqual(body);
    expect(
      extractJson({
        text: `Here you go:\n\`\`\`json\n${JSON.stringify(body)}\n\`\`\`\nAnything else?`,
      }),
    ).toEqual(body);
    expect(extractJson({ text: '', toolInput: body })).toEqual(body);
    expect(extractJson({ text: 'Sorry, I cannot help with that.' })).toBeNull();
  });

  it('repairs what is safe: a wrong turn_count, a wrong category, missing labels', () => {
    const [outcome] = parseConversationAnswer(
      answer([
        entry({
          turn_count: 7,
          category: 'transfers',
          sentiment: undefined,
          complexity: undefined,
        }),
      ]),
      [SLOT],
      META,
    );
    expect(outcome).toMatchObject({ slot: 's1', ok: true });
    if (!outcome?.ok) throw new Error('unreachable');
    expect(outcome.item).toMatchObject({
      conversation_id: 'job1-s1',
      category: 'card_management',
      turn_count: 2,
      sentiment: 'negative',
      complexity: 'simple',
      generation: { model: 'test-model', slot: 's1' },
    });
    expect(outcome.repairs.sort()).toEqual([
      'category set from the intent',
      'complexity filled from the slot',
      'sentiment filled from the slot',
      'turn_count recounted',
    ]);
  });

  it('rejects, with a reason to send back, what it must not repair', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ intent: 'lost_or_stolen_card' }, /asked for intent card_arrival, got lost_or_stolen_card/],
      [{ language: 'es' }, /asked for language en, got es/],
      [{ sentiment: 'positive' }, /asked for sentiment negative, got positive/],
      [
        {
          turns: [
            { speaker: 'customer', text: 'Where is my card?' },
            { speaker: 'agent', text: 'Let me check.' },
            { speaker: 'customer', text: 'Thanks.' },
          ],
        },
        /asked for 2 turns, got 3/,
      ],
      [
        {
          turns: [
            { speaker: 'agent', text: 'Hello, how can I help?' },
            { speaker: 'customer', text: 'My card has not arrived.' },
          ],
        },
        /invalid conversation: turns.*customer/,
      ],
      [
        {
          turns: [
            {
              speaker: 'customer',
              text: 'Mi tarjeta nueva todavía no ha llegado y ya pasaron dos semanas.',
            },
            {
              speaker: 'agent',
              text: 'Lamento la espera; le enviamos una tarjeta de reemplazo urgente.',
            },
          ],
        },
        /must be in English, but it is written in Spanish/,
      ],
    ];
    for (const [over, reason] of cases) {
      const [outcome] = parseConversationAnswer(answer([entry(over)]), [SLOT], META);
      expect(outcome?.ok, JSON.stringify(over)).toBe(false);
      if (!outcome || outcome.ok) continue;
      expect(outcome.reason).toMatch(reason);
    }
  });

  it('says why a whole answer fails: not JSON, cut off, or a slot missing', () => {
    const other = { ...SLOT, slot: 's2' };
    expect(parseConversationAnswer({ text: 'no json here' }, [SLOT], META)[0]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not valid JSON/),
    });
    expect(
      parseConversationAnswer(
        { text: '{"conversations": [{"slot"', stopReason: 'max_tokens' },
        [SLOT],
        META,
      )[0],
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/cut off/) });
    const outcomes = parseConversationAnswer(answer([entry()]), [SLOT, other], META);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect(outcomes[1]).toMatchObject({ reason: 'the answer had no entry for this slot' });
  });
});
