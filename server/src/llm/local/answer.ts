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
  if (!slotRequest) return LOCAL_REFUSAL;
  if (slotRequest.task === 'conversations') {
    const { answerConversations } = await import('./conversations/answer.ts');
    return JSON.stringify(answerConversations(slotRequest.slots, seed));
  }
  const { answerSeries } = await import('./series/answer.ts');
  return JSON.stringify(answerSeries(slotRequest.slots, seed));
}
