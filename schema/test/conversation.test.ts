import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ConversationSchema } from '../src/conversation.ts';
import { parseItem } from '../src/dataset.ts';
import type { FieldError } from '../src/issues.ts';
import { conversationEn, conversationEs } from './fixtures.ts';

function errorsOf(data: unknown): FieldError[] {
  const result = parseItem('conversations', data);
  return result.success ? [] : result.errors;
}

describe('ConversationSchema: valid conversations', () => {
  it('accepts an English generated conversation', () => {
    const result = parseItem('conversations', conversationEn());
    expect(result).toEqual({ success: true, output: conversationEn() });
  });

  it('accepts a Spanish imported conversation without generation metadata', () => {
    const output = v.parse(ConversationSchema, conversationEs());
    expect(output.language).toBe('es');
    expect(output.generation).toBeUndefined();
  });

  it('trims turn texts and drops unknown keys such as the request slot', () => {
    const input = { ...conversationEs(), slot: 's-9' };
    input.turns[0] = { speaker: 'customer', text: '  ¿Dónde está mi reembolso?  ' };
    const output = v.parse(ConversationSchema, input);
    expect(output.turns[0]?.text).toBe('¿Dónde está mi reembolso?');
    expect(output).not.toHaveProperty('slot');
  });

  it('accepts a single-turn conversation', () => {
    const input = { ...conversationEs(), turn_count: 1 };
    input.turns = input.turns.slice(0, 1);
    expect(errorsOf(input)).toEqual([]);
  });
});

describe('ConversationSchema: cross-field rules', () => {
  it("requires the customer's turn first", () => {
    const input = conversationEs();
    input.turns = [
      { speaker: 'agent', text: 'Hola, ¿en qué te ayudo?' },
      { speaker: 'customer', text: 'No veo mi reembolso.' },
    ];
    expect(errorsOf(input)).toEqual([
      { path: 'turns[0].speaker', message: "the first turn must be the customer's" },
    ]);
  });

  it('requires speakers to alternate, naming the repeating turn', () => {
    const input = conversationEn();
    input.turns[2] = { speaker: 'agent', text: 'Also, your card is on its way.' };
    expect(errorsOf(input)).toEqual([
      {
        path: 'turns[2].speaker',
        message: 'turn 2 repeats speaker agent; speakers must alternate',
      },
      {
        path: 'turns[3].speaker',
        message: 'turn 3 repeats speaker agent; speakers must alternate',
      },
    ]);
  });

  it('requires turn_count to equal the number of turns', () => {
    expect(errorsOf({ ...conversationEn(), turn_count: 5 })).toEqual([
      { path: 'turn_count', message: 'turn_count is 5 but there are 4 turns' },
    ]);
  });

  it('rejects an unknown intent', () => {
    expect(errorsOf({ ...conversationEn(), intent: 'foo' })).toEqual([
      { path: 'intent', message: "unknown intent 'foo'" },
    ]);
  });

  it('is case-sensitive on intent labels', () => {
    expect(errorsOf({ ...conversationEs(), intent: 'refund_not_showing_up' })).toEqual([
      { path: 'intent', message: "unknown intent 'refund_not_showing_up'" },
    ]);
  });

  it("requires the category to be the intent's catalog category", () => {
    expect(errorsOf({ ...conversationEn(), category: 'transfers' })).toEqual([
      {
        path: 'category',
        message: "intent 'card_arrival' belongs to category 'card_management', not 'transfers'",
      },
    ]);
  });

  it('reports every broken rule in one parse', () => {
    const input = { ...conversationEn(), intent: 'foo', turn_count: 3 };
    input.turns[3] = { speaker: 'customer', text: 'Hello?' };
    expect(errorsOf(input)).toEqual([
      { path: 'intent', message: "unknown intent 'foo'" },
      {
        path: 'turns[3].speaker',
        message: 'turn 3 repeats speaker customer; speakers must alternate',
      },
      { path: 'turn_count', message: 'turn_count is 3 but there are 4 turns' },
    ]);
  });
});

describe('ConversationSchema: field rules', () => {
  it('lists allowed values for every enum field', () => {
    const input = {
      ...conversationEn(),
      sentiment: 'happy',
      complexity: 'hard',
      language: 'fr',
      resolution_status: 'done',
      category: 'cards',
    };
    expect(errorsOf(input)).toEqual([
      {
        path: 'category',
        message:
          'category must be one of card_management, card_payments, cash_withdrawals, transfers, top_ups, exchange_and_currencies, account_and_verification, security, fees_and_charges, refunds_and_disputes, app_and_access; got "cards"',
      },
      {
        path: 'sentiment',
        message: 'sentiment must be one of positive, neutral, negative; got "happy"',
      },
      {
        path: 'complexity',
        message: 'complexity must be one of simple, medium, complex; got "hard"',
      },
      { path: 'language', message: 'language must be one of en, es; got "fr"' },
      {
        path: 'resolution_status',
        message: 'resolution_status must be one of resolved, unresolved, escalated; got "done"',
      },
    ]);
  });

  it('rejects an unknown speaker with the allowed values', () => {
    const input = conversationEn();
    const turns: unknown[] = [...input.turns];
    turns[1] = { speaker: 'bot', text: 'Beep.' };
    expect(errorsOf({ ...input, turns })).toEqual([
      { path: 'turns[1].speaker', message: 'speaker must be one of customer, agent; got "bot"' },
    ]);
  });

  it('rejects blank and over-long turn texts', () => {
    const input = conversationEn();
    input.turns[1] = { speaker: 'agent', text: '   ' };
    input.turns[2] = { speaker: 'customer', text: 'x'.repeat(4001) };
    expect(errorsOf(input)).toEqual([
      { path: 'turns[1].text', message: 'text must not be empty' },
      { path: 'turns[2].text', message: 'text must be at most 4000 characters; got 4001' },
    ]);
  });

  it('bounds turn_count to 1..40 integers', () => {
    expect(errorsOf({ ...conversationEn(), turn_count: 0 })).toContainEqual({
      path: 'turn_count',
      message: 'turn_count must be at least 1; got 0',
    });
    expect(errorsOf({ ...conversationEn(), turn_count: 41 })).toContainEqual({
      path: 'turn_count',
      message: 'turn_count must be at most 40; got 41',
    });
    expect(errorsOf({ ...conversationEn(), turn_count: 2.5 })).toContainEqual({
      path: 'turn_count',
      message: 'turn_count must be an integer; got 2.5',
    });
    expect(errorsOf({ ...conversationEn(), turn_count: '4' })).toEqual([
      { path: 'turn_count', message: 'turn_count must be a number; got "4"' },
    ]);
  });

  it('rejects an empty turn list', () => {
    expect(errorsOf({ ...conversationEn(), turns: [], turn_count: 1 })).toContainEqual({
      path: 'turns',
      message: 'a conversation needs at least 1 turn',
    });
  });

  it('requires emotion_arc to be snake_case when present', () => {
    expect(errorsOf({ ...conversationEn(), emotion_arc: 'Frustrated -> Satisfied' })).toEqual([
      {
        path: 'emotion_arc',
        message:
          'emotion_arc must be snake_case like frustrated_to_satisfied; got "Frustrated -> Satisfied"',
      },
    ]);
  });

  it('validates the generation metadata when present', () => {
    const input = conversationEn();
    expect(errorsOf({ ...input, generation: { ...input.generation, slot: '' } })).toEqual([
      { path: 'generation.slot', message: 'slot must not be empty' },
    ]);
  });

  it('names every missing field and rejects non-objects', () => {
    const { intent: _intent, turns: _turns, ...rest } = conversationEn();
    expect(errorsOf(rest)).toEqual([
      { path: 'intent', message: 'intent is required' },
      { path: 'turns', message: 'turns is required' },
    ]);
    expect(errorsOf('hello')).toEqual([
      { path: '', message: 'a conversation must be an object; got "hello"' },
    ]);
  });
});
