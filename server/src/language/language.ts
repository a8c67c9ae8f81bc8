/**
 * Language identification for the language check, with ELD (Efficient Language Detector, `eld` on npm): an
 * n-gram detector in plain JavaScript, offline, one of the fastest non-compiled ones at accuracy close to
 * CLD3. The `small` database is used: on this project's texts it was as accurate as `large` (no error on the
 * 10k Banking77 queries and 20k generated conversations) and loads in a third of the time.
 *
 * The question the validation asks is only "English or Spanish, as labelled?", so {@link detectLanguage} scores
 * those two languages alone: ELD's own text processing and n-gram database, restricted to the n-grams that carry
 * an English or a Spanish score (about 7,000 of its 81,000), with the decision ELD's `detect` makes under
 * `setLanguageSubset(['en', 'es'])`. The answer is the same as ELD's on every text (the validation tests compare
 * both on generated conversations and edge cases), at a fraction of the cost: ELD scores all 60 languages of
 * every n-gram and then drops 58 (docs/validation.md, "Where the work runs").
 */
import { LANGUAGES, type Language } from '@genesis/schema/common';
import { eld } from 'eld/small';

// An instance of our own, so another user of eld in the process can keep its own language subset.
const detector = eld.newInstance();
// Only the labels a conversation can carry compete: the question is "English or Spanish, as labelled?".
detector.setLanguageSubset([...LANGUAGES]);

/**
 * ELD's internals the restricted scorer reuses: its word separators, its byte dictionary and its n-gram
 * database. They are modules of the package that `eld/small` itself loaded, so this costs no second parse; the
 * package does not export them by name, hence the path next to its `small` entry.
 */
const eldFile = (path: string) => new URL(path, import.meta.resolve('eld/small')).href;
const { separators } = (await import(eldFile('../regexPatterns.js'))) as { separators: RegExp };
const { dictionary } = (await import(eldFile('../dictionary.js'))) as { dictionary: string[] };
const { ngramsData } = (await import(eldFile('../ngrams/small.js'))) as {
  ngramsData: { languages: Record<string, string>; ngrams: Record<string, Record<string, number>> };
};

/**
 * The n-grams with an English or a Spanish score, numbered; for n-gram k, the points ELD adds to English and to
 * Spanish: the database's score plus its base of 53, or 0 where the n-gram has no score for that language.
 *
 * An n-gram is found without building its string: its characters (3 to 6, each under 256, as ELD's byte
 * dictionary makes them) are packed 8 bits each into two integers (`lo`: characters 0-2, `hi`: 3-5) and looked
 * up in an open-addressing table.
 */
const SLOT_BITS = 15;
const SLOTS = 1 << SLOT_BITS;
const slotLo = new Int32Array(SLOTS);
const slotHi = new Int32Array(SLOTS);
const slotId = new Int32Array(SLOTS).fill(-1);

/** The slot of a packed n-gram: where it is, or the empty slot where it goes. */
function slotOf(lo: number, hi: number): number {
  let slot = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> (32 - SLOT_BITS);
  while (slotId[slot] !== -1 && (slotLo[slot] !== lo || slotHi[slot] !== hi)) {
    slot = (slot + 1) & (SLOTS - 1);
  }
  return slot;
}

const { EN_POINTS, ES_POINTS } = (() => {
  const code = (language: string) =>
    Object.keys(ngramsData.languages).find((key) => ngramsData.languages[key] === language)!;
  const en = code('en');
  const es = code('es');
  const enPoints: number[] = [];
  const esPoints: number[] = [];
  for (const ngram in ngramsData.ngrams) {
    const scores = ngramsData.ngrams[ngram]!;
    const a = scores[en];
    const b = scores[es];
    if (a === undefined && b === undefined) continue;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < ngram.length; k++) {
      const c = ngram.charCodeAt(k);
      if (ngram.length > 6 || c > 0xff) {
        // eld is pinned; a database this packing cannot hold would need the packing changed.
        throw new Error(
          `eld's n-gram ${JSON.stringify(ngram)} does not fit 6 characters of 8 bits`,
        );
      }
      if (k < 3) lo |= c << (8 * k);
      else hi |= c << (8 * (k - 3));
    }
    const slot = slotOf(lo, hi);
    slotLo[slot] = lo;
    slotHi[slot] = hi;
    slotId[slot] = enPoints.length;
    enPoints.push(a === undefined ? 0 : a + 53);
    esPoints.push(b === undefined ? 0 : b + 53);
  }
  return { EN_POINTS: Int32Array.from(enPoints), ES_POINTS: Int32Array.from(esPoints) };
})();
/** The text each n-gram was last counted for: ELD counts a distinct n-gram once per text. */
const countedIn = new Uint32Array(EN_POINTS.length);
let textNumber = 0;
/** The current text's English and Spanish points. */
let enScore = 0;
let esScore = 0;

/**
 * Counts the n-gram `word[from, to)`, with a leading space when `lead` and a trailing one when `trail`, unless
 * the text counted it already. N-grams longer than 6 characters are in no language's table.
 */
function countNgram(word: string, from: number, to: number, lead: boolean, trail: boolean): void {
  if ((lead ? 1 : 0) + (to - from) + (trail ? 1 : 0) > 6) return;
  let lo = 0;
  let hi = 0;
  let k = 0;
  if (lead) {
    lo = 32;
    k = 1;
  }
  for (let i = from; i < to; i++, k++) {
    if (k < 3) lo |= word.charCodeAt(i) << (8 * k);
    else hi |= word.charCodeAt(i) << (8 * (k - 3));
  }
  if (trail) {
    if (k < 3) lo |= 32 << (8 * k);
    else hi |= 32 << (8 * (k - 3));
  }
  const id = slotId[slotOf(lo, hi)]!;
  if (id < 0 || countedIn[id] === textNumber) return;
  countedIn[id] = textNumber;
  enScore += EN_POINTS[id]!;
  esScore += ES_POINTS[id]!;
}

/**
 * ELD's words of a text, each counted ({@link countWord}) as it is cut: separators to spaces, lower case, UTF-8
 * bytes as its dictionary's characters, cut at the first space after 350 bytes or after any character past 380
 * (ELD's `textProcessor`). An ASCII word (most words) is counted where it stands in the text, without a string of
 * its own: making each its own string took about 30% of the language check (BENCHMARKS.md, "Validation"). A word
 * with other characters is encoded byte by byte first.
 */
function countWords(text: string): void {
  const str = separateWords(text.substring(0, 1000)).trim().toLowerCase();
  // The current word: `encoded` (its non-ASCII part so far) then str[run..i).
  let encoded = '';
  let run = 0;
  let bytes = 0;
  let i = 0;
  for (; i < str.length; i++) {
    let c = str.charCodeAt(i);
    if (c < 0x80) {
      if (c === 32) {
        if (encoded !== '') countWord(encoded + str.slice(run, i), 0, encoded.length + i - run);
        else if (run < i) countWord(str, run, i);
        encoded = '';
        run = i + 1;
        if (bytes > 350) return;
      }
      bytes++;
      if (bytes > 380) {
        i++;
        break;
      }
      continue;
    }
    encoded += str.slice(run, i);
    if (c < 0x800) {
      encoded += dictionary[0xc0 | (c >> 6)]! + dictionary[0x80 | (c & 0x3f)]!;
      bytes += 2;
    } else if (c < 0xd800 || c >= 0xe000) {
      encoded +=
        dictionary[0xe0 | (c >> 12)]! +
        dictionary[0x80 | ((c >> 6) & 0x3f)]! +
        dictionary[0x80 | (c & 0x3f)]!;
      bytes += 3;
    } else {
      i++;
      c = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(i) & 0x3ff));
      encoded +=
        dictionary[0xf0 | (c >> 18)]! +
        dictionary[0x80 | ((c >> 12) & 0x3f)]! +
        dictionary[0x80 | ((c >> 6) & 0x3f)]! +
        dictionary[0x80 | (c & 0x3f)]!;
      bytes += 4;
    }
    run = i + 1;
    if (bytes > 380) {
      i++;
      break;
    }
  }
  const last = Math.min(i, str.length);
  if (encoded !== '') countWord(encoded + str.slice(run, last), 0, encoded.length + last - run);
  else if (run < last) countWord(str, run, last);
}

/**
 * Counts ELD's n-grams of the word `s[start, end)`: 4 characters every 3 (the first marked by a leading space),
 * then the last 4 to the word's end with a trailing space (a whole word of 3 or fewer characters). Only the first
 * 70 characters are cut into n-grams; the last n-gram of a longer word is longer than 6 and so in no table.
 */
function countWord(s: string, start: number, end: number): void {
  const length = Math.min(end - start, 70);
  let j = 0;
  for (; j + 4 < length; j += 3) countNgram(s, start + j, start + j + 4, j === 0, false);
  countNgram(s, start + (length !== 3 ? Math.max(0, length - 4) : 0), end, j === 0, true);
}

/** ELD's separator regex: runs of non-letters, not ending on an apostrophe (', ` or ’), are one space each. */
const SEPARATOR_SHAPE = /^\[\^(.*)\]\+\(\?<!\[\\x27\\x60\\u2019\]\)$/s;

/**
 * Per UTF-16 code unit, 1 for the letters of ELD's separator regex (its own list of BMP letters); surrogates are
 * 0, as the code points they make are outside its list. Null when the regex is not of the shape this reads (an
 * engine without lookbehind gets a simpler one from ELD): the regex itself cuts the words then.
 */
const ELD_LETTER = (() => {
  const shape = SEPARATOR_SHAPE.exec(separators.source);
  if (!shape || separators.flags !== 'gu') return null;
  const letter = new RegExp(`^[${shape[1]}]$`, 'u');
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if ((c < 0xd800 || c > 0xdfff) && letter.test(String.fromCharCode(c))) table[c] = 1;
  }
  return table;
})();

const isApostrophe = (c: number) => c === 0x27 || c === 0x60 || c === 0x2019;

/**
 * `text.replace(separators, ' ')`, ELD's first step, by a scan: each run of non-letters becomes one space, but a
 * run's trailing apostrophes stay (the regex's lookbehind gives the match up to the last non-apostrophe), and a
 * run of apostrophes only stays as it is. The same string as the regex (a test compares them), in about a third
 * of the time.
 */
export function separateWords(text: string): string {
  const letters = ELD_LETTER;
  if (!letters) return text.replace(separators, ' ');
  const n = text.length;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < n) {
    if (letters[text.charCodeAt(i)] === 1) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && letters[text.charCodeAt(j)] !== 1) j++;
    let end = j;
    while (end > i && isApostrophe(text.charCodeAt(end - 1))) end--;
    if (end > i) {
      out += `${text.slice(copied, i)} `;
      copied = end;
    }
    i = j;
  }
  return copied === 0 && out === '' ? text : out + text.slice(copied);
}

/** ELD's separator regex, for the test that compares {@link separateWords} with it. */
export const ELD_SEPARATORS: RegExp = separators;

/**
 * The language (`en` or `es`) a text is written in, or null when it can't tell (no letters, or no n-gram of
 * either language): ELD's answer with the subset en/es, computed on those two languages only. Each distinct
 * n-gram counts once, as in ELD; English wins a tie, as ELD's first-listed language does.
 */
export function detectLanguage(text: string): Language | null {
  // A new number per text marks what it counted (wrapping after 2^32 texts, with the marks reset).
  textNumber = (textNumber + 1) >>> 0;
  if (textNumber === 0) {
    countedIn.fill(0);
    textNumber = 1;
  }
  enScore = 0;
  esScore = 0;
  countWords(text);
  if (enScore > 0 && enScore >= esScore) return 'en';
  return esScore > 0 ? 'es' : null;
}

/** ELD's own answer with the subset en/es: what {@link detectLanguage} must equal (the tests compare them). */
export function eldLanguage(text: string): Language | null {
  const found = detector.detect(text).language;
  return found === 'en' || found === 'es' ? found : null;
}

/**
 * The language of a text only when it is clear: enough letters, ELD reliable, and one language scoring well
 * above the other. The generation runner rejects an answer in the wrong language with it, so a doubtful text
 * (short, mixed, full of names) is never held against the model.
 */
export function clearLanguage(text: string): Language | null {
  if ((text.match(/\p{L}/gu)?.length ?? 0) < 12) return null;
  const result = detector.detect(text);
  if (!result.isReliable()) return null;
  const scores = result.getScores() as Partial<Record<Language, number>>;
  const en = scores.en ?? 0;
  const es = scores.es ?? 0;
  if (en > es * 1.5) return 'en';
  if (es > en * 1.5) return 'es';
  return null;
}

/** The language of every text, in order ({@link detectLanguage}). */
export function detectLanguages(texts: readonly string[]): (Language | null)[] {
  return texts.map(detectLanguage);
}
