/**
 * A dataset of conversations or utterances cut once into what every text metric needs: labels, token ids of
 * the customer's side, MinHash signatures (per item and per customer utterance). The report and the profile
 * builder both work on a Corpus, the builder on random halves of one (`subset`), so a dataset and the
 * real-vs-real bands are measured by the same code.
 */
import { INTENT_IDS } from '@genesis/schema/catalog/intents';
import { MAX_TURNS } from '@genesis/schema/conversation';
import { Random } from '@genesis/schema/random';
import {
  addWordShingles,
  clearBins,
  LshIndex,
  mergeBins,
  newBins,
  SIGNATURE_BINS,
  writeSignature,
} from './minhash.ts';
import { jensenShannon, jsdNoiseFloor } from './stats.ts';
import {
  customerTextsInto,
  foldText,
  labelOf,
  type TextItem,
  tokenize,
  wordSpans,
} from './tokens.ts';

export type TextKind = 'conversations' | 'utterances';

/**
 * Lower edges of the customer-utterance length bins, in tokens: 1-2, 3-4, ... 19-20, 21-25, 26-30, 31-40,
 * 41-60, 61+. Two-token steps where short queries live, wider ones in the tail.
 */
export const LENGTH_EDGES: readonly number[] = [
  1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 26, 31, 41, 61,
];

/** Labels of the length bins, e.g. `1-2`, `61+`. */
export const LENGTH_LABELS: readonly string[] = LENGTH_EDGES.map((lo, i) => {
  const next = LENGTH_EDGES[i + 1];
  if (next === undefined) return `${lo}+`;
  return next - 1 === lo ? String(lo) : `${lo}-${next - 1}`;
});

/** Turn counts 1..MAX_TURNS as histogram labels. */
export const TURN_LABELS: readonly string[] = Array.from({ length: MAX_TURNS }, (_, i) =>
  String(i + 1),
);

/** Share of estimated Jaccard similarity (character 5-grams) at which two items are near-duplicates. */
export const NEAR_DUPLICATE_SIMILARITY = 0.8;
/**
 * Similarity at which a customer utterance is a near-copy of a reference one. Lower than for duplicates: a
 * copied query with one word swapped is still a copy, and reference queries are short.
 */
export const MEMORISATION_SIMILARITY = 0.7;
/** Tokens that distinct-n is measured on, overall and per intent (distinct-n falls as text grows). */
export const DISTINCT_TOKEN_BUDGET = 20_000;
export const DISTINCT_TOKEN_BUDGET_PER_INTENT = 1_000;

/** Token id 0 separates turns, so no bigram spans two turns. */
const BREAK = 0;

export interface Corpus {
  kind: TextKind;
  size: number;
  intents: (string | null)[];
  languages: (string | null)[];
  /** Turns per conversation (0 for utterances or a conversation without a turn list). */
  turnCounts: Int32Array;
  /** Token by id; id 0 is the turn break. */
  vocabulary: string[];
  /** Customer token ids of all items, item i at [itemStart[i], itemStart[i + 1]). */
  tokens: Int32Array;
  itemStart: Int32Array;
  /** End (exclusive) of item i's opening customer utterance in `tokens`. */
  openingEnd: Int32Array;
  /**
   * A hash of item i's token ids, turn breaks included: items with equal folded customer text have equal token
   * runs, hence equal hashes (an item without customer words has none; see `exactDuplicateFlags`).
   */
  keyHashes: Int32Array;
  /** One signature per item over all its customer text (union of its utterances' shingles). */
  itemSignatures: Uint16Array;
  hasSignature: Uint8Array;
  /** One signature per customer utterance, and the item it belongs to. */
  utteranceSignatures: Uint16Array;
  utteranceItem: Int32Array;
  utteranceCount: number;
}

/** FNV-1a's 32-bit offset basis and prime: the hash of a word's characters and of an item's token ids. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The first slot to probe for hash `h` in an open-addressing table of `mask + 1` slots. */
function slotOf(h: number, mask: number): number {
  return (h ^ (h >>> 15)) & mask;
}

/**
 * Token ids by word: an open-addressing table keyed by a word's characters where they stand in the text, so a
 * word seen before costs no string. Written by hand because a Map needs a string per lookup, and the corpus
 * looks up every customer word of a dataset (millions for 100k conversations; the strings and their garbage
 * were most of the corpus's time).
 */
class Vocabulary {
  readonly words: string[] = [''];
  #hashes = new Int32Array(1024);
  #slots = new Int32Array(2048);

  /** The id of the word `source.slice(start, end)`, added when new (ids from 1; 0 is the turn break). */
  id(source: string, start: number, end: number): number {
    let h = FNV_OFFSET;
    for (let k = start; k < end; k++) h = Math.imul(h ^ source.charCodeAt(k), FNV_PRIME);
    const mask = this.#slots.length - 1;
    let slot = slotOf(h, mask);
    for (;;) {
      const id = this.#slots[slot]!;
      if (id === 0) break;
      if (this.#hashes[id] === h && sameWord(this.words[id]!, source, start, end)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.words.length;
    this.words.push(source.slice(start, end));
    if (id >= this.#hashes.length) {
      const hashes = new Int32Array(this.#hashes.length * 2);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
    }
    this.#hashes[id] = h;
    this.#slots[slot] = id;
    // At most half full: short probe runs.
    if (id * 2 > mask) this.#rehash();
    return id;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 1; id < this.words.length; id++) {
      let slot = slotOf(this.#hashes[id]!, mask);
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.#slots = slots;
  }
}

function sameWord(word: string, source: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let k = 0; k < word.length; k++)
    if (word.charCodeAt(k) !== source.charCodeAt(start + k)) return false;
  return true;
}

/** Word offsets of a text that `wordSpans` cannot read (beyond Latin-1), over its words joined by spaces. */
function joinedSpans(words: readonly string[], spans: Int32Array): string {
  let at = 0;
  for (let k = 0; k < words.length; k++) {
    spans[2 * k] = at;
    at += words[k]!.length;
    spans[2 * k + 1] = at;
    at++;
  }
  return words.join(' ');
}

/** Cuts items into a Corpus; items of the wrong shape simply contribute nothing (the report counts them). */
export function buildCorpus(items: readonly TextItem[], kind: TextKind): Corpus {
  const size = items.length;
  const vocabulary = new Vocabulary();
  let tokens = new Int32Array(Math.max(1024, size * 16));
  let used = 0;
  const itemStart = new Int32Array(size + 1);
  const openingEnd = new Int32Array(size);
  const turnCounts = new Int32Array(size);
  const keyHashes = new Int32Array(size);
  const intents: (string | null)[] = new Array(size);
  const languages: (string | null)[] = new Array(size);
  const itemSignatures = new Uint16Array(size * SIGNATURE_BINS);
  const hasSignature = new Uint8Array(size);
  // Room for the usual number of customer utterances per item (generated conversations hold two or three), so
  // the arrays are seldom grown and copied: grown from one per item, they took a tenth of the corpus's time.
  const expectedUtterances = kind === 'conversations' ? size * 3 : size;
  let utteranceSignatures = new Uint16Array(expectedUtterances * SIGNATURE_BINS);
  let utteranceItem = new Int32Array(expectedUtterances);
  let utteranceCount = 0;
  const itemBins = newBins();
  const turnBins = newBins();
  let spans = new Int32Array(1024);
  const texts: string[] = [];

  for (let i = 0; i < size; i++) {
    const item = items[i]!;
    intents[i] = labelOf(item, 'intent');
    languages[i] = labelOf(item, 'language');
    itemStart[i] = used;
    openingEnd[i] = used;
    clearBins(itemBins);
    turnCounts[i] = customerTextsInto(item, kind, texts);
    let key = FNV_OFFSET;
    for (let t = 0; t < texts.length; t++) {
      let source = foldText(texts[t]!);
      if (source.length + 1 > spans.length) spans = new Int32Array(2 * (source.length + 1));
      let count = wordSpans(source, spans);
      if (count < 0) {
        const words = tokenize(texts[t]!);
        count = words.length;
        source = joinedSpans(words, spans);
      }
      if (count === 0) continue;
      if (used + count + 1 > tokens.length) tokens = grow(tokens, used + count + 1);
      if (used > itemStart[i]!) {
        tokens[used++] = BREAK;
        key = Math.imul(key ^ BREAK, FNV_PRIME);
      }
      for (let w = 0; w < count; w++) {
        const id = vocabulary.id(source, spans[2 * w]!, spans[2 * w + 1]!);
        tokens[used++] = id;
        key = Math.imul(key ^ id, FNV_PRIME);
      }
      if (openingEnd[i] === itemStart[i]) openingEnd[i] = used;
      clearBins(turnBins);
      addWordShingles(source, spans, count, turnBins);
      if ((utteranceCount + 1) * SIGNATURE_BINS > utteranceSignatures.length) {
        utteranceSignatures = growU16(utteranceSignatures, (utteranceCount + 1) * SIGNATURE_BINS);
        utteranceItem = grow(utteranceItem, utteranceCount + 1);
      }
      writeSignature(turnBins, utteranceSignatures, utteranceCount * SIGNATURE_BINS);
      utteranceItem[utteranceCount++] = i;
      mergeBins(itemBins, turnBins);
    }
    keyHashes[i] = key;
    if (writeSignature(itemBins, itemSignatures, i * SIGNATURE_BINS)) hasSignature[i] = 1;
  }
  itemStart[size] = used;
  return {
    kind,
    size,
    intents,
    languages,
    turnCounts,
    vocabulary: vocabulary.words,
    tokens: tokens.subarray(0, used),
    itemStart,
    openingEnd,
    keyHashes,
    itemSignatures,
    hasSignature,
    utteranceSignatures: utteranceSignatures.subarray(0, utteranceCount * SIGNATURE_BINS),
    utteranceItem: utteranceItem.subarray(0, utteranceCount),
    utteranceCount,
  };
}

function grow(array: Int32Array, need: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(need, array.length * 2));
  next.set(array);
  return next;
}

function growU16(array: Uint16Array, need: number): Uint16Array<ArrayBuffer> {
  const next = new Uint16Array(Math.max(need, array.length * 2));
  next.set(array);
  return next;
}

/** Item indices 0..size-1, or a given subset. */
export type Subset = readonly number[] | null;

function indicesOf(corpus: Corpus, subset: Subset): readonly number[] {
  return subset ?? Array.from({ length: corpus.size }, (_, i) => i);
}

/** The label statistics a profile keeps and realism compares. */
export interface CorpusStats {
  itemCount: number;
  intentCounts: Record<string, number>;
  languageCounts: Record<string, number>;
  /** Opening customer-utterance lengths, counts per LENGTH_EDGES bin. */
  lengthCounts: number[];
  /** Conversations per turn count (null for utterances). */
  turnCounts: Record<string, number> | null;
  /** Opening-utterance token counts by token. */
  tokenCounts: Map<string, number>;
  tokenTotal: number;
}

/** Bin index of a length in tokens (>= 1). */
export function lengthBin(tokens: number): number {
  let bin = 0;
  while (bin + 1 < LENGTH_EDGES.length && tokens >= LENGTH_EDGES[bin + 1]!) bin++;
  return bin;
}

/** Label, length, turn and opening-vocabulary statistics of a corpus or a subset of it. */
export function statsOf(corpus: Corpus, subset: Subset = null): CorpusStats {
  const intentCounts: Record<string, number> = {};
  const languageCounts: Record<string, number> = {};
  const lengthCounts = LENGTH_EDGES.map(() => 0);
  const turnCounts: Record<string, number> | null = corpus.kind === 'conversations' ? {} : null;
  const idCounts = new Int32Array(corpus.vocabulary.length);
  let tokenTotal = 0;
  const indices = indicesOf(corpus, subset);
  for (const i of indices) {
    const intent = corpus.intents[i];
    if (intent) intentCounts[intent] = (intentCounts[intent] ?? 0) + 1;
    const language = corpus.languages[i];
    if (language) languageCounts[language] = (languageCounts[language] ?? 0) + 1;
    const start = corpus.itemStart[i]!;
    const end = corpus.openingEnd[i]!;
    if (end > start) {
      lengthCounts[lengthBin(end - start)]!++;
      for (let k = start; k < end; k++) idCounts[corpus.tokens[k]!]!++;
      tokenTotal += end - start;
    }
    if (turnCounts && corpus.turnCounts[i]! > 0) {
      const key = String(corpus.turnCounts[i]);
      turnCounts[key] = (turnCounts[key] ?? 0) + 1;
    }
  }
  const tokenCounts = new Map<string, number>();
  for (let id = 1; id < idCounts.length; id++) {
    if (idCounts[id]! > 0) tokenCounts.set(corpus.vocabulary[id]!, idCounts[id]!);
  }
  return {
    itemCount: indices.length,
    intentCounts,
    languageCounts,
    lengthCounts,
    turnCounts,
    tokenCounts,
    tokenTotal,
  };
}

/** The most frequent tokens, most frequent first (ties by token, so profiles are reproducible). */
export function topTokens(counts: Map<string, number>, limit: number): Array<[string, number]> {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit);
}

/** A distance with the sampling noise floor it should be read against. */
export interface Divergence {
  value: number;
  /** JSD expected from sampling alone at these sizes. */
  noiseFloor: number;
}

function divergence(a: number[], b: number[]): Divergence {
  const na = a.reduce((s, x) => s + x, 0);
  const nb = b.reduce((s, x) => s + x, 0);
  let categories = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > 0 || b[i]! > 0) categories++;
  return { value: jensenShannon(a, b), noiseFloor: jsdNoiseFloor(categories, na, nb) };
}

/** Reference statistics as a profile stores them (top vocabulary only). */
export interface ReferenceStats {
  intentCounts: Record<string, number>;
  lengthCounts: readonly number[];
  turnCounts: Record<string, number> | null;
  vocabulary: { tokenCount: number; top: ReadonlyArray<readonly [string, number]> };
}

/** JSD of intent distributions, over the 77 Banking77 intents. */
export function intentDivergence(data: CorpusStats, ref: ReferenceStats): Divergence {
  return divergence(
    INTENT_IDS.map((id) => data.intentCounts[id] ?? 0),
    INTENT_IDS.map((id) => ref.intentCounts[id] ?? 0),
  );
}

/** JSD of opening customer-utterance length histograms. */
export function lengthDivergence(data: CorpusStats, ref: ReferenceStats): Divergence {
  return divergence(data.lengthCounts, [...ref.lengthCounts]);
}

/**
 * JSD of opening-utterance vocabularies over the reference's top tokens plus one "any other token" bucket
 * (the profile keeps only its top tokens, never the whole text).
 */
export function vocabularyDivergence(data: CorpusStats, ref: ReferenceStats): Divergence {
  const a: number[] = [];
  const b: number[] = [];
  let aTop = 0;
  let bTop = 0;
  for (const [token, count] of ref.vocabulary.top) {
    const mine = data.tokenCounts.get(token) ?? 0;
    a.push(mine);
    b.push(count);
    aTop += mine;
    bTop += count;
  }
  a.push(Math.max(0, data.tokenTotal - aTop));
  b.push(Math.max(0, ref.vocabulary.tokenCount - bTop));
  return divergence(a, b);
}

/** JSD of turns-per-conversation histograms, or null when either side has no turns. */
export function turnDivergence(data: CorpusStats, ref: ReferenceStats): Divergence | null {
  if (!data.turnCounts || !ref.turnCounts) return null;
  return divergence(
    TURN_LABELS.map((t) => data.turnCounts![t] ?? 0),
    TURN_LABELS.map((t) => ref.turnCounts![t] ?? 0),
  );
}

/** Statistics of a corpus subset in the form a profile stores. */
export function referenceStatsOf(stats: CorpusStats, vocabularySize: number): ReferenceStats {
  return {
    intentCounts: stats.intentCounts,
    lengthCounts: stats.lengthCounts,
    turnCounts: stats.turnCounts,
    vocabulary: { tokenCount: stats.tokenTotal, top: topTokens(stats.tokenCounts, vocabularySize) },
  };
}

export interface Distinct {
  distinct1: number;
  distinct2: number;
  /** Tokens measured (the budget, or fewer when the text is shorter). */
  tokens: number;
}

/**
 * distinct-1 and distinct-2 (unique uni-/bigrams over all uni-/bigrams, Li et al. 2016) on the first `budget`
 * customer tokens of the items in a seeded random order. A fixed budget makes datasets of any size comparable:
 * distinct-n of the whole text falls as the text grows. Null when there is no token.
 */
export function distinctN(
  corpus: Corpus,
  indices: readonly number[],
  budget: number,
  seed: string,
): Distinct | null {
  const order = new Random(seed).shuffle(indices);
  const unigrams = new Set<number>();
  const bigrams = new Set<number>();
  const width = corpus.vocabulary.length;
  let tokens = 0;
  let pairs = 0;
  for (const i of order) {
    const end = corpus.itemStart[i + 1]!;
    let previous = BREAK;
    for (let k = corpus.itemStart[i]!; k < end && tokens < budget; k++) {
      const id = corpus.tokens[k]!;
      if (id === BREAK) {
        previous = BREAK;
        continue;
      }
      unigrams.add(id);
      tokens++;
      if (previous !== BREAK) {
        bigrams.add(previous * width + id);
        pairs++;
      }
      previous = id;
    }
    if (tokens >= budget) break;
  }
  if (tokens === 0) return null;
  return { distinct1: unigrams.size / tokens, distinct2: pairs ? bigrams.size / pairs : 0, tokens };
}

/** 1 for each item whose folded customer text equals another item's (items without text are never flagged). */
export function exactDuplicateFlags(corpus: Corpus, subset: Subset = null): Uint8Array {
  const flags = new Uint8Array(corpus.size);
  const indices = indicesOf(corpus, subset);
  // The first item of each distinct text, by key hash (open addressing, at most half full); equal hashes are
  // confirmed on the token runs, since 100k 32-bit hashes are likely to hold a clash.
  let slots = 16;
  while (slots < indices.length * 2) slots *= 2;
  const mask = slots - 1;
  const first = new Int32Array(slots).fill(-1);
  for (const i of indices) {
    if (corpus.itemStart[i + 1] === corpus.itemStart[i]) continue;
    const h = corpus.keyHashes[i]!;
    let slot = slotOf(h, mask);
    for (;;) {
      const seen = first[slot]!;
      if (seen < 0) {
        first[slot] = i;
        break;
      }
      if (corpus.keyHashes[seen] === h && sameTokens(corpus, seen, i)) {
        flags[i] = 1;
        flags[seen] = 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return flags;
}

function sameTokens(corpus: Corpus, a: number, b: number): boolean {
  const startA = corpus.itemStart[a]!;
  const startB = corpus.itemStart[b]!;
  const length = corpus.itemStart[a + 1]! - startA;
  if (corpus.itemStart[b + 1]! - startB !== length) return false;
  for (let k = 0; k < length; k++) {
    if (corpus.tokens[startA + k] !== corpus.tokens[startB + k]) return false;
  }
  return true;
}

/** 1 for each item with a near-duplicate (estimated similarity >= `threshold`) among the other items. */
export function nearDuplicateFlags(
  corpus: Corpus,
  subset: Subset = null,
  threshold = NEAR_DUPLICATE_SIMILARITY,
): Uint8Array {
  const flags = new Uint8Array(corpus.size);
  const index = new LshIndex(corpus.itemSignatures);
  for (const i of indicesOf(corpus, subset)) {
    if (!corpus.hasSignature[i]) continue;
    const match = index.findSimilar(corpus.itemSignatures, i * SIGNATURE_BINS, threshold);
    if (match >= 0) {
      flags[i] = 1;
      flags[match] = 1;
    }
    index.add(i);
  }
  return flags;
}

/** An LSH index over a reference sketch (signatures of reference customer utterances). */
export function sketchIndex(signatures: Uint16Array): LshIndex {
  const index = new LshIndex(signatures);
  const count = signatures.length / SIGNATURE_BINS;
  for (let id = 0; id < count; id++) index.add(id);
  return index;
}

/**
 * 1 for each item with a customer utterance that is a near-copy (estimated similarity >= `threshold`) of a
 * reference utterance in the sketch.
 */
export function memorisedFlags(
  corpus: Corpus,
  sketch: LshIndex,
  subset: Subset = null,
  threshold = MEMORISATION_SIMILARITY,
): Uint8Array {
  const flags = new Uint8Array(corpus.size);
  const wanted = subset ? new Uint8Array(corpus.size) : null;
  if (wanted && subset) for (const i of subset) wanted[i] = 1;
  for (let u = 0; u < corpus.utteranceCount; u++) {
    const item = corpus.utteranceItem[u]!;
    if (flags[item] || (wanted && !wanted[item])) continue;
    if (sketch.findSimilar(corpus.utteranceSignatures, u * SIGNATURE_BINS, threshold) >= 0) {
      flags[item] = 1;
    }
  }
  return flags;
}

/** Signatures of the customer utterances of a subset's items (at most `limit`, sampled with `seed`). */
export function sketchOf(corpus: Corpus, subset: Subset, limit: number, seed: string): Uint16Array {
  const wanted = new Uint8Array(corpus.size);
  for (const i of indicesOf(corpus, subset)) wanted[i] = 1;
  let ids: number[] = [];
  for (let u = 0; u < corpus.utteranceCount; u++) if (wanted[corpus.utteranceItem[u]!]) ids.push(u);
  if (ids.length > limit)
    ids = new Random(seed)
      .shuffle(ids)
      .slice(0, limit)
      .sort((a, b) => a - b);
  const out = new Uint16Array(ids.length * SIGNATURE_BINS);
  ids.forEach((u, k) => {
    out.set(
      corpus.utteranceSignatures.subarray(u * SIGNATURE_BINS, (u + 1) * SIGNATURE_BINS),
      k * SIGNATURE_BINS,
    );
  });
  return out;
}

/** Share of flagged items among `indices` (0 when there are none). */
export function rateOf(flags: Uint8Array, indices: readonly number[]): number {
  if (indices.length === 0) return 0;
  let count = 0;
  for (const i of indices) count += flags[i]!;
  return count / indices.length;
}
