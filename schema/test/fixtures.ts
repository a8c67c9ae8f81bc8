/** Valid items to start from; each test breaks exactly one thing. */
import type { ConversationInput } from '../src/conversation.ts';
import type { TimeSeriesInput } from '../src/timeseries.ts';

export function conversationEn(): ConversationInput {
  return {
    conversation_id: 'conv-en-1',
    intent: 'card_arrival',
    category: 'card_management',
    sentiment: 'negative',
    complexity: 'medium',
    language: 'en',
    turn_count: 4,
    resolution_status: 'resolved',
    emotion_arc: 'frustrated_to_satisfied',
    turns: [
      {
        speaker: 'customer',
        text: 'I ordered my card two weeks ago and it still has not arrived.',
      },
      { speaker: 'agent', text: 'Sorry about that. Cards usually arrive within 7 working days.' },
      { speaker: 'customer', text: 'Can you check where it is?' },
      { speaker: 'agent', text: 'It was posted on Monday; I have sent you the tracking link.' },
    ],
    generation: {
      model: 'anthropic.claude-3-haiku',
      provider: 'bedrock',
      created_at: '2025-11-25T17:00:00.000Z',
      slot: 's-17',
    },
  };
}

export function conversationEs(): ConversationInput {
  return {
    conversation_id: 'conv-es-1',
    intent: 'Refund_not_showing_up',
    category: 'refunds_and_disputes',
    sentiment: 'neutral',
    complexity: 'simple',
    language: 'es',
    turn_count: 2,
    resolution_status: 'escalated',
    turns: [
      {
        speaker: 'customer',
        text: 'Pedí un reembolso hace una semana y todavía no lo veo en mi cuenta.',
      },
      {
        speaker: 'agent',
        text: 'Lo reviso con el comercio y te escribo en cuanto tenga respuesta.',
      },
    ],
  };
}

export function hours(startMs: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(startMs + i * 3_600_000).toISOString());
}

export function humiditySeries(): TimeSeriesInput {
  return {
    series_id: 'ts-1',
    domain: 'sensors',
    series_type: 'humidity',
    frequency: '1H',
    start: '2016-07-01T02:00:00Z',
    length: 6,
    target: [55, 58.5, 61, 64.2, 60, 57],
    timestamps: hours(Date.parse('2016-07-01T02:00:00Z'), 6),
    unit: '%',
    seasonality_types: ['daily'],
    trend_type: 'none',
    noise_level: 0.1,
    anomalies: [{ index: 3, type: 'spike', magnitude: 4.2, description: 'brief spike' }],
    description_language: 'en',
    description: 'Relative humidity in a greenhouse.',
    generation: {
      model: 'local',
      provider: 'local',
      created_at: '2025-11-25T17:00:00+01:00',
      slot: 's-3',
    },
  };
}

export function electricitySeries(): TimeSeriesInput {
  return {
    series_id: 'elec_000',
    domain: 'electricity',
    series_type: 'residential_consumption',
    frequency: '1H',
    start: '2016-07-01T02:00:00Z',
    length: 4,
    target: [14, 18, 21, 0],
    unit: 'kWh',
    seasonality_types: ['daily', 'weekly'],
    trend_type: 'none',
    noise_level: 0.2,
    description_language: 'es',
    description: 'Consumo eléctrico horario de un hogar.',
  };
}
