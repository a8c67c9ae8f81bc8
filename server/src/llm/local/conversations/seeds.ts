/**
 * Seeded first messages (docs/curation.md, "Augment", seeded generation): when a slot carries real customer
 * messages of its intent (`examples`, the few-shot seeds an augmentation passes from the run's own training
 * data), the local writer can open with a variation of them instead of a phrase-table ask, the way a language
 * model shown those examples would: it keeps their vocabulary and register, and recombines phrases across the
 * seeds of the same intent. Nothing else about the data is used: only the seeds given and the hand-written
 * tables below.
 */
import type { Random } from '@genesis/schema/random';

/** How a seeded opening was made (kept for tests and for the share of each kind). */
export type SeedMove = 'crossover' | 'splice' | 'substitute' | 'frame';

/**
 * Interchangeable wordings of everyday banking English (hand-written; each group's entries can replace one
 * another in a customer message without changing what it asks about).
 */
const SYNONYMS_EN: readonly (readonly string[])[] = [
  ['money', 'funds', 'cash'],
  ['account', 'acct'],
  ['app', 'application'],
  ['card', 'debit card'],
  ['transfer', 'transaction', 'payment'],
  ['top up', 'top-up', 'topup'],
  ['topped up', 'topped-up'],
  ['withdraw', 'take out', 'get'],
  ['withdrawal', 'cash withdrawal'],
  ['ATM', 'cash machine', 'atm'],
  ['why', 'how come'],
  ['how do i', 'how can i', 'how should i'],
  ['can i', 'am i able to', 'is it possible to'],
  ['i want to', 'i would like to', 'i need to', "i'd like to"],
  ['what is', "what's"],
  ['is there', 'are there'],
  ['not', 'never'],
  ["hasn't", 'has not'],
  ["didn't", 'did not'],
  ["don't", 'do not'],
  ["can't", 'cannot', 'can not'],
  ["isn't", 'is not'],
  ["won't", 'will not'],
  ["doesn't", 'does not'],
  ['received', 'gotten', 'got'],
  ['yet', 'so far'],
  ['still', 'yet'],
  ['charged', 'billed'],
  ['fee', 'charge'],
  ['fees', 'charges'],
  ['refund', 'reimbursement', 'money back'],
  ['help', 'assist'],
  ['please', 'pls'],
  ['wrong', 'incorrect'],
  ['check', 'see'],
  ['need', 'want'],
  ['now', 'right now'],
  ['days', 'days now'],
  ['yesterday', 'the other day', 'last week'],
  ['seller', 'merchant', 'store', 'shop'],
  ['phone', 'mobile'],
  ['buy', 'purchase'],
  ['bought', 'purchased'],
  ['pending', 'still pending'],
  ['declined', 'rejected', 'refused'],
  ['working', 'functioning'],
  ['recently', 'just'],
  ['currency', 'currencies'],
  ['abroad', 'overseas', 'in another country'],
  ['quickly', 'fast'],
];

const SYNONYMS_ES: readonly (readonly string[])[] = [
  ['dinero', 'plata', 'saldo'],
  ['cuenta', 'cuenta bancaria'],
  ['tarjeta', 'tarjeta de débito'],
  ['transferencia', 'pago'],
  ['por qué', 'cómo es que'],
  ['quiero', 'quisiera', 'necesito'],
  ['cómo puedo', 'cómo hago para'],
  ['todavía', 'aún'],
  ['comisión', 'cargo'],
  ['por favor', 'porfa'],
  ['cajero', 'cajero automático'],
  ['ayuda', 'apoyo'],
];

/** Each wording of a language's groups, longest first, with the other wordings it may become. */
function alternatives(groups: readonly (readonly string[])[]): [RegExp, readonly string[]][] {
  const out: [string, string[]][] = [];
  for (const group of groups) {
    for (const phrase of group) out.push([phrase, group.filter((p) => p !== phrase)]);
  }
  out.sort((a, b) => b[0].length - a[0].length);
  return out.map(([phrase, others]) => [
    new RegExp(`(?<![\\p{L}\\p{N}'’])${escapePattern(phrase)}(?![\\p{L}\\p{N}'’])`, 'iu'),
    others,
  ]);
}

function escapePattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "['’]");
}

const ALTERNATIVES = { en: alternatives(SYNONYMS_EN), es: alternatives(SYNONYMS_ES) };

/** Words that make a poor crossover point: they occur everywhere, so the halves would not fit together. */
const FUNCTION_WORDS = new Set(
  'a an the to of and or in on at for my i me is it be was this that with from by as do'.split(' '),
);

const tokens = (text: string) => text.split(/\s+/).filter(Boolean);
const bare = (word: string) => word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Crossover at a shared word: the start of one seed up to a content word both contain, then the rest of the
 * other from that word on ("my card hasn't arrived yet" x "when will the card be delivered" -> "my card be
 * delivered" is avoided by requiring the shared word to sit past the first and before the last token).
 */
function crossover(a: string, b: string, rng: Random): string | null {
  const ta = tokens(a);
  const tb = tokens(b);
  const points: [number, number][] = [];
  for (let i = 1; i < ta.length - 1; i++) {
    const w = bare(ta[i]!);
    if (w.length < 3 || FUNCTION_WORDS.has(w)) continue;
    for (let j = 1; j < tb.length - 1; j++) {
      if (bare(tb[j]!) === w) points.push([i, j]);
    }
  }
  if (points.length === 0) return null;
  const [i, j] = rng.pick(points);
  return [...ta.slice(0, i), ...tb.slice(j)].join(' ');
}

/** Sentences of a message (a seed of two sentences gives two parts). */
function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.?!])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Joins a sentence of one seed to a sentence of another: real messages often state a fact, then ask. */
function splice(a: string, b: string, rng: Random): string | null {
  const sa = sentencesOf(a);
  const sb = sentencesOf(b);
  if (sa.length < 2 && sb.length < 2) return null;
  const first = sa.length > 1 ? sa.slice(0, -1) : sa;
  const last = sb.length > 1 ? sb.slice(1) : sb;
  return `${rng.pick(first)} ${rng.pick(last)}`;
}

/** Replaces up to two wordings by interchangeable ones (hand-written groups above). */
function substituteWords(text: string, language: 'en' | 'es', rng: Random): string {
  let out = text;
  let changed = 0;
  for (const [pattern, others] of rng.shuffle(ALTERNATIVES[language])) {
    if (changed >= 2) break;
    const m = pattern.exec(out);
    if (!m) continue;
    let next = rng.pick(others);
    if (m[0][0] && m[0][0] !== m[0][0].toLowerCase()) next = next[0]!.toUpperCase() + next.slice(1);
    out = out.slice(0, m.index) + next + out.slice(m.index + m[0].length);
    changed++;
  }
  return out;
}

/**
 * A first message varied from the seeds of the slot's intent: a crossover of two seeds at a shared word, a
 * sentence of one joined to a sentence of another, or one seed with interchangeable wordings swapped; a seed
 * may also get a table phrase around it (`frame`: the caller's greeting, lead-in or tail). Returns the text and
 * the move made; never a seed unchanged when a change was possible.
 */
export function seededAsk(
  seeds: readonly string[],
  language: 'en' | 'es',
  rng: Random,
): { text: string; move: SeedMove } {
  const usable = seeds.map((s) => s.trim()).filter(Boolean);
  if (usable.length === 0) throw new RangeError('seededAsk needs at least one seed');
  const a = rng.pick(usable);
  const roll = rng.next();
  if (usable.length > 1 && roll < 0.45) {
    const others = usable.filter((s) => s !== a);
    // A few partners: the first with a shared content word gives the crossover.
    for (const b of rng.shuffle(others).slice(0, 4)) {
      const text = crossover(a, b, rng);
      if (text && text !== a && text !== b) return { text, move: 'crossover' };
    }
  }
  if (usable.length > 1 && roll < 0.6) {
    const b = rng.pick(usable.filter((s) => s !== a));
    const text = splice(a, b, rng);
    if (text) return { text, move: 'splice' };
  }
  const text = substituteWords(a, language, rng);
  return text !== a ? { text, move: 'substitute' } : { text: a, move: 'frame' };
}
