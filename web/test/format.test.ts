import { describe, expect, it } from 'vitest';
import { formatDuration, formatFixed, formatPercent, formatUsd } from '../src/lib/format.ts';

describe('formatDuration', () => {
  it('shows the two largest units', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(7500)).toBe('2 h 5 min');
    expect(formatDuration(3600)).toBe('1 h');
  });

  it('says "under 1 s" for tiny durations and a dash for impossible ones', () => {
    expect(formatDuration(0.2)).toBe('under 1 s');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatUsd and formatPercent', () => {
  it('keeps sub-cent costs visible', () => {
    expect(formatUsd(10.27)).toBe('$10.27');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0031)).toBe('$0.0031');
  });

  it('prints shares as percentages', () => {
    expect(formatPercent(0.9034)).toBe('90.3%');
    expect(formatPercent(1, 0)).toBe('100%');
  });
});

describe('codeSpans', () => {
  it('turns backtick spans into code parts and keeps no backtick', async () => {
    const { codeSpans } = await import('../src/lib/text.ts');
    expect(codeSpans('Like `balanced`, with a hold-out.')).toEqual([
      { text: 'Like ', code: false },
      { text: 'balanced', code: true },
      { text: ', with a hold-out.', code: false },
    ]);
    expect(codeSpans('no code')).toEqual([{ text: 'no code', code: false }]);
  });
});

describe('formatFixed', () => {
  it('keeps every decimal of a score, zero included, in the locale', () => {
    expect(formatFixed(0)).toBe('0.000');
    expect(formatFixed(0.8734)).toBe('0.873');
    expect(formatFixed(0.5, 'es', 2)).toBe('0,50');
    expect(formatFixed(Number.NaN)).toBe('—');
  });
});
