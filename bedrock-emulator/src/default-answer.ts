import type { AnswerRequest } from './options.ts';
import { answerRubric, judgeRequestOf } from './rubric-answer.ts';

/** What the default answer function says to a prompt without a slot request: prose, as a real model would. */
export const REFUSAL =
  'I write synthetic banking conversations and time-series scenarios. Send the slots as a ```json block: {"task": "conversations" | "timeseries", "slots": [...]}.';

/**
 * The answer function of an emulator started without one. The emulator is a dev tool with no writers of its
 * own: it answers a prompt without a slot request with a short refusal in prose (what a model says to an
 * off-topic prompt; enough for a connectivity check), and fails a slot request (a 424 ModelErrorException, or an
 * error record in a batch job) with a message that says what to inject. GENESIS-LAB injects its local provider's
 * answers (`server/test/helpers/emulators.ts`, `pnpm bedrock:emulator`). An LLM-judge prompt gets valid JSON
 * scores (`rubric-answer.ts`).
 */
export function defaultAnswer(request: AnswerRequest): string {
  const slotRequest = request.slotRequest;
  if (!slotRequest) {
    const judge = judgeRequestOf(request.messages ?? []);
    return judge ? JSON.stringify(answerRubric(judge, request.seed)) : REFUSAL;
  }
  const n = slotRequest.slots.length;
  throw new Error(
    `the emulator has no answer function for ${slotRequest.task} (${n} slot${n === 1 ? '' : 's'}); start it with options.answer`,
  );
}
