/**
 * What the Bedrock and chat-completions emulators do the same way around an answer: waiting (abortable),
 * counting, drawing a call's latency, and asking the answer function with the request's fault applied. Each server
 * keeps its own wire format, quota accounting and error bodies.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Random } from '@genesis/schema/random';
import type { SlotRequest } from '@genesis/schema/request';
import { type Fault, withWrongIntent, withWrongLanguage } from './faults.ts';
import type { AnswerFunction, AnswerRequest, FaultKind, Latency } from './options.ts';

export function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Waits `ms`, or less when the signal fires (client gone, emulator stopped). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A stalled call: no byte until the client gives up (its request timeout) or the emulator stops. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The latency of one call: the configured function, or a uniform draw in [minMs, maxMs]. */
export function drawLatency(
  latency: Latency,
  modelId: string,
  outputTokens: number,
  random: Random,
): number {
  return typeof latency === 'function'
    ? latency({ modelId, outputTokens, random })
    : latency.minMs + (latency.maxMs - latency.minMs) * random.next();
}

/**
 * Asks the answer function, with a `wrongIntent` or `wrongLanguage` fault applied to the slot request first. The
 * seed depends on the model, system prompt and last user text, so the same prompt gets the same answer.
 */
export async function askModel(
  answer: AnswerFunction,
  request: Omit<AnswerRequest, 'seed' | 'slotRequest'> & {
    lastUserText: string;
    slotRequest: SlotRequest | null;
    fault: Fault | null;
    seed: string | number;
    contentRandom: Random;
  },
): Promise<string> {
  let asked = request.slotRequest;
  if (asked && request.fault?.kind === 'wrongIntent')
    asked = withWrongIntent(asked, request.contentRandom);
  if (asked && request.fault?.kind === 'wrongLanguage')
    asked = withWrongLanguage(asked, request.contentRandom);
  const promptHash = createHash('sha256')
    .update(`${request.modelId}\u0000${request.system}\u0000${request.lastUserText}`)
    .digest('hex')
    .slice(0, 16);
  return answer({
    modelId: request.modelId,
    system: request.system,
    messages: request.messages,
    slotRequest: asked,
    seed: `${request.seed}:${promptHash}`,
  });
}

/** A request's whole body, as text. */
export function readBody(req: IncomingMessage | Http2ServerRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The fault kinds that can apply to a request (`stream`: a streaming answer, which can also fail mid-stream). */
export function applicableFaults(stream: boolean, slotRequest: SlotRequest | null): Set<FaultKind> {
  const kinds = new Set<FaultKind>(['throttle', 'server', 'malformed', 'truncated', 'stall']);
  if (stream) kinds.add('midStream');
  if (slotRequest && slotRequest.slots.length > 0) {
    kinds.add('wrongLanguage');
    if (slotRequest.task === 'conversations') kinds.add('wrongIntent');
  }
  return kinds;
}
