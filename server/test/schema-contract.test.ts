import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/platform/config.ts';
import { printedSchema } from '../src/platform/graphql/schema.ts';

describe('schema/schema.graphql', () => {
  it('is the printed Pothos schema (run `pnpm schema:print` after changing the API)', () => {
    const committed = readFileSync(resolve(REPO_ROOT, 'schema/schema.graphql'), 'utf8');
    expect(committed).toBe(printedSchema());
  });

  it('exposes the registry operations the clients rely on', () => {
    const sdl = printedSchema();
    for (const field of [
      'datasets(',
      'dataset(id: ID!): Dataset',
      'catalog: Catalog!',
      'stats: Stats!',
      'importDataset(',
      'renameDataset(',
      'tagDataset(',
      'deleteDataset(',
      'registryChanged: RegistryEvent!',
    ]) {
      expect(sdl).toContain(field);
    }
  });
});
