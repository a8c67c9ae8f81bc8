import { getIntent, INTENT_IDS } from '@genesis/schema/catalog/intents';
import type { Conversation } from '@genesis/schema/conversation';
import { type ValidationMetric, ValidationReportSchema } from '@genesis/schema/reports';
import type { Utterance } from '@genesis/schema/utterance';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { resolveConfig } from '../src/generation/config.ts';
import { answerConversations } from '../src/generation/local/conversations/answer.ts';
import { planConversations } from '../src/generation/plan.ts';
import { detectLanguage, detectLanguages } from '../src/validation/text/language.ts';
import { clabeValid, findPii, ibanValid, luhnValid, scanPii } from '../src/validation/text/pii.ts';
import { buildTextProfile, parseTextProfile } from '../src/validation/text/profile.ts';
import { TEXT_SCORE_WEIGHTS, validateText } from '../src/validation/text/report.ts';
import { resolutionMismatch } from '../src/validation/text/resolution.ts';
import {
  chiSquareGoodnessOfFit,
  chiSquareIndependence,
  chiSquarePValue,
  jensenShannon,
  totalVariation,
} from '../src/validation/text/stats.ts';

/** Conversations from the local writer: realistic, bilingual, on target by construction. */
function generated(count: number, seed = 3): Conversation[] {
  const config = resolveConfig(
    { kind: 'conversations', count, provider: 'local', seed, targets: {} },
    loadConfig({}),
  );
  return answerConversations(planConversations(config), String(seed)).conversations.map(
    ({ slot: _slot, ...c }) => c,
  );
}

let nextId = 0;
function conversation(
  customer: string,
  agent: string,
  overrides: Partial<Conversation> = {},
): Conversation {
  const intent = overrides.intent ?? 'card_arrival';
  return {
    conversation_id: `c-${++nextId}`,
    intent,
    category: getIntent(intent)!.category,
    sentiment: 'neutral',
    complexity: 'simple',
    language: 'en',
    turn_count: 2,
    resolution_status: 'resolved',
    turns: [
      { speaker: 'customer', text: customer },
      { speaker: 'agent', text: agent },
    ],
    ...overrides,
  };
}

function metric(report: { metrics: ValidationMetric[] }, id: string): ValidationMetric {
  const found = report.metrics.find((m) => m.id === id);
  if (!found) throw new Error(`no metric ${id}`);
  return found;
}

const SENTENCES = [
  'My new card has still not arrived after two weeks, where is it?',
  'How do I top up my account with a bank transfer from another bank?',
  'Why was I charged an extra fee when I took cash out at the airport?',
  'I think someone used my card without permission last night in Madrid.',
  'Can I change the currency of my savings pocket to Mexican pesos?',
  'The exchange rate you applied to my payment in dollars looks wrong.',
  'Please help me reset the passcode, the app keeps locking me out.',
  'Is there a limit on how much money I can receive from abroad each month?',
];

describe('distribution statistics', () => {
  it('Jensen-Shannon divergence is 0 for equal shares and 1 for disjoint ones', () => {
    expect(jensenShannon([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(jensenShannon([1, 0], [0, 1])).toBe(1);
    expect(jensenShannon([3, 1], [1, 3])).toBeCloseTo(0.1887, 4);
    expect(() => jensenShannon([1], [1, 2])).toThrow('JSD needs equal lengths; got 1 and 2');
  });

  it('total variation distance is half the L1 distance of the shares', () => {
    expect(totalVariation([50, 50], [1, 1])).toBe(0);
    expect(totalVariation([90, 10], [1, 1])).toBeCloseTo(0.4, 10);
  });

  it('chi-square p-values match the textbook table', () => {
    expect(chiSquarePValue(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquarePValue(11.0705, 5)).toBeCloseTo(0.05, 5);
    expect(chiSquarePValue(6.634897, 1)).toBeCloseTo(0.01, 6);
    expect(chiSquarePValue(0, 3)).toBe(1);
    expect(chiSquarePValue(Number.POSITIVE_INFINITY, 3)).toBe(0);
    // Far tails keep their precision (no 1 - cdf cancellation).
    expect(chiSquarePValue(1000, 76)).toBeGreaterThan(0);
    expect(chiSquarePValue(1000, 76)).toBeLessThan(1e-150);
  });

  it('goodness of fit: 60/40 against 50/50 gives chi-square 4 on 1 dof', () => {
    const result = chiSquareGoodnessOfFit([60, 40], [0.5, 0.5]);
    expect(result.statistic).toBe(4);
    expect(result.dof).toBe(1);
    expect(result.pValue).toBeCloseTo(0.0455, 4);
    // A label the targets rule out makes the fit impossible.
    expect(chiSquareGoodnessOfFit([5, 5, 1], [1, 1, 0]).pValue).toBe(0);
  });

  it('independence: a table with equal rows has p = 1', () => {
    expect(
      chiSquareIndependence([
        [10, 10],
        [20, 20],
      ]).pValue,
    ).toBe(1);
    expect(
      chiSquareIndependence([
        [30, 0],
        [0, 30],
      ]).pValue,
    ).toBeLessThan(1e-10);
  });
});

describe('PII detection', () => {
  it('accepts card numbers only when they pass Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(findPii('my card is 4111 1111 1111 1111, help').map((m) => m.kind)).toEqual(['card']);
    expect(findPii('reference 4111 1111 1111 1112 please')).toEqual([]);
  });

  it('accepts IBANs only with valid check digits, and finds them inside text', () => {
    expect(ibanValid('ES91 2100 0418 4502 0005 1332')).toBe(true);
    expect(ibanValid('ES91 2100 0418 4502 0005 1333')).toBe(false);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    const text = 'send it to ES91 2100 0418 4502 0005 1332 thanks';
    const [match] = findPii(text);
    expect(match?.kind).toBe('iban');
    expect(text.slice(match!.start, match!.end)).toBe('ES91 2100 0418 4502 0005 1332');
    expect(findPii('send it to ES92 2100 0418 4502 0005 1332 thanks')).toEqual([]);
  });

  it('finds CLABEs with a valid control digit, emails and phone numbers', () => {
    expect(clabeValid('002010077777777771')).toBe(true);
    expect(clabeValid('002010077777777772')).toBe(false);
    const kinds = (t: string) => findPii(t).map((m) => m.kind);
    expect(kinds('clabe 002010077777777771')).toEqual(['clabe']);
    expect(kinds('write to ana.lopez@example.com')).toEqual(['email']);
    expect(kinds('call +34 612 345 678')).toEqual(['phone']);
    expect(kinds('mi celular es (55) 1234 5678')).toEqual(['phone']);
    // Amounts, dates and ticket numbers are not PII.
    expect(kinds('ticket GL-123456: 1,250.00 EUR on 2024-05-01 at 10:30')).toEqual([]);
  });

  it('reports the share of items holding PII, without the values', () => {
    const items = [
      conversation(
        'My card 4111 1111 1111 1111 was blocked',
        'Sorry about that, I have unblocked it now.',
      ),
      conversation(
        'My card 4111 1111 1111 1112 was blocked',
        'Sorry about that, I have unblocked it now.',
      ),
      conversation(SENTENCES[0]!, 'Your card was sent on Monday; it is done.'),
      conversation(SENTENCES[1]!, 'Email me at help@bank.example if you need more; it is done.'),
    ];
    const scan = scanPii(items, 'conversations');
    expect([...scan.flags]).toEqual([1, 0, 0, 1]);
    expect(scan.byKind).toMatchObject({ card: 1, email: 1, iban: 0 });
    expect(JSON.stringify(scan.examples)).not.toContain('4111');
    const report = validateText(items, 'conversations');
    expect(metric(report, 'privacy.pii_rate')).toMatchObject({ value: 0.5, verdict: 'fail' });
  });
});

describe('language check', () => {
  it('detects English and Spanish', () => {
    expect(detectLanguage('My card has not arrived yet, what should I do?')).toBe('en');
    expect(detectLanguage('Mi tarjeta todavía no ha llegado, ¿qué puedo hacer?')).toBe('es');
    expect(detectLanguage('12345 !!!')).toBeNull();
  });

  it('gives the same answers on the worker thread as inline', () => {
    const texts = generated(300).map((c) => c.turns.map((t) => t.text).join('\n'));
    const inline = detectLanguages(texts, { parallel: false })();
    const threaded = detectLanguages(texts, { parallel: true })();
    expect(threaded).toEqual(inline);
    expect(inline.filter((x) => x === 'es').length).toBeGreaterThan(100);
  });

  it('counts conversations written in another language than labelled', () => {
    const items = generated(40);
    // Relabel 4 Spanish conversations as English.
    const spanish = items.filter((c) => c.language === 'es').slice(0, 4);
    for (const c of spanish) c.language = 'en';
    const m = metric(validateText(items, 'conversations'), 'language.mismatch_rate');
    expect(m.value).toBe(0.1);
    expect(m.verdict).toBe('fail');
    expect(m.details).toMatchObject({ confusion: { 'en->es': 4 } });
    expect((m.details as { examples: Array<{ id: string }> }).examples.map((e) => e.id)).toEqual(
      spanish.map((c) => c.conversation_id),
    );
  });
});

describe('diversity', () => {
  it('a dataset of exact copies has duplicate and near-duplicate rates of 1', () => {
    const items = Array.from({ length: 20 }, () =>
      conversation(SENTENCES[0]!, 'I have checked it and the card is on its way; done.'),
    );
    const report = validateText(items, 'conversations');
    expect(metric(report, 'diversity.exact_duplicate_rate')).toMatchObject({
      value: 1,
      verdict: 'fail',
    });
    expect(metric(report, 'diversity.near_duplicate_rate')).toMatchObject({
      value: 1,
      verdict: 'fail',
    });
    expect(metric(report, 'diversity.distinct_1').value).toBeCloseTo(13 / (13 * 20), 6);
  });

  it('distinct texts have no duplicates; a one-word edit is a near duplicate, not an exact one', () => {
    const items = SENTENCES.map((s) => conversation(s, 'Done, all sorted.'));
    let report = validateText(items, 'conversations');
    expect(metric(report, 'diversity.exact_duplicate_rate').value).toBe(0);
    expect(metric(report, 'diversity.near_duplicate_rate').value).toBe(0);
    items.push(
      conversation(
        'How do I top up my account with a bank transfer from another bank please?',
        'Done.',
      ),
    );
    report = validateText(items, 'conversations');
    expect(metric(report, 'diversity.exact_duplicate_rate').value).toBe(0);
    expect(metric(report, 'diversity.near_duplicate_rate').value).toBeCloseTo(2 / 9, 6);
    // Case, accents and punctuation do not make a copy new.
    items.push(
      conversation('MY NEW CARD has still not arrived after two weeks; where is it', 'Done.'),
    );
    report = validateText(items, 'conversations');
    expect(metric(report, 'diversity.exact_duplicate_rate').value).toBeCloseTo(2 / 10, 6);
    expect(metric(report, 'diversity.exact_duplicate_rate').details).toMatchObject({
      perIntent: { card_arrival: 0.2 },
    });
  });
});

describe('consistency and completeness', () => {
  it('flags a resolution status the ending contradicts, in English and Spanish', () => {
    const turns = (agent: string) => [
      { speaker: 'customer', text: 'My transfer failed twice.' },
      { speaker: 'agent', text: agent },
    ];
    expect(
      resolutionMismatch(
        'escalated',
        turns('I have passed this to our payments team, ticket TK-123456.'),
      ),
    ).toBeNull();
    expect(resolutionMismatch('escalated', turns('All done, it has now been completed.'))).toBe(
      'escalated, but the agent mentions no handover or ticket',
    );
    expect(
      resolutionMismatch('resolved', turns("Unfortunately I can't do anything about it.")),
    ).toBe("resolved, but the agent only says what can't be done");
    expect(
      resolutionMismatch(
        'resolved',
        turns('Escalé el caso a un especialista, número de caso 123.'),
      ),
    ).toBe('resolved, but the agent hands the case over');
    expect(resolutionMismatch('unresolved', turns('Listo, ya está solucionado.'))).toBe(
      'unresolved, but the last turns say the problem was solved',
    );
    expect(
      resolutionMismatch('unresolved', turns('Lo siento, no puedo cambiar eso por chat.')),
    ).toBeNull();
    // The customer's own "I can't" is the problem, not the outcome.
    expect(
      resolutionMismatch('resolved', [
        { speaker: 'customer', text: "I can't log in." },
        { speaker: 'agent', text: 'I have reset your access, you can log in now.' },
      ]),
    ).toBeNull();
  });

  it('the local writer agrees with its own labels', () => {
    const report = validateText(generated(300), 'conversations');
    expect(metric(report, 'consistency.resolution_mismatch_rate')).toMatchObject({
      value: 0,
      verdict: 'pass',
    });
    expect(metric(report, 'consistency.schema_violation_rate')).toMatchObject({
      value: 0,
      verdict: 'pass',
    });
    expect(metric(report, 'quality.completeness')).toMatchObject({ value: 1, verdict: 'pass' });
  });

  it('counts missing fields and schema violations with their messages', () => {
    const items: unknown[] = [
      conversation(SENTENCES[0]!, 'Done.'),
      { ...conversation(SENTENCES[1]!, 'Done.'), sentiment: '' },
      conversation(SENTENCES[2]!, 'Done.', { category: 'transfers' }),
      {
        ...conversation(SENTENCES[3]!, 'Done.'),
        turns: [
          { speaker: 'agent', text: 'Hello!' },
          { speaker: 'customer', text: SENTENCES[3]! },
        ],
      },
    ];
    const report = validateText(items as object[], 'conversations');
    expect(metric(report, 'quality.completeness')).toMatchObject({
      value: 0.75,
      verdict: 'fail',
      details: { missing: { sentiment: 1 } },
    });
    const schema = metric(report, 'consistency.schema_violation_rate');
    expect(schema).toMatchObject({ value: 0.75, verdict: 'fail' });
    const messages = (schema.details as { problems: Array<{ message: string }> }).problems.map(
      (p) => p.message,
    );
    expect(messages).toContain("turns[].speaker: the first turn must be the customer's");
    expect(messages.some((m) => m.startsWith('category: intent'))).toBe(true);
  });
});

describe('realism and memorisation against a profile', () => {
  const reference: Utterance[] = INTENT_IDS.slice(0, 8).flatMap((intent, k) =>
    SENTENCES.map((s, j) => ({
      text: `${s} (${['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'][k]} time, case ${j})`,
      intent,
      language: 'en' as const,
    })),
  );
  const profile = buildTextProfile('tiny reference', reference, 'utterances', { splits: 3 });

  it('realism and memorisation are not computable without a profile, turns never for utterances', () => {
    const report = validateText(reference, 'utterances');
    for (const id of [
      'realism.intent_jsd',
      'realism.length_jsd',
      'realism.vocabulary_jsd',
      'privacy.memorisation_rate',
    ]) {
      expect(metric(report, id)).toMatchObject({
        value: null,
        verdict: 'not_computable',
        reason: 'no reference profile was given',
      });
    }
    expect(metric(report, 'realism.turns_jsd')).toMatchObject({
      verdict: 'not_computable',
      reason: 'utterances have no turns',
    });
    expect(metric(report, 'consistency.resolution_mismatch_rate').reason).toBe(
      'utterances have no turns or resolution status',
    );
    // Overall weights are shared out over the groups that have something computable.
    expect(report.weights.realism).toBeUndefined();
    expect(Object.values(report.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('a skewed intent set has a high JSD, a high TVD and high bias severity', () => {
    const skewed = Array.from({ length: 200 }, (_, i) =>
      conversation(`${SENTENCES[i % 8]!} Order ${i}.`, 'Done, your card is on its way.', {
        language: i % 2 ? 'en' : 'es',
      }),
    );
    const report = validateText(skewed, 'conversations', { profile });
    const jsd = metric(report, 'realism.intent_jsd');
    expect(jsd.value).toBeGreaterThan(0.5);
    expect(jsd.verdict).toBe('fail');
    expect(jsd.band).toEqual(profile.bands['realism.intent_jsd']);
    expect(metric(report, 'bias.intent_tvd')).toMatchObject({ verdict: 'fail' });
    expect(metric(report, 'bias.intent_tvd').value).toBeCloseTo(76 / 77, 6);
    expect(metric(report, 'bias.intent_coverage')).toMatchObject({
      value: 0.012987,
      verdict: 'fail',
    });
    expect(report.bias?.severity).toBe('high');
    expect(report.bias?.reasons.join('\n')).toMatch(/^intent: TVD 0\.987/m);
    expect(report.bias?.reasons.join('\n')).toMatch(/coverage: 76 of 77 targeted intents missing/);
  });

  it('catches a memorised copy of a reference utterance, even with a small edit', () => {
    const items = generated(30);
    items[5]!.turns[0]!.text = reference[17]!.text;
    items[9]!.turns[0]!.text = reference[40]!.text.replace('time', 'times').toUpperCase();
    const m = metric(
      validateText(items, 'conversations', { profile }),
      'privacy.memorisation_rate',
    );
    expect(m.value).toBeCloseTo(2 / 30, 6);
    expect((m.details as { examples: Array<{ id: string }> }).examples.map((e) => e.id)).toEqual([
      items[5]!.conversation_id,
      items[9]!.conversation_id,
    ]);
  });

  it('compares length and vocabulary only on items in the reference languages', () => {
    const report = validateText(generated(60), 'conversations', { profile });
    expect(metric(report, 'realism.vocabulary_jsd').reason).toContain(
      "on the 30 items in en, the reference's languages",
    );
    expect(metric(report, 'realism.turns_jsd').reason).toBe(
      'the reference (tiny reference) holds utterances, which have no turns',
    );
    const lengths = report.distributions.find((d) => d.id === 'lengths')!;
    expect(lengths.referenceName).toBe('tiny reference');
    expect(lengths.dataset.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});

describe('bias against targets', () => {
  it('data on target has no bias; a sentiment skew is high severity with the reason', () => {
    const items = generated(400);
    expect(validateText(items, 'conversations').bias).toEqual({ severity: 'none', reasons: [] });
    for (const c of items.slice(0, 240)) c.sentiment = 'negative';
    const report = validateText(items, 'conversations');
    const sentiment = metric(report, 'bias.sentiment_tvd');
    expect(sentiment.verdict).toBe('fail');
    expect(sentiment.details).toMatchObject({ dof: 2 });
    expect((sentiment.details as { pValue: number }).pValue).toBeLessThan(1e-10);
    expect(report.bias?.severity).toBe('high');
    expect(report.bias?.reasons[0]).toMatch(/^sentiment: TVD .* \(largest gap negative/);
  });

  it('uses given targets instead of the defaults', () => {
    const items = generated(200).map((c) => ({ ...c, language: 'en' as const }));
    const report = validateText(items, 'conversations', { targets: { languages: { en: 1 } } });
    expect(metric(report, 'bias.language_tvd')).toMatchObject({ value: 0, verdict: 'pass' });
    expect(report.distributions.find((d) => d.id === 'languages')).toMatchObject({
      labels: ['en', 'es'],
      dataset: [1, 0],
      reference: [1, 0],
      referenceName: 'targets',
    });
  });

  it('detects intent x language imbalance', () => {
    const items = generated(400);
    // Same overall 50/50 mix, but half the intents all English and the other half all Spanish.
    for (const c of items) c.language = INTENT_IDS.indexOf(c.intent) % 2 ? 'en' : 'es';
    const parity = metric(validateText(items, 'conversations'), 'bias.intent_language_parity');
    expect(parity.value).toBeCloseTo(0.5, 1);
    expect(parity.verdict).toBe('fail');
  });

  it('for utterances, language has no default target', () => {
    const items: Utterance[] = SENTENCES.map((text) => ({
      text,
      intent: 'card_arrival',
      language: 'en',
    }));
    const report = validateText(items, 'utterances');
    expect(metric(report, 'bias.language_tvd')).toMatchObject({
      verdict: 'not_computable',
      reason: 'no language target was given for this dataset',
    });
    expect(metric(report, 'bias.intent_coverage').value).toBeCloseTo(1 / 77, 6);
  });
});

describe('the report', () => {
  it('matches the report contract, is deterministic, and scores from documented weights', () => {
    const items = generated(120);
    const a = validateText(items, 'conversations');
    const b = validateText(items, 'conversations');
    expect(() => v.parse(ValidationReportSchema, a)).not.toThrow();
    expect({ ...a, computeSeconds: 0 }).toEqual({ ...b, computeSeconds: 0 });
    expect(Object.values(TEXT_SCORE_WEIGHTS).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 10);
    expect(a.overall.score).toBeGreaterThanOrEqual(0);
    expect(a.overall.score).toBeLessThanOrEqual(100);
    for (const m of a.metrics) {
      if (m.verdict === 'not_computable') expect(m.reason).toBeTruthy();
      else expect(m.thresholds).toBeDefined();
    }
    expect(a.distributions.map((d) => d.id)).toEqual([
      'intents',
      'categories',
      'languages',
      'sentiments',
      'complexities',
      'resolutions',
      'lengths',
      'turns',
    ]);
  });

  it('an empty dataset gives not-computable metrics, not errors', () => {
    const report = validateText([], 'conversations');
    expect(report.itemCount).toBe(0);
    expect(metric(report, 'quality.completeness')).toMatchObject({
      verdict: 'not_computable',
      reason: 'the dataset is empty',
    });
    expect(() => v.parse(ValidationReportSchema, report)).not.toThrow();
  });
});

describe('profiles', () => {
  it('rejects too few items and malformed profile files with precise messages', () => {
    expect(() => buildTextProfile('x', [], 'utterances')).toThrow(
      'a profile needs at least 2 items; got 0',
    );
    expect(() => parseTextProfile({ format: 'other' })).toThrow(
      /^invalid text profile: format must be "genesis-lab\/text-profile"/,
    );
    const good = buildTextProfile(
      'two',
      [
        { text: SENTENCES[0]!, intent: 'card_arrival', language: 'en' },
        { text: SENTENCES[1]!, intent: 'top_up_by_bank_transfer_charge', language: 'en' },
      ],
      'utterances',
    );
    expect(parseTextProfile(JSON.parse(JSON.stringify(good)))).toEqual(good);
    expect(() => parseTextProfile({ ...good, sketch: { ...good.sketch, count: 3 } })).toThrow(
      'invalid text profile: sketch.count is 3 but the signatures hold 2',
    );
  });
});
