import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ValidationReportData } from '@genesis/schema/reports';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/platform/config.ts';
import {
  buildCorpus,
  type Corpus,
  mergeCorpus,
  type TextKind,
} from '../src/validation/text/corpus.ts';
import {
  judgeRunSample,
  LABEL_FIDELITY_MAX_ITEMS,
  type LabelTally,
  labelCandidates,
  resolveOracles,
} from '../src/validation/text/label-fidelity.ts';
import { parseTextProfile } from '../src/validation/text/profile.ts';
import {
  finishTextReport,
  measureTextRows,
  mergeTextRows,
  type TextRows,
  validateText,
} from '../src/validation/text/report.ts';
import { generatedConversations } from './helpers/conversations.ts';

// The validation threads split a text report's rows: each measures its own run, the first merges the second's
// run and finishes the report (docs/validation.md, "Where the work runs"). The report must be the one a single
// pass over every row gives, wherever the split falls.

const profile = parseTextProfile(
  JSON.parse(readFileSync(resolve(REPO_ROOT, 'data/reference/banking77.profile.json'), 'utf8')),
);
const oracles = resolveOracles({ shipped: 'banking77' })!;

/** The report without the one field that is a measured time. */
function comparable(report: ValidationReportData) {
  const { computeSeconds: _seconds, ...rest } = report;
  return rest;
}

/**
 * What one thread measures of `items` (rows `offset`.. of a dataset whose candidates before this run number
 * `before` and `total` in all), cloned as a thread posts it.
 */
function run(
  items: Record<string, unknown>[],
  kind: TextKind,
  offset: number,
  before: number,
  total: number,
): TextRows {
  const { candidates, notCovered } = labelCandidates(items, kind, oracles.oracles, offset);
  const labels: LabelTally = {
    items: items.length,
    judged: judgeRunSample(candidates, oracles.oracles, before, total),
    covered: candidates.length,
    notCovered,
  };
  return structuredClone(measureTextRows(items, kind, { profile, oracles }, offset, labels));
}

/** The report of `items` measured in two runs split at `split`, merged and finished. */
function splitReport(items: Record<string, unknown>[], kind: TextKind, split: number) {
  const first = items.slice(0, split);
  const second = items.slice(split);
  const before = labelCandidates(first, kind, oracles.oracles).candidates.length;
  const total = before + labelCandidates(second, kind, oracles.oracles).candidates.length;
  const merged = mergeTextRows(
    run(first, kind, 0, 0, total),
    run(second, kind, split, before, total),
  );
  return finishTextReport(merged, kind, { profile, oracles }, () => 0);
}

/** A corpus as plain values (typed arrays as arrays), to compare two. */
function plain(corpus: Corpus) {
  return Object.fromEntries(
    Object.entries(corpus).map(([key, value]) => [
      key,
      ArrayBuffer.isView(value) ? Array.from(value as Int32Array) : value,
    ]),
  );
}

/**
 * Generated conversations with what each metric counts spread over both runs: an item missing its intent and
 * turns, a card number, a Spanish text labelled English, an exact duplicate of an item of the first run in
 * the second, and an ending that contradicts its status.
 */
function dirtyConversations(count: number): Record<string, unknown>[] {
  const items = generatedConversations(count, 23) as unknown as Record<string, unknown>[];
  const at = (i: number) => items[i]!;
  items[3] = { conversation_id: 'broken-1', language: 'en' };
  items[count - 5] = {
    ...at(count - 5),
    conversation_id: 'pii-1',
    turns: [
      { speaker: 'customer', text: 'My card 4111 1111 1111 1111 was charged twice.' },
      { speaker: 'agent', text: 'I can help with that.' },
    ],
  };
  items[count - 8] = {
    ...at(count - 8),
    conversation_id: 'mislabelled-1',
    language: 'en',
    turns: [
      { speaker: 'customer', text: 'Hola, no me ha llegado la tarjeta y ya pasaron dos semanas.' },
      { speaker: 'agent', text: 'Lo reviso ahora mismo.' },
    ],
  };
  items[count - 2] = { ...at(10), conversation_id: 'copy-of-10' };
  items[count - 3] = { ...at(count - 3), resolution_status: 'resolved' };
  return items;
}

describe('a text report measured in two runs of rows', () => {
  const conversations = dirtyConversations(400);

  it.each([
    ['at 40%', 160],
    ['in the middle', 200],
    ['after the first row', 1],
    ['before the last row', 399],
  ])('is the report of one pass when the split falls %s', (_name, split) => {
    const whole = validateText(conversations, 'conversations', { profile, oracles });
    const report = splitReport(conversations, 'conversations', split);
    expect(comparable(report)).toEqual(comparable(whole));
    // The examples the metrics name are numbered as in the whole dataset, wherever their run began.
    const examples = (id: string) =>
      (report.metrics.find((m) => m.id === id)!.details as { examples: Array<{ item: number }> })
        .examples;
    expect(examples('privacy.pii_rate').map((e) => e.item)).toContain(395);
    expect(examples('language.mismatch_rate').map((e) => e.item)).toContain(392);
  });

  it('merges two runs into the corpus one pass over both cuts', () => {
    const split = 173;
    const a = buildCorpus(conversations.slice(0, split), 'conversations');
    const b = buildCorpus(conversations.slice(split), 'conversations');
    // As a thread receives it: cloned.
    const merged = mergeCorpus(a, structuredClone(b));
    expect(plain(merged)).toEqual(plain(buildCorpus(conversations, 'conversations')));
  });

  it('judges the same sample of labels as one pass when there are more candidates than it holds', () => {
    // Utterances from the openings of generated English conversations: more than the sample's size.
    const utterances = generatedConversations(LABEL_FIDELITY_MAX_ITEMS * 2 + 400, 29)
      .filter((c) => c.language === 'en')
      .map((c, i) => ({
        id: `u-${i}`,
        text: c.turns[0]!.text,
        intent: c.intent,
        language: 'en',
      }));
    expect(utterances.length).toBeGreaterThan(LABEL_FIDELITY_MAX_ITEMS);
    const whole = validateText(utterances, 'utterances', { profile, oracles });
    const split = Math.round(utterances.length * 0.4);
    const report = splitReport(utterances, 'utterances', split);
    expect(comparable(report)).toEqual(comparable(whole));
    const fidelity = report.metrics.find((m) => m.id === 'label_fidelity')!;
    expect((fidelity.details as { judged: number }).judged).toBe(LABEL_FIDELITY_MAX_ITEMS);
  });
});
