import type { ConversationSlot, SeriesSlot } from '@genesis/schema/request';
import type { AnswerRequest } from './options.ts';

/**
 * The emulator's default answers come from the embedded local provider, so a job run against the emulator gets
 * the same quality of items as the local provider. The modules are imported on first use: the emulator module
 * stays light, and a missing answerer fails that call (a 424 ModelErrorException) rather than the server start.
 */
const ANSWERERS = {
  conversations: {
    url: new URL('../../server/src/llm/local/conversations/answer.ts', import.meta.url).href,
    exportName: 'answerConversations',
  },
  timeseries: {
    url: new URL('../../server/src/llm/local/series/answer.ts', import.meta.url).href,
    exportName: 'answerSeries',
  },
} as const;

type Answerer<S> = (slots: S[], seed: string) => unknown;

const loaded = new Map<string, Promise<unknown>>();

async function load<S>(task: keyof typeof ANSWERERS): Promise<Answerer<S>> {
  const { url, exportName } = ANSWERERS[task];
  let module = loaded.get(url);
  if (!module) {
    // A computed specifier: the answerers are optional at type-check time and resolved at run time.
    module = import(/* @vite-ignore */ url);
    loaded.set(url, module);
    module.catch(() => loaded.delete(url));
  }
  const fn = ((await module) as Record<string, unknown>)[exportName];
  if (typeof fn !== 'function') throw new Error(`${url} does not export a function ${exportName}`);
  return fn as Answerer<S>;
}

/**
 * Answers a request-contract call like the local provider: `{"conversations":[...]}` or `{"scenarios":[...]}`
 * as JSON text. A prompt without a slot request gets a short refusal in prose, as a real model would give.
 */
export async function defaultAnswer(request: AnswerRequest): Promise<string> {
  const slotRequest = request.slotRequest;
  if (!slotRequest) {
    return 'I write synthetic banking conversations and time-series scenarios. Send the slots as a ```json block: {"task": "conversations" | "timeseries", "slots": [...]}.';
  }
  if (slotRequest.task === 'conversations') {
    const answer = await load<ConversationSlot>('conversations');
    return JSON.stringify(answer(slotRequest.slots, request.seed));
  }
  const answer = await load<SeriesSlot>('timeseries');
  return JSON.stringify(answer(slotRequest.slots, request.seed));
}
