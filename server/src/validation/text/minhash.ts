/**
 * MinHash signatures and an LSH index for near-duplicate and near-copy detection.
 *
 * Written here rather than taken from npm: the only MinHash packages there (`minhash`, `minhash-lsh`) are
 * unmaintained, hash every shingle once per permutation (k times the work) and keep JavaScript arrays per
 * signature. This is the small, well-known algorithm, built for 100k items in well under a second:
 *
 * - shingles are character 5-grams of the folded text (robust to the typos and small edits that word
 *   shingles punish on short texts);
 * - one permutation hashing (Li, Owen, Zhang 2012): each shingle is hashed once and only the minimum per bin is
 *   kept, with empty bins filled by rotation densification (Shrivastava and Li 2014), so two signatures agree
 *   in a bin with probability equal to the texts' Jaccard similarity;
 * - each bin keeps the low 16 bits of its minimum (b-bit MinHash, Li and König 2010): two different minima
 *   clash with probability 1/65536, and a reference sketch of 10k texts stays under 1 MB in base64;
 * - banded LSH: 8 bands of 4 bins, so pairs at Jaccard 0.8 meet in some band with probability 0.985
 *   (1 - (1 - 0.8^4)^8), at 0.7 with 0.89, at 0.5 with 0.40 and at 0.3 with 0.06. Candidates are then checked on the whole
 *   signature.
 *
 * Signatures are estimates: with 32 bins the estimated similarity has a standard error of about 0.08 near 0.75.
 */

/** Bins per signature. */
export const SIGNATURE_BINS = 32;
/** LSH bands x rows = SIGNATURE_BINS. */
export const LSH_BANDS = 8;
const LSH_ROWS = SIGNATURE_BINS / LSH_BANDS;
/** Characters per shingle. */
export const SHINGLE_CHARS = 5;
const EMPTY = 0xffffffff;
const BIN_SHIFT = 32 - Math.log2(SIGNATURE_BINS);
const VALUE_MASK = (1 << BIN_SHIFT) - 1;
const POLY = 0x01000193;
// POLY^(SHINGLE_CHARS - 1) mod 2^32, to drop the outgoing character from the rolling hash.
const POLY_HIGH = Array.from({ length: SHINGLE_CHARS - 1 }).reduce<number>(
  (acc) => Math.imul(acc, POLY),
  1,
);
const ROTATION = 0x9e3779b1;

/** MurmurHash3's 32-bit finaliser: spreads a rolling hash over all 32 bits. */
function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Scratch space for one signature: the raw minimum per bin, or EMPTY. */
export function newBins(): Uint32Array {
  return new Uint32Array(SIGNATURE_BINS).fill(EMPTY);
}

/** Resets scratch bins for the next text. */
export function clearBins(bins: Uint32Array): void {
  bins.fill(EMPTY);
}

/**
 * Adds the character 5-gram shingles of a folded text to `bins` (a text shorter than 5 characters is one
 * shingle). Returns the number of shingles added.
 */
export function addShingles(folded: string, bins: Uint32Array): number {
  const n = folded.length;
  if (n === 0) return 0;
  if (n < SHINGLE_CHARS) {
    let h = 0;
    for (let i = 0; i < n; i++) h = (Math.imul(h, POLY) + folded.charCodeAt(i)) | 0;
    put(mix(h), bins);
    return 1;
  }
  let h = 0;
  for (let i = 0; i < SHINGLE_CHARS; i++) h = (Math.imul(h, POLY) + folded.charCodeAt(i)) | 0;
  put(mix(h), bins);
  for (let i = SHINGLE_CHARS; i < n; i++) {
    h = (h - Math.imul(folded.charCodeAt(i - SHINGLE_CHARS), POLY_HIGH)) | 0;
    h = (Math.imul(h, POLY) + folded.charCodeAt(i)) | 0;
    put(mix(h), bins);
  }
  return n - SHINGLE_CHARS + 1;
}

const window = new Int32Array(SHINGLE_CHARS);

/**
 * What `addShingles(words.join(' '), bins)` adds, for words given as offsets into `source` (word k at
 * `[spans[2k], spans[2k + 1])`, as `wordSpans` gives them), without building the joined string.
 */
export function addWordShingles(
  source: string,
  spans: Int32Array,
  count: number,
  bins: Uint32Array,
): number {
  let h = 0;
  let n = 0;
  // The last SHINGLE_CHARS characters, `slot` the oldest.
  let slot = 0;
  for (let w = 0; w < count; w++) {
    const start = spans[2 * w]!;
    const end = spans[2 * w + 1]!;
    // Position start - 1 stands for the space that joins word w to the one before.
    for (let k = w === 0 ? start : start - 1; k < end; k++) {
      const c = k < start ? 32 : source.charCodeAt(k);
      if (n >= SHINGLE_CHARS) h = (h - Math.imul(window[slot]!, POLY_HIGH)) | 0;
      h = (Math.imul(h, POLY) + c) | 0;
      window[slot] = c;
      if (++slot === SHINGLE_CHARS) slot = 0;
      if (++n >= SHINGLE_CHARS) put(mix(h), bins);
    }
  }
  if (n === 0) return 0;
  if (n < SHINGLE_CHARS) {
    put(mix(h), bins);
    return 1;
  }
  return n - SHINGLE_CHARS + 1;
}

function put(hash: number, bins: Uint32Array): void {
  const bin = hash >>> BIN_SHIFT;
  const value = hash & VALUE_MASK;
  if (value < bins[bin]!) bins[bin] = value;
}

/** Folds `from` into `into` (bin-wise minimum): the signature of the union of both shingle sets. */
export function mergeBins(into: Uint32Array, from: Uint32Array): void {
  for (let i = 0; i < SIGNATURE_BINS; i++) if (from[i]! < into[i]!) into[i] = from[i]!;
}

/**
 * Writes the 16-bit signature of `bins` at `out[offset..offset+32)`, filling empty bins by rotation (the next
 * non-empty bin to the right, offset by its distance). Returns false, writing nothing, when no shingle was added.
 */
export function writeSignature(bins: Uint32Array, out: Uint16Array, offset: number): boolean {
  let any = false;
  for (let i = 0; i < SIGNATURE_BINS; i++) {
    if (bins[i] !== EMPTY) {
      any = true;
      break;
    }
  }
  if (!any) return false;
  for (let i = 0; i < SIGNATURE_BINS; i++) {
    let value = bins[i]!;
    if (value === EMPTY) {
      let t = 1;
      while (bins[(i + t) % SIGNATURE_BINS] === EMPTY) t++;
      value = (bins[(i + t) % SIGNATURE_BINS]! + Math.imul(t, ROTATION)) >>> 0;
    }
    out[offset + i] = value & 0xffff;
  }
  return true;
}

/** Estimated Jaccard similarity of two signatures: the share of bins that agree. */
export function similarity(a: Uint16Array, ai: number, b: Uint16Array, bi: number): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_BINS; i++) if (a[ai + i] === b[bi + i]) same++;
  return same / SIGNATURE_BINS;
}

function bandKey(sig: Uint16Array, offset: number, band: number): number {
  const o = offset + band * LSH_ROWS;
  const lo = sig[o]! | (sig[o + 1]! << 16);
  const hi = sig[o + 2]! | (sig[o + 3]! << 16);
  // 30 bits keep keys small integers for Map; a clash only costs one extra signature comparison.
  return mix(lo ^ Math.imul(hi, ROTATION) ^ band) & 0x3fffffff;
}

/**
 * Banded LSH over signatures stored in one array (signature `id` at `id * SIGNATURE_BINS`). Each bucket is
 * checked newest first, at most `maxChecks` entries, so a dataset of identical copies stays linear.
 *
 * Buckets are linked lists in typed arrays rather than a Map of arrays (100k signatures make 800k entries):
 * per band, an open-addressing table from band key to the newest id in the bucket, and per id and band the
 * next-older id in the same bucket.
 */
export class LshIndex {
  readonly #signatures: Uint16Array;
  readonly #maxChecks: number;
  /** Per band: `mask + 1` slots of band key (-1: empty) and the newest id with that key. */
  readonly #keys: Int32Array;
  readonly #heads: Int32Array;
  readonly #mask: number;
  /** `#next[id * LSH_BANDS + band]`: the next-older id in the bucket, or -1. */
  readonly #next: Int32Array;
  /** The signatures as 32-bit words (two bins each) when they are aligned for it, else null. */
  readonly #words: Uint32Array | null;
  /** The last queried signature array and its words. */
  #queried: Uint16Array | null = null;
  #queriedWords: Uint32Array | null = null;

  constructor(signatures: Uint16Array, maxChecks = 16) {
    this.#signatures = signatures;
    this.#maxChecks = maxChecks;
    const capacity = Math.max(1, Math.floor(signatures.length / SIGNATURE_BINS));
    // A table at most half full per band: short probe runs.
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.#mask = slots - 1;
    this.#keys = new Int32Array(slots * LSH_BANDS).fill(-1);
    this.#heads = new Int32Array(slots * LSH_BANDS);
    this.#next = new Int32Array(capacity * LSH_BANDS).fill(-1);
    this.#words = wordsOf(signatures);
  }

  #wordsOf(sig: Uint16Array): Uint32Array | null {
    if (sig !== this.#queried) {
      this.#queried = sig;
      this.#queriedWords = wordsOf(sig);
    }
    return this.#queriedWords;
  }

  /** The slot of `key` in `band`'s table: where it is, or the empty slot where it goes. */
  #slot(band: number, key: number): number {
    const base = band * (this.#mask + 1);
    let i = key & this.#mask;
    for (;;) {
      const at = this.#keys[base + i]!;
      if (at === key || at === -1) return base + i;
      i = (i + 1) & this.#mask;
    }
  }

  /** Indexes the stored signature `id`. */
  add(id: number): void {
    const offset = id * SIGNATURE_BINS;
    for (let band = 0; band < LSH_BANDS; band++) {
      const key = bandKey(this.#signatures, offset, band);
      const slot = this.#slot(band, key);
      if (this.#keys[slot] === key) this.#next[id * LSH_BANDS + band] = this.#heads[slot]!;
      else this.#keys[slot] = key;
      this.#heads[slot] = id;
    }
  }

  /**
   * The id of an indexed signature whose estimated similarity to `sig` (at `offset`) is at least `threshold`,
   * or -1.
   */
  findSimilar(sig: Uint16Array, offset: number, threshold: number): number {
    // Most candidates fail: stop comparing a pair as soon as it has too many differing bins.
    const allowed = Math.floor((1 - threshold) * SIGNATURE_BINS + 1e-9);
    const stored = this.#signatures;
    const storedWords = this.#words;
    const words = storedWords && offset % 2 === 0 ? this.#wordsOf(sig) : null;
    const from = offset >>> 1;
    for (let band = 0; band < LSH_BANDS; band++) {
      const key = bandKey(sig, offset, band);
      const slot = this.#slot(band, key);
      if (this.#keys[slot] !== key) continue;
      let id = this.#heads[slot]!;
      for (let checked = 0; id >= 0 && checked < this.#maxChecks; checked++) {
        let differ = 0;
        if (words) {
          // Two bins per 32-bit word: a differing word holds one or two differing bins.
          const other = id * WORDS;
          for (let i = 0; i < WORDS && differ <= allowed; i++) {
            const x = words[from + i]! ^ storedWords![other + i]!;
            if (x !== 0) differ += (x & 0xffff) === 0 || x >>> 16 === 0 ? 1 : 2;
          }
        } else {
          const other = id * SIGNATURE_BINS;
          for (let i = 0; i < SIGNATURE_BINS && differ <= allowed; i++) {
            if (sig[offset + i] !== stored[other + i]) differ++;
          }
        }
        if (differ <= allowed) return id;
        id = this.#next[id * LSH_BANDS + band]!;
      }
    }
    return -1;
  }
}

const WORDS = SIGNATURE_BINS / 2;

/** A view of whole signatures as 32-bit words, or null when they do not start on a 4-byte boundary. */
function wordsOf(sig: Uint16Array): Uint32Array | null {
  if (sig.byteOffset % 4 !== 0 || sig.length % 2 !== 0) return null;
  return new Uint32Array(sig.buffer, sig.byteOffset, sig.length / 2);
}

/** Signatures as base64 of their little-endian 16-bit values (the profile file's form). */
export function encodeSignatures(signatures: Uint16Array): string {
  const bytes = Buffer.alloc(signatures.length * 2);
  for (let i = 0; i < signatures.length; i++) bytes.writeUInt16LE(signatures[i]!, i * 2);
  return bytes.toString('base64');
}

/** The inverse of {@link encodeSignatures}; throws when the data is not whole signatures. */
export function decodeSignatures(base64: string): Uint16Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % (SIGNATURE_BINS * 2) !== 0) {
    throw new Error(
      `sketch signatures must be whole ${SIGNATURE_BINS}-bin signatures; got ${bytes.length} bytes`,
    );
  }
  const out = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt16LE(i * 2);
  return out;
}
