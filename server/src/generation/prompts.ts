import { getIntent } from '@genesis/schema/catalog/intents';
import type { SlotRequest } from '@genesis/schema/request';
import { SCENARIO_GUIDE } from '../timeseries/scenario.ts';

/**
 * Prompts of the request contract (docs/bedrock.md §1). The system prompt and the few-shot block are identical for
 * every call of a job, so Bedrock can cache them (a cachePoint follows each); only the slot block changes.
 */
export const CONVERSATION_SYSTEM_PROMPT = `You write realistic customer-service conversations for a neobank (a mobile-first bank with cards, transfers, top-ups, currency exchange and an app) that serves customers in Mexico and Spain, in English and Spanish.

For every slot you are given, write one conversation between a customer and a support agent:
- The customer speaks first; speakers alternate; write exactly the requested number of turns.
- The conversation is about the slot's intent (a Banking77 label, explained in the slot's "about"); the customer's first message must make that intent clear the way a real customer would, in their own words (questions, statements, typos or informal language when upset).
- Honour sentiment (the customer's tone), complexity (simple: one clear ask; medium: a detail or follow-up; complex: several details or a second issue) and resolution (resolved: the agent solves it and the customer acknowledges; unresolved: no fix; escalated: handed to a specialist team with a reference number).
- Spanish: neutral, natural Spanish; for Mexico use MXN, SPEI, "tarjeta", "cajero"; for Spain use EUR, Bizum, "móvil". Do not mix languages.
- Agents are friendly, precise, never ask for full card numbers, PINs or passwords, and never invent policies that are unsafe.
- Use fictional amounts, dates and merchants; never real personal data.

Answer with ONLY a JSON object: {"conversations":[{"slot":"<slot id>","conversation_id":"<any unique id>","intent":"<slot intent>","category":"<slot category>","sentiment":"...","complexity":"...","language":"en|es","turn_count":<n>,"resolution_status":"resolved|unresolved|escalated","emotion_arc":"<start>_to_<end>","turns":[{"speaker":"customer","text":"..."},{"speaker":"agent","text":"..."}]}]} with one entry per slot, in any order.`;

/**
 * The same instructions in Spanish, for calls whose slots are all Spanish: a model writes more natural Spanish
 * when it is briefed in Spanish. Each Spanish slot names its market (`region`: MX or ES).
 */
export const CONVERSATION_SYSTEM_PROMPT_ES = `Escribes conversaciones realistas de atención al cliente para un neobanco (un banco digital con tarjetas, transferencias, recargas, cambio de divisas y una app) con clientes en México y en España.

Para cada slot que recibas, escribe una conversación entre un cliente y un agente de soporte, en español:
- El cliente habla primero; los turnos se alternan; escribe exactamente el número de turnos pedido.
- La conversación trata del intent del slot (una etiqueta de Banking77, explicada en "about"); el primer mensaje del cliente deja claro ese intent como lo diría un cliente real, con sus palabras (preguntas, afirmaciones, faltas de ortografía o lenguaje informal si está molesto).
- Respeta el sentiment (el tono del cliente), la complexity (simple: una sola petición; medium: un detalle o una repregunta; complex: varios detalles o un segundo problema) y la resolution (resolved: el agente lo resuelve y el cliente lo reconoce; unresolved: sin solución; escalated: pasa a un equipo especialista con un número de caso).
- Mercado del slot ("region"): MX — español de México, pesos (MXN), SPEI, OXXO, "celular", "cajero", trato de usted o tú según el tono; ES — español de España, euros (EUR), Bizum, "móvil", "vale", vosotros en plural. No mezcles idiomas.
- Los agentes son amables y precisos, nunca piden el número completo de la tarjeta, el NIP/PIN ni contraseñas, y no inventan políticas inseguras.
- Usa importes, fechas y comercios ficticios; nunca datos personales reales.

Responde SOLO con un objeto JSON: {"conversations":[{"slot":"<id del slot>","conversation_id":"<id único>","intent":"<intent del slot>","category":"<category del slot>","sentiment":"...","complexity":"...","language":"es","turn_count":<n>,"resolution_status":"resolved|unresolved|escalated","emotion_arc":"<inicio>_to_<fin>","turns":[{"speaker":"customer","text":"..."},{"speaker":"agent","text":"..."}]}]} con una entrada por slot, en cualquier orden. Las claves y los valores de las etiquetas van en inglés, como arriba; solo el texto de los turnos va en español.`;

/** The system prompt for a call: Spanish when every slot is Spanish, else the English one. */
export function conversationSystemPrompt(slots: readonly { language: string }[]): string {
  return slots.length > 0 && slots.every((s) => s.language === 'es')
    ? CONVERSATION_SYSTEM_PROMPT_ES
    : CONVERSATION_SYSTEM_PROMPT;
}

export const SERIES_SYSTEM_PROMPT = `You design realistic scenarios for synthetic time series (electricity, energy, sensors, financial markets). For each slot, write a short description (in the slot's language) of a plausible situation, e.g. "Residential load in a Madrid flat during a heatwave week", and numeric parameters that an engine renders into the series, so the values are always well-formed.

${SCENARIO_GUIDE}

Answer with ONLY a JSON object: {"scenarios":[{"slot":"<slot id>","description":"...","trend_type":"none","noise_level":0.3, ...optional fields}]} with one entry per slot.`;

export const CONVERSATION_EXAMPLES = `Example of one answer entry (English, card_arrival, negative, simple, 2 turns, resolved):
{"slot":"example-1","conversation_id":"example-1","intent":"card_arrival","category":"card_management","sentiment":"negative","complexity":"simple","language":"en","turn_count":2,"resolution_status":"resolved","emotion_arc":"frustrated_to_relieved","turns":[{"speaker":"customer","text":"it's been 10 days and my new card STILL hasn't shown up. where is it??"},{"speaker":"agent","text":"I'm sorry for the wait. Your card was dispatched on the 3rd and the courier shows delivery tomorrow before 2 pm; you can follow it under Card > Track delivery."}]}

Example (Spanish, transfer_not_received_by_recipient, neutral, simple, 2 turns, escalated):
{"slot":"example-2","conversation_id":"example-2","intent":"transfer_not_received_by_recipient","category":"transfers","sentiment":"neutral","complexity":"simple","language":"es","turn_count":2,"resolution_status":"escalated","emotion_arc":"concerned_to_waiting","turns":[{"speaker":"customer","text":"Hola, hice una transferencia SPEI de 2,500 MXN el lunes y mi hermana dice que no le ha llegado."},{"speaker":"agent","text":"Gracias por avisarnos. Veo la transferencia enviada; la paso al equipo de pagos para rastrearla con el banco receptor. Tu número de caso es TR-48213 y te escribiremos en 24 horas."}]}`;

/** The user message: instructions for this call, optional corrections from the last attempt, the slot JSON. */
export function buildPrompt(request: SlotRequest, feedback: string[] = []): string {
  const slots =
    request.task === 'conversations'
      ? request.slots.map((s) => ({
          ...s,
          about: getIntent(s.intent)?.description ?? '',
          ...(s.not_intents?.length
            ? {
                not_about: s.not_intents.map((n) => `${n}: ${getIntent(n)?.description ?? n}`),
              }
            : {}),
        }))
      : request.slots;
  // Augmentation slots name the intents a classifier confused theirs with: say so in words, not only in JSON.
  const contrastive =
    request.task === 'conversations' && request.slots.some((s) => s.not_intents?.length)
      ? '\nSome slots have "not_about": the intents a classifier mistook this intent for. Write each of those conversations so it is clearly about its own intent ("about"), not about any intent in "not_about": the customer states what sets the matter apart, and avoids wording that would fit the other intents as well.\n'
      : '';
  // Seeded augmentation: real first messages of the slot's intent, as few-shot examples.
  const seeded =
    request.task === 'conversations' && request.slots.some((s) => s.examples?.length)
      ? '\nSome slots have "examples": real first messages customers wrote about that intent. Write the customer\'s first message in their register (length, wording, typos, casing) with new wording of your own; recombine their phrases freely, but never copy one.\n'
      : '';
  const corrections =
    feedback.length > 0
      ? `\nYour previous answer for some of these slots was rejected. Fix these problems:\n${feedback.map((f) => `- ${f}`).join('\n')}\n`
      : '';
  return `Write one ${request.task === 'conversations' ? 'conversation' : 'scenario'} for each of these ${request.slots.length} slots.${contrastive}${seeded}${corrections}
\`\`\`json
${JSON.stringify({ task: request.task, slots })}
\`\`\``;
}
