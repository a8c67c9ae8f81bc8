import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/app.ts';

const START = `mutation($input: GenerationInput!) {
  startGeneration(input: $input) {
    __typename
    ... on ValidationError { issues { path message } }
  }
}`;
const ESTIMATE = `query($input: GenerationInput!) {
  estimateGeneration(input: $input) {
    __typename
    ... on ValidationError { issues { path message } }
  }
}`;

/** Values a job used to accept and then finish COMPLETED with no items, or fail with "Unexpected error". */
describe('generation inputs at their limits', () => {
  const s = useTestServer('sqlite');

  async function refused(input: Record<string, unknown>) {
    for (const query of [ESTIMATE, START]) {
      const r = await s.gql<any>(query, { input });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const result = Object.values(r.data)[0] as { __typename: string; issues: unknown[] };
      expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
      if (query === START) return result.issues as { path: string; message: string }[];
    }
    throw new Error('unreachable');
  }

  it('refuses weights whose sum overflows, naming the target', async () => {
    const issues = await refused({
      kind: 'CONVERSATIONS',
      count: 10,
      targets: {
        languages: [
          { key: 'en', weight: 1e308 },
          { key: 'es', weight: 1e308 },
        ],
      },
    });
    expect(issues).toEqual([
      {
        path: 'input.targets.languages',
        message:
          'languages weights are too large: their sum must be a finite number (they are shares; 1, 2, 3 will do)',
      },
    ]);
  });

  it('refuses a start outside 1970..2100, and a series that would end after 2100', async () => {
    const base = { kind: 'TIMESERIES', count: 2 };
    expect(await refused({ ...base, start: '9999-01-01T00:00:00Z' })).toEqual([
      {
        path: 'input.start',
        message:
          'start must be between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z; got "9999-01-01T00:00:00Z"',
      },
    ]);
    expect((await refused({ ...base, start: '1969-12-31T23:00:00Z' }))[0]!.path).toBe(
      'input.start',
    );
    const late = await refused({
      ...base,
      start: '2099-06-01T00:00:00Z',
      frequency: 'F_1D',
      length: 1000,
    });
    expect(late).toEqual([
      {
        path: 'input.start',
        message:
          'a series of 1000 points every 1D from 2099-06-01T00:00:00Z ends after 2100-01-01T00:00:00Z: start earlier, or ask for fewer points or a shorter frequency',
      },
    ]);
    const ok = await s.gql<any>(ESTIMATE, {
      input: { ...base, start: '2099-06-01T00:00:00Z', frequency: 'F_1D', length: 100 },
    });
    expect(ok.data.estimateGeneration.__typename).not.toBe('ValidationError');
  });

  it('refuses 10,000 tags with one issue, and locates a repeated tag', async () => {
    const many = await refused({
      kind: 'CONVERSATIONS',
      count: 1,
      tags: Array.from({ length: 10_000 }, () => 'same'),
    });
    expect(many).toEqual([
      { path: 'input.tags', message: 'at most 20 tags are allowed; got 10000' },
    ]);
    const twice = await refused({ kind: 'CONVERSATIONS', count: 1, tags: ['a', 'b', 'a'] });
    expect(twice).toEqual([{ path: 'input.tags[2]', message: 'duplicate tag "a"' }]);
    const long = await refused({ kind: 'CONVERSATIONS', count: 1, tags: ['x'.repeat(5000)] });
    expect(long[0]).toEqual({ path: 'input.tags[0]', message: 'a tag must be 1-40 characters' });
    expect(JSON.stringify(long).length).toBeLessThan(1000);
  });

  it('caps the tags a dataset carries, and refuses 10,000 added at once with one issue', async () => {
    const started = await s.gql<any>(
      `mutation($input: GenerationInput!) { startGeneration(input: $input) { ... on MutationStartGenerationSuccess { data { dataset { id } } } } }`,
      {
        input: {
          kind: 'CONVERSATIONS',
          count: 1,
          tags: Array.from({ length: 19 }, (_, i) => `t${i}`),
        },
      },
    );
    const id = started.data.startGeneration.data.dataset.id;
    const tagged = await s.gql<any>(
      `mutation($id: ID!, $add: [String!]) { tagDataset(id: $id, add: $add) { __typename ... on MutationTagDatasetSuccess { data { tags } } ... on ValidationError { issues { path message } } } }`,
      { id, add: ['one', 'two'] },
    );
    expect(tagged.data.tagDataset).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: 'add',
          message: 'a dataset carries at most 20 tags; it has 19, so at most 1 more can be added',
        },
      ],
    });
    const dup = await s.gql<any>(
      `mutation($id: ID!, $add: [String!]) { tagDataset(id: $id, add: $add) { __typename ... on ValidationError { issues { path message } } } }`,
      { id, add: Array.from({ length: 10_000 }, () => 'one') },
    );
    expect(dup.data.tagDataset.issues).toEqual([
      { path: 'add', message: 'at most 20 tags are allowed; got 10000' },
    ]);
  });
});
