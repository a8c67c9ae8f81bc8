import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAugmentation, planFromRunMetrics } from '../src/augmentation/plan.ts';
import { combineWeighted } from '../src/training/datasets.ts';
import { evaluateScores } from '../src/training/evaluate.ts';
import { loadModel, trainClassifier } from '../src/training/pipeline.ts';
import { presetConfig } from '../src/training/presets.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { tinyIntentData } from './training-fixtures.ts';

/** Out-of-fold "scores" that predict `predicted[i]` for example i (one-hot). */
function cvOf(truth: string[], predicted: string[], classes: string[]) {
  const k = classes.length;
  const scores = new Float64Array(truth.length * k);
  predicted.forEach((p, i) => {
    scores[i * k + classes.indexOf(p)] = 1;
  });
  const pooled = evaluateScores(
    scores,
    truth.map((t) => classes.indexOf(t)),
    classes,
  );
  return {
    kind: 'cv' as const,
    folds: 5,
    accuracy: { mean: pooled.accuracy, std: 0 },
    macroF1: { mean: pooled.macroF1, std: 0 },
    foldAccuracies: [pooled.accuracy],
    pooled,
    singletonClasses: [],
  };
}

describe('augmentation plan', () => {
  const classes = ['card_arrival', 'card_delivery_estimate', 'exchange_rate'];
  // card_arrival is often taken for card_delivery_estimate; exchange_rate is always right.
  const truth = [
    ...Array(10).fill('card_arrival'),
    ...Array(10).fill('card_delivery_estimate'),
    ...Array(10).fill('exchange_rate'),
  ];
  const predicted = [
    ...Array(6).fill('card_arrival'),
    ...Array(4).fill('card_delivery_estimate'),
    ...Array(9).fill('card_delivery_estimate'),
    'card_arrival',
    ...Array(10).fill('exchange_rate'),
  ];
  const evaluation = cvOf(truth, predicted, classes);

  it('plans more items for intents with lower CV F1 and includes the confused pairs', () => {
    const plan = planAugmentation(evaluation, 300);
    const by = Object.fromEntries(plan.perIntent.map((p) => [p.intent, p]));
    expect(plan.perIntent.reduce((a, p) => a + p.count, 0)).toBe(300);
    expect(by.card_arrival!.f1).toBeLessThan(by.exchange_rate!.f1);
    expect(by.card_arrival!.count).toBeGreaterThan(by.exchange_rate!.count);
    expect(by.card_delivery_estimate!.count).toBeGreaterThan(by.exchange_rate!.count);
    expect(by.exchange_rate!.count).toBeGreaterThan(0);
    expect(by.card_arrival!.notIntents).toEqual(['card_delivery_estimate']);
    expect(plan.contrasts[0]).toEqual({
      intent: 'card_arrival',
      notIntent: 'card_delivery_estimate',
      count: 4,
    });
    expect(plan.contrasts).toContainEqual({
      intent: 'card_delivery_estimate',
      notIntent: 'card_arrival',
      count: 1,
    });
  });

  it('reads only the cross-validated figures: no test-set data reaches the plan', () => {
    const without = planFromRunMetrics({ evaluation }, 120);
    // A test set on which exchange_rate is the weak intent and card_arrival perfect.
    const test = cvOf(
      ['exchange_rate', 'exchange_rate', 'card_arrival'],
      ['card_arrival', 'card_arrival', 'card_arrival'],
      classes,
    ).pooled;
    const withTest = planFromRunMetrics({ evaluation, test }, 120);
    expect(withTest).toEqual(without);
    expect(JSON.stringify(withTest)).not.toContain('"n":3');
    expect(() => planFromRunMetrics({ evaluation: null, test }, 120)).toThrow(/cross-validated/);
    expect(() =>
      planFromRunMetrics({ evaluation: { kind: 'holdout', testFraction: 0.2, metrics: test } }, 10),
    ).toThrow(/cross-validated/);
  });
});

describe('training on several datasets', () => {
  it('weights change the fit, and only the first dataset is evaluated', async () => {
    const real = tinyIntentData(12);
    // A conflicting extra set: card_arrival phrases labelled exchange_rate.
    const conflict = {
      texts: real.texts.filter((_, i) => real.labels[i] === 'card_arrival'),
      labels: real.texts
        .filter((_, i) => real.labels[i] === 'card_arrival')
        .map(() => 'exchange_rate'),
    };
    const config = presetConfig('fast', { cvFolds: 3, seed: 1 });
    const fit = async (weight: number) =>
      trainClassifier(
        combineWeighted(
          [
            { data: real, weight: 1 },
            { data: conflict, weight },
          ],
          1,
        ),
        config,
        {
          threads: 1,
        },
      );
    const light = await fit(0.25);
    const heavy = await fit(4);
    const p = (r: Awaited<ReturnType<typeof fit>>) =>
      loadModel(r.artifact).predict('where is my card', 1)[0]!.intent;
    expect(p(light)).toBe('card_arrival');
    expect(p(heavy)).toBe('exchange_rate');
    // Evaluated on the real rows only (36), whatever the weight.
    for (const r of [light, heavy]) {
      expect(r.evaluation?.kind).toBe('cv');
      if (r.evaluation?.kind === 'cv') expect(r.evaluation.pooled.n).toBe(real.texts.length);
    }
    expect(heavy.artifact.trainExamples).toBeGreaterThan(light.artifact.trainExamples);
  });

  it('combineWeighted repeats by relative weight', () => {
    const a = { texts: ['a1', 'a2'], labels: ['x', 'y'] };
    const b = { texts: ['b1', 'b2', 'b3', 'b4'], labels: ['x', 'x', 'y', 'y'] };
    expect(
      combineWeighted([
        { data: a, weight: 1 },
        { data: b, weight: 2 },
      ]).texts,
    ).toHaveLength(10);
    expect(
      combineWeighted([
        { data: a, weight: 1 },
        { data: b, weight: 0.5 },
      ]).texts,
    ).toHaveLength(4);
    expect(
      combineWeighted([
        { data: a, weight: 2 },
        { data: b, weight: 2 },
      ]).primary,
    ).toBe(2);
  });
});

describe('startTraining with datasets', () => {
  let s: TestServer;
  let a: string;
  let b: string;
  const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String) {
    importDataset(file: $file, kind: $kind, name: $name) { ... on MutationImportDatasetSuccess { data { id } } }
  }`;
  const START = `mutation($input: TrainingInput!) { startTraining(input: $input) {
    __typename
    ... on MutationStartTrainingSuccess { data { id } }
    ... on ValidationError { issues { path message } }
    ... on NotFoundError { message }
  } }`;
  const csv = (d: { texts: readonly string[]; labels: readonly string[] }) =>
    ['text,intent', ...d.texts.map((t, i) => `"${t}",${d.labels[i]}`)].join('\n');
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const up = async (name: string, content: string) =>
      (await s.upload<any>(IMPORT, { kind: 'UTTERANCES', name }, { name: `${name}.csv`, content }))
        .body.data.importDataset.data.id;
    a = await up('a', csv(tinyIntentData(10)));
    b = await up('b', csv(tinyIntentData(6)));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('records every source in the lineage and locates bad weights and unknown datasets', async () => {
    const ok = await s.gql<any>(START, {
      input: { datasets: [{ id: a }, { id: b, weight: 2 }], preset: 'QUICK_TEST' },
    });
    expect(ok.data.startTraining.__typename).toBe('MutationStartTrainingSuccess');
    const runId = ok.data.startTraining.data.id;
    await s.app.training.wait(Number(runId));
    const run = await s.gql<any>('query($id: ID!) { trainingRun(id: $id) { status trainedOn } }', {
      id: runId,
    });
    expect(run.data.trainingRun.status).toBe('COMPLETED');
    expect(run.data.trainingRun.trainedOn.map((d: any) => [String(d.id), d.weight])).toEqual([
      [a, 1],
      [b, 2],
    ]);

    const bad = await s.gql<any>(START, { input: { datasets: [{ id: a }, { id: b, weight: 0 }] } });
    expect(bad.data.startTraining.__typename).toBe('ValidationError');
    expect(bad.data.startTraining.issues[0].path).toBe('input.datasets[1].weight');
    const unknown = await s.gql<any>(START, {
      input: { datasetId: a, datasets: [{ id: '99999' }] },
    });
    expect(unknown.data.startTraining.__typename).toBe('NotFoundError');
  });
});

describe('contrastive guidance', () => {
  const slot = {
    slot: 's1',
    intent: 'card_arrival',
    category: 'card_management',
    language: 'en' as const,
    sentiment: 'neutral' as const,
    complexity: 'simple' as const,
    turns: 2,
    resolution: 'resolved' as const,
    not_intents: ['card_delivery_estimate'],
  };
  it('the Bedrock prompt says "about A, not B"', async () => {
    const { buildPrompt } = await import('../src/generation/prompts.ts');
    const prompt = buildPrompt({ task: 'conversations', slots: [slot] });
    expect(prompt).toContain('"not_about":["card_delivery_estimate:');
    expect(prompt).toMatch(/clearly about its own intent/);
    const plain = buildPrompt({ task: 'conversations', slots: [{ ...slot, not_intents: [] }] });
    expect(plain).not.toContain('not_about');
  });
  it('the local writer uses it: deterministic, valid, labelled with its own intent', async () => {
    const { writeConversation } = await import('../src/llm/local/conversations/writer.ts');
    const { Random } = await import('@genesis/schema/random');
    const a = writeConversation(slot, new Random('x'));
    const b = writeConversation(slot, new Random('x'));
    expect(a).toEqual(b);
    expect(a.intent).toBe('card_arrival');
  });
});

describe('seeded generation', () => {
  const seeds = [
    'my new card still has not arrived',
    'when will my card arrive? i ordered it two weeks ago',
    'the card you sent has not arrived at my address',
    'I am still waiting for the card to arrive.',
  ];
  const slot = {
    slot: 's1',
    intent: 'card_arrival',
    category: 'card_management',
    language: 'en' as const,
    sentiment: 'neutral' as const,
    complexity: 'simple' as const,
    turns: 2,
    resolution: 'resolved' as const,
    examples: seeds,
  };

  it('the Bedrock prompt shows the seeds as examples and says not to copy them', async () => {
    const { buildPrompt } = await import('../src/generation/prompts.ts');
    const prompt = buildPrompt({ task: 'conversations', slots: [slot] });
    expect(prompt).toContain(`"examples":${JSON.stringify(seeds)}`);
    expect(prompt).toMatch(/never copy one/);
    const { examples: _e, ...plainSlot } = slot;
    expect(buildPrompt({ task: 'conversations', slots: [plainSlot] })).not.toMatch(/examples/);
  });

  it('the local writer varies some first messages from the seeds, recombining their phrases', async () => {
    const { writeConversation, SEEDED_SHARE } = await import(
      '../src/llm/local/conversations/writer.ts'
    );
    const { seededAsk } = await import('../src/llm/local/conversations/seeds.ts');
    const { Random } = await import('@genesis/schema/random');
    const { ConversationSchema } = await import('@genesis/schema/conversation');
    const v = await import('valibot');
    const seedWords = new Set(seeds.flatMap((t) => t.toLowerCase().match(/[a-z]+/g) ?? []));
    const n = 400;
    let seeded = 0;
    for (let i = 0; i < n; i++) {
      const c = writeConversation(slot, new Random(`s${i}`));
      expect(v.safeParse(ConversationSchema, { ...c, generation: undefined }).success).toBe(true);
      expect(c.intent).toBe('card_arrival');
      const words = c.turns[0]!.text.toLowerCase().match(/[a-z]+/g) ?? [];
      // A seeded opening is made of the seeds' words (a table ask brings its own).
      if (words.filter((w) => !seedWords.has(w)).length <= 1 && words.length >= 4) seeded++;
    }
    // About SEEDED_SHARE of the openings (the rest are phrase-table asks); never zero, never all.
    expect(seeded / n).toBeGreaterThan(SEEDED_SHARE / 2);
    expect(seeded / n).toBeLessThan(Math.min(1, SEEDED_SHARE * 2));
    // An empty seed list draws nothing extra: the conversation is the one written without seeds.
    const { examples: _e, ...plainSlot } = slot;
    expect(writeConversation({ ...plainSlot, examples: [] }, new Random('x'))).toEqual(
      writeConversation(plainSlot, new Random('x')),
    );

    // The moves: crossovers at a shared word join the start of one seed to the end of another.
    const moves = new Map<string, string[]>();
    for (let i = 0; i < 200; i++) {
      const { text, move } = seededAsk(seeds, 'en', new Random(`m${i}`));
      moves.set(move, [...(moves.get(move) ?? []), text]);
    }
    expect(moves.get('crossover')?.length).toBeGreaterThan(0);
    for (const text of moves.get('crossover') ?? []) {
      expect(seeds).not.toContain(text);
      expect(seeds.some((s) => text.startsWith(s.split(' ')[0]!))).toBe(true);
    }
    expect(moves.get('substitute')?.every((t) => !seeds.includes(t))).toBe(true);
    expect(() => seededAsk([], 'en', new Random('e'))).toThrow(/at least one seed/);
  });

  it('languagesOf and seedsOf read only the texts given', async () => {
    const { languagesOf, seedsOf } = await import('../src/augmentation/service.ts');
    expect(
      languagesOf([
        'my card has still not arrived and I ordered it two weeks ago',
        'what exchange rate do you use when I pay in dollars abroad',
      ]),
    ).toEqual({ en: 2 });
    expect(languagesOf(['ok', '?'])).toBeUndefined();
    const texts = Array.from({ length: 30 }, (_, i) => `card text ${i}`);
    const seedsA = seedsOf(
      { texts: [...texts, 'rate'], labels: [...texts.map(() => 'card_arrival'), 'exchange_rate'] },
      's',
    );
    expect(seedsA.card_arrival).toHaveLength(20);
    expect(seedsA.card_arrival!.every((t) => texts.includes(t))).toBe(true);
    expect(seedsA.exchange_rate).toEqual(['rate']);
    expect(seedsOf({ texts, labels: texts.map(() => 'card_arrival') }, 's').card_arrival).toEqual(
      seedsA.card_arrival,
    );
  });
});
