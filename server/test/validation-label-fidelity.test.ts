import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { INTENT_IDS } from '@genesis/schema/catalog/intents';
import type { Conversation } from '@genesis/schema/conversation';
import { Random } from '@genesis/schema/random';
import type { ValidationMetric } from '@genesis/schema/reports';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/generation/config.ts';
import { planConversations } from '../src/generation/plan.ts';
import { answerConversations } from '../src/llm/local/conversations/answer.ts';
import { loadConfig, REPO_ROOT } from '../src/platform/config.ts';
import { analyze } from '../src/training/features.ts';
import {
  buildReferenceOracles,
  LABEL_FIDELITY_ID,
  LABEL_FIDELITY_MAX_ITEMS,
  LABEL_FIDELITY_WORST,
  labelFidelityMetric,
  loadShippedOracle,
  type OracleSet,
  resolveOracles,
  SHIPPED_ORACLES,
} from '../src/validation/text/label-fidelity.ts';
import {
  hashedNgrams,
  hashNgram,
  ORACLE_BLOCKS,
  ORACLE_NGRAM_BOUND,
  oracleFeatures,
  parseOracle,
} from '../src/validation/text/oracle.ts';
import { validateText } from '../src/validation/text/report.ts';
import { useTestServer } from './helpers/app.ts';

const ORACLE_FILE = resolve(REPO_ROOT, SHIPPED_ORACLES.banking77!);
const CSV = resolve(REPO_ROOT, '../shared/data/banking77/train.csv');

/** Conversations from the local writer, as the local provider generates them (en and es). */
function generated(count: number, seed = 3, languages?: Record<string, number>): Conversation[] {
  const config = resolveConfig(
    {
      kind: 'conversations',
      count,
      provider: 'local',
      seed,
      targets: languages ? { languages } : {},
    } as never,
    loadConfig({}),
  );
  return answerConversations(planConversations(config), String(seed)).conversations.map(
    ({ slot: _slot, ...c }) => c,
  );
}

/** The same items with their intent labels shuffled among themselves: every distribution unchanged. */
function shuffleLabels<T extends { intent: string }>(items: readonly T[], seed = 'shuffle'): T[] {
  const labels = new Random(seed).shuffle(items.map((i) => i.intent));
  return items.map((item, i) => ({ ...item, intent: labels[i]! }));
}

function fidelity(report: { metrics: ValidationMetric[] }): ValidationMetric {
  const found = report.metrics.find((m) => m.id === LABEL_FIDELITY_ID);
  if (!found) throw new Error('no label_fidelity metric');
  return found;
}

interface Details {
  top1: number;
  top3: number;
  judged: number;
  coverage: {
    items: number;
    covered: number;
    judged: number;
    notCovered: Record<string, number>;
  };
  perLanguage: Record<string, { n: number; top1: number }>;
  perIntent: Record<string, { n: number; top1: number; top3: number; real: number | null }>;
  worst: Array<{
    item: number;
    label: string;
    oracle: string;
    probability: number;
    labelProbability: number;
    excerpt: string;
  }>;
}

const details = (m: ValidationMetric) => m.details as Details;

function banking77(): Array<{ text: string; intent: string; language: 'en' }> {
  const rows = parseCsv(readFileSync(CSV, 'utf8'), { columns: true }) as Array<
    Record<string, string>
  >;
  return rows.map((r) => ({ text: r.text!, intent: r.category!, language: 'en' as const }));
}

describe('the shipped Banking77 label oracle', () => {
  it('loads, is compact, and carries its cross-validated accuracy', () => {
    const size = statSync(ORACLE_FILE).size;
    expect(size).toBeLessThan(3 * 1024 * 1024);
    const oracle = loadShippedOracle('banking77')!;
    expect(oracle).not.toBeNull();
    // Loaded once: the second call is the same object.
    expect(loadShippedOracle('banking77')).toBe(oracle);
    expect(oracle.json.language).toBe('en');
    expect([...oracle.labels].sort()).toEqual([...INTENT_IDS].sort());
    expect(oracle.json.cv.folds).toBe(5);
    expect(oracle.json.cv.top1).toBeGreaterThan(0.85);
    expect(oracle.json.cv.top3).toBeGreaterThan(oracle.json.cv.top1);
    expect(Object.keys(oracle.json.cv.perLabel)).toHaveLength(77);
  });

  it('holds no raw text: only hashed buckets, numbers, intent ids and short metadata', () => {
    const raw = readFileSync(ORACLE_FILE, 'utf8');
    const json = JSON.parse(raw);
    // The binary fields decode to numbers of the expected sizes, nothing else.
    const binary = new Set(['buckets', 'idf', 'mask', 'values']);
    const metadata = new Set([
      'genesis-lab/label-oracle',
      'Banking77 (train)',
      'en',
      'utterances',
      'fnv1a32-fmix32',
      'word',
      'char_wb',
      'svm-ovr-int8',
    ]);
    const intents = new Set<string>(INTENT_IDS);
    const strings: string[] = [];
    const walk = (value: unknown, key: string) => {
      if (typeof value === 'string') {
        if (binary.has(key)) {
          expect(value).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
          return;
        }
        strings.push(value);
      } else if (Array.isArray(value)) {
        for (const x of value) walk(x, key);
      } else if (value && typeof value === 'object') {
        for (const [k, x] of Object.entries(value)) {
          // perLabel is keyed by intent id.
          if (key === 'perLabel') expect(intents.has(k)).toBe(true);
          walk(x, k);
        }
      }
    };
    walk(json, '');
    for (const s of strings) expect(metadata.has(s) || intents.has(s), s).toBe(true);
    // Nothing shaped like an n-gram is kept: no string of the vocabulary's kind besides the metadata.
    const ngramLike = strings.filter((s) => !metadata.has(s) && !intents.has(s));
    expect(ngramLike.every((s) => s.length <= ORACLE_NGRAM_BOUND)).toBe(true);
    for (const block of json.features.blocks) {
      const buckets = Buffer.from(block.buckets, 'base64');
      expect(buckets.length % 4).toBe(0);
      expect(Buffer.from(block.idf, 'base64').length).toBe(buckets.length);
    }
    // And it decodes.
    expect(parseOracle(json).labels).toHaveLength(77);
  });

  it.skipIf(!existsSync(CSV))('contains no Banking77 sentence nor any of its words', () => {
    const raw = readFileSync(ORACLE_FILE, 'utf8').toLowerCase();
    const texts = banking77().map((u) => u.text.toLowerCase().trim());
    const sentences = texts.filter((t) => t.split(/\s+/).length >= 3);
    expect(sentences.length).toBeGreaterThan(9000);
    for (const s of sentences) expect(raw.includes(s), s).toBe(false);
    // Distinctive words (8+ letters) would show up as JSON strings if a vocabulary were stored.
    const words = new Set(texts.flatMap((t) => t.match(/[a-z]{8,}/g) ?? []));
    expect(words.size).toBeGreaterThan(100);
    for (const w of words) expect(raw.includes(`"${w}"`), w).toBe(false);
  });
});

describe('oracle features', () => {
  it('hash exactly the n-grams the training lab’s analyzer emits', () => {
    const texts = [
      'My new card has still not arrived after two weeks, where is it?',
      '¿Dónde está mi tarjeta? La pedí hace 10 días…',
      'a I x', // words shorter than the n-grams
      'transferencia internacional 💳 ok', // long words, a surrogate pair
      '',
    ];
    for (const text of texts) {
      const fast = hashedNgrams(text);
      ORACLE_BLOCKS.forEach((block, b) => {
        const grams = analyze(text, {
          analyzer: block.analyzer,
          ngramRange: [block.ngramRange[0], block.ngramRange[1]],
          minDf: 1,
          maxFeatures: null,
          sublinearTf: true,
          weight: 1,
        });
        const expected = grams.map((g) => hashNgram(g, b)).sort((x, y) => x - y);
        expect([...fast[b]!].sort((x, y) => x - y)).toEqual(expected);
      });
    }
  });

  it('score texts on the same TF-IDF matrix, text by text, as training’s documents give', () => {
    const oracle = loadShippedOracle('banking77')!;
    const texts = [
      ...generated(300).map((c) => c.turns[0]!.text),
      'My new card has still not arrived after two weeks, where is it? card card card',
      '¿Dónde está mi tarjeta? La pedí hace 10 días…',
      'zzqx', // no n-gram the oracle keeps
      '',
    ];
    const fast = oracleFeatures(oracle, texts, 'texts');
    const slow = oracleFeatures(oracle, texts, 'documents');
    expect(fast.nRows).toBe(slow.nRows);
    expect(fast.nCols).toBe(slow.nCols);
    expect([...fast.indptr]).toEqual([...slow.indptr]);
    expect([...fast.indices]).toEqual([...slow.indices]);
    expect([...fast.values]).toEqual([...slow.values]);
    expect(fast.indices.length).toBeGreaterThan(1000);
  });
});

describe('label fidelity on data the project makes (local provider, shipped oracle)', () => {
  const items = generated(600, 3);
  const oracles: OracleSet = { oracles: [loadShippedOracle('banking77')!] };

  it('passes with the original labels, relative to the oracle’s real-vs-real band', () => {
    const report = validateText(items, 'conversations', { oracles });
    const m = fidelity(report);
    expect(m.group).toBe('labels');
    expect(m.verdict).toBe('pass');
    expect(m.value!).toBeGreaterThan(0.7);
    // The band is the oracle's 5-fold CV accuracy on real Banking77; the thresholds sit below it.
    expect(m.band!.low).toBeGreaterThan(0.85);
    expect(m.thresholds!.direction).toBe('higher_is_better');
    expect(m.thresholds!.warn).toBeLessThan(m.band!.low);
    expect(m.thresholds!.fail).toBeLessThan(m.thresholds!.warn);
    expect(m.interval!.low).toBeLessThanOrEqual(m.value!);
    expect(m.sample!.n).toBe(details(m).judged);
    expect(details(m).top3).toBeGreaterThanOrEqual(details(m).top1);
    expect(Object.keys(details(m).perIntent).length).toBeGreaterThan(50);
    expect(report.gates?.find((g) => g.metricId === LABEL_FIDELITY_ID)?.verdict).toBe('pass');
  });

  it('fails when the labels are shuffled among the items (no distribution changes), and so does the report', () => {
    const shuffled = shuffleLabels(items);
    const report = validateText(shuffled, 'conversations', { oracles });
    const m = fidelity(report);
    expect(m.verdict).toBe('fail');
    expect(m.value!).toBeLessThan(0.1);
    // Every distribution metric is as before: the intent distribution did not move.
    const before = validateText(items, 'conversations', { oracles });
    const jsd = (r: typeof report) => r.metrics.find((x) => x.id === 'realism.intent_jsd')!.value;
    expect(jsd(report)).toBe(jsd(before));
    expect(report.overall.verdict).toBe('fail');
    expect(report.reason).toMatch(/label fidelity/);
  });

  it('lists the worst disagreements with both labels, the oracle’s probability and an excerpt', () => {
    const m = labelFidelityMetric(shuffleLabels(items), 'conversations', oracles);
    const worst = details(m).worst;
    expect(worst).toHaveLength(LABEL_FIDELITY_WORST);
    for (const w of worst) {
      expect(INTENT_IDS).toContain(w.label);
      expect(INTENT_IDS).toContain(w.oracle);
      expect(w.oracle).not.toBe(w.label);
      expect(w.probability).toBeGreaterThan(w.labelProbability);
      expect(w.excerpt.length).toBeGreaterThan(0);
      expect(w.excerpt.length).toBeLessThanOrEqual(160);
    }
    // Worst first: the label's probability only grows down the list.
    for (let i = 1; i < worst.length; i++) {
      expect(worst[i]!.labelProbability).toBeGreaterThanOrEqual(worst[i - 1]!.labelProbability);
    }
  });

  it('never judges Spanish items with the English oracle', () => {
    const spanish = items.filter((c) => c.language === 'es');
    const english = items.filter((c) => c.language === 'en');
    expect(spanish.length).toBeGreaterThan(100);
    const all = labelFidelityMetric(items, 'conversations', oracles);
    expect(details(all).judged).toBe(english.length);
    expect(details(all).coverage.notCovered['language es: no oracle']).toBe(spanish.length);
    expect(all.reason).toMatch(/not judged/);
    // The Spanish items change nothing: not counted as agreements, nor as disagreements.
    const enOnly = labelFidelityMetric(english, 'conversations', oracles);
    expect(all.value).toBe(enOnly.value);
    // Spanish only: nothing to judge, so no verdict (and shuffled Spanish labels pass nothing either).
    const es = labelFidelityMetric(shuffleLabels(spanish), 'conversations', oracles);
    expect(es.verdict).toBe('not_computable');
    expect(es.value).toBeNull();
    expect(es.reason).toMatch(/es: no oracle/);
  });

  it('judges a seeded sample of at most LABEL_FIDELITY_MAX_ITEMS items', () => {
    const many = Array.from({ length: 20 }, () => items).flat();
    const m = labelFidelityMetric(many, 'conversations', oracles);
    expect(details(m).judged).toBe(LABEL_FIDELITY_MAX_ITEMS);
    expect(details(m).coverage.covered).toBe(many.filter((c) => c.language === 'en').length);
    expect(m.reason).toMatch(/random sample of 5000/);
    expect(labelFidelityMetric(many, 'conversations', oracles)).toEqual(m);
  });

  it('leaves out items whose customer turns hold only white space, and counts them', () => {
    const english = items.filter((c) => c.language === 'en');
    const blank = (c: Conversation, text: string) => ({
      ...c,
      turns: c.turns.map((t) => (t.speaker === 'customer' ? { ...t, text } : t)),
    });
    const agentOnly = (c: Conversation) => ({
      ...c,
      turns: c.turns.filter((t) => t.speaker !== 'customer'),
    });
    const edited = english.map((c, i) =>
      i === 0
        ? blank(c, ' \n\t')
        : i === 1
          ? blank(c, '\u00a0\ufeff\u2028')
          : i === 2
            ? agentOnly(c)
            : c,
    );
    const m = labelFidelityMetric(edited, 'conversations', oracles);
    expect(details(m).coverage.notCovered['no customer text']).toBe(3);
    expect(details(m).judged).toBe(english.length - 3);
    expect(m.reason).toMatch(/3 no customer text/);
    // Text that white space only surrounds is judged.
    const padded = english.map((c, i) => (i === 0 ? blank(c, ' \n my card is blocked \t') : c));
    expect(details(labelFidelityMetric(padded, 'conversations', oracles)).judged).toBe(
      english.length,
    );
  });

  it('is not computable on too few items, or without an oracle', () => {
    const five = labelFidelityMetric(items.slice(0, 5), 'conversations', oracles);
    expect(five.verdict).toBe('not_computable');
    const none = validateText(items, 'conversations');
    expect(fidelity(none).verdict).toBe('not_computable');
    expect(fidelity(none).reason).toMatch(/no label oracle/);
    const fileNote = resolveOracles({ none: 'a profile file holds statistics only' });
    expect(labelFidelityMetric(items, 'conversations', fileNote).reason).toMatch(/statistics only/);
  });
});

describe('an oracle built from an imported reference dataset', () => {
  it('trains one oracle per language on the reference’s texts and judges both languages', () => {
    const reference = generated(700, 11);
    const built = buildReferenceOracles(reference, 'conversations', 'local reference');
    expect(built.built.map((o) => o.language).sort()).toEqual(['en', 'es']);
    for (const o of built.built) {
      expect(o.cv.folds).toBe(5);
      expect(o.cv.top1).toBeGreaterThan(0.3);
    }
    const oracles = resolveOracles(built)!;
    const items = generated(600, 3);
    const m = labelFidelityMetric(items, 'conversations', oracles);
    expect(details(m).judged).toBe(items.length);
    expect(Object.keys(details(m).perLanguage).sort()).toEqual(['en', 'es']);
    expect(m.verdict).toBe('pass');
    const shuffled = labelFidelityMetric(shuffleLabels(items), 'conversations', oracles);
    expect(shuffled.verdict).toBe('fail');
  }, 120_000);

  it('says why a language has too few texts for an oracle', () => {
    const reference = generated(60, 12, { en: 1 });
    const few = reference.slice(0, 10);
    const built = buildReferenceOracles(few, 'conversations', 'tiny');
    expect(built.built).toHaveLength(0);
    expect(built.note).toMatch(/no en oracle: the reference has 10 labelled texts/);
  });
});

describe.skipIf(!existsSync(CSV))('label fidelity on Banking77', () => {
  it('passes real Banking77 utterances and fails them with shuffled labels', () => {
    const sample = new Random('b77').shuffle(banking77()).slice(0, 1500);
    const oracles: OracleSet = { oracles: [loadShippedOracle('banking77')!] };
    const real = labelFidelityMetric(sample, 'utterances', oracles);
    expect(real.verdict).toBe('pass');
    expect(real.value!).toBeGreaterThan(real.band!.low - 0.1);
    const shuffled = labelFidelityMetric(shuffleLabels(sample), 'utterances', oracles);
    expect(shuffled.verdict).toBe('fail');
    expect(shuffled.value!).toBeLessThan(0.05);
  });

  it('an oracle trained on one half of Banking77 passes the other half and fails it shuffled', () => {
    const order = new Random('halves').shuffle(banking77());
    const train = order.slice(0, 2500);
    const test = order.slice(5000, 6500);
    const built = buildReferenceOracles(train, 'utterances', 'Banking77 half');
    const oracles = resolveOracles(built)!;
    const real = labelFidelityMetric(test, 'utterances', oracles);
    expect(real.verdict).toBe('pass');
    // Real held-out data scores about the oracle's own CV accuracy: inside or near its band.
    expect(real.value!).toBeGreaterThan(real.band!.low - 0.05);
    expect(labelFidelityMetric(shuffleLabels(test), 'utterances', oracles).verdict).toBe('fail');
  }, 180_000);
});

describe('label fidelity through the API', () => {
  const s = useTestServer('sqlite');

  async function generate(count: number, seed: number): Promise<string> {
    const r = await s.gql<any>(
      `mutation($input: GenerationInput!) { startGeneration(input: $input) { ... on MutationStartGenerationSuccess { data { id dataset { id } } } } }`,
      { input: { kind: 'CONVERSATIONS', count, provider: 'LOCAL', seed } },
    );
    const job = r.data.startGeneration.data;
    for (let i = 0; i < 600; i++) {
      const status = (
        await s.gql<any>('query($id: ID!) { generationJob(id: $id) { status } }', { id: job.id })
      ).data.generationJob.status;
      if (status === 'COMPLETED') break;
      if (status === 'FAILED' || status === 'PAUSED') throw new Error(`generation ${status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return job.dataset.id as string;
  }

  const VALIDATE = `mutation($input: ValidateInput!) { validateDataset(input: $input) {
    __typename ... on MutationValidateDatasetSuccess { data { metrics { id group value verdict reason band { low high } } } }
    ... on ValidationError { issues { path message } } } }`;

  it('judges against the shipped oracle by default, and against a reference dataset’s own oracles', async () => {
    const data = await generate(200, 3);
    const reference = await generate(400, 21);
    const shipped = await s.gql<any>(VALIDATE, { input: { datasetId: data } });
    expect(shipped.errors).toBeUndefined();
    const a = shipped.data.validateDataset.data.metrics.find((m: any) => m.id === 'label_fidelity');
    expect(a.group).toBe('labels');
    expect(a.verdict).toBe('PASS');
    expect(a.reason).toMatch(/Banking77/);
    expect(a.reason).toMatch(/language es: no oracle/);

    const own = await s.gql<any>(VALIDATE, {
      input: { datasetId: data, referenceDatasetId: reference },
    });
    expect(own.errors).toBeUndefined();
    const b = own.data.validateDataset.data.metrics.find((m: any) => m.id === 'label_fidelity');
    expect(b.verdict).toBe('PASS');
    // Both languages judged: the reference has Spanish texts.
    expect(b.reason).not.toMatch(/not judged/);
    expect(b.band.low).toBeGreaterThan(0.3);
  }, 180_000);
});
