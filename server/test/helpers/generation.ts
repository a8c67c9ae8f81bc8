import { expect } from 'vitest';
import type { TestServer } from './app.ts';

const START = /* GraphQL */ `
  mutation($input: GenerationInput!) {
    startGeneration(input: $input) {
      __typename
      ... on MutationStartGenerationSuccess { data { id requested config } }
      ... on ValidationError { issues { path message } }
    }
  }
`;

/** Starts a local, seeded conversations job through the API with `input` over those defaults. */
export async function startGeneration(s: TestServer, input: Record<string, unknown>) {
  const r = await s.gql<any>(START, {
    input: { kind: 'CONVERSATIONS', provider: 'LOCAL', seed: 3, ...input },
  });
  expect(r.errors).toBeUndefined();
  return r.data.startGeneration;
}

/** The `path: message` lines of the ValidationError a refused `startGeneration` answers. */
export async function generationIssues(
  s: TestServer,
  input: Record<string, unknown>,
): Promise<string[]> {
  const r = await startGeneration(s, input);
  expect(r.__typename).toBe('ValidationError');
  return r.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`);
}
