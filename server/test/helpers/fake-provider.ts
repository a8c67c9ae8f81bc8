import { getIntent } from '@genesis/schema/catalog/intents';
import { type ConversationSlot, extractSlotRequest } from '@genesis/schema/request';
import type { ModelAnswer, ModelCall, ModelProvider } from '../../src/llm/provider.ts';
import { ProviderError } from '../../src/llm/provider.ts';

export type Fault =
  | 'ok'
  | 'throttle'
  | 'server'
  | 'timeout'
  | 'malformed'
  | 'truncated'
  | 'wrongIntent'
  | 'wrongLanguage'
  | 'dropSlot'
  | 'fenced'
  | 'tool'
  | 'duplicate';

/** A minimal valid conversation for a slot: enough to exercise the runner without the real writer. */
export function simpleConversation(slot: ConversationSlot, unique = true) {
  const en = slot.language === 'en';
  const turns = Array.from({ length: slot.turns }, (_, i) => ({
    speaker: i % 2 === 0 ? 'customer' : 'agent',
    text:
      i % 2 === 0
        ? en
          ? `Hi, I have a question about my card and the app, it is about ${slot.intent.replace(/_/g, ' ')}${unique ? ` (ref ${slot.slot}, turn ${i})` : ''}.`
          : `Hola, tengo una duda con mi tarjeta y la app, es sobre ${slot.intent.replace(/_/g, ' ')} y no lo entiendo${unique ? ` (ref ${slot.slot}, turno ${i})` : ''}.`
        : en
          ? 'Thanks for asking. I can help you with this right now.'
          : 'Gracias por escribir. Te ayudo con esto ahora mismo.',
  }));
  return {
    slot: slot.slot,
    conversation_id: `c-${slot.slot}`,
    intent: slot.intent,
    category: getIntent(slot.intent)!.category,
    sentiment: slot.sentiment,
    complexity: slot.complexity,
    language: slot.language,
    turn_count: slot.turns,
    resolution_status: slot.resolution,
    turns,
  };
}

/**
 * A scripted model: every call takes the next fault from `script` (then `fallback`), so a test states exactly
 * which failures happen. Counts calls and tokens like a billing meter.
 */
export class FakeProvider implements ModelProvider {
  readonly name = 'bedrock' as const;
  calls = 0;
  outputTokens = 0;
  readonly seen: string[][] = [];
  lastExamples = '';
  constructor(
    readonly model: string,
    private readonly script: Fault[] = [],
    private readonly fallback: Fault = 'ok',
    private readonly latencyMs = 0,
  ) {}

  async call(request: ModelCall): Promise<ModelAnswer> {
    const fault = this.script[this.calls] ?? this.fallback;
    this.calls++;
    const slotRequest = extractSlotRequest(request.prompt);
    if (slotRequest?.task !== 'conversations') throw new ProviderError('bad request', 'client');
    this.seen.push(slotRequest.slots.map((s) => s.slot));
    this.lastExamples = request.examples;
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (request.signal?.aborted) throw new ProviderError('aborted', 'aborted');
    if (fault === 'throttle')
      throw new ProviderError('ThrottlingException: Too many requests', 'throttled');
    if (fault === 'server') throw new ProviderError('InternalServerException: oops', 'server');
    if (fault === 'timeout') throw new ProviderError('TimeoutError: request timed out', 'timeout');
    let conversations = slotRequest.slots.map((s) => simpleConversation(s, fault !== 'duplicate'));
    if (fault === 'wrongIntent') {
      conversations = conversations.map((c) => ({
        ...c,
        intent: c.intent === 'card_arrival' ? 'pin_blocked' : 'card_arrival',
      }));
    }
    if (fault === 'wrongLanguage') {
      conversations = conversations.map((c) => ({
        ...c,
        language: c.language === 'en' ? 'es' : 'en',
      }));
    }
    if (fault === 'dropSlot') conversations = conversations.slice(1);
    let text = JSON.stringify({ conversations });
    if (fault === 'malformed') text = `Sure! Here are your conversations: {"conversations": [oops`;
    if (fault === 'truncated') text = text.slice(0, Math.floor(text.length / 2));
    if (fault === 'fenced') text = `Here you go:\n\`\`\`json\n${text}\n\`\`\``;
    const outputTokens = Math.ceil(text.length / 4);
    this.outputTokens += outputTokens;
    return {
      text: fault === 'tool' ? '' : text,
      ...(fault === 'tool' ? { toolInput: { conversations } } : {}),
      usage: { inputTokens: 1000, outputTokens, cacheReadTokens: 500, cacheWriteTokens: 0 },
      stopReason: fault === 'truncated' ? 'max_tokens' : 'end_turn',
      model: this.model,
      latencyMs: this.latencyMs,
    };
  }
}
