import { INTENTS } from '@genesis/schema/catalog/intents';
import { COMPLEXITIES, RESOLUTIONS, SENTIMENTS } from '@genesis/schema/common';
import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../src/language/language.ts';
import { INTENTS_EN } from '../src/llm/local/conversations/intents-en.ts';
import { INTENTS_ES } from '../src/llm/local/conversations/intents-es.ts';
import { expand } from '../src/llm/local/conversations/template.ts';
import { ConversationValues, type Market } from '../src/llm/local/conversations/values.ts';
import { writeConversation } from '../src/llm/local/conversations/writer.ts';

/**
 * The Spanish phrase tables of the local writer (docs/generation.md, "The local writer's phrase tables"):
 * as varied as the English ones, one wording per line, market words only through values, and Spanish to
 * the project's language check.
 */

/** Two lines that differ only in case, spaces or punctuation are the same line. */
function normal(line: string): string {
  return line
    .toLowerCase()
    .replace(/[¿?¡!.,;:\s]+/g, ' ')
    .trim();
}

describe('Spanish intent phrase tables', () => {
  it('has at least 15 openings per intent, and at least 60% as many as English', () => {
    const short = INTENTS.map((intent) => {
      const es = INTENTS_ES[intent.id]!.open.length;
      const en = INTENTS_EN[intent.id]!.open.length;
      return { intent: intent.id, es, en };
    }).filter(({ es, en }) => es < 15 || es < 0.6 * en);
    expect(short).toEqual([]);
  });

  it('has at least 4 detail lines per intent', () => {
    const short = INTENTS.filter((intent) => INTENTS_ES[intent.id]!.details.length < 4).map(
      (intent) => intent.id,
    );
    expect(short).toEqual([]);
  });

  it('repeats no line within an intent', () => {
    const repeated = Object.entries(INTENTS_ES).flatMap(([intent, phrases]) => {
      const seen = new Set<string>();
      return [...phrases.open, ...phrases.details].flatMap((line) => {
        const key = normal(line);
        if (seen.has(key)) return [`${intent}: ${line}`];
        seen.add(key);
        return [];
      });
    });
    expect(repeated).toEqual([]);
  });

  it('gives no two intents the same opening', () => {
    // An opening carries its intent; the same one under two labels would teach a classifier a coin flip.
    // (Detail lines such as "Fueron {amount}." may be shared: they are follow-ups, not the ask.)
    const owner = new Map<string, string>();
    const shared: string[] = [];
    for (const [intent, phrases] of Object.entries(INTENTS_ES)) {
      for (const line of phrases.open) {
        const first = owner.get(normal(line));
        if (first !== undefined && first !== intent) shared.push(`${first} / ${intent}: ${line}`);
        else owner.set(normal(line), intent);
      }
    }
    expect(shared).toEqual([]);
  });

  it('leaves market words and the vosotros forms to the values', () => {
    // A customer in Mexico says celular and never podéis; one in Spain says móvil. Lines that name either
    // outright would put the wrong market's words in a conversation, so they must use {celular}, {pueden}…
    const marketWords =
      /\b(celular|móvil|pesos|euros|checar|chamarra|coche|carro|vosotros|vuestr[oa]s?|podéis|tenéis|habéis|cobráis|aceptáis|mandáis|mandasteis|ayudáis)\b/iu;
    // Codes and names in their own case: "iban" (they went) is a Spanish word too.
    const marketCodes = /\b(MXN|EUR|SPEI|CLABE|IBAN|INE|DNI|NIE|Bizum)\b/u;
    const marketBound = (line: string) => marketWords.test(line) || marketCodes.test(line);
    const found = Object.entries(INTENTS_ES).flatMap(([intent, phrases]) =>
      [...phrases.open, ...phrases.details]
        .filter((line) => marketBound(line.replace(/\{[^}]*\}/g, ' ')))
        .map((line) => `${intent}: ${line}`),
    );
    expect(found).toEqual([]);
  });

  it('gives lines the language check reads as Spanish, each on its own, in both markets', () => {
    const notSpanish: string[] = [];
    for (const [intent, phrases] of Object.entries(INTENTS_ES)) {
      for (const [index, line] of [...phrases.open, ...phrases.details].entries()) {
        for (const market of ['MX', 'ES'] as Market[]) {
          const rng = new Random(`es-line:${intent}:${index}:${market}`);
          const voice = { language: 'es', market, agentTu: true, customerVosotros: false } as const;
          const text = expand(line, rng, new ConversationValues(voice, rng));
          const language = detectLanguage(text);
          if (language !== 'es') notSpanish.push(`${intent} (${language}): ${text}`);
        }
      }
    }
    expect(notSpanish).toEqual([]);
  });

  it('writes Spanish conversations the language check reads as Spanish, first turn and whole', () => {
    const notSpanish: string[] = [];
    for (const [index, intent] of INTENTS.entries()) {
      for (let i = 0; i < 6; i++) {
        const conversation = writeConversation(
          {
            slot: `es-${index}-${i}`,
            intent: intent.id,
            category: intent.category,
            language: 'es',
            region: i % 2 ? 'MX' : 'ES',
            sentiment: SENTIMENTS[i % 3]!,
            complexity: COMPLEXITIES[(i + index) % 3]!,
            resolution: RESOLUTIONS[(i + 2 * index) % 3]!,
            turns: 2 + ((i + index) % 9),
          },
          new Random(`es-conversation:${intent.id}:${i}`),
        );
        const first = conversation.turns[0]!.text;
        const whole = conversation.turns.map((turn) => turn.text).join('\n');
        if (detectLanguage(first) !== 'es') notSpanish.push(`${intent.id} first turn: ${first}`);
        if (detectLanguage(whole) !== 'es') notSpanish.push(`${intent.id} conversation: ${whole}`);
      }
    }
    expect(notSpanish).toEqual([]);
  });

  it('opens Spanish conversations with at least 15 different asks per intent', () => {
    // The ask alone (no greeting or lead-in): 60 draws of an intent's openings, expanded with values.
    const few = INTENTS.map((intent) => {
      const asks = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const rng = new Random(`es-ask:${intent.id}:${i}`);
        const voice = {
          language: 'es',
          market: i % 2 ? 'MX' : 'ES',
          agentTu: true,
          customerVosotros: false,
        } as const;
        const line = rng.pick(INTENTS_ES[intent.id]!.open);
        asks.add(expand(line, rng, new ConversationValues(voice, rng)));
      }
      return { intent: intent.id, distinct: asks.size };
    }).filter(({ distinct }) => distinct < 15);
    expect(few).toEqual([]);
  });
});
