/**
 * The local provider's answer to an LLM-judge prompt (docs/curation.md, "LLM judge"): a deterministic
 * HEURISTIC judge, so `genesis judge` works offline and in tests. It is not a language model and scores much
 * more coarsely than one:
 * - label faithfulness: the rank of the labelled intent among the 77 by weighted word overlap of the customer
 *   side with each intent's phrase tables (the local writer's own, so it favours text like the writer's);
 * - customer naturalness: length, word variety, and shouting or repeated characters;
 * - agent quality: an agent side exists, says enough, and mentions the customer's matter;
 * - language and register: function words of the labelled language against the other language's, and rude
 *   words.
 */
import {
  JUDGE_CRITERIA,
  type JudgedItem,
  type JudgeItem,
  type JudgeRequest,
} from '@genesis/schema/judge';
import { INTENTS_EN } from './conversations/intents-en.ts';
import { INTENTS_ES } from './conversations/intents-es.ts';
import type { IntentTable } from './conversations/types.ts';

const FUNCTION_WORDS = {
  en: new Set(
    'the a an i my me is are was it to of and you your can have has do does not my for with on in this that what how why when please'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el la los las un una yo mi me es son fue lo de del y usted su puedo tengo tiene no por para con en este esta que qué cómo cuándo porque favor'.split(
      ' ',
    ),
  ),
} as const;

const RUDE = /\b(idiot|stupid|shut up|damn|idiota|estúpid[oa]|cállate|mierda)\b/i;

function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .match(/\p{L}{2,}/gu) ?? []
  );
}

/** Each intent's vocabulary (from its phrase tables), and each word's weight: log(77 / intents using it). */
interface Vocabulary {
  byIntent: Map<string, Set<string>>;
  weight: Map<string, number>;
}

const vocabularies = new Map<string, Vocabulary>();

function vocabulary(language: 'en' | 'es'): Vocabulary {
  let vocab = vocabularies.get(language);
  if (vocab) return vocab;
  const table: IntentTable = language === 'es' ? INTENTS_ES : INTENTS_EN;
  const byIntent = new Map<string, Set<string>>();
  const used = new Map<string, number>();
  for (const [intent, phrases] of Object.entries(table)) {
    // Template syntax (`[a|b]`, `{value}`) reads as separators; the alternatives all count.
    const set = new Set(
      words(
        [...phrases.open, ...phrases.details, ...phrases.topic].join(' ').replace(/\{\w+\}/g, ' '),
      ),
    );
    for (const w of FUNCTION_WORDS[language]) set.delete(w);
    byIntent.set(intent, set);
    for (const w of set) used.set(w, (used.get(w) ?? 0) + 1);
  }
  const weight = new Map<string, number>();
  for (const [w, n] of used) weight.set(w, Math.log(byIntent.size / n));
  vocab = { byIntent, weight };
  vocabularies.set(language, vocab);
  return vocab;
}

function score(value: number, reason: string) {
  return { score: Math.max(1, Math.min(5, Math.round(value))), reason };
}

function labelFaithfulness(item: JudgeItem, customer: string) {
  const language = item.language === 'es' ? 'es' : 'en';
  const vocab = vocabulary(language);
  if (!item.intent || !vocab.byIntent.has(item.intent)) {
    return score(3, 'unknown intent label: not judged against the catalog');
  }
  const tokens = new Set(words(customer));
  const overlap = (intent: string) => {
    let sum = 0;
    for (const w of vocab.byIntent.get(intent)!) if (tokens.has(w)) sum += vocab.weight.get(w)!;
    return sum;
  };
  const own = overlap(item.intent);
  let rank = 1;
  let best = item.intent;
  let bestScore = own;
  for (const intent of vocab.byIntent.keys()) {
    if (intent === item.intent) continue;
    const s = overlap(intent);
    if (s > own) rank++;
    if (s > bestScore) {
      best = intent;
      bestScore = s;
    }
  }
  if (own === 0) return score(1, `no wording of ${item.intent} in the customer side`);
  const value = rank === 1 ? 5 : rank <= 3 ? 4 : rank <= 10 ? 3 : rank <= 25 ? 2 : 1;
  return score(
    value,
    rank === 1
      ? `the customer side reads as ${item.intent} (best of 77 by phrase overlap)`
      : `${item.intent} ranks ${rank} of 77 by phrase overlap; closest is ${best}`,
  );
}

function customerNaturalness(customer: string[]) {
  const text = customer.join(' ');
  const all = words(text);
  if (all.length === 0) return score(1, 'the customer says nothing');
  if (/(.)\1{4,}/.test(text) || /\b[A-Z]{6,}\b/.test(text))
    return score(2, 'shouting or repeated characters');
  const variety = new Set(all).size / all.length;
  if (all.length >= 12 && variety < 0.45) return score(2, 'the customer repeats the same words');
  if (all.length < 4) return score(3, 'very short customer side');
  if (all.length > 400) return score(3, 'a very long customer side for a support chat');
  const opening = customer[0] ?? '';
  const detailed = customer.length > 1 || /\d|\?/.test(opening);
  return detailed
    ? score(5, 'plausible wording and length, with a question or details')
    : score(4, 'plausible wording and length');
}

function agentQuality(agent: string[], customer: string) {
  if (agent.length === 0) return null;
  const said = words(agent.join(' '));
  if (said.length < 6) return score(2, 'the agent says too little to help');
  const customerWords = new Set(words(customer).filter((w) => w.length >= 5));
  const echoed = said.filter((w) => customerWords.has(w)).length;
  if (echoed === 0) return score(3, "the agent never refers to the customer's matter");
  return agent.length >= 2 || said.length >= 25
    ? score(5, "the agent addresses the customer's matter with concrete steps")
    : score(4, "the agent addresses the customer's matter briefly");
}

function languageRegister(item: JudgeItem, all: string) {
  const label = item.language === 'es' ? 'es' : item.language === 'en' ? 'en' : null;
  if (RUDE.test(all)) return score(2, 'rude or insulting wording');
  if (!label) return score(3, 'no language label to check against');
  const other = label === 'en' ? 'es' : 'en';
  let own = 0;
  let foreign = 0;
  for (const w of words(all)) {
    if (FUNCTION_WORDS[label].has(w)) own++;
    if (FUNCTION_WORDS[other].has(w)) foreign++;
  }
  if (own + foreign < 3) return score(3, 'too few words to tell the language');
  const share = own / (own + foreign);
  if (share < 0.4) return score(1, `written mostly in ${other}, labelled ${label}`);
  if (share < 0.75) return score(3, `mixes ${label} and ${other}`);
  return score(5, `in ${label} throughout, with a service register`);
}

/** Scores one item against the rubric, deterministically. */
export function judgeItemLocally(item: JudgeItem): JudgedItem {
  const turns = Array.isArray(item.turns) ? item.turns : [];
  const customer = turns.filter((t) => t.speaker === 'customer').map((t) => String(t.text));
  const agent = turns.filter((t) => t.speaker === 'agent').map((t) => String(t.text));
  const customerText = customer.join(' ');
  return {
    id: item.id,
    label_faithfulness: labelFaithfulness(item, customerText),
    customer_naturalness: customerNaturalness(customer),
    agent_quality: agentQuality(agent, customerText),
    language_register: languageRegister(item, turns.map((t) => t.text).join(' ')),
  };
}

/** The local answer to a judge request: `{"scores": [...]}`, one entry per item, the rubric's criteria only. */
export function answerJudge(request: JudgeRequest): { scores: JudgedItem[] } {
  const asked = new Set(request.rubric?.length ? request.rubric : JUDGE_CRITERIA);
  return {
    scores: request.items.map((item) => {
      const judged = judgeItemLocally(item);
      // A criterion left out of the rubric is still answered (the contract has all four) but marks its reason.
      for (const c of JUDGE_CRITERIA) {
        const s = judged[c];
        if (!asked.has(c) && s) s.reason = `${s.reason} (not asked)`;
      }
      return judged;
    }),
  };
}
