/** The local provider's answer to a request-contract call for conversations. */
import type { Conversation } from '@genesis/schema/conversation';
import { Random } from '@genesis/schema/random';
import type { ConversationSlot } from '@genesis/schema/request';
import { writeConversation } from './writer.ts';

/** Answers a request-contract call locally: {"conversations":[{slot, ...fields}]} for every slot of the request. */
export function answerConversations(
  slots: ConversationSlot[],
  seed: string,
): { conversations: Array<Conversation & { slot: string }> } {
  return {
    conversations: slots.map((slot) => ({
      slot: slot.slot,
      // One Random per slot, keyed by the slot, so an answer does not depend on which other slots share
      // the batch: a retried or re-batched slot gets the same conversation.
      ...writeConversation(slot, new Random(`${seed}:${slot.slot}`)),
    })),
  };
}
