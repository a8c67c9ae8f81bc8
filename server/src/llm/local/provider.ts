import { extractJudgeRequest } from '@genesis/schema/judge';
import { estimateTokens, extractSlotRequest } from '@genesis/schema/request';
import {
  type ModelAnswer,
  type ModelCall,
  type ModelProvider,
  ProviderError,
} from '../provider.ts';

/**
 * The embedded default provider: offline, no credentials, deterministic for a seed. It reads the same prompt an
 * LLM gets, finds the JSON slot request in it, and answers in the request contract's format, so the job runner
 * treats it exactly like Bedrock.
 */
export class LocalProvider implements ModelProvider {
  readonly name = 'local' as const;
  readonly model = 'local';

  async call(request: ModelCall): Promise<ModelAnswer> {
    if (request.signal?.aborted) throw new ProviderError('aborted', 'aborted');
    const started = performance.now();
    const slotRequest = extractSlotRequest(request.prompt);
    const judge = slotRequest ? null : extractJudgeRequest(request.prompt);
    if (!slotRequest && !judge)
      throw new ProviderError('the prompt has no JSON slot or judge request', 'client');
    // The writers are loaded on first use: their phrase tables are large and only local jobs need them.
    let answer: unknown;
    if (judge) answer = (await import('./judge.ts')).answerJudge(judge);
    else if (slotRequest?.task === 'conversations')
      answer = (await import('./conversations/answer.ts')).answerConversations(
        slotRequest.slots,
        request.seed,
      );
    else if (slotRequest)
      answer = (await import('./series/answer.ts')).answerSeries(slotRequest.slots, request.seed);
    const text = JSON.stringify(answer);
    // Yield to the event loop so a large local job never starves the API it runs beside.
    await new Promise((r) => setImmediate(r));
    return {
      text,
      usage: {
        inputTokens: estimateTokens(request.system + request.examples + request.prompt),
        outputTokens: estimateTokens(text),
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      },
      stopReason: 'end_turn',
      model: this.model,
      latencyMs: performance.now() - started,
    };
  }
}
