/**
 * Shapes of the phrase tables the local conversation writer draws from. Every string is a template in the
 * grammar of `template.ts` (`[a|b]` alternatives, `{name}` values).
 */

/** What a customer says about one intent, in one language. */
export interface IntentPhrases {
  /**
   * First-message asks: each must carry the intent on its own, the way a real customer's first message
   * does, and stay clear of the intent's confusable neighbours.
   */
  open: readonly string[];
  /** Later customer turns: details and follow-ups consistent with the intent. */
  details: readonly string[];
  /** A short noun phrase for the agent to refer to the matter, e.g. "your card delivery". */
  topic: readonly string[];
}

/** Phrase tables of one language for all 77 intents, keyed by the exact Banking77 label. */
export type IntentTable = Readonly<Record<string, IntentPhrases>>;

/** What the agent says for one category. */
export interface CategoryAgentPhrases {
  /** Clarifying questions asked before a fix, one per exchange. */
  clarify: readonly string[];
  /** The concrete fix or answer when the matter is resolved. */
  resolve: readonly string[];
  /** Why the agent cannot fix it now (unresolved). */
  cannot: readonly string[];
  /** The specialist team a case is escalated to. */
  team: readonly string[];
}

/** The agent's side of a conversation in one language. */
export interface AgentPhrases {
  greet: readonly string[];
  /** Acknowledgements by the customer's opening sentiment. */
  acknowledge: Readonly<Record<'positive' | 'neutral' | 'negative', readonly string[]>>;
  /** Short fillers before the next question, so later clarifying turns vary. */
  followUp: readonly string[];
  /** Agent reply to the complex conversations' second issue. */
  secondIssue: readonly string[];
  byCategory: Readonly<Record<string, CategoryAgentPhrases>>;
  /** Wrappers around the category fix; `{fix}` is the fix. */
  resolved: readonly string[];
  /** Wrappers around the reason; `{reason}` is the reason. */
  unresolved: readonly string[];
  /** Hand-over texts; `{team}` and `{ticket}` are filled in. */
  escalated: readonly string[];
  /** The agent's last word after the customer's reaction, by resolution. */
  closing: Readonly<Record<'resolved' | 'unresolved' | 'escalated', readonly string[]>>;
}

/** The customer's side that is not specific to an intent, in one language. */
export interface CustomerStyle {
  greetings: readonly string[];
  /** Lead-ins by sentiment, placed before the ask. */
  leadIn: Readonly<Record<'positive' | 'neutral' | 'negative', readonly string[]>>;
  /** Tails by sentiment, placed after the ask. */
  tail: Readonly<Record<'positive' | 'neutral' | 'negative', readonly string[]>>;
  /** Connectors before a later detail turn. */
  connectors: readonly string[];
  /** Complex conversations: a second, smaller matter raised later. */
  secondIssue: readonly string[];
  /** Answers to a clarifying question that add nothing intent-specific. */
  generic: readonly string[];
  /** Reactions after the agent's last answer, by resolution and sentiment. */
  reaction: Readonly<
    Record<
      'resolved' | 'unresolved' | 'escalated',
      Readonly<Record<'positive' | 'neutral' | 'negative', readonly string[]>>
    >
  >;
}
