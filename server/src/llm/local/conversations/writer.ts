/**
 * The embedded provider's conversation writer: one conversation per slot, composed from the phrase tables
 * of its language, deterministic for the Random it is given, and valid per ConversationSchema by
 * construction (customer first, alternating speakers, exactly `slot.turns` turns, the slot's labels).
 */
import { getIntent } from '@genesis/schema/catalog/intents';
import { COMPLEXITIES, RESOLUTIONS, SENTIMENTS } from '@genesis/schema/common';
import { type Conversation, MAX_TURNS, type Turn } from '@genesis/schema/conversation';
import type { Random } from '@genesis/schema/random';
import type { ConversationSlot } from '@genesis/schema/request';
import { AGENT_EN } from './agent-en.ts';
import { AGENT_ES } from './agent-es.ts';
import { INTENTS_EN } from './intents-en.ts';
import { INTENTS_ES } from './intents-es.ts';
import { drawRegister, type Register, roughen } from './noise.ts';
import { seededAsk } from './seeds.ts';
import { STYLE_EN } from './style-en.ts';
import { STYLE_ES } from './style-es.ts';
import { capitalize, expand, expandOne } from './template.ts';
import type { AgentPhrases, CustomerStyle, IntentPhrases, IntentTable } from './types.ts';
import { ConversationValues, type Voice } from './values.ts';

/** A conversation as the writer returns it: every field but `generation`, which the runner adds. */
export type WrittenConversation = Omit<Conversation, 'generation'>;

interface LanguageTables {
  intents: IntentTable;
  style: CustomerStyle;
  agent: AgentPhrases;
}

const TABLES: Record<'en' | 'es', LanguageTables> = {
  en: { intents: INTENTS_EN, style: STYLE_EN, agent: AGENT_EN },
  es: { intents: INTENTS_ES, style: STYLE_ES, agent: AGENT_ES },
};

type Sentiment = ConversationSlot['sentiment'];
type Resolution = ConversationSlot['resolution'];

/** Starting emotions by sentiment, ending emotions by resolution and sentiment. */
const START_EMOTIONS: Record<Sentiment, readonly string[]> = {
  positive: ['calm', 'hopeful', 'friendly', 'curious'],
  neutral: ['neutral', 'neutral', 'curious', 'confused'],
  negative: ['frustrated', 'angry', 'worried', 'anxious', 'annoyed'],
};
const END_EMOTIONS: Record<Resolution, Record<Sentiment, readonly string[]>> = {
  resolved: {
    positive: ['satisfied', 'grateful', 'happy'],
    neutral: ['satisfied', 'neutral', 'relieved'],
    negative: ['satisfied', 'relieved', 'calm'],
  },
  unresolved: {
    positive: ['disappointed', 'neutral'],
    neutral: ['disappointed', 'frustrated', 'neutral'],
    negative: ['frustrated', 'angry', 'disappointed'],
  },
  escalated: {
    positive: ['hopeful', 'calm'],
    neutral: ['neutral', 'hopeful', 'impatient'],
    negative: ['impatient', 'frustrated', 'hopeful'],
  },
};

function emotionArc(slot: ConversationSlot, rng: Random): string {
  const start = rng.pick(START_EMOTIONS[slot.sentiment]);
  let end = rng.pick(END_EMOTIONS[slot.resolution][slot.sentiment]);
  // An angry customer left without a fix cools to frustration rather than staying at the same pitch.
  if (slot.resolution === 'unresolved' && start === 'angry') end = 'frustrated';
  return `${start}_to_${end}`;
}

/** What each turn is for. Customer turns sit at even indexes, agent turns at odd ones. */
type Role = 'open' | 'clarify' | 'detail' | 'resolution' | 'reaction' | 'closing';

/**
 * Plans the roles of `n` turns: the opening, clarify/detail exchanges, the agent's resolution, and, when the
 * count allows, the customer's reaction and the agent's closing. An even count ends with the agent, so the
 * customer's thanks (resolved) needs the three-turn tail.
 */
function planRoles(n: number, resolution: Resolution, rng: Random): Role[] {
  let tail: Role[];
  if (n % 2 === 1) tail = ['resolution', 'reaction'];
  else if (n >= 4 && (resolution === 'resolved' || rng.chance(0.6)))
    tail = ['resolution', 'reaction', 'closing'];
  else tail = ['resolution'];
  const exchanges = (n - 1 - tail.length) / 2;
  const roles: Role[] = ['open'];
  for (let i = 0; i < exchanges; i++) roles.push('clarify', 'detail');
  return [...roles, ...tail].slice(0, n);
}

function drawVoice(language: 'en' | 'es', rng: Random, region?: 'MX' | 'ES'): Voice {
  // The slot's market when the plan gives one; the draw happens anyway so the rest of the stream is unchanged.
  const drawn = rng.chance(0.5) ? 'MX' : 'ES';
  const market = region ?? drawn;
  return {
    language,
    market,
    // Mexican service chats lean to usted, Spanish ones to tú.
    agentTu: rng.chance(market === 'MX' ? 0.45 : 0.7),
    customerVosotros: language === 'es' && market === 'ES' && rng.chance(0.15),
  };
}

const QUESTION_START =
  /^(how|what|why|where|when|which|who|can|could|is|are|do|does|did|will|would|has|have|should|may)\b/i;

/** Ends a sentence the way its form asks for; Spanish templates carry their own ¿?. */
function punctuate(text: string, language: 'en' | 'es', sentiment: Sentiment, rng: Random): string {
  if (/[.?!)]$/.test(text)) return text;
  if (language === 'en' && QUESTION_START.test(text)) return `${text}?`;
  return `${text}${sentiment === 'negative' && rng.chance(0.4) ? '!' : '.'}`;
}

/** Rejects a slot the writer cannot honour, naming the field, before any text is drawn. */
function checkSlot(slot: ConversationSlot): void {
  const intent = getIntent(slot.intent);
  if (!intent) throw new RangeError(`unknown intent '${slot.intent}'`);
  if (intent.category !== slot.category) {
    throw new RangeError(
      `intent '${slot.intent}' belongs to category '${intent.category}', not '${slot.category}'`,
    );
  }
  if (!(slot.language in TABLES)) {
    throw new RangeError(`language must be one of en, es; got '${slot.language}'`);
  }
  if (!Number.isInteger(slot.turns) || slot.turns < 1 || slot.turns > MAX_TURNS) {
    throw new RangeError(`turns must be an integer from 1 to ${MAX_TURNS}; got ${slot.turns}`);
  }
  const enums = [
    ['sentiment', slot.sentiment, SENTIMENTS],
    ['complexity', slot.complexity, COMPLEXITIES],
    ['resolution', slot.resolution, RESOLUTIONS],
  ] as const;
  for (const [field, value, allowed] of enums) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new RangeError(`${field} must be one of ${allowed.join(', ')}; got '${value}'`);
    }
  }
}

/**
 * Joins the agent's sentences and capitalises each one: register words such as `{te}` or `{puedes}` may open
 * a sentence in the tables, and the agent, unlike the customer, always writes tidily.
 */
function sentences(parts: readonly string[]): string {
  return capitalize(
    parts
      .filter(Boolean)
      .join(' ')
      .replace(
        /([.!?]\s+[¿¡]?)(\p{Ll})/gu,
        (_, lead: string, letter: string) => lead + letter.toUpperCase(),
      ),
  );
}

class ConversationWriter {
  readonly #tables: LanguageTables;
  readonly #phrases: IntentPhrases;
  readonly #values: ConversationValues;
  readonly #register: Register;
  readonly #unusedDetails: string[];
  readonly #unusedClarify: string[];
  #secondIssueRaised = false;
  #secondIssuePending = false;

  constructor(
    readonly slot: ConversationSlot,
    readonly rng: Random,
  ) {
    checkSlot(slot);
    this.#tables = TABLES[slot.language];
    const phrases = this.#tables.intents[slot.intent];
    if (!phrases) throw new RangeError(`no ${slot.language} phrases for intent '${slot.intent}'`);
    this.#phrases = phrases;
    this.#values = new ConversationValues(
      drawVoice(slot.language, rng, slot.language === 'es' ? slot.region : undefined),
      rng,
    );
    this.#register = drawRegister(rng, slot.sentiment);
    this.#unusedDetails = rng.shuffle(phrases.details);
    const category = this.#tables.agent.byCategory[slot.category];
    if (!category) throw new RangeError(`no agent phrases for category '${slot.category}'`);
    this.#unusedClarify = rng.shuffle(category.clarify);
  }

  #x(template: string): string {
    return expand(template, this.rng, this.#values);
  }

  #one(templates: readonly string[]): string {
    return expandOne(templates, this.rng, this.#values);
  }

  #customer(parts: string[]): string {
    const text = capitalize(parts.filter(Boolean).join(' '));
    return roughen(text, this.slot.language, this.#register, this.rng);
  }

  #detail(): string {
    const next = this.#unusedDetails.pop();
    return next === undefined ? this.#one(this.#tables.style.generic) : this.#x(next);
  }

  write(): WrittenConversation {
    const { slot, rng } = this;
    const roles = planRoles(slot.turns, slot.resolution, rng);
    const detailTurns = roles.filter((role) => role === 'detail').length;
    // Complex conversations raise a second matter in one of their later customer turns.
    const secondIssueAt =
      slot.complexity === 'complex' && detailTurns >= 2 ? rng.int(2, detailTurns) : -1;
    let detailIndex = 0;
    const turns: Turn[] = roles.map((role, index) => {
      const speaker = index % 2 === 0 ? 'customer' : 'agent';
      let text: string;
      switch (role) {
        case 'open':
          text = this.#opening();
          break;
        case 'detail':
          detailIndex++;
          text = this.#detailTurn(detailIndex === secondIssueAt);
          break;
        case 'clarify':
          text = this.#clarify(index === 1);
          break;
        case 'resolution':
          text = this.#resolution(index === 1);
          break;
        case 'reaction':
          text = this.#reaction();
          break;
        case 'closing':
          text = sentences([this.#one(this.#tables.agent.closing[slot.resolution])]);
          break;
      }
      return { speaker, text: text || '…' };
    });
    return {
      conversation_id: `conv-${slot.slot}`,
      intent: slot.intent,
      category: slot.category,
      sentiment: slot.sentiment,
      complexity: slot.complexity,
      language: slot.language,
      turn_count: turns.length,
      resolution_status: slot.resolution,
      emotion_arc: emotionArc(slot, rng),
      turns,
    };
  }

  #opening(): string {
    const { slot, rng } = this;
    const style = this.#tables.style;
    const parts: string[] = [];
    const greet = { positive: 0.5, neutral: 0.3, negative: 0.12 }[slot.sentiment];
    if (rng.chance(greet)) parts.push(`${this.#one(style.greetings)}${rng.pick([',', '!', '.'])}`);
    const lead = { positive: 0.3, neutral: 0.12, negative: 0.45 }[slot.sentiment];
    if (rng.chance(lead)) parts.push(this.#one(style.leadIn[slot.sentiment]));
    const seeds = slot.examples ?? [];
    if (seeds.length > 0 && rng.chance(SEEDED_SHARE)) {
      // A variation of the real seeds (seeds.ts), in their own punctuation and register.
      parts.push(capitalize(seededAsk(seeds, slot.language, rng).text));
    } else {
      parts.push(
        capitalize(punctuate(this.#one(this.#phrases.open), slot.language, slot.sentiment, rng)),
      );
    }
    const details = { simple: 0, medium: rng.chance(0.4) ? 1 : 0, complex: rng.int(1, 2) }[
      slot.complexity
    ];
    for (let i = 0; i < details; i++) {
      const detail = this.#unusedDetails.pop();
      if (detail) parts.push(capitalize(this.#x(detail)));
    }
    if (rng.chance({ positive: 0.35, neutral: 0.15, negative: 0.35 }[slot.sentiment])) {
      parts.push(this.#one(style.tail[slot.sentiment]));
    }
    return this.#customer(parts);
  }

  #detailTurn(secondIssue: boolean): string {
    const { rng } = this;
    const style = this.#tables.style;
    const connector = this.#one(style.connectors);
    const detail = this.#detail();
    // After "Well," or "Pues" the sentence goes on in lower case.
    const parts = [connector, /[.?!]$|^$/.test(connector) ? capitalize(detail) : detail];
    if (this.slot.complexity === 'complex' && rng.chance(0.6))
      parts.push(capitalize(this.#detail()));
    if (secondIssue && !this.#secondIssueRaised) {
      parts.push(this.#one(style.secondIssue));
      this.#secondIssueRaised = true;
      this.#secondIssuePending = true;
    }
    return this.#customer(parts);
  }

  #topic(): string {
    return this.#one(this.#phrases.topic);
  }

  #firstAgentWords(): string[] {
    const agent = this.#tables.agent;
    this.#values.remember('topic', this.#topic());
    const acknowledge = this.#one(agent.acknowledge[this.slot.sentiment]);
    return [this.#one(agent.greet), capitalize(acknowledge)];
  }

  /** The agent's reply to a second issue, once, in the turn right after it was raised. */
  #secondIssueReply(): string[] {
    if (!this.#secondIssuePending) return [];
    this.#secondIssuePending = false;
    return [this.#one(this.#tables.agent.secondIssue)];
  }

  #clarify(first: boolean): string {
    const agent = this.#tables.agent;
    const category = agent.byCategory[this.slot.category]!;
    const question = this.#unusedClarify.pop() ?? this.rng.pick(category.clarify);
    const lead = first ? this.#firstAgentWords() : [this.#one(agent.followUp)];
    return sentences([...lead, ...this.#secondIssueReply(), this.#x(question)]);
  }

  #resolution(first: boolean): string {
    const { slot } = this;
    const agent = this.#tables.agent;
    const category = agent.byCategory[slot.category]!;
    let text: string;
    if (slot.resolution === 'resolved') {
      this.#values.remember('fix', this.#one(category.resolve));
      text = this.#one(agent.resolved);
    } else if (slot.resolution === 'unresolved') {
      this.#values.remember('reason', this.#one(category.cannot));
      text = this.#one(agent.unresolved);
    } else {
      this.#values.remember('team', this.#one(category.team));
      text = this.#one(agent.escalated);
    }
    const lead = first ? this.#firstAgentWords() : [];
    return sentences([...lead, ...this.#secondIssueReply(), text]);
  }

  #reaction(): string {
    const text = this.#one(this.#tables.style.reaction[this.slot.resolution][this.slot.sentiment]);
    // No typos here: the thanks (or the complaint) is the point of the turn and must stay legible.
    return roughen(text, this.slot.language, { ...this.#register, typoRate: 0 }, this.rng);
  }
}

/** Writes one conversation for a slot, deterministically from the Random given. Always valid per ConversationSchema. */
export function writeConversation(slot: ConversationSlot, rng: Random): WrittenConversation {
  const others = (slot.not_intents ?? []).filter((n) => n !== slot.intent);
  if (others.length === 0) return new ConversationWriter(slot, rng).write();
  // Contrastive slot ("about A, not B"): write a few drafts and keep the one whose customer side shares the
  // fewest words with the phrase tables of the intents it must not be mistaken for.
  const table = TABLES[slot.language].intents;
  const avoid = new Set<string>();
  for (const other of others) {
    const phrases = table[other];
    if (!phrases) continue;
    for (const text of [...phrases.open, ...phrases.details]) {
      for (const w of words(text)) avoid.add(w);
    }
  }
  const own = new Set(
    [...(table[slot.intent]?.open ?? []), ...(table[slot.intent]?.details ?? [])].flatMap(words),
  );
  let best: WrittenConversation | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let draft = 0; draft < CONTRAST_DRAFTS; draft++) {
    const written = new ConversationWriter(slot, rng.fork(`contrast-${draft}`)).write();
    const customer = written.turns
      .filter((t) => t.speaker === 'customer')
      .flatMap((t) => words(t.text));
    const shared = customer.filter((w) => avoid.has(w) && !own.has(w)).length;
    const score = shared / Math.max(1, customer.length);
    if (score < bestScore) {
      best = written;
      bestScore = score;
    }
  }
  return best!;
}

/**
 * Share of a seeded slot's first messages varied from its seeds; the rest are phrase-table asks, which bring
 * wording the few seeds lack. Kept low: on bench:augment's split, half the openings varied from 10 seeds per
 * intent cost 2 points of development accuracy, 15% under half a point (BENCHMARKS.md, "Augmentation"); the
 * seeds are in the training set already, so their variations add little a classifier does not have.
 */
export const SEEDED_SHARE = 0.15;

/** Drafts written for a contrastive slot. */
const CONTRAST_DRAFTS = 4;

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/\{[^}]*\}/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 3);
}
