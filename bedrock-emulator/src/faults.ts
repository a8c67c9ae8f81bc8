import { INTENTS } from '@genesis/schema/catalog/intents';
import type { Random } from '@genesis/schema/random';
import { estimateTokens, type SlotRequest } from '@genesis/schema/request';
import type { FaultKind, FaultRates, ScriptedFault } from './options.ts';

/** A fault drawn for one request. `status` is set for `server` faults. */
export interface Fault {
  kind: FaultKind;
  status?: 500 | 503;
}

/**
 * Decides the fault of each request: the scripted sequence first, then a running throttle storm, then one seeded
 * draw against the probabilities. Kinds that can't apply to a request (a mid-stream exception on plain Converse,
 * a wrong intent for a time-series task) are left out of the draw, and a scripted one becomes a normal answer.
 */
export class FaultPlan {
  readonly #script: ScriptedFault[];
  readonly #rates: FaultRates;
  readonly #storm: number;
  readonly #random: Random;
  #stormLeft = 0;

  constructor(options: {
    script: readonly ScriptedFault[];
    rates: FaultRates;
    throttleStorm: number;
    random: Random;
  }) {
    this.#script = [...options.script];
    this.#rates = options.rates;
    this.#storm = options.throttleStorm;
    this.#random = options.random;
  }

  next(applicable: ReadonlySet<FaultKind>): Fault | null {
    const scripted = this.#script.shift();
    if (scripted !== undefined) {
      if (scripted === 'none') return null;
      const fault: Fault = typeof scripted === 'string' ? { kind: scripted } : scripted;
      if (!applicable.has(fault.kind)) return null;
      if (fault.kind === 'server' && !fault.status) fault.status = this.#serverStatus();
      return fault;
    }
    if (this.#stormLeft > 0) {
      this.#stormLeft--;
      return { kind: 'throttle' };
    }
    // One draw per request whatever applies, so the sequence of draws doesn't depend on the requests' shapes.
    let r = this.#random.next();
    for (const [kind, p] of Object.entries(this.#rates) as [FaultKind, number][]) {
      if (!applicable.has(kind)) continue;
      if (r < p) {
        if (kind === 'throttle') this.#stormLeft = this.#storm - 1;
        return kind === 'server' ? { kind, status: this.#serverStatus() } : { kind };
      }
      r -= p;
    }
    return null;
  }

  #serverStatus(): 500 | 503 {
    return this.#random.chance(0.5) ? 500 : 503;
  }
}

/** Answer text that is not JSON: a chatty preface and single-quoted keys, as a sloppy model might write. */
export function malform(text: string): string {
  return `Sure! Here is what you asked for:\n\n${text.replaceAll('"', "'")}\n\nLet me know if you need anything else.`;
}

/** Cuts an answer somewhere between 20% and 80% of its length, as `max_tokens` would. */
export function truncate(text: string, random: Random): string {
  const at = Math.max(1, Math.floor(text.length * (0.2 + 0.6 * random.next())));
  return text.slice(0, Math.min(at, text.length - 1));
}

/**
 * The slot request with one conversation slot asking for a different intent (of another category where
 * possible), so the answer is about something the original slot didn't ask for; `about` follows the intent.
 */
export function withWrongIntent(request: SlotRequest, random: Random): SlotRequest {
  if (request.task !== 'conversations' || request.slots.length === 0) return request;
  const index = random.int(0, request.slots.length - 1);
  const slots = request.slots.map((s) => ({ ...s }));
  const slot = slots[index]!;
  const others = INTENTS.filter((i) => i.category !== slot.category);
  const pool = others.length > 0 ? others : INTENTS.filter((i) => i.id !== slot.intent);
  const intent = random.pick(pool);
  Object.assign(slot, { intent: intent.id, category: intent.category });
  if ('about' in slot) Object.assign(slot, { about: intent.description });
  return { task: 'conversations', slots };
}

/** The slot request with one slot asking for the other language. */
export function withWrongLanguage(request: SlotRequest, random: Random): SlotRequest {
  if (request.slots.length === 0) return request;
  const index = random.int(0, request.slots.length - 1);
  const flip = <T extends { language: string }>(s: T, i: number): T =>
    i === index ? { ...s, language: s.language === 'en' ? 'es' : 'en' } : s;
  return request.task === 'conversations'
    ? { task: 'conversations', slots: request.slots.map(flip) }
    : { task: 'timeseries', slots: request.slots.map(flip) };
}

/**
 * The answer text as the fault leaves it, and whether it ends cut off (a truncated fault, or longer than the
 * call's maxTokens): Converse reports that as `max_tokens`, chat completions as `length`.
 */
export function shapeAnswer(
  text: string,
  fault: { kind: string } | null | undefined,
  maxTokens: number,
  random: Random,
): { text: string; cut: boolean } {
  let cut = false;
  if (fault?.kind === 'malformed') text = malform(text);
  if (fault?.kind === 'truncated') {
    text = truncate(text, random);
    cut = true;
  }
  if (estimateTokens(text) > maxTokens) {
    text = Array.from(text)
      .slice(0, maxTokens * 4)
      .join('');
    cut = true;
  }
  return { text, cut };
}
