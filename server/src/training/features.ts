import * as v from 'valibot';
import { type FeatureConfig, FeatureConfigSchema, type NgramBlock } from './config.ts';
import { type CsrMatrix, decodeFloat32, encodeFloat32 } from './sparse.ts';

const COMBINING_MARKS = /\p{M}/gu;
// scikit-learn's default token pattern, (?u)\b\w\w+\b: maximal runs of two or more word characters.
const WORD_TOKEN = /[\p{L}\p{N}_]{2,}/gu;
const WHITESPACE = /\s+/;

/**
 * Folds a text for matching: NFD then drop combining marks (so `á`→`a`, `ñ`→`n`, `ü`→`u`, which is what
 * Spanish users type without accents anyway), then lower-case.
 */
export function foldText(
  text: string,
  options: { foldAccents?: boolean; lowercase?: boolean } = {},
): string {
  let out = text;
  if (options.foldAccents ?? true) out = out.normalize('NFD').replace(COMBINING_MARKS, '');
  if (options.lowercase ?? true) out = out.toLowerCase();
  return out;
}

/** Word tokens of an already folded text: runs of two or more letters, digits or underscores. */
export function wordTokens(folded: string): string[] {
  return folded.match(WORD_TOKEN) ?? [];
}

/**
 * Calls `emit` for every n-gram of an already folded text, in scikit-learn's order and with its semantics
 * (`word`: n-grams of tokens joined by one space; `char_wb`: n-grams of each whitespace-separated word padded
 * with a space on both sides, a word shorter than n giving itself once). Positions count UTF-16 code units.
 */
export function forEachNgram(
  folded: string,
  block: NgramBlock,
  emit: (gram: string) => void,
): void {
  const [minN, maxN] = block.ngramRange;
  if (block.analyzer === 'word') {
    const tokens = wordTokens(folded);
    for (let n = minN; n <= Math.min(maxN, tokens.length); n++) {
      for (let i = 0; i + n <= tokens.length; i++) {
        emit(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' '));
      }
    }
    return;
  }
  for (const raw of folded.split(WHITESPACE)) {
    if (raw !== '') forEachWordCharNgram(raw, minN, maxN, emit);
  }
}

/** The `char_wb` n-grams of one whitespace-separated word, in scikit-learn's order (see {@link forEachNgram}). */
function forEachWordCharNgram(
  raw: string,
  minN: number,
  maxN: number,
  emit: (gram: string) => void,
): void {
  const w = ` ${raw} `;
  for (let n = minN; n <= maxN; n++) {
    if (w.length <= n) {
      // scikit-learn emits the whole padded word once and skips the longer n: mirror it exactly.
      emit(w);
      break;
    }
    for (let i = 0; i + n <= w.length; i++) emit(w.slice(i, i + n));
  }
}

/** All n-grams of one text for one block, folding first (for inspection and tests). */
export function analyze(
  text: string,
  block: NgramBlock,
  features: Partial<FeatureConfig> = {},
): string[] {
  const out: string[] = [];
  forEachNgram(foldText(text, features), block, (g) => out.push(g));
  return out;
}

/**
 * A corpus turned into term counts once, so cross-validation can fit a vectorizer on each training fold
 * without re-tokenising: block `b` of document `d` holds `termIds[docPtr[d]..docPtr[d+1])` with `counts`,
 * ids into `terms`, a dictionary of every term in the corpus.
 */
export interface AnalyzedCorpus {
  readonly config: FeatureConfig;
  readonly nDocs: number;
  readonly blocks: readonly AnalyzedBlock[];
}

interface AnalyzedBlock {
  readonly terms: string[];
  readonly docPtr: Int32Array;
  readonly termIds: Int32Array;
  readonly counts: Float32Array;
}

/** Tokenises every text once for every block of `config`. */
export function analyzeCorpus(texts: readonly string[], config: FeatureConfig): AnalyzedCorpus {
  const folded = texts.map((t) => foldText(t, config));
  const blocks = config.blocks.map((block) => {
    const dictionary = new Map<string, number>();
    const terms: string[] = [];
    const docPtr = new Int32Array(texts.length + 1);
    let termIds = new Int32Array(Math.max(1024, texts.length * 16));
    let counts = new Float32Array(termIds.length);
    let buffer = new Int32Array(256);
    let nnz = 0;
    const termId = (gram: string) => {
      let id = dictionary.get(gram);
      if (id === undefined) {
        id = terms.length;
        dictionary.set(gram, id);
        terms.push(gram);
      }
      return id;
    };
    // char_wb n-grams depend on the word alone, and words repeat across texts: each distinct word is cut into
    // n-grams once (its term ids kept), which takes most of the tokenising time off a large corpus. The ids are
    // the same as without the cache (a word's n-grams get their ids at its first occurrence either way).
    const wordGrams = new Map<string, Int32Array>();
    const [minN, maxN] = block.ngramRange;
    const gramsOfWord = (raw: string) => {
      let ids = wordGrams.get(raw);
      if (ids === undefined) {
        const list: number[] = [];
        forEachWordCharNgram(raw, minN, maxN, (gram) => list.push(termId(gram)));
        ids = Int32Array.from(list);
        wordGrams.set(raw, ids);
      }
      return ids;
    };
    folded.forEach((text, d) => {
      let len = 0;
      if (block.analyzer === 'char_wb') {
        for (const raw of text.split(WHITESPACE)) {
          if (raw === '') continue;
          const ids = gramsOfWord(raw);
          if (len + ids.length > buffer.length) {
            buffer = grow(buffer, Math.max(buffer.length * 2, len + ids.length));
          }
          buffer.set(ids, len);
          len += ids.length;
        }
      } else {
        forEachNgram(text, block, (gram) => {
          if (len === buffer.length) buffer = grow(buffer, len * 2);
          buffer[len++] = termId(gram);
        });
      }
      const ids = buffer.subarray(0, len).sort();
      if (nnz + len > termIds.length) {
        const size = Math.max(termIds.length * 2, nnz + len);
        termIds = grow(termIds, size);
        counts = grow(counts, size);
      }
      for (let p = 0; p < len; ) {
        let q = p + 1;
        while (q < len && ids[q] === ids[p]) q++;
        termIds[nnz] = ids[p]!;
        counts[nnz] = q - p;
        nnz++;
        p = q;
      }
      docPtr[d + 1] = nnz;
    });
    return { terms, docPtr, termIds: termIds.slice(0, nnz), counts: counts.slice(0, nnz) };
  });
  return { config, nDocs: texts.length, blocks };
}

function grow<T extends Int32Array | Float32Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/** One fitted TF-IDF block: its vocabulary in column order and the idf of each column. */
interface FittedBlock {
  readonly block: NgramBlock;
  readonly terms: readonly string[];
  readonly idf: Float32Array;
  readonly vocabulary: Map<string, number>;
  readonly offset: number;
}

/** The serialised form of a fitted {@link Vectorizer}, for model artifacts. */
export const VectorizerJsonSchema = v.object({
  features: FeatureConfigSchema,
  blocks: v.array(v.object({ terms: v.array(v.string()), idf: v.string() })),
});
export type VectorizerJson = v.InferOutput<typeof VectorizerJsonSchema>;

/**
 * A fitted TF-IDF feature union: each block's vocabulary and idf come from the training texts; `transform`
 * turns any text into one CSR row of `nFeatures` columns (blocks side by side, each L2-normalised).
 * idf is scikit-learn's smooth idf, `ln((1 + n) / (1 + df)) + 1`.
 */
export class Vectorizer {
  readonly config: FeatureConfig;
  readonly nFeatures: number;
  readonly #blocks: readonly FittedBlock[];

  private constructor(config: FeatureConfig, blocks: readonly Omit<FittedBlock, 'offset'>[]) {
    this.config = config;
    let offset = 0;
    this.#blocks = blocks.map((b) => {
      const fitted = { ...b, offset };
      offset += b.terms.length;
      return fitted;
    });
    this.nFeatures = offset;
  }

  /** Fits the vocabulary and idf on `texts`. */
  static fit(texts: readonly string[], config: FeatureConfig): Vectorizer {
    return Vectorizer.fitAnalyzed(analyzeCorpus(texts, config));
  }

  /** Fits on the documents `rows` of an analysed corpus (all of them when `rows` is omitted). */
  static fitAnalyzed(corpus: AnalyzedCorpus, rows?: ArrayLike<number>): Vectorizer {
    const docs = rows ?? Int32Array.from({ length: corpus.nDocs }, (_, i) => i);
    const n = docs.length;
    const blocks = corpus.config.blocks.map((block, b) => {
      const analyzed = corpus.blocks[b]!;
      const nTerms = analyzed.terms.length;
      const df = new Int32Array(nTerms);
      const total = new Float64Array(nTerms);
      for (let r = 0; r < n; r++) {
        const d = docs[r]!;
        for (let p = analyzed.docPtr[d]!; p < analyzed.docPtr[d + 1]!; p++) {
          const id = analyzed.termIds[p]!;
          df[id]!++;
          total[id]! += analyzed.counts[p]!;
        }
      }
      let kept: number[] = [];
      for (let id = 0; id < nTerms; id++) if (df[id]! >= block.minDf && df[id]! > 0) kept.push(id);
      if (block.maxFeatures !== null && kept.length > block.maxFeatures) {
        const byFrequency = (a: number, c: number) =>
          total[c]! - total[a]! || compareStrings(analyzed.terms[a]!, analyzed.terms[c]!);
        kept = kept.sort(byFrequency).slice(0, block.maxFeatures);
      }
      // Alphabetical column order, as scikit-learn: the columns then do not depend on the row order.
      kept.sort((a, c) => compareStrings(analyzed.terms[a]!, analyzed.terms[c]!));
      const terms = kept.map((id) => analyzed.terms[id]!);
      const idf = Float32Array.from(kept, (id) => Math.log((1 + n) / (1 + df[id]!)) + 1);
      return { block, terms, idf, vocabulary: new Map(terms.map((t, col) => [t, col])) };
    });
    return new Vectorizer(corpus.config, blocks);
  }

  /** Rebuilds a vectorizer from {@link Vectorizer.toJSON}'s output. */
  static fromJSON(json: unknown): Vectorizer {
    const parsed = v.parse(VectorizerJsonSchema, json);
    if (parsed.blocks.length !== parsed.features.blocks.length) {
      throw new Error(
        `Vectorizer JSON has ${parsed.blocks.length} fitted blocks for ${parsed.features.blocks.length} configured blocks`,
      );
    }
    const blocks = parsed.blocks.map((b, i) => {
      const idf = decodeFloat32(b.idf);
      if (idf.length !== b.terms.length) {
        throw new Error(
          `Vectorizer JSON block ${i}: ${b.terms.length} terms but ${idf.length} idf values`,
        );
      }
      const block = parsed.features.blocks[i]!;
      return { block, terms: b.terms, idf, vocabulary: new Map(b.terms.map((t, col) => [t, col])) };
    });
    return new Vectorizer(parsed.features, blocks);
  }

  /** A JSON-safe description of the fitted vectorizer (idf as base64 float32). */
  toJSON(): VectorizerJson {
    return {
      features: this.config,
      blocks: this.#blocks.map((b) => ({ terms: [...b.terms], idf: encodeFloat32(b.idf) })),
    };
  }

  /** The name of each column, prefixed by its analyzer (`word:card arrived`, `char_wb: ca`). */
  featureNames(): string[] {
    return this.#blocks.flatMap((b) => b.terms.map((t) => `${b.block.analyzer}:${t}`));
  }

  /** TF-IDF rows for new texts; terms outside the vocabulary are ignored. */
  transform(texts: readonly string[]): CsrMatrix {
    const builder = new RowBuilder(texts.length, this.nFeatures);
    const cols: number[] = [];
    for (const text of texts) {
      const folded = foldText(text, this.config);
      for (const fitted of this.#blocks) {
        cols.length = 0;
        forEachNgram(folded, fitted.block, (gram) => {
          const col = fitted.vocabulary.get(gram);
          if (col !== undefined) cols.push(col);
        });
        cols.sort((a, b) => a - b);
        builder.startBlock();
        for (let p = 0; p < cols.length; ) {
          let q = p + 1;
          while (q < cols.length && cols[q] === cols[p]) q++;
          builder.add(fitted, cols[p]!, q - p);
          p = q;
        }
        builder.endBlock(fitted.block.weight);
      }
      builder.endRow();
    }
    return builder.finish();
  }

  /** TF-IDF rows for documents `rows` of an analysed corpus (same result as `transform` on their texts). */
  transformAnalyzed(corpus: AnalyzedCorpus, rows?: ArrayLike<number>): CsrMatrix {
    const docs = rows ?? Int32Array.from({ length: corpus.nDocs }, (_, i) => i);
    const maps = this.#blocks.map((fitted, b) =>
      Int32Array.from(corpus.blocks[b]!.terms, (t) => fitted.vocabulary.get(t) ?? -1),
    );
    const builder = new RowBuilder(docs.length, this.nFeatures);
    for (let r = 0; r < docs.length; r++) {
      const d = docs[r]!;
      this.#blocks.forEach((fitted, b) => {
        const analyzed = corpus.blocks[b]!;
        const map = maps[b]!;
        builder.startBlock();
        for (let p = analyzed.docPtr[d]!; p < analyzed.docPtr[d + 1]!; p++) {
          const col = map[analyzed.termIds[p]!]!;
          if (col >= 0) builder.add(fitted, col, analyzed.counts[p]!);
        }
        builder.endBlock(fitted.block.weight);
      });
      builder.endRow();
    }
    return builder.finish();
  }
}

/** Assembles TF-IDF rows block by block, normalising each block of each row to unit L2 norm. */
class RowBuilder {
  readonly #nRows: number;
  readonly #nCols: number;
  readonly #indptr: Int32Array;
  #indices = new Int32Array(4096);
  #values = new Float32Array(4096);
  #nnz = 0;
  #row = 0;
  #blockStart = 0;
  #sumSquares = 0;

  constructor(nRows: number, nCols: number) {
    this.#nRows = nRows;
    this.#nCols = nCols;
    this.#indptr = new Int32Array(nRows + 1);
  }

  startBlock(): void {
    this.#blockStart = this.#nnz;
    this.#sumSquares = 0;
  }

  add(fitted: FittedBlock, col: number, count: number): void {
    // ln(1) = 0: most counts are 1, and the logarithm is most of this method's time.
    const tf = fitted.block.sublinearTf ? (count === 1 ? 1 : 1 + Math.log(count)) : count;
    const value = tf * fitted.idf[col]!;
    if (this.#nnz === this.#indices.length) {
      this.#indices = grow(this.#indices, this.#nnz * 2);
      this.#values = grow(this.#values, this.#nnz * 2);
    }
    this.#indices[this.#nnz] = fitted.offset + col;
    this.#values[this.#nnz] = value;
    this.#nnz++;
    this.#sumSquares += value * value;
  }

  endBlock(weight: number): void {
    if (this.#sumSquares === 0) return;
    const scale = weight / Math.sqrt(this.#sumSquares);
    for (let p = this.#blockStart; p < this.#nnz; p++) this.#values[p]! *= scale;
  }

  endRow(): void {
    this.#indptr[++this.#row] = this.#nnz;
  }

  finish(): CsrMatrix {
    return {
      nRows: this.#nRows,
      nCols: this.#nCols,
      indptr: this.#indptr,
      indices: this.#indices.slice(0, this.#nnz),
      values: this.#values.slice(0, this.#nnz),
    };
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
