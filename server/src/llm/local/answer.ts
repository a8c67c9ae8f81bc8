import { extractJudgeRequest } from '@genesis/schema/judge';
import type { SlotRequest } from '@genesis/schema/request';

/**
 * What the local answer reads from a model call. The Bedrock emulator's `AnswerRequest` has these fields (and
 * more), so `answerLocally` can be passed as the emulator's `answer` as it is: the type is structural because
 * server/src must not import the emulator, a dev tool.
 */
export interface LocalAnswerRequest {
  /** The JSON slot request of the prompt, or null when there is none. */
  slotRequest: SlotRequest | null;
  /** The same seed for the same prompt gives the same answer. */
  seed: string;
  /** The request's messages (Converse or chat-completions shape): an LLM-judge prompt is found in the last. */
  messages?: unknown[];
}

/** The text of the last user message, in Converse (`content: [{ text }]`) or chat-completions shape. */
function lastUserText(messages: unknown[] | undefined): string {
  const last = [...(messages ?? [])]
    .reverse()
    .find((m) => (m as { role?: string } | null)?.role === 'user') as
    | { content?: unknown }
    | undefined;
  const content = last?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c) => (c as { text?: unknown })?.text ?? '').join('\n');
}

/** The answer to a prompt without a slot request: prose, as a model would give. */
export const LOCAL_REFUSAL =
  'I write synthetic banking conversations and time-series scenarios. Send the slots as a ```json block: {"task": "conversations" | "timeseries", "slots": [...]}.';

/**
 * Answers a request-contract call the way the local provider does, as the JSON text a model would send:
 * `{"conversations":[...]}` or `{"scenarios":[...]}`. The writers are imported on first use: their phrase
 * tables are large and only calls with slots need them.
 */
export async function answerLocally(request: LocalAnswerRequest): Promise<string> {
  const { slotRequest, seed } = request;
  if (!slotRequest) {
    const judge = extractJudgeRequest(lastUserText(request.messages));
    if (!judge) return LOCAL_REFUSAL;
    const { answerJudge } = await import('./judge.ts');
    return JSON.stringify(answerJudge(judge));
  }
  if (slotRequest.task === 'conversations') {
    const { answerConversations } = await import('./conversations/answer.ts');
    return JSON.stringify(answerConversations(slotRequest.slots, seed));
  }
  const { answerSeries } = await import('./series/answer.ts');
  return JSON.stringify(answerSeries(slotRequest.slots, seed));
}
