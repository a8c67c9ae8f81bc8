import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isSafeText, SearchTextSchema, TagsSchema } from '../src/common.ts';
import { GenerationInputSchema } from '../src/generation.ts';
import { type FieldError, formatIssues } from '../src/issues.ts';

function errors(schema: v.GenericSchema, input: unknown): FieldError[] {
  const result = v.safeParse(schema, input);
  return result.success ? [] : formatIssues(result.issues);
}

describe('isSafeText', () => {
  it('refuses NUL and unpaired surrogates, and accepts any other text', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'a\udc00b', '\ud83dx', 'x\ude00']) {
      expect(isSafeText(bad), JSON.stringify(bad)).toBe(false);
    }
    for (const ok of ['', 'plain', 'ñandú 😀 tab\there', '\u0001', 'emoji at end 😀']) {
      expect(isSafeText(ok), JSON.stringify(ok)).toBe(true);
    }
  });

  it('is checked by the search schema, which is capped at 200 characters', () => {
    expect(errors(SearchTextSchema, 'a\u0000')[0]?.message).toMatch(/NUL/);
    expect(errors(SearchTextSchema, 'a'.repeat(1 << 20))).toEqual([
      { path: '', message: 'search must be at most 200 characters; got 1048576' },
    ]);
  });
});

describe('TagsSchema', () => {
  it('answers 10,000 tags with one issue', () => {
    expect(errors(TagsSchema, Array(10_000).fill('x'))).toEqual([
      { path: '', message: 'at most 20 tags are allowed; got 10000' },
    ]);
  });
});

describe('GenerationInputSchema', () => {
  const base = { kind: 'timeseries', count: 1 } as const;

  it('refuses infinite weights and weights whose sum overflows', () => {
    expect(
      errors(GenerationInputSchema, { ...base, targets: { languages: { en: 1e308, es: 1e308 } } }),
    ).toEqual([
      {
        path: 'targets.languages',
        message:
          'languages weights are too large: their sum must be a finite number (they are shares; 1, 2, 3 will do)',
      },
    ]);
    expect(
      errors(GenerationInputSchema, {
        ...base,
        targets: { sentiments: { positive: Infinity } },
      })[0],
    ).toEqual({
      path: 'targets.sentiments.positive',
      message: 'sentiments weights must be finite numbers',
    });
  });

  it('keeps series between 1970 and 2100', () => {
    expect(errors(GenerationInputSchema, { ...base, start: '9999-01-01T00:00:00Z' })).toEqual([
      {
        path: 'start',
        message:
          'start must be between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z; got "9999-01-01T00:00:00Z"',
      },
    ]);
    // 336 hourly points (the default length) from the last day of 2099 run into 2100.
    expect(errors(GenerationInputSchema, { ...base, start: '2099-12-31T00:00:00Z' })[0]?.path).toBe(
      'start',
    );
    expect(
      errors(GenerationInputSchema, { ...base, start: '2099-12-31T00:00:00Z', length: 24 }),
    ).toEqual([]);
    expect(errors(GenerationInputSchema, { ...base, start: '2025-01-06T00:00:00Z' })).toEqual([]);
  });
});
