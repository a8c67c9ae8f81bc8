/**
 * Finds PII-like strings in free text: payment card numbers that pass the Luhn check, IBANs with valid check
 * digits (and valid national checks where the country has one, via ibantools), Mexican CLABE account numbers
 * with a valid control digit, email addresses and phone numbers (international `+` numbers, Spanish 9-digit
 * numbers starting 6-9, Mexican 10-digit numbers, with or without the 34/52 country code).
 *
 * Check digits keep false alarms rare: a random 16-digit reference passes Luhn 1 time in 10, a random IBAN-shaped
 * string passes mod-97 1 time in 97. Phone numbers have no check digit, so only phone-shaped digit runs count.
 */
import { countrySpecs, isValidIBAN } from 'ibantools';
import { allTexts, labelOf, type TextItem } from './tokens.ts';

export const PII_KINDS = ['card', 'iban', 'clabe', 'email', 'phone'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** One PII-like string: its kind and where it is (the value itself is never reported). */
export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const IBAN_SHAPE = /\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}/g;
/** A run of 9 to 23 digits, single spaces, dashes, dots or brackets between them, maybe a leading `+`. */
// Each separator has one way to match, so a failing run backtracks linearly, never exponentially.
const DIGIT_RUN = /(?<![\w+])\+?\(?\d(?:(?:[ .-]|\)[ .-]?|[ .-]?\()?\d){8,22}(?!\w)/g;
const CLABE_WEIGHTS = [3, 7, 1];
/**
 * At least 9 digits anywhere in a text: the gate before the IBAN and digit-run searches. A regex rather than a
 * loop over the characters: the regex engine skips to each digit natively, and the scan of 100k generated
 * conversations (37M characters, 165 texts past the gate) took half the time (BENCHMARKS.md, "Validation").
 * Starting on a digit keeps it linear: a start without one fails at once, and at most 8 starts can scan on.
 */
const NINE_DIGITS = /\d(?:\D*\d){8}/;

/** True when a string of digits passes the Luhn check (payment cards). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** True when 18 digits form a CLABE (Mexican interbank account) with a valid control digit. */
export function clabeValid(digits: string): boolean {
  if (!/^\d{18}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ((digits.charCodeAt(i) - 48) * CLABE_WEIGHTS[i % 3]!) % 10;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(17) - 48;
}

/**
 * True when `text` (spaces allowed) is an IBAN of a known country, of that country's length, with valid check
 * digits (ISO 13616 mod 97) and valid national checks.
 */
export function ibanValid(text: string): boolean {
  return isValidIBAN(text.replace(/\s+/g, '').toUpperCase());
}

/** Every PII-like string in a text, in order of kind then position. */
export function findPii(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  if (text.includes('@')) {
    for (const m of text.matchAll(EMAIL))
      found.push({ kind: 'email', start: m.index, end: m.index + m[0].length });
  }
  // Cheap gate: both IBANs and digit runs need at least 9 digits.
  if (!NINE_DIGITS.test(text)) return found;
  for (const m of text.matchAll(IBAN_SHAPE)) {
    const compact = m[0].replace(/ /g, '').toUpperCase();
    const length = countrySpecs[compact.slice(0, 2)]?.chars;
    // The shape regex is greedy and may run into the next word; the country fixes the real length.
    if (length && compact.length >= length && isValidIBAN(compact.slice(0, length))) {
      found.push({ kind: 'iban', start: m.index, end: m.index + spanOf(m[0], length) });
    }
  }
  for (const m of text.matchAll(DIGIT_RUN)) {
    const kind = classifyDigits(m[0]);
    const start = m.index;
    // The account digits inside an IBAN are not a second finding.
    if (kind && !found.some((f) => f.kind === 'iban' && start < f.end && start >= f.start)) {
      found.push({ kind, start, end: start + m[0].length });
    }
  }
  return found;
}

/** Length of the prefix of `written` that holds `chars` non-space characters. */
function spanOf(written: string, chars: number): number {
  let seen = 0;
  for (let i = 0; i < written.length; i++) {
    if (written[i] !== ' ') seen++;
    if (seen === chars) return i + 1;
  }
  return written.length;
}

function classifyDigits(run: string): PiiKind | null {
  const digits = run.replace(/\D/g, '');
  const n = digits.length;
  if (n >= 13 && n <= 19 && luhnValid(digits)) return 'card';
  if (n === 18 && clabeValid(digits)) return 'clabe';
  if (run.startsWith('+')) return n >= 8 && n <= 15 ? 'phone' : null;
  if (n === 9 && /^[6-9]/.test(digits)) return 'phone';
  if (n === 10) return 'phone';
  if (n === 11 && digits.startsWith('34') && /^[6-9]/.test(digits.slice(2))) return 'phone';
  if (n === 12 && digits.startsWith('52')) return 'phone';
  return null;
}

/** What a privacy scan of a dataset found. */
export interface PiiScan {
  /** 1 for each item with at least one PII-like string in any turn. */
  flags: Uint8Array;
  /** Findings by kind, over all items. */
  byKind: Record<PiiKind, number>;
  /** The first flagged items (index, id when it has one, kinds found); never the values themselves. */
  examples: Array<{ item: number; id?: string; kinds: PiiKind[] }>;
}

/** Scans every text of every item (customer and agent turns) for PII-like strings. */
export function scanPii(
  items: readonly TextItem[],
  kind: 'conversations' | 'utterances',
  maxExamples = 20,
): PiiScan {
  const flags = new Uint8Array(items.length);
  const byKind = Object.fromEntries(PII_KINDS.map((k) => [k, 0])) as Record<PiiKind, number>;
  const examples: PiiScan['examples'] = [];
  items.forEach((item, index) => {
    // Most items have no finding: the set is only made for one that has.
    let kinds: Set<PiiKind> | null = null;
    for (const text of allTexts(item, kind)) {
      for (const match of findPii(text)) {
        byKind[match.kind]++;
        kinds ??= new Set();
        kinds.add(match.kind);
      }
    }
    if (!kinds) return;
    flags[index] = 1;
    if (examples.length < maxExamples) {
      const id = labelOf(item, 'conversation_id');
      examples.push({ item: index, ...(id ? { id } : {}), kinds: [...kinds] });
    }
  });
  return { flags, byKind, examples };
}
