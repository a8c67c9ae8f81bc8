import { describe, expect, it } from 'vitest';
import {
  augmentationSteps,
  formatPoints,
  isAugmentationActive,
  liftSummary,
  weakestIntents,
} from '../src/lib/training/augmentation.ts';

describe('the Improve this model helpers', () => {
  const plan = {
    total: 30,
    folds: 5,
    perIntent: [
      { intent: 'exchange_rate', f1: 0.95, support: 10, count: 4, notIntents: [] },
      {
        intent: 'card_arrival',
        f1: 0.6,
        support: 10,
        count: 14,
        notIntents: ['card_delivery_estimate'],
      },
      { intent: 'card_delivery_estimate', f1: 0.7, support: 10, count: 12, notIntents: [] },
    ],
    contrasts: [],
  };

  it('lists the weakest intents first and keeps at most the limit', () => {
    expect(weakestIntents(plan).map((p) => p.intent)).toEqual([
      'card_arrival',
      'card_delivery_estimate',
      'exchange_rate',
    ]);
    expect(weakestIntents(plan, 1)).toHaveLength(1);
  });

  it('shows the steps that apply, in order', () => {
    expect(augmentationSteps(false, false)).toEqual(['GENERATION', 'TRAINING']);
    expect(augmentationSteps(true, true)).toEqual([
      'CROSS_VALIDATION',
      'GENERATION',
      'CURATION',
      'TRAINING',
    ]);
  });

  it('formats changes in points with their sign, and counts intents up and down', () => {
    expect(formatPoints(0.0321)).toBe('+3.2');
    expect(formatPoints(-0.004)).toBe('-0.4');
    expect(formatPoints(0)).toBe('0.0');
    expect(formatPoints(0.0321, 'es')).toBe('+3,2');
    expect(liftSummary([{ delta: 0.1 }, { delta: -0.02 }, { delta: 0.001 }])).toEqual({
      up: 1,
      down: 1,
      same: 1,
    });
    expect(isAugmentationActive('RUNNING')).toBe(true);
    expect(isAugmentationActive('COMPLETED')).toBe(false);
  });
});
