/**
 * Reference profiles of conversation and utterance datasets: the statistics of a real dataset that synthetic
 * data is measured against, never its text. A profile holds label counts, the opening customer-utterance
 * length histogram, turns per conversation, the top vocabulary with counts, a MinHash sketch of every customer
 * utterance for copy detection, the reference's own diversity figures, and the real-vs-real bands: for each
 * realism, diversity, language and privacy metric, the value one random half of the reference gets against the other
 * half, over several random splits (low / median / high).
 */
import { formatIssues } from '@genesis/schema/issues';
import { Random } from '@genesis/schema/random';
import * as v from 'valibot';
import { detectLanguages } from '../../language/language.ts';
import {
  buildCorpus,
  type Corpus,
  DISTINCT_TOKEN_BUDGET,
  distinctN,
  exactDuplicateFlags,
  intentDivergence,
  LENGTH_EDGES,
  lengthDivergence,
  memorisedFlags,
  nearDuplicateFlags,
  rateOf,
  referenceStatsOf,
  sketchIndex,
  sketchOf,
  statsOf,
  type TextKind,
  turnDivergence,
  vocabularyDivergence,
} from './corpus.ts';
import { round } from './metric.ts';
import { decodeSignatures, encodeSignatures, SIGNATURE_BINS } from './minhash.ts';
import { scanPii } from './pii.ts';
import { bandOf } from './stats.ts';
import { customerTexts, labelOf, type TextItem } from './tokens.ts';

/** Sketch method tag: one permutation MinHash of character 5-grams, 32 bins of 16 bits (see minhash.ts). */
export const SKETCH_METHOD = 'oph-minhash/char5/32x16';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const CountsSchema = v.record(v.string(), count);
const BandSchema = v.object({ low: v.number(), median: v.number(), high: v.number() });

export const TextProfileSchema = v.object({
  format: v.literal('genesis-lab/text-profile', 'format must be "genesis-lab/text-profile"'),
  version: v.literal(1, 'version must be 1'),
  name: v.pipe(v.string(), v.nonEmpty('name must not be empty')),
  kind: v.picklist(['conversations', 'utterances'], 'kind must be conversations or utterances'),
  itemCount: count,
  intentCounts: CountsSchema,
  languageCounts: CountsSchema,
  /** Opening customer-utterance lengths in tokens: bin lower edges and counts. */
  lengths: v.object({ edges: v.array(v.number()), counts: v.array(count) }),
  /** Conversations per turn count; null for utterances. */
  turnCounts: v.nullable(CountsSchema),
  /** Opening-utterance vocabulary (folded tokens): total tokens, distinct tokens, the top ones with counts. */
  vocabulary: v.object({
    tokenCount: count,
    distinctTokens: count,
    top: v.array(v.tuple([v.string(), count])),
  }),
  /** The reference's own diversity figures on the whole set. */
  diversity: v.object({
    tokenBudget: count,
    distinct1: v.nullable(v.number()),
    distinct2: v.nullable(v.number()),
    exactDuplicateRate: v.number(),
    nearDuplicateRate: v.number(),
  }),
  /** MinHash signatures of customer utterances (base64, little-endian uint16), for near-copy detection. */
  sketch: v.object({
    method: v.literal(SKETCH_METHOD, `sketch.method must be "${SKETCH_METHOD}"`),
    count,
    signatures: v.string(),
  }),
  /** Real-vs-real band per metric id. */
  bands: v.record(v.string(), BandSchema),
  splits: count,
  seed: v.number(),
});
export type TextProfile = v.InferOutput<typeof TextProfileSchema>;

/** Most customer utterances a profile's sketch keeps by default (a random sample above that). */
export const DEFAULT_MAX_SKETCH = 20_000;

export interface TextProfileOptions {
  /** Random half-splits for the bands (default 5). */
  splits?: number;
  seed?: number;
  /** Top tokens kept (default 2000). */
  vocabularySize?: number;
  /** Most utterance signatures kept in the sketch (default {@link DEFAULT_MAX_SKETCH}; sampled above that). */
  maxSketch?: number;
}

/** Builds the profile of a real dataset. Deterministic for a given seed. */
export function buildTextProfile(
  name: string,
  items: readonly TextItem[],
  kind: TextKind,
  options: TextProfileOptions = {},
): TextProfile {
  const splits = options.splits ?? 5;
  const seed = options.seed ?? 1;
  const vocabularySize = options.vocabularySize ?? 2000;
  const maxSketch = options.maxSketch ?? DEFAULT_MAX_SKETCH;
  if (items.length < 2)
    throw new RangeError(`a profile needs at least 2 items; got ${items.length}`);
  const corpus = buildCorpus(items, kind);
  const stats = statsOf(corpus);
  const all = Array.from({ length: corpus.size }, (_, i) => i);
  const distinct = distinctN(corpus, all, DISTINCT_TOKEN_BUDGET, `${seed}:distinct`);
  const sketch = sketchOf(corpus, null, maxSketch, `${seed}:sketch`);
  const pii = scanPii(items, kind).flags;
  const mislabelled = languageMismatchFlags(items, kind);
  return {
    format: 'genesis-lab/text-profile',
    version: 1,
    name,
    kind,
    itemCount: corpus.size,
    intentCounts: sortedRecord(stats.intentCounts),
    languageCounts: sortedRecord(stats.languageCounts),
    lengths: { edges: [...LENGTH_EDGES], counts: stats.lengthCounts },
    turnCounts: stats.turnCounts && sortedRecord(stats.turnCounts),
    vocabulary: {
      tokenCount: stats.tokenTotal,
      distinctTokens: stats.tokenCounts.size,
      top: referenceStatsOf(stats, vocabularySize).vocabulary.top.map(([t, c]) => [t, c]),
    },
    diversity: {
      tokenBudget: DISTINCT_TOKEN_BUDGET,
      distinct1: distinct ? round(distinct.distinct1) : null,
      distinct2: distinct ? round(distinct.distinct2) : null,
      exactDuplicateRate: round(rateOf(exactDuplicateFlags(corpus), all)),
      nearDuplicateRate: round(rateOf(nearDuplicateFlags(corpus), all)),
    },
    sketch: {
      method: SKETCH_METHOD,
      count: sketch.length / SIGNATURE_BINS,
      signatures: encodeSignatures(sketch),
    },
    bands: realVsRealBands(corpus, pii, mislabelled, { splits, seed, vocabularySize, maxSketch }),
    splits,
    seed,
  };
}

/** Items whose customer text is detected in another language than labelled, and items that could be checked. */
function languageMismatchFlags(
  items: readonly TextItem[],
  kind: TextKind,
): { flags: Uint8Array; checked: Uint8Array } {
  const flags = new Uint8Array(items.length);
  const checked = new Uint8Array(items.length);
  const detected = detectLanguages(items.map((item) => customerTexts(item, kind).join('\n')));
  items.forEach((item, i) => {
    const label = labelOf(item, 'language');
    const found = detected[i];
    if (!label || !found) return;
    checked[i] = 1;
    if (found !== label) flags[i] = 1;
  });
  return { flags, checked };
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * For each split: shuffle, halve, and score half A against half B exactly as a dataset is scored against a
 * profile (B's statistics play the profile; A's diversity and privacy rates are its own).
 */
function realVsRealBands(
  corpus: Corpus,
  pii: Uint8Array,
  mislabelled: { flags: Uint8Array; checked: Uint8Array },
  options: Required<TextProfileOptions>,
): Record<string, { low: number; median: number; high: number }> {
  const values: Record<string, number[]> = {};
  const record = (id: string, value: number | null | undefined) => {
    if (value === null || value === undefined || Number.isNaN(value)) return;
    if (!values[id]) values[id] = [];
    values[id].push(value);
  };
  const rng = new Random(`${options.seed}:bands`);
  const all = Array.from({ length: corpus.size }, (_, i) => i);
  for (let s = 0; s < options.splits; s++) {
    const order = rng.shuffle(all);
    const half = order.length >> 1;
    const a = order.slice(0, half).sort((x, y) => x - y);
    const b = order.slice(half).sort((x, y) => x - y);
    const statsA = statsOf(corpus, a);
    const refB = referenceStatsOf(statsOf(corpus, b), options.vocabularySize);
    record('realism.intent_jsd', intentDivergence(statsA, refB).value);
    record('realism.length_jsd', lengthDivergence(statsA, refB).value);
    record('realism.vocabulary_jsd', vocabularyDivergence(statsA, refB).value);
    record('realism.turns_jsd', turnDivergence(statsA, refB)?.value);
    const distinct = distinctN(corpus, a, DISTINCT_TOKEN_BUDGET, `${options.seed}:${s}:distinct`);
    record('diversity.distinct_1', distinct?.distinct1);
    record('diversity.distinct_2', distinct?.distinct2);
    record('diversity.exact_duplicate_rate', rateOf(exactDuplicateFlags(corpus, a), a));
    record('diversity.near_duplicate_rate', rateOf(nearDuplicateFlags(corpus, a), a));
    const sketchB = sketchIndex(
      sketchOf(corpus, b, options.maxSketch, `${options.seed}:${s}:sketch`),
    );
    record('privacy.memorisation_rate', rateOf(memorisedFlags(corpus, sketchB, a), a));
    record('privacy.pii_rate', rateOf(pii, a));
    const checked = a.filter((i) => mislabelled.checked[i]);
    if (checked.length) record('language.mismatch_rate', rateOf(mislabelled.flags, checked));
  }
  return Object.fromEntries(
    Object.entries(values).map(([id, list]) => {
      const band = bandOf(list);
      return [id, { low: round(band.low), median: round(band.median), high: round(band.high) }];
    }),
  );
}

/**
 * Validates a parsed profile file; the error lists every problem with its path, e.g.
 * `invalid text profile: sketch.method must be "oph-minhash/char5/32x16"`.
 */
export function parseTextProfile(json: unknown): TextProfile {
  const result = v.safeParse(TextProfileSchema, json);
  if (!result.success) {
    const problems = formatIssues(result.issues).map((e) =>
      e.path && !e.message.startsWith(e.path) ? `${e.path}: ${e.message}` : e.message,
    );
    throw new Error(`invalid text profile: ${problems.join('; ')}`);
  }
  const profile = result.output;
  if (profile.lengths.counts.length !== profile.lengths.edges.length) {
    throw new Error(
      `invalid text profile: lengths.counts has ${profile.lengths.counts.length} bins but lengths.edges has ${profile.lengths.edges.length}`,
    );
  }
  const signatures = decodeSignatures(profile.sketch.signatures);
  if (signatures.length / SIGNATURE_BINS !== profile.sketch.count) {
    throw new Error(
      `invalid text profile: sketch.count is ${profile.sketch.count} but the signatures hold ${signatures.length / SIGNATURE_BINS}`,
    );
  }
  return profile;
}

const decoded = new WeakMap<TextProfile, Uint16Array>();

/** The profile's sketch signatures, decoded once per profile object. */
export function sketchSignatures(profile: TextProfile): Uint16Array {
  let signatures = decoded.get(profile);
  if (!signatures) {
    signatures = decodeSignatures(profile.sketch.signatures);
    decoded.set(profile, signatures);
  }
  return signatures;
}
