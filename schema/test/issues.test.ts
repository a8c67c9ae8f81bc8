import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { formatIssues, formatPath } from '../src/issues.ts';

function issuesOf(schema: v.GenericSchema, input: unknown) {
  const result = v.safeParse(schema, input);
  if (result.success) throw new Error('expected a failure');
  return result.issues;
}

describe('formatIssues', () => {
  it('builds dotted and bracketed paths', () => {
    const schema = v.object({
      turns: v.array(v.object({ speaker: v.string('speaker must be a string') })),
      counts: v.record(v.string(), v.number('a count must be a number')),
    });
    const issues = issuesOf(schema, {
      turns: [{ speaker: 'a' }, { speaker: 1 }],
      counts: { en: 1, 'reverted_card_payment?': 'x' },
    });
    expect(formatIssues(issues)).toEqual([
      { path: 'turns[1].speaker', message: 'speaker must be a string' },
      { path: 'counts["reverted_card_payment?"]', message: 'a count must be a number' },
    ]);
  });

  it("uses '' for the root", () => {
    expect(formatIssues(issuesOf(v.string('not a string'), 3))).toEqual([
      { path: '', message: 'not a string' },
    ]);
    expect(formatPath(undefined)).toBe('');
  });

  it('flattens nested issues after their parent and drops duplicates', () => {
    const schema = v.object({
      value: v.union(
        [v.string('not a string'), v.number('not a number')],
        'not a string or number',
      ),
    });
    expect(formatIssues(issuesOf(schema, { value: null }))).toEqual([
      { path: 'value', message: 'not a string or number' },
      { path: 'value', message: 'not a string' },
      { path: 'value', message: 'not a number' },
    ]);
  });
});
