import { createHash } from 'node:crypto';
import {
  extractJudgeRequest,
  JUDGE_CRITERIA,
  type JudgedItem,
  type JudgeRequest,
} from '@genesis/schema/judge';

/**
 * The emulator's own answer to an LLM-judge prompt (`{"task": "judge", ...}`, see docs/curation.md, "LLM
 * judge"): valid JSON scores, one entry per item, deterministic for the emulator seed and the prompt. It checks
 * only what needs no language model (an empty customer side, no agent side, no intent label); the scores are
 * otherwise drawn from 3 to 5. GENESIS-LAB injects its local provider's heuristic judge instead (which reads the
 * text), the same way it injects its writers.
 */
export function answerRubric(request: JudgeRequest, seed: string): { scores: JudgedItem[] } {
  return {
    scores: request.items.map((item) => {
      const turns = Array.isArray(item.turns) ? item.turns : [];
      const customer = turns.filter((t) => t.speaker === 'customer' && String(t.text).trim());
      const agent = turns.filter((t) => t.speaker === 'agent');
      const digest = createHash('sha256').update(`${seed}:${item.id}`).digest();
      const drawn = (i: number) => 3 + (digest[i]! % 3);
      const scores = Object.fromEntries(
        JUDGE_CRITERIA.map((c, i) => [
          c,
          { score: drawn(i), reason: `emulated judgement of ${c.replace(/_/g, ' ')}` },
        ]),
      ) as Omit<JudgedItem, 'id'>;
      if (customer.length === 0) {
        scores.label_faithfulness = { score: 1, reason: 'the customer says nothing' };
        scores.customer_naturalness = { score: 1, reason: 'the customer says nothing' };
      } else if (!item.intent) {
        scores.label_faithfulness = { score: 3, reason: 'no intent label to check' };
      }
      return { id: item.id, ...scores, agent_quality: agent.length ? scores.agent_quality : null };
    }),
  };
}

/** The text of the last user message of a Converse (`content: [{ text }]`) or chat-completions request. */
export function lastUserText(messages: unknown[]): string {
  const last = [...messages]
    .reverse()
    .find((m) => (m as { role?: string } | null)?.role === 'user') as
    | { content?: unknown }
    | undefined;
  const content = last?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c) => (c as { text?: unknown })?.text ?? '').join('\n');
}

/** The judge request of a call's messages, or null. */
export function judgeRequestOf(messages: unknown[]): JudgeRequest | null {
  return extractJudgeRequest(lastUserText(messages));
}
