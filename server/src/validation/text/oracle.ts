/**
 * Label oracles: compact intent classifiers trained on a reference's real labelled texts, which judge whether
 * a synthetic item says what its intent label claims (the `label_fidelity` metric, label-fidelity.ts).
 *
 * An oracle holds derived weights only, never text: features are hashed n-grams (word 1-2-grams and character
 * 2-5-grams within words, case- and accent-folded, as the training lab's `best` preset), so the file stores
 * 32-bit bucket numbers, not n-grams; the model is a one-vs-rest linear SVM whose weights are quantised to
 * int8 per class, with small weights dropped and the rest stored sparsely. Its real-vs-real figure is its
 * stratified k-fold cross-validated accuracy on the same texts, computed with the same pruning and
 * quantisation on every fold. See docs/architecture.md, "Label fidelity".
 */
import * as v from 'valibot';
import type { NgramBlock } from '../../training/config.ts';
import { stratifiedKFold } from '../../training/evaluate.ts';
import { foldText, wordTokens } from '../../training/features.ts';
import { fitTemperature } from '../../training/models/linear.ts';
import { fitLinearSvm } from '../../training/models/svm.ts';
import type { CsrMatrix } from '../../training/sparse.ts';
import { round } from './metric.ts';

export const ORACLE_FORMAT = 'genesis-lab/label-oracle';

/** The n-gram blocks every oracle uses (the training lab's `best` features: 0.903 CV accuracy on Banking77). */
export const ORACLE_BLOCKS = [
  { analyzer: 'word', ngramRange: [1, 2] },
  { analyzer: 'char_wb', ngramRange: [2, 5] },
] as const satisfies ReadonlyArray<Pick<NgramBlock, 'analyzer' | 'ngramRange'>>;

/** Hash space per block: 2^22 buckets, so the few tens of thousands of kept n-grams almost never collide. */
export const ORACLE_HASH_BITS = 22;

/** Hash method tag: FNV-1a over the n-gram's UTF-16 code units, seeded by the block index, murmur3's fmix32. */
export const ORACLE_HASH = 'fnv1a32-fmix32';

/** The longest n-gram an oracle hashes, in characters (a char_wb 5-gram; word 2-grams are hashed, never kept). */
export const ORACLE_NGRAM_BOUND = 5;

/** SVM cost, tolerance and quantisation: int8 per class; |q| <= `QUANT_DROP` is dropped (82% of weights). */
const SVM_C = 1;
const SVM_TOL = 0.1;
const QUANT_DROP = 2;

/** Fewest texts, and fewest intents with 2+ texts, an oracle is trained on. */
export const ORACLE_MIN_TEXTS = 20;
export const ORACLE_MIN_INTENTS = 2;

const b64 = v.string();
const OracleBlockSchema = v.object({
  analyzer: v.picklist(['word', 'char_wb']),
  ngramRange: v.tuple([v.number(), v.number()]),
  /** Kept hash buckets, ascending (base64 little-endian uint32). */
  buckets: b64,
  /** Smooth idf of each kept bucket (base64 float32). */
  idf: b64,
});

export const LabelOracleJsonSchema = v.object({
  format: v.literal(ORACLE_FORMAT, `format must be "${ORACLE_FORMAT}"`),
  version: v.literal(1, 'version must be 1'),
  name: v.string(),
  /** The language of the texts it learnt from (ISO 639-1). */
  language: v.string(),
  /** What it learnt from: utterances' texts or conversations' customer turns. */
  kind: v.picklist(['conversations', 'utterances']),
  itemCount: v.number(),
  labels: v.array(v.string()),
  features: v.object({
    hash: v.literal(ORACLE_HASH),
    hashBits: v.number(),
    foldAccents: v.boolean(),
    lowercase: v.boolean(),
    sublinearTf: v.boolean(),
    minDf: v.number(),
    blocks: v.array(OracleBlockSchema),
  }),
  model: v.object({
    kind: v.literal('svm-ovr-int8'),
    C: v.number(),
    /** Probabilities are softmax(temperature x scores), the temperature fitted on out-of-fold scores. */
    temperature: v.number(),
    bias: v.array(v.number()),
    /** Per-class dequantisation scale: weight = scale[c] x q. */
    scale: v.array(v.number()),
    /** Bitmap of the non-zero weights, feature-major (bit j * nClasses + c), base64. */
    mask: b64,
    /** The non-zero int8 weights in bitmap order, base64. */
    values: b64,
  }),
  /** Stratified k-fold cross-validation on the same texts: the real-vs-real figure. */
  cv: v.object({
    folds: v.number(),
    seed: v.number(),
    accuracy: v.object({ mean: v.number(), std: v.number() }),
    foldAccuracies: v.array(v.number()),
    /** Pooled out-of-fold top-1 and top-3 accuracy. */
    top1: v.number(),
    top3: v.number(),
    /** Out-of-fold top-1 recall and text count per label. */
    perLabel: v.record(v.string(), v.object({ n: v.number(), top1: v.number() })),
  }),
});
export type LabelOracleJson = v.InferOutput<typeof LabelOracleJsonSchema>;

/** A decoded oracle, ready to score texts. */
export interface LabelOracle {
  readonly json: LabelOracleJson;
  readonly labels: readonly string[];
  /** Per block: bucket -> column. */
  readonly columns: readonly Map<number, number>[];
  readonly idf: Float32Array;
  /** The weights (dequantised), dense and feature-major. */
  readonly weights: DenseWeights;
  readonly bias: Float64Array;
  readonly temperature: number;
}

// ---------------------------------------------------------------------------------------------------------
// Hashing and analysis

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const BUCKET_SHIFT = 32 - ORACLE_HASH_BITS;

/** FNV-1a state after the code units `text[start..end)`. */
function fnv(h: number, text: string, start: number, end: number): number {
  let x = h;
  for (let i = start; i < end; i++) x = Math.imul(x ^ text.charCodeAt(i), FNV_PRIME);
  return x;
}

/** murmur3's finaliser, then the top {@link ORACLE_HASH_BITS} bits: the bucket. */
function bucketOf(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> BUCKET_SHIFT;
}

/** The bucket of one n-gram of block `block` (0-based), as {@link hashedNgrams} computes it in place. */
export function hashNgram(gram: string, block: number): number {
  return bucketOf(fnv(FNV_OFFSET ^ (block + 1), gram, 0, gram.length));
}

const FULL_BLOCKS: NgramBlock[] = ORACLE_BLOCKS.map((b) => ({
  analyzer: b.analyzer,
  ngramRange: [b.ngramRange[0], b.ngramRange[1]],
  minDf: 1,
  maxFeatures: null,
  sublinearTf: true,
  weight: 1,
}));

const WHITESPACE = /\s+/;
const SPACE = 32;

/**
 * The buckets of every n-gram of a text, per block: the same multiset as hashing each n-gram that training's
 * `forEachNgram` emits with {@link hashNgram} (a test checks it), without building the n-gram strings.
 */
export function hashedNgrams(text: string): number[][] {
  const folded = foldText(text);
  return FULL_BLOCKS.map((block, b) => {
    const out: number[] = [];
    const seed = FNV_OFFSET ^ (b + 1);
    const [minN, maxN] = block.ngramRange;
    if (block.analyzer === 'word') {
      const tokens = wordTokens(folded);
      const single = tokens.map((t) => fnv(seed, t, 0, t.length));
      for (let n = minN; n <= Math.min(maxN, tokens.length); n++) {
        for (let i = 0; i + n <= tokens.length; i++) {
          let h = single[i]!;
          for (let m = 1; m < n; m++) {
            const next = tokens[i + m]!;
            h = fnv(Math.imul(h ^ SPACE, FNV_PRIME), next, 0, next.length);
          }
          out.push(bucketOf(h));
        }
      }
      return out;
    }
    for (const raw of folded.split(WHITESPACE)) {
      if (raw === '') continue;
      charWbGrams(raw, seed, minN, maxN, out);
    }
    return out;
  });
}

/**
 * Pushes the buckets of char_wb's n-grams (n from `minN` to `maxN`) of one word padded with a space on each
 * side, or of the whole padded word when it is shorter than `minN`. FNV-1a reads a string left to right, so the
 * hash of the n-gram at i is one step on from that of the (n - 1)-gram at i: each start is hashed once up to the
 * longest gram instead of once per length (a third of the steps for 2- to 5-grams).
 */
function charWbGrams(word: string, seed: number, minN: number, maxN: number, out: number[]): void {
  const length = word.length + 2;
  if (length < minN) {
    let h = seed;
    for (let i = 0; i < length; i++) h = Math.imul(h ^ paddedAt(word, i), FNV_PRIME);
    out.push(bucketOf(h));
    return;
  }
  for (let i = 0; i + minN <= length; i++) {
    let h = seed;
    const longest = Math.min(maxN, length - i);
    for (let n = 1; n <= longest; n++) {
      h = Math.imul(h ^ paddedAt(word, i + n - 1), FNV_PRIME);
      if (n >= minN) out.push(bucketOf(h));
    }
  }
}

/** The character at `i` of `word` padded with a space on each side, without building the padded string. */
function paddedAt(word: string, i: number): number {
  return i === 0 || i === word.length + 1 ? SPACE : word.charCodeAt(i - 1);
}

/** One text's hashed n-gram counts per block: sorted unique buckets and their counts. */
type Analyzed = { buckets: Uint32Array; counts: Uint16Array }[];

function analyzeText(text: string): Analyzed {
  return hashedNgrams(text).map((grams) => {
    const sorted = Uint32Array.from(grams).sort();
    const buckets: number[] = [];
    const counts: number[] = [];
    for (let p = 0; p < sorted.length; ) {
      let q = p + 1;
      while (q < sorted.length && sorted[q] === sorted[p]) q++;
      buckets.push(sorted[p]!);
      counts.push(Math.min(q - p, 65535));
      p = q;
    }
    return { buckets: Uint32Array.from(buckets), counts: Uint16Array.from(counts) };
  });
}

/** Feature space of a fitted oracle: per block, kept buckets (ascending) and their column and idf. */
interface Space {
  blocks: { buckets: Uint32Array; map: Map<number, number>; offset: number }[];
  idf: Float32Array;
  nCols: number;
}

function fitSpace(docs: readonly Analyzed[], rows: ArrayLike<number>, minDf: number): Space {
  const n = rows.length;
  let offset = 0;
  const idfs: number[] = [];
  const blocks = FULL_BLOCKS.map((_, b) => {
    const df = new Map<number, number>();
    for (let r = 0; r < n; r++) {
      for (const bucket of docs[rows[r]!]![b]!.buckets) df.set(bucket, (df.get(bucket) ?? 0) + 1);
    }
    const kept = Uint32Array.from(
      [...df.entries()].filter(([, d]) => d >= minDf).map(([bucket]) => bucket),
    ).sort();
    const map = new Map<number, number>();
    kept.forEach((bucket, i) => {
      map.set(bucket, offset + i);
      idfs.push(Math.log((1 + n) / (1 + df.get(bucket)!)) + 1);
    });
    const block = { buckets: kept, map, offset };
    offset += kept.length;
    return block;
  });
  return { blocks, idf: Float32Array.from(idfs), nCols: offset };
}

/** TF-IDF rows (sublinear tf, each block L2-normalised) of `rows` over a fitted space. */
function transform(
  docs: readonly Analyzed[],
  rows: ArrayLike<number>,
  columns: readonly Map<number, number>[],
  idf: Float32Array,
  nCols: number,
): CsrMatrix {
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const doc = docs[rows[r]!]!;
    columns.forEach((map, b) => {
      const { buckets, counts } = doc[b]!;
      const start = indices.length;
      let sum = 0;
      for (let p = 0; p < buckets.length; p++) {
        const col = map.get(buckets[p]!);
        if (col === undefined) continue;
        const value = (1 + Math.log(counts[p]!)) * idf[col]!;
        indices.push(col);
        values.push(value);
        sum += value * value;
      }
      if (sum > 0) {
        const scale = 1 / Math.sqrt(sum);
        for (let p = start; p < values.length; p++) values[p]! *= scale;
      }
    });
    indptr[r + 1] = indices.length;
  }
  return {
    nRows: rows.length,
    nCols,
    indptr,
    indices: Int32Array.from(indices),
    values: Float32Array.from(values),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Fitting

interface Fitted {
  space: Space;
  q: Int8Array;
  scale: Float64Array;
  bias: Float64Array;
}

function fitOn(
  docs: readonly Analyzed[],
  y: Int32Array,
  k: number,
  rows: Int32Array,
  minDf: number,
  seed: number,
): Fitted {
  const space = fitSpace(docs, rows, minDf);
  const columns = space.blocks.map((b) => b.map);
  const x = transform(docs, rows, columns, space.idf, space.nCols);
  const model = fitLinearSvm(
    x,
    Int32Array.from(rows, (i) => y[i]!),
    k,
    { C: SVM_C, tol: SVM_TOL, seed },
  );
  const { q, scale } = quantise(model.weights, space.nCols, k);
  return { space, q, scale, bias: Float64Array.from(model.bias) };
}

function quantise(weights: Float32Array, nCols: number, k: number) {
  const scale = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let max = 0;
    for (let j = 0; j < nCols; j++) max = Math.max(max, Math.abs(weights[j * k + c]!));
    scale[c] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(nCols * k);
  for (let j = 0; j < nCols; j++) {
    for (let c = 0; c < k; c++) {
      const value = Math.round(weights[j * k + c]! / scale[c]!);
      q[j * k + c] = Math.abs(value) <= QUANT_DROP ? 0 : value;
    }
  }
  return { q, scale };
}

/**
 * The weights (q x scale, as float32) in one dense feature-major array: feature j's class c at `j * k + c`, 0
 * where the quantised weight was dropped. Dense rather than by feature's non-zero classes: the features texts
 * hold are the common ones, which most classes weigh (47 of 77 on average for the shipped oracle), and a
 * contiguous row of 77 is cheaper to add than 47 scattered ones (label fidelity on 5,000 conversations: 0.85x
 * the time). Scores are those of the non-zero weights alone, to the bit:
 * each class adds the same products in the same order, and the dropped ones add zero.
 */
type DenseWeights = Float32Array;

function denseWeights(q: Int8Array, scale: ArrayLike<number>, k: number): DenseWeights {
  const w = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) if (q[i] !== 0) w[i] = q[i]! * scale[i % k]!;
  return w;
}

/** Raw scores (row-major n x k) of a CSR matrix under dense weights. */
function scoresOf(x: CsrMatrix, w: DenseWeights, bias: Float64Array): Float64Array {
  const k = bias.length;
  const out = new Float64Array(x.nRows * k);
  for (let i = 0; i < x.nRows; i++) {
    const o = i * k;
    for (let c = 0; c < k; c++) out[o + c] = bias[c]!;
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const value = x.values[p]!;
      const base = x.indices[p]! * k;
      for (let c = 0; c < k; c++) out[o + c]! += value * w[base + c]!;
    }
  }
  return out;
}

/** Rank of class `c` in a score row (0 = top), ties broken towards the lower class index. */
function rankOf(scores: Float64Array, offset: number, k: number, c: number): number {
  const s = scores[offset + c]!;
  let rank = 0;
  for (let d = 0; d < k; d++) {
    const t = scores[offset + d]!;
    if (t > s || (t === s && d < c)) rank++;
  }
  return rank;
}

export interface TrainOracleOptions {
  name: string;
  language: string;
  kind: 'conversations' | 'utterances';
  /** Cross-validation folds (default 5; fewer when the smallest data cannot fill them). */
  folds?: number;
  seed?: number;
}

/**
 * Why texts can't make an oracle, or null when they can: too few texts, or fewer than
 * {@link ORACLE_MIN_INTENTS} labels with two texts or more.
 */
export function oracleUnfit(labels: readonly string[]): string | null {
  if (labels.length < ORACLE_MIN_TEXTS) {
    return `${labels.length} labelled texts (an oracle needs ${ORACLE_MIN_TEXTS})`;
  }
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const usable = [...counts.values()].filter((n) => n >= 2).length;
  if (usable < ORACLE_MIN_INTENTS) {
    return `${usable} intent(s) with 2 or more texts (an oracle needs ${ORACLE_MIN_INTENTS})`;
  }
  return null;
}

/**
 * Trains an oracle on labelled texts: k-fold cross-validation first (the real-vs-real figure and the
 * temperature), then the model on every text. Deterministic for a seed. Throws when {@link oracleUnfit}.
 */
export function trainOracle(
  texts: readonly string[],
  labels: readonly string[],
  options: TrainOracleOptions,
): LabelOracleJson {
  if (texts.length !== labels.length) throw new RangeError('texts and labels differ in length');
  const unfit = oracleUnfit(labels);
  if (unfit) throw new RangeError(`cannot train a label oracle: ${unfit}`);
  const seed = options.seed ?? 1;
  const classes = [...new Set(labels)].sort();
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(labels, (l) => index.get(l)!);
  const docs = texts.map(analyzeText);
  // min_df 2 drops n-grams seen in one text only (most of them, and the most identifying); on tiny
  // references that would leave too little, so every n-gram is kept there.
  const minDf = texts.length >= 200 ? 2 : 1;
  const folds = options.folds ?? 5;
  const split = stratifiedKFold(labels, folds, seed).folds;
  const oof = new Float64Array(texts.length * k);
  const foldAccuracies: number[] = [];
  split.forEach((fold, f) => {
    const fitted = fitOn(docs, y, k, fold.train, minDf, seed + f);
    const columns = fitted.space.blocks.map((b) => b.map);
    const x = transform(docs, fold.test, columns, fitted.space.idf, fitted.space.nCols);
    const scores = scoresOf(x, denseWeights(fitted.q, fitted.scale, k), fitted.bias);
    let correct = 0;
    fold.test.forEach((i, r) => {
      oof.set(scores.subarray(r * k, (r + 1) * k), i * k);
      if (rankOf(scores, r * k, k, y[i]!) === 0) correct++;
    });
    foldAccuracies.push(fold.test.length ? correct / fold.test.length : 0);
  });
  const temperature = fitTemperature(oof, y, k);
  let top1 = 0;
  let top3 = 0;
  const perLabel: Record<string, { n: number; top1: number }> = {};
  const hits = new Float64Array(k);
  const totals = new Float64Array(k);
  for (let i = 0; i < texts.length; i++) {
    const rank = rankOf(oof, i * k, k, y[i]!);
    totals[y[i]!]!++;
    if (rank === 0) {
      top1++;
      hits[y[i]!]!++;
    }
    if (rank < 3) top3++;
  }
  classes.forEach((c, i) => {
    perLabel[c] = { n: totals[i]!, top1: round(totals[i]! ? hits[i]! / totals[i]! : 0) };
  });
  const all = Int32Array.from({ length: texts.length }, (_, i) => i);
  const final = fitOn(docs, y, k, all, minDf, seed);
  const mean = foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length;
  const std = Math.sqrt(
    foldAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / foldAccuracies.length,
  );
  const { mask, values } = packWeights(final.q);
  return {
    format: ORACLE_FORMAT,
    version: 1,
    name: options.name,
    language: options.language,
    kind: options.kind,
    itemCount: texts.length,
    labels: classes,
    features: {
      hash: ORACLE_HASH,
      hashBits: ORACLE_HASH_BITS,
      foldAccents: true,
      lowercase: true,
      sublinearTf: true,
      minDf,
      blocks: ORACLE_BLOCKS.map((b, i) => {
        const block = final.space.blocks[i]!;
        return {
          analyzer: b.analyzer,
          ngramRange: [b.ngramRange[0], b.ngramRange[1]],
          buckets: encode(block.buckets),
          idf: encode(final.space.idf.subarray(block.offset, block.offset + block.buckets.length)),
        };
      }),
    },
    model: {
      kind: 'svm-ovr-int8',
      C: SVM_C,
      temperature: round(temperature),
      bias: Array.from(final.bias, (b) => Number(b.toPrecision(7))),
      scale: Array.from(final.scale, (s) => Number(s.toPrecision(7))),
      mask,
      values,
    },
    cv: {
      folds,
      seed,
      accuracy: { mean: round(mean), std: round(std) },
      foldAccuracies: foldAccuracies.map(round),
      top1: round(top1 / texts.length),
      top3: round(top3 / texts.length),
      perLabel,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Encoding

function encode(array: Uint32Array | Float32Array | Int8Array | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function decodeBytes(base64: string): Uint8Array {
  const buffer = Buffer.from(base64, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function decodeAligned<T extends Uint32Array | Float32Array>(
  base64: string,
  Type: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
): T {
  const bytes = decodeBytes(base64);
  if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw new Error('truncated array');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new Type(copy);
}

function packWeights(q: Int8Array): { mask: string; values: string } {
  const mask = new Uint8Array(Math.ceil(q.length / 8));
  const values: number[] = [];
  for (let i = 0; i < q.length; i++) {
    if (q[i] !== 0) {
      mask[i >> 3]! |= 1 << (i & 7);
      values.push(q[i]!);
    }
  }
  return { mask: encode(mask), values: encode(Int8Array.from(values)) };
}

/** Decodes and checks an oracle file's JSON; the error says what is wrong. */
export function parseOracle(json: unknown): LabelOracle {
  const parsed = v.safeParse(LabelOracleJsonSchema, json);
  if (!parsed.success) {
    const first = parsed.issues[0];
    throw new Error(`invalid label oracle: ${first?.message ?? 'unknown problem'}`);
  }
  const oracle = parsed.output;
  const k = oracle.labels.length;
  if (oracle.features.hashBits !== ORACLE_HASH_BITS) {
    throw new Error(
      `invalid label oracle: hashBits ${oracle.features.hashBits}, expected ${ORACLE_HASH_BITS}`,
    );
  }
  if (
    oracle.features.blocks.length !== ORACLE_BLOCKS.length ||
    oracle.features.blocks.some(
      (b, i) =>
        b.analyzer !== ORACLE_BLOCKS[i]!.analyzer ||
        b.ngramRange[0] !== ORACLE_BLOCKS[i]!.ngramRange[0] ||
        b.ngramRange[1] !== ORACLE_BLOCKS[i]!.ngramRange[1],
    )
  ) {
    throw new Error('invalid label oracle: its n-gram blocks are not the ones this version uses');
  }
  let offset = 0;
  const idfParts: Float32Array[] = [];
  const columns = oracle.features.blocks.map((b) => {
    const buckets = decodeAligned(b.buckets, Uint32Array);
    const idf = decodeAligned(b.idf, Float32Array);
    if (idf.length !== buckets.length)
      throw new Error('invalid label oracle: idf and buckets differ');
    const map = new Map<number, number>();
    buckets.forEach((bucket, i) => {
      map.set(bucket, offset + i);
    });
    offset += buckets.length;
    idfParts.push(idf);
    return map;
  });
  const idf = new Float32Array(offset);
  let at = 0;
  for (const part of idfParts) {
    idf.set(part, at);
    at += part.length;
  }
  if (oracle.model.bias.length !== k || oracle.model.scale.length !== k) {
    throw new Error('invalid label oracle: bias and scale need one value per label');
  }
  const mask = decodeBytes(oracle.model.mask);
  const values = new Int8Array(decodeBytes(oracle.model.values));
  if (mask.length !== Math.ceil((offset * k) / 8)) {
    throw new Error('invalid label oracle: the weight mask does not match the features and labels');
  }
  const q = new Int8Array(offset * k);
  let next = 0;
  for (let i = 0; i < q.length; i++) {
    if (mask[i >> 3]! & (1 << (i & 7))) {
      if (next >= values.length) throw new Error('invalid label oracle: too few weight values');
      q[i] = values[next++]!;
    }
  }
  if (next !== values.length) throw new Error('invalid label oracle: too many weight values');
  return {
    json: oracle,
    labels: oracle.labels,
    columns,
    idf,
    weights: denseWeights(q, oracle.model.scale, k),
    bias: Float64Array.from(oracle.model.bias),
    temperature: oracle.model.temperature,
  };
}

/**
 * An oracle's bucket -> column maps as open-addressing tables in typed arrays (`keys[slot]` the bucket, -1 when
 * empty; `values[slot]` its column): the same answers as the maps, without a Map lookup per n-gram. Built once
 * per oracle.
 */
interface ColumnTable {
  keys: Int32Array;
  values: Int32Array;
  mask: number;
}

const columnTableCache = new WeakMap<LabelOracle, ColumnTable[]>();

function columnTables(oracle: LabelOracle): ColumnTable[] {
  let tables = columnTableCache.get(oracle);
  if (tables) return tables;
  tables = oracle.columns.map((map) => {
    let slots = 16;
    while (slots < map.size * 2) slots *= 2;
    const mask = slots - 1;
    const keys = new Int32Array(slots).fill(-1);
    const values = new Int32Array(slots);
    for (const [bucket, column] of map) {
      // Buckets are the top bits of a mixed hash: their low bits spread them over the slots.
      let slot = bucket & mask;
      while (keys[slot] !== -1 && keys[slot] !== bucket) slot = (slot + 1) & mask;
      keys[slot] = bucket;
      values[slot] = column;
    }
    return { keys, values, mask };
  });
  columnTableCache.set(oracle, tables);
  return tables;
}

/** The column of `bucket` in `table`, or -1 when the oracle does not keep it. */
function columnOf(table: ColumnTable, bucket: number): number {
  const { keys, mask } = table;
  let slot = bucket & mask;
  for (;;) {
    const key = keys[slot]!;
    if (key === bucket) return table.values[slot]!;
    if (key === -1) return -1;
    slot = (slot + 1) & mask;
  }
}

/**
 * The TF-IDF rows of texts over an oracle's features: the matrix {@link transform} computes from
 * {@link analyzeText}'s documents (the same entries in the same order, so the same scores; a test compares
 * them), one text at a time, keeping only the buckets the oracle has and never holding every text's n-grams.
 */
function transformTexts(
  texts: readonly string[],
  tables: readonly ColumnTable[],
  idf: Float32Array,
): CsrMatrix {
  const indptr = new Int32Array(texts.length + 1);
  let indices = new Int32Array(1 << 16);
  let values = new Float32Array(1 << 16);
  let size = 0;
  let kept = new Uint32Array(256);
  let row = new Float64Array(256);
  for (let r = 0; r < texts.length; r++) {
    const blocks = hashedNgrams(texts[r]!);
    for (let b = 0; b < tables.length; b++) {
      const table = tables[b]!;
      const grams = blocks[b]!;
      if (kept.length < grams.length) kept = new Uint32Array(grams.length * 2);
      let n = 0;
      for (let g = 0; g < grams.length; g++) {
        if (columnOf(table, grams[g]!) >= 0) kept[n++] = grams[g]!;
      }
      // Unique buckets ascending with their counts (capped as analyzeText caps them), as transform reads them.
      const sorted = kept.subarray(0, n).sort();
      if (size + n > indices.length) {
        const grow = Math.max(indices.length * 2, size + n);
        const moreIndices = new Int32Array(grow);
        moreIndices.set(indices.subarray(0, size));
        indices = moreIndices;
        const moreValues = new Float32Array(grow);
        moreValues.set(values.subarray(0, size));
        values = moreValues;
      }
      if (row.length < n) row = new Float64Array(n * 2);
      let m = 0;
      let sum = 0;
      for (let p = 0; p < n; ) {
        let q = p + 1;
        while (q < n && sorted[q] === sorted[p]) q++;
        const col = columnOf(table, sorted[p]!);
        const value = (1 + Math.log(Math.min(q - p, 65535))) * idf[col]!;
        indices[size + m] = col;
        row[m++] = value;
        sum += value * value;
        p = q;
      }
      const scale = sum > 0 ? 1 / Math.sqrt(sum) : 1;
      for (let p = 0; p < m; p++) values[size + p] = sum > 0 ? row[p]! * scale : row[p]!;
      size += m;
    }
    indptr[r + 1] = size;
  }
  return {
    nRows: texts.length,
    nCols: idf.length,
    indptr,
    indices: indices.slice(0, size),
    values: values.slice(0, size),
  };
}

/**
 * The TF-IDF rows of texts over an oracle's features, both ways: `texts` as {@link oracleProbabilities} computes
 * them, `documents` through {@link analyzeText} and {@link transform} as training does. For the test that checks
 * they are the same matrix.
 */
export function oracleFeatures(
  oracle: LabelOracle,
  texts: readonly string[],
  how: 'texts' | 'documents',
): CsrMatrix {
  if (how === 'texts') return transformTexts(texts, columnTables(oracle), oracle.idf);
  const rows = Int32Array.from({ length: texts.length }, (_, i) => i);
  return transform(texts.map(analyzeText), rows, oracle.columns, oracle.idf, oracle.idf.length);
}

/** Class probabilities (row-major n x k, softmax of temperature x scores) of texts under an oracle. */
export function oracleProbabilities(oracle: LabelOracle, texts: readonly string[]): Float64Array {
  const x = transformTexts(texts, columnTables(oracle), oracle.idf);
  const scores = scoresOf(x, oracle.weights, oracle.bias);
  const k = oracle.labels.length;
  for (let o = 0; o < scores.length; o += k) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[o + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(oracle.temperature * (scores[o + c]! - max));
      scores[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) scores[o + c]! /= sum;
  }
  return scores;
}
