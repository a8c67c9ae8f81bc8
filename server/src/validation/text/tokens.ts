/**
 * Text folding and tokenising shared by every text metric and by reference profiles, so a dataset and its
 * reference are always cut into words the same way.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const CURLY_APOSTROPHES = /[\u2018\u2019\u02bc]/g;
/** Anything but printable ASCII, tabs and line breaks: such text takes the full Unicode path. */
const NON_ASCII = /[^\t\n\r -~]/;
/** Letters and digits, with inner apostrophes kept (`i've`, `don't`). */
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
/** The same on ASCII text, where a non-Unicode regex is about 1.5 times faster. */
const ASCII_WORD = /[a-z0-9]+(?:'[a-z0-9]+)*/g;

/** Characters outside Latin-1 and the curly apostrophes: text with one takes the full Unicode path. */
const BEYOND_LATIN1 = /[\u0100-\u02bb\u02bd-\u2017\u201a-\uffff]/;
/** Each Latin-1 character folded on its own by the full path (one character each: `Á` → `a`, `¿` → `¿`). */
const LATIN1_FOLDED = Uint16Array.from({ length: 256 }, (_, c) =>
  String.fromCharCode(c).normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().charCodeAt(0),
);
const folding = new Uint16Array(1024);

/**
 * Case- and accent-folds a text: lowercase, diacritics removed (`Qué` → `que`, `ñ` → `n`), curly apostrophes
 * made straight. Folding accents makes `tarjeta`/`tarjéta` typos and unaccented Spanish count as one word.
 */
export function foldText(text: string): string {
  // Most text is plain ASCII, where only the case needs folding.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  // Spanish text is Latin-1 (with curly apostrophes): folded character by character, as the full path would
  // (each such character decomposes into at most a letter and one combining mark, so nothing reorders).
  if (text.length <= folding.length && !BEYOND_LATIN1.test(text)) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      folding[i] = c < 256 ? LATIN1_FOLDED[c]! : 39;
    }
    return String.fromCharCode.apply(null, folding.subarray(0, text.length) as unknown as number[]);
  }
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(CURLY_APOSTROPHES, "'")
    .toLowerCase();
}

/** The folded words of a text, in order. Punctuation and spacing are dropped. */
export function tokenize(text: string): string[] {
  const folded = foldText(text);
  return folded.match(NON_ASCII.test(folded) ? WORD : ASCII_WORD) ?? [];
}

/** What `WORD` counts as a word character, for each character below U+0100 (`a`, `7`, `ª`, `²`; not `¿`). */
const LATIN1_WORD_CHAR = Uint8Array.from({ length: 256 }, (_, c) =>
  /[\p{L}\p{N}]/u.test(String.fromCharCode(c)) ? 1 : 0,
);
const APOSTROPHE = 39;

/**
 * The words {@link tokenize} finds in an already folded text, as offsets: word k is `folded.slice(spans[2k],
 * spans[2k + 1])`. Returns the number of words, or -1 when the text holds a character beyond Latin-1 (only the
 * Unicode regex classifies those: use `tokenize`). `spans` needs room for `folded.length + 1` numbers.
 *
 * The corpus reads every customer word of a dataset through this (100k conversations hold millions of words):
 * offsets let it look a word up and hash its characters without a string per word.
 */
export function wordSpans(folded: string, spans: Int32Array): number {
  const n = folded.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = folded.charCodeAt(i);
    if (c > 0xff) return -1;
    if (LATIN1_WORD_CHAR[c] === 0) {
      i++;
      continue;
    }
    const start = i;
    // A word: word characters, and each apostrophe followed by one (`don't`; not the end of `dogs'`).
    for (i++; i < n; i++) {
      const d = folded.charCodeAt(i);
      if (d > 0xff) return -1;
      if (LATIN1_WORD_CHAR[d] === 1) continue;
      if (d !== APOSTROPHE || i + 1 >= n) break;
      const e = folded.charCodeAt(i + 1);
      if (e > 0xff) return -1;
      if (LATIN1_WORD_CHAR[e] === 0) break;
    }
    spans[2 * count] = start;
    spans[2 * count + 1] = i;
    count++;
  }
  return count;
}

/** Anything that may be a conversation or an utterance; fields are read defensively (data may be dirty). */
export type TextItem = Record<string, unknown>;

/** The turns of a conversation-like record, or [] when it has none. */
export function turnsOf(item: TextItem): Array<{ speaker: unknown; text: string }> {
  const turns = item.turns;
  if (!Array.isArray(turns)) return [];
  const out: Array<{ speaker: unknown; text: string }> = [];
  for (const turn of turns) {
    if (turn !== null && typeof turn === 'object') {
      const { speaker, text } = turn as Record<string, unknown>;
      out.push({ speaker, text: typeof text === 'string' ? text : '' });
    }
  }
  return out;
}

/**
 * The customer's side of an item: every customer turn of a conversation, or an utterance's text. This is what
 * an intent classifier learns from and what a Banking77-style reference holds, so diversity, copy detection
 * and vocabulary are measured on it. The first entry is the opening request.
 */
export function customerTexts(item: TextItem, kind: 'conversations' | 'utterances'): string[] {
  const out: string[] = [];
  customerTextsInto(item, kind, out);
  return out;
}

/**
 * {@link customerTexts} into `out` (emptied first), without a turn object per turn; returns the item's turn
 * count as `turnsOf` gives it (0 for utterances). For the corpus, which reads every item of a dataset.
 */
export function customerTextsInto(
  item: TextItem,
  kind: 'conversations' | 'utterances',
  out: string[],
): number {
  out.length = 0;
  if (kind === 'utterances') {
    if (typeof item.text === 'string' && item.text) out.push(item.text);
    return 0;
  }
  const turns = item.turns;
  if (!Array.isArray(turns)) return 0;
  let count = 0;
  for (const turn of turns) {
    if (turn === null || typeof turn !== 'object') continue;
    count++;
    const { speaker, text } = turn as Record<string, unknown>;
    if (speaker === 'customer' && typeof text === 'string' && text) out.push(text);
  }
  return count;
}

/** Every text of an item (customer and agent turns, or the utterance): what the privacy scan reads. */
export function allTexts(item: TextItem, kind: 'conversations' | 'utterances'): string[] {
  if (kind === 'utterances') return typeof item.text === 'string' ? [item.text] : [];
  return turnsOf(item).map((turn) => turn.text);
}

/** A string label of an item, or null when absent or not a string. */
export function labelOf(item: TextItem, field: string): string | null {
  const value = item[field];
  return typeof value === 'string' && value !== '' ? value : null;
}
