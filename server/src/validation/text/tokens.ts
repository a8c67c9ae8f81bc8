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
  if (kind === 'utterances') return typeof item.text === 'string' && item.text ? [item.text] : [];
  const out: string[] = [];
  for (const turn of turnsOf(item))
    if (turn.speaker === 'customer' && turn.text) out.push(turn.text);
  return out;
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
