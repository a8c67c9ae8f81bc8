import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  DatasetNameSchema,
  GenerationMetaSchema,
  IntentSchema,
  LanguageSchema,
  TagSchema,
  TagsSchema,
} from '../src/common.ts';
import { type FieldError, formatIssues } from '../src/issues.ts';

function errors(schema: v.GenericSchema, input: unknown): FieldError[] {
  const result = v.safeParse(schema, input);
  return result.success ? [] : formatIssues(result.issues);
}

const meta = {
  model: 'anthropic.claude-3-haiku',
  provider: 'bedrock',
  created_at: '2025-11-25T17:00:00Z',
  slot: 's-1',
};

describe('GenerationMetaSchema', () => {
  it('accepts UTC and offset timestamps', () => {
    expect(v.is(GenerationMetaSchema, meta)).toBe(true);
    expect(
      v.is(GenerationMetaSchema, { ...meta, created_at: '2025-11-25T18:00:00.123+01:00' }),
    ).toBe(true);
  });

  it('names each missing or empty field', () => {
    expect(errors(GenerationMetaSchema, { ...meta, model: '  ' })).toEqual([
      { path: 'model', message: 'model must not be empty' },
    ]);
    const { slot: _slot, ...withoutSlot } = meta;
    expect(errors(GenerationMetaSchema, withoutSlot)).toEqual([
      { path: 'slot', message: 'slot is required' },
    ]);
  });

  it('rejects timestamps without a zone and impossible dates', () => {
    expect(errors(GenerationMetaSchema, { ...meta, created_at: '2025-11-25 17:00:00' })).toEqual([
      {
        path: 'created_at',
        message:
          'created_at must be an ISO-8601 timestamp with a zone, like 2016-07-01T02:00:00Z; got "2025-11-25 17:00:00"',
      },
    ]);
    expect(errors(GenerationMetaSchema, { ...meta, created_at: '2016-02-31T00:00:00Z' })).toEqual([
      { path: 'created_at', message: 'created_at is not a real date: "2016-02-31T00:00:00Z"' },
    ]);
    expect(v.is(GenerationMetaSchema, { ...meta, created_at: '2016-02-29T23:30:00-05:00' })).toBe(
      true,
    );
  });
});

describe('DatasetNameSchema', () => {
  it('trims and accepts 1-120 characters', () => {
    expect(v.parse(DatasetNameSchema, '  Banking ES v2 ')).toBe('Banking ES v2');
    expect(v.is(DatasetNameSchema, 'x'.repeat(120))).toBe(true);
  });

  it('rejects empty, blank and too long names with one message', () => {
    for (const bad of ['', '   ', 'x'.repeat(121), 42]) {
      expect(errors(DatasetNameSchema, bad)).toEqual([
        { path: '', message: 'name must be 1-120 characters' },
      ]);
    }
  });
});

describe('TagSchema and TagsSchema', () => {
  it('accepts lowercase tags with _ . : -', () => {
    expect(v.parse(TagsSchema, ['es', 'run:2025-11', 'v1.2', 'card_ops'])).toEqual([
      'es',
      'run:2025-11',
      'v1.2',
      'card_ops',
    ]);
    expect(v.parse(TagSchema, ' es ')).toBe('es');
  });

  it('rejects uppercase, leading punctuation, spaces and over-long tags', () => {
    expect(errors(TagSchema, 'Spanish')[0]?.message).toBe(
      'tag "Spanish" must be lowercase letters, digits and _ . : - and start with a letter or digit',
    );
    expect(v.is(TagSchema, '-draft')).toBe(false);
    expect(v.is(TagSchema, 'two words')).toBe(false);
    expect(errors(TagSchema, 'x'.repeat(41))).toEqual([
      { path: '', message: 'a tag must be 1-40 characters' },
    ]);
  });

  it('rejects duplicates at their index and more than 20 tags', () => {
    expect(errors(TagsSchema, ['a', 'b', 'a'])).toEqual([
      { path: '[2]', message: 'duplicate tag "a"' },
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect(errors(TagsSchema, many)).toEqual([
      { path: '', message: 'at most 20 tags are allowed; got 21' },
    ]);
  });
});

describe('enum and intent fields', () => {
  it('lists the allowed values when rejecting an enum value', () => {
    expect(errors(LanguageSchema, 'fr')).toEqual([
      { path: '', message: 'language must be one of en, es; got "fr"' },
    ]);
  });

  it('names an unknown intent', () => {
    expect(errors(IntentSchema, 'foo')).toEqual([{ path: '', message: "unknown intent 'foo'" }]);
    expect(v.is(IntentSchema, 'reverted_card_payment?')).toBe(true);
  });
});
