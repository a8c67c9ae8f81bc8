import { getIntent, INTENT_IDS } from '@genesis/schema/catalog/intents';
import type { Conversation } from '@genesis/schema/conversation';
import { Random } from '@genesis/schema/random';
import { type ValidationMetric, ValidationReportSchema } from '@genesis/schema/reports';
import type { Utterance } from '@genesis/schema/utterance';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/generation/config.ts';
import { planConversations } from '../src/generation/plan.ts';
import {
  detectLanguage,
  detectLanguages,
  ELD_SEPARATORS,
  eldLanguage,
  separateWords,
} from '../src/language/language.ts';
import { answerConversations } from '../src/llm/local/conversations/answer.ts';
import { loadConfig } from '../src/platform/config.ts';
import { buildCorpus, exactDuplicateFlags } from '../src/validation/text/corpus.ts';
import { coveringBand } from '../src/validation/text/metric.ts';
import {
  addShingles,
  LSH_BANDS,
  LshIndex,
  newBins,
  SIGNATURE_BINS,
  writeSignature,
} from '../src/validation/text/minhash.ts';
import { clabeValid, findPii, ibanValid, luhnValid, scanPii } from '../src/validation/text/pii.ts';
import { buildTextProfile, parseTextProfile } from '../src/validation/text/profile.ts';
import {
  memorisationBand,
  overallScore,
  TEXT_SCORE_WEIGHTS,
  validateText,
} from '../src/validation/text/report.ts';
import { resolutionMismatch } from '../src/validation/text/resolution.ts';
import {
  chiSquareGoodnessOfFit,
  chiSquareIndependence,
  chiSquarePValue,
  jensenShannon,
  totalVariation,
} from '../src/validation/text/stats.ts';
import { customerTexts, foldText, tokenize } from '../src/validation/text/tokens.ts';

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

  it('looks for numbers in a text with nine digits or more, wherever they are', () => {
    const kinds = (t: string) => findPii(t).map((m) => m.kind);
    // Exactly nine digits, all in the number, after a long stretch without any.
    expect(kinds(`${'no digits here, '.repeat(500)}call me on 612 345 678`)).toEqual(['phone']);
    // Nine digits in all, but spread out: the gate passes and no digit run is phone-shaped.
    expect(kinds('order 12, parcel 34, gate 56, seats 789 and 1')).toEqual([]);
    // Eight digits: nothing to find, however long the text.
    expect(kinds(`6123 4567${' and more words'.repeat(2000)}`)).toEqual([]);
    expect(kinds('+34 612 345 678')).toEqual(['phone']);
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

  it("gives ELD's own answer (subset en/es) on generated conversations and odd texts", () => {
    const texts = generated(400).map((c) => c.turns.map((t) => t.text).join('\n'));
    // Edge cases of ELD's text processing: accents, apostrophes, emoji and other scripts, a lone surrogate,
    // words past 70 characters, texts past ELD's 350/380-byte cuts and its 1,000-character limit.
    const pieces = [
      'the ',
      'card ',
      'tarjeta ',
      'qué ',
      '¿',
      '¡',
      'niño ',
      'don’t ',
      "it's ",
      '`x` ',
      '😀',
      '𝔘',
      '\ud800',
      'ß',
      'ПРИВЕТ ',
      '中文',
      '12345 ',
      '!!! ',
      '\n',
      '  ',
      'Ñandú ',
      'über ',
      'café',
      'a',
      'ab ',
      'abc ',
      'abcd ',
      `${'supercalifragilistic'.repeat(5)} `,
      'x'.repeat(400),
      ' hello world '.repeat(40),
      'mi cuenta está bloqueada y necesito ayuda '.repeat(8),
      'Iİı',
      'ﬁ',
    ];
    const random = new Random('eld-edges');
    for (let k = 0; k < 3000; k++) {
      let text = '';
      for (let j = random.int(0, 30); j > 0; j--) text += random.pick(pieces);
      texts.push(text);
    }
    const ours = detectLanguages(texts);
    expect(ours).toEqual(texts.map(eldLanguage));
    expect(ours.filter((x) => x === 'es').length).toBeGreaterThan(150);
    expect(ours.filter((x) => x === 'en').length).toBeGreaterThan(150);
    expect(ours.filter((x) => x === null).length).toBeGreaterThan(10);
  });

  it('splits words as ELD’s separator regex does, apostrophes at the ends of runs included', () => {
    const pieces = [
      'card ',
      'qué ',
      '¿',
      '¡',
      'don’t ',
      "it's ",
      '`x` ',
      "'",
      '’',
      '`',
      ", '",
      "'' ",
      ' ’’',
      '.',
      '😀',
      '\ud800',
      '\udc00',
      'ПРИВЕТ ',
      '中文',
      '12345 ',
      '!!! ',
      '\n',
      '  ',
      'Ñandú ',
      'ß',
      'ﬁ',
      'a',
    ];
    const random = new Random('eld-separators');
    const texts = ['', ' ', "'", "a, 'b", "x'' y", 'emoji 😀 ok'];
    for (let k = 0; k < 5000; k++) {
      let text = '';
      for (let j = random.int(0, 20); j > 0; j--) text += random.pick(pieces);
      texts.push(text);
    }
    for (const text of texts) expect(separateWords(text)).toBe(text.replace(ELD_SEPARATORS, ' '));
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
  it('distinct-1 and distinct-2 on a tiny hand-counted case', () => {
    const items: Utterance[] = [
      { text: 'My card is lost', intent: 'lost_or_stolen_card', language: 'en' },
      { text: 'my CARD is here!', intent: 'card_arrival', language: 'en' },
    ];
    const report = validateText(items, 'utterances');
    // 8 tokens; words: my, card, is, lost, here = 5 -> 5/8.
    expect(metric(report, 'diversity.distinct_1').value).toBe(0.625);
    // Pairs within each item (none across items): my card, card is, is lost / my card, card is, is here
    // = 6 pairs, 4 distinct -> 4/6.
    const d2 = metric(report, 'diversity.distinct_2');
    expect(d2.value).toBe(0.666667);
    expect(d2.reason).toMatch(/^8 tokens measured \(fewer than 20000/);
    expect(d2.details).toMatchObject({ perIntent: { card_arrival: 1, lost_or_stolen_card: 1 } });
  });

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

describe('text folding', () => {
  it('folds Latin-1 text character by character exactly as the full Unicode path does', () => {
    const full = (t: string) =>
      t
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[\u2018\u2019\u02bc]/g, "'")
        .toLowerCase();
    expect(foldText('¿Dónde está mi TARJETA? Ñandú, pingüino’s')).toBe(
      "¿donde esta mi tarjeta? nandu, pinguino's",
    );
    const random = new Random('fold');
    for (let k = 0; k < 5000; k++) {
      let text = '';
      for (let j = random.int(0, 40); j > 0; j--) {
        const p = random.next();
        const code =
          p < 0.6
            ? random.int(32, 126)
            : p < 0.95
              ? random.int(128, 255)
              : p < 0.97
                ? random.pick([0x2018, 0x2019, 0x02bc])
                : random.int(0, 0x3000);
        text += String.fromCharCode(code);
      }
      expect(foldText(text)).toBe(full(text));
    }
  });
});

describe('the corpus', () => {
  /** Texts that take every path of the word scanner: apostrophes, Latin-1 letters and digits, beyond Latin-1. */
  const ODD_TEXTS = [
    "don't 'quoted' dogs' rock'n'roll ''x'' a' 'b",
    '¿Dónde está mi TARJETA? ª º ² ½ ¡ya! «no» Straße',
    'Привет мир 😀 café ﬁ İstanbul',
    '’curly’ it’s ʼtwoʼ',
    '12,345.67 € x',
    'ab',
    '\u00a0nbsp\u2028line\tbreak',
    '!!!',
  ];

  function oddItems(): Conversation[] {
    const random = new Random('corpus-odd');
    const items: Conversation[] = generated(150);
    for (let k = 0; k < 200; k++) {
      let text = '';
      for (let j = random.int(0, 30); j > 0; j--) {
        const p = random.next();
        text += String.fromCharCode(
          p < 0.5
            ? random.pick([97, 98, 39, 32, 49, 65])
            : p < 0.9
              ? random.int(128, 255)
              : random.pick([0x2019, 0x02bc, 0x0431, 0x4e00]),
        );
      }
      items.push(conversation(text, 'Done.'));
    }
    for (const text of ODD_TEXTS) items.push(conversation(text, 'Done.'));
    return items;
  }

  it('cuts words and signs utterances as tokenize and addShingles do, without a string per word', () => {
    const items = oddItems();
    const corpus = buildCorpus(items as never[], 'conversations');
    let utterance = 0;
    items.forEach((item, i) => {
      const expected: string[] = [];
      for (const text of customerTexts(item as never, 'conversations')) {
        const words = tokenize(text);
        if (words.length === 0) continue;
        if (expected.length > 0) expected.push('|');
        expected.push(...words);
        const bins = newBins();
        addShingles(words.join(' '), bins);
        const signature = new Uint16Array(SIGNATURE_BINS);
        writeSignature(bins, signature, 0);
        expect(corpus.utteranceItem[utterance]).toBe(i);
        expect([
          ...corpus.utteranceSignatures.subarray(
            utterance * SIGNATURE_BINS,
            (utterance + 1) * SIGNATURE_BINS,
          ),
        ]).toEqual([...signature]);
        utterance++;
      }
      const ids = corpus.tokens.subarray(corpus.itemStart[i], corpus.itemStart[i + 1]);
      expect([...ids].map((id) => (id === 0 ? '|' : corpus.vocabulary[id]))).toEqual(expected);
    });
    expect(corpus.utteranceCount).toBe(utterance);
    // One id per word: the vocabulary holds no word twice.
    expect(new Set(corpus.vocabulary).size).toBe(corpus.vocabulary.length);
  });

  it('finds exact duplicates by their words, even when every key hash clashes', () => {
    const items = [
      conversation('My card has NOT arrived', 'Done.'),
      conversation('my card has not arrived!', 'Done.'),
      conversation('my card has not arrived yet', 'Done.'),
      conversation('card my has not arrived', 'Done.'),
      conversation('...', 'Done.'),
      conversation('', 'Done.'),
    ];
    const corpus = buildCorpus(items as never[], 'conversations');
    expect([...exactDuplicateFlags(corpus)]).toEqual([1, 1, 0, 0, 0, 0]);
    // Every item given the same hash: only items with the same words are still flagged.
    corpus.keyHashes.fill(7);
    expect([...exactDuplicateFlags(corpus)]).toEqual([1, 1, 0, 0, 0, 0]);
    expect([...exactDuplicateFlags(corpus, [1, 2, 3])]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('the LSH index', () => {
  /** The index as a Map of bucket arrays, each checked newest first, at most 16 entries: the reference. */
  function referenceIndex(signatures: Uint16Array) {
    const bands = Array.from({ length: LSH_BANDS }, () => new Map<string, number[]>());
    const rows = SIGNATURE_BINS / LSH_BANDS;
    const keyOf = (id: number, band: number) =>
      signatures
        .subarray(id * SIGNATURE_BINS + band * rows, id * SIGNATURE_BINS + (band + 1) * rows)
        .join(',');
    return {
      add(id: number) {
        for (let band = 0; band < LSH_BANDS; band++) {
          const bucket = bands[band]!.get(keyOf(id, band)) ?? [];
          bucket.push(id);
          bands[band]!.set(keyOf(id, band), bucket);
        }
      },
      find(query: number, threshold: number) {
        const allowed = Math.floor((1 - threshold) * SIGNATURE_BINS + 1e-9);
        for (let band = 0; band < LSH_BANDS; band++) {
          const bucket = bands[band]!.get(keyOf(query, band)) ?? [];
          for (let k = bucket.length - 1; k >= Math.max(0, bucket.length - 16); k--) {
            let differ = 0;
            for (let i = 0; i < SIGNATURE_BINS; i++) {
              const a = signatures[query * SIGNATURE_BINS + i];
              if (a !== signatures[bucket[k]! * SIGNATURE_BINS + i]) differ++;
            }
            if (differ <= allowed) return bucket[k]!;
          }
        }
        return -1;
      },
    };
  }

  it('finds what a Map of buckets, newest first and 16 per bucket, finds', () => {
    const random = new Random('lsh');
    const count = 600;
    const signatures = new Uint16Array(count * SIGNATURE_BINS);
    for (let id = 0; id < count; id++) {
      const base = id < 40 ? 0 : id < 300 ? random.int(0, 30) : id;
      for (let i = 0; i < SIGNATURE_BINS; i++) {
        // Families sharing most bins (near duplicates), 40 identical copies (a bucket past 16), and loners.
        signatures[id * SIGNATURE_BINS + i] =
          id >= 40 && random.next() < 0.25
            ? random.int(0, 0xffff)
            : (base * 7919 + i * 31) & 0xffff;
      }
    }
    const index = new LshIndex(signatures);
    // The same signatures off a 4-byte boundary: compared bin by bin instead of two bins per 32-bit word.
    const unaligned = new Uint16Array(
      new ArrayBuffer(signatures.byteLength + 2),
      2,
      signatures.length,
    );
    unaligned.set(signatures);
    const binByBin = new LshIndex(unaligned);
    const reference = referenceIndex(signatures);
    let found = 0;
    for (let id = 0; id < count; id++) {
      for (const threshold of [0.7, 0.8]) {
        const ours = index.findSimilar(signatures, id * SIGNATURE_BINS, threshold);
        expect(ours).toBe(reference.find(id, threshold));
        expect(binByBin.findSimilar(unaligned, id * SIGNATURE_BINS, threshold)).toBe(ours);
        if (ours >= 0) found++;
      }
      index.add(id);
      binByBin.add(id);
      reference.add(id);
    }
    expect(found).toBeGreaterThan(100);
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

  it('attaches every band the profile computes, language included', () => {
    const report = validateText(reference, 'utterances', { profile });
    expect(Object.keys(profile.bands)).toContain('language.mismatch_rate');
    for (const [id, band] of Object.entries(profile.bands)) {
      const m = metric(report, id);
      if (id === 'privacy.memorisation_rate')
        expect(m.band, id).toEqual(memorisationBand(profile)!.band);
      else expect(m.band, id).toEqual(band);
    }
  });

  it('widens the memorisation threshold to cover the band, and says so', () => {
    const items = generated(30);
    items[5]!.turns[0]!.text = reference[17]!.text;
    items[9]!.turns[0]!.text = reference[40]!.text;
    // 2 of 30 items (0.0667) near-copy the reference: past the base warn threshold 0.02.
    const bare = { ...profile, bands: {} };
    const before = metric(
      validateText(items, 'conversations', { profile: bare }),
      'privacy.memorisation_rate',
    );
    expect(before).toMatchObject({ value: 0.0666667, verdict: 'warn' });
    expect(before.thresholds).toMatchObject({ warn: 0.02, fail: 0.1 });
    // A reference whose halves near-copy each other 3-4% of the time: against the whole 64-utterance sketch
    // (twice the half's 32) real data scores 1 - (1 - x)^2, i.e. 0.0591-0.0784, which covers 0.0667.
    const banded = {
      ...profile,
      bands: {
        ...profile.bands,
        'privacy.memorisation_rate': { low: 0.03, median: 0.035, high: 0.04 },
      },
    };
    const after = metric(
      validateText(items, 'conversations', { profile: banded }),
      'privacy.memorisation_rate',
    );
    expect(after.band).toEqual({ low: 0.0591, median: 0.068775, high: 0.0784 });
    expect(after.thresholds).toEqual({ direction: 'lower_is_better', warn: 0.0784, fail: 0.1584 });
    expect(after.verdict).toBe('pass');
    expect(after.reason).toContain(
      'warn threshold widened from 0.02 to 0.0784, fail from 0.1 to 0.1584, to cover the real-vs-real band 0.0591-0.0784',
    );
    expect(after.details).toMatchObject({
      bandAgainstHalf: { low: 0.03, median: 0.035, high: 0.04 },
      bandScale: 2,
    });
  });

  it('turns per conversation: known JSD against a conversations profile', () => {
    const twoTurns = (i: number) =>
      conversation(`${SENTENCES[i % 8]!} Ref ${i}.`, 'Done, your card is on its way.');
    const fourTurns = (i: number) =>
      conversation(`${SENTENCES[i % 8]!} Case ${i}.`, 'Could you tell me when you ordered it?', {
        turn_count: 4,
        turns: [
          { speaker: 'customer', text: `${SENTENCES[i % 8]!} Case ${i}.` },
          { speaker: 'agent', text: 'Could you tell me when you ordered it?' },
          { speaker: 'customer', text: 'About two weeks ago, on a Monday.' },
          { speaker: 'agent', text: 'Thanks, I have sent a replacement; it is resolved now.' },
        ],
      });
    const conversationsProfile = buildTextProfile(
      'two-turn conversations',
      Array.from({ length: 40 }, (_, i) => twoTurns(i)),
      'conversations',
      { splits: 3 },
    );
    expect(conversationsProfile.turnCounts).toEqual({ '2': 40 });
    // Half the dataset has 2 turns, half 4, against a reference of only 2: P = (1/2, 1/2), Q = (1, 0),
    // M = (3/4, 1/4); JSD = (KL(P||M) + KL(Q||M)) / 2 = (0.207519 + 0.415037) / 2 = 0.311278 bits.
    const items = Array.from({ length: 20 }, (_, i) => (i % 2 ? fourTurns(i) : twoTurns(100 + i)));
    const report = validateText(items, 'conversations', { profile: conversationsProfile });
    const turns = metric(report, 'realism.turns_jsd');
    expect(turns.value).toBeCloseTo(0.311278, 6);
    expect(turns.verdict).toBe('fail');
    expect(turns.reason).toMatch(/^turn counts vs two-turn conversations/);
    // Halves of an all-two-turn reference never differ: the band is 0 and the thresholds stay as they were.
    expect(turns.band).toEqual({ low: 0, median: 0, high: 0 });
    const same = validateText(
      Array.from({ length: 20 }, (_, i) => twoTurns(200 + i)),
      'conversations',
      { profile: conversationsProfile },
    );
    expect(metric(same, 'realism.turns_jsd')).toMatchObject({ value: 0, verdict: 'pass' });
    expect(report.distributions.find((d) => d.id === 'turns')).toMatchObject({
      labels: ['1', '2', '3', '4'],
      dataset: [0, 0.5, 0, 0.5],
      reference: [0, 1, 0, 0],
    });
  });
});

describe('thresholds and the real-vs-real band', () => {
  it('widen to cover a band past them, never tighten', () => {
    const lower = { direction: 'lower_is_better' as const, warn: 0.02, fail: 0.1 };
    expect(coveringBand(lower, { low: 0.066, median: 0.068, high: 0.072 })).toEqual({
      thresholds: { direction: 'lower_is_better', warn: 0.072, fail: 0.152 },
      note: 'warn threshold widened from 0.02 to 0.072, fail from 0.1 to 0.152, to cover the real-vs-real band 0.066-0.072: real data already scores this against itself',
    });
    expect(coveringBand(lower, { low: 0, median: 0.005, high: 0.01 })).toEqual({
      thresholds: lower,
      note: null,
    });
    expect(coveringBand(lower, undefined)).toEqual({ thresholds: lower, note: null });
    // Higher is better: the band's low end is the worst real value.
    const higher = { direction: 'higher_is_better' as const, warn: 0.3, fail: 0.2 };
    expect(coveringBand(higher, { low: 0.25, median: 0.3, high: 0.35 }).thresholds).toEqual({
      direction: 'higher_is_better',
      warn: 0.25,
      fail: 0.15,
    });
    // Fail keeps its distance from warn.
    expect(
      coveringBand(
        { direction: 'lower_is_better', warn: 0.01, fail: 0.5 },
        { low: 0, median: 0, high: 0.05 },
      ).thresholds,
    ).toEqual({ direction: 'lower_is_better', warn: 0.05, fail: 0.54 });
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

  it('the overall score is the weighted mean of the group scores, from the documented weights', () => {
    const m = (group: string, verdict: ValidationMetric['verdict']): ValidationMetric => ({
      id: `${group}.x${++nextId}`,
      name: 'constructed',
      group,
      value: verdict === 'not_computable' ? null : 0,
      verdict,
    });
    const metrics = [
      m('quality', 'pass'), // quality 1
      m('consistency', 'pass'),
      m('consistency', 'warn'), // consistency (1 + 0.5) / 2 = 0.75
      m('realism', 'fail'),
      m('realism', 'pass'),
      m('realism', 'not_computable'), // realism (0 + 1) / 2 = 0.5; not computable is left out
      m('diversity', 'warn'), // diversity 0.5
      m('language', 'not_computable'), // language: nothing computable, its weight is shared out
      m('privacy', 'pass'),
      m('privacy', 'fail'), // privacy 0.5
      m('bias', 'pass'), // bias 1
      m('acceptance', 'fail'), // not a text group: ignored
    ];
    // Documented weights: quality 0.1, consistency 0.15, realism 0.2, diversity 0.2, language 0.1,
    // privacy 0.15, bias 0.1. Without language they sum to 0.9:
    // (0.1*1 + 0.15*0.75 + 0.2*0.5 + 0.2*0.5 + 0.15*0.5 + 0.1*1) / 0.9 = 0.5875 / 0.9 = 0.652778
    const { score, weights } = overallScore(metrics);
    expect(score).toBeCloseTo(65.2778, 4);
    expect(weights).toEqual({
      quality: 0.111111,
      consistency: 0.166667,
      realism: 0.222222,
      diversity: 0.222222,
      privacy: 0.166667,
      bias: 0.111111,
    });
    // All pass: 100; all fail: 0.
    expect(overallScore(metrics.map((x) => ({ ...x, verdict: 'pass' as const }))).score).toBe(100);
    expect(overallScore(metrics.map((x) => ({ ...x, verdict: 'fail' as const }))).score).toBe(0);
    // A real report's overall score is this function of its own metrics.
    const report = validateText(generated(80), 'conversations');
    expect(report.overall.score).toBeCloseTo(overallScore(report.metrics).score, 3);
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
