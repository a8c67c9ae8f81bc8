import type { Random } from '@genesis/schema/random';
/**
 * How real customers actually type: lower case, dropped apostrophes and accents, text-speak, the odd typo.
 * Upset customers type more carelessly, so the writer asks for more of it when the sentiment is negative.
 */

/** How carelessly one customer writes, decided once per conversation. */
export interface Register {
  lowercase: boolean;
  /** Drops apostrophes (en) or accents and opening ¿¡ (es). */
  sloppy: boolean;
  textSpeak: boolean;
  /** Probability that a word of 4+ letters gets a typo. */
  typoRate: number;
  /** Drops the final full stop. */
  noFinalStop: boolean;
}

/** Draws a register: the negative customer is the most careless, the positive one the least. */
export function drawRegister(
  rng: Random,
  sentiment: 'positive' | 'neutral' | 'negative',
): Register {
  const care = { positive: 0.6, neutral: 1, negative: 1.8 }[sentiment];
  return {
    lowercase: rng.chance(0.15 * care),
    sloppy: rng.chance(0.18 * care),
    textSpeak: rng.chance(0.08 * care),
    typoRate: rng.chance(0.3 * care) ? 0.04 * care : 0,
    noFinalStop: rng.chance(0.3),
  };
}

const EN_TEXT_SPEAK: readonly [RegExp, string][] = [
  [/\byou\b/g, 'u'],
  [/\byour\b/g, 'ur'],
  [/\bplease\b/gi, 'pls'],
  [/\bthanks\b/gi, 'thx'],
  [/\bbecause\b/g, 'cuz'],
  [/\bare\b/g, 'r'],
];

const ES_TEXT_SPEAK: readonly [RegExp, string][] = [
  [/\bque\b/g, 'q'],
  [/\bpor favor\b/gi, 'porfa'],
  [/\bporque\b/g, 'xq'],
  // \b is ASCII-only, so words ending in an accented letter need a Unicode lookahead.
  [/\bpor qué(?!\p{L})/giu, 'xq'],
  [/\btambién(?!\p{L})/gu, 'tmb'],
  [/\bgracias\b/gi, 'grax'],
];

/** One typo: swap two letters, drop one, or double one. */
function typo(word: string, rng: Random): string {
  const i = rng.int(1, word.length - 2);
  switch (rng.int(0, 2)) {
    case 0:
      return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    default:
      return word.slice(0, i) + word[i] + word.slice(i);
  }
}

/** Applies a register to one customer message. */
export function roughen(
  text: string,
  language: 'en' | 'es',
  register: Register,
  rng: Random,
): string {
  let out = text;
  if (register.textSpeak) {
    for (const [pattern, short] of language === 'en' ? EN_TEXT_SPEAK : ES_TEXT_SPEAK) {
      if (rng.chance(0.6)) out = out.replace(pattern, short);
    }
  }
  if (register.sloppy) {
    out =
      language === 'en'
        ? out.replace(/[’']/g, '')
        : out
            .normalize('NFD')
            .replace(/(?!\u0303)[\u0300-\u036f]/g, '')
            .normalize('NFC')
            .replace(/[¿¡]/g, '');
  }
  if (register.typoRate > 0) {
    // Words with digits or symbols (amounts, codes) keep their shape: a typo there changes the facts.
    out = out.replace(/\p{L}{4,}/gu, (word) =>
      rng.chance(register.typoRate) ? typo(word, rng) : word,
    );
  }
  if (register.lowercase) out = out.toLowerCase();
  if (register.noFinalStop) out = out.replace(/\.$/, '');
  return out;
}
