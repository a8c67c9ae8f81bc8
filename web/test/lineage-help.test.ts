import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { exportHref, parseTags, sourceJobId, tagChanges } from '../src/lib/datasets/lineage.ts';
import {
  helpMessageKeys,
  METRIC_SECTIONS,
  messageParts,
  SAMPLE_SUBSCRIPTION,
} from '../src/lib/help/metrics.ts';
import en from '../src/lib/i18n/en.json';
import es from '../src/lib/i18n/es.json';

describe('sourceJobId', () => {
  it('reads the generation job id from a generated dataset source', () => {
    expect(sourceJobId({ provider: 'local', model: 'local', seed: 1, jobId: 3 })).toBe('3');
    expect(sourceJobId({ jobId: '12' })).toBe('12');
  });

  it('is null for imported datasets and unreadable sources', () => {
    expect(sourceJobId(null)).toBeNull();
    expect(sourceJobId({ file: 'train.csv' })).toBeNull();
    expect(sourceJobId({ jobId: -1 })).toBeNull();
    expect(sourceJobId({ jobId: '../x' })).toBeNull();
  });
});

describe('exportHref', () => {
  it('builds the API export URL with an encoded id', () => {
    expect(exportHref('7', 'zip')).toBe('/datasets/7/export?format=zip');
    expect(exportHref('a/b', 'card')).toBe('/datasets/a%2Fb/export?format=card');
  });
});

describe('tags', () => {
  it('parses a comma-separated field into trimmed, unique, non-empty tags', () => {
    expect(parseTags(' gold, v2 ,, gold ,')).toEqual(['gold', 'v2']);
    expect(parseTags('')).toEqual([]);
  });

  it('computes the tags to add and remove', () => {
    expect(tagChanges(['a', 'b'], ['b', 'c'])).toEqual({ add: ['c'], remove: ['a'] });
    expect(tagChanges(['a'], ['a'])).toEqual({ add: [], remove: [] });
  });
});

describe('help content', () => {
  const schema = buildSchema(
    readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'),
  );

  it('shows a sample subscription that is valid against the API schema', () => {
    expect(validate(schema, parse(SAMPLE_SUBSCRIPTION)).map((e) => e.message)).toEqual([]);
  });

  it('explains each metric id once, under the section of its group', () => {
    const ids = METRIC_SECTIONS.flatMap((s) => s.metrics.map((m) => m.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const section of METRIC_SECTIONS) {
      for (const m of section.metrics) expect(m.id.startsWith(`${section.group}.`)).toBe(true);
    }
  });

  it('has every message it shows in English and in Spanish', () => {
    const keys = helpMessageKeys();
    expect(keys.length).toBeGreaterThan(100);
    const missing = (catalogue: Record<string, string>) =>
      keys.filter((k) => !catalogue[k]?.trim());
    expect(missing(en)).toEqual([]);
    expect(missing(es)).toEqual([]);
  });

  it('cuts a message at its placeholders, to show them as code', () => {
    expect(messageParts('With {token} set, send {header}.')).toEqual([
      { text: 'With ', hole: 'token' },
      { text: ' set, send ', hole: 'header' },
      { text: '.', hole: null },
    ]);
    expect(messageParts('plain')).toEqual([{ text: 'plain', hole: null }]);
  });
});
