import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DatasetNameSchema, TagsSchema } from '../src/common.ts';
import { GenerationInputSchema } from '../src/generation.ts';
import { formatIssues } from '../src/issues.ts';
import { codedMessage, fillTemplate, issueCode, MESSAGES } from '../src/messages.ts';

function issuesOf(schema: v.GenericSchema, input: unknown) {
  const result = v.safeParse(schema, input);
  if (result.success) throw new Error('expected a failure');
  return result.issues;
}

describe('message codes', () => {
  it("gives a check's issue its code and parameters beside the English text", () => {
    const [issue] = issuesOf(TagsSchema, ['Gold']);
    expect(issue?.message).toBe(
      'tag "Gold" must be lowercase letters, digits and _ . : - and start with a letter or digit',
    );
    expect(issueCode(issue as object)).toEqual({ code: 'tag.format', params: { tag: '"Gold"' } });
  });

  it('keeps the code through a copy and a re-pathed issue (what Pothos does)', () => {
    const [issue] = issuesOf(DatasetNameSchema, '');
    const repathed = Object.create(issue as object, { path: { value: [], enumerable: true } });
    expect(issueCode(repathed)).toEqual({ code: 'name.length', params: {} });
    expect(issueCode({ ...issue })).toEqual({ code: 'name.length', params: {} });
    expect(issueCode({ message: 'no code' })).toBeNull();
    expect(formatIssues([issue as v.BaseIssue<unknown>])).toEqual([
      { path: '', message: 'name must be 1-120 characters' },
    ]);
  });

  it('flattens coded issues with their codes, and renders each as its English text', () => {
    const errors = formatIssues(
      issuesOf(GenerationInputSchema, { kind: 'conversations', count: 0 }),
      { codes: true },
    );
    expect(errors).toEqual([
      {
        path: 'count',
        message: 'count must be at least 1',
        code: 'value.atLeast',
        params: { field: 'count', min: 1 },
      },
    ]);
    for (const e of errors) {
      expect(fillTemplate(MESSAGES[e.code as keyof typeof MESSAGES], e.params ?? {})).toBe(
        e.message,
      );
    }
  });

  it('leaves a placeholder without a value as written', () => {
    expect(fillTemplate('{field} must be at most {max}', { field: 'count' })).toBe(
      'count must be at most {max}',
    );
    expect(codedMessage('import.duplicateColumn', { column: 'text' })).toEqual({
      code: 'import.duplicateColumn',
      params: { column: 'text' },
      message: 'column text appears twice',
    });
  });
});
