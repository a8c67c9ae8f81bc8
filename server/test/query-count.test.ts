import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { DatasetTagSchema } from '../src/registry/dataset-tag.entity.ts';
import { TrainingRunSchema } from '../src/training/training-run.entity.ts';
import { ValidationReportSchema } from '../src/validation/validation-report.entity.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';

const PAGES = {
  datasets: /* GraphQL */ `
    query ($first: Int!) {
      datasets(first: $first) { edges { node { id name tags validation { id version } } } }
    }
  `,
  jobs: /* GraphQL */ `
    query ($first: Int!) {
      generationJobs(first: $first) {
        edges { node { id dataset { id name tags } progress { accepted perLabel { label count } } } }
      }
    }
  `,
  runs: /* GraphQL */ `
    query ($first: Int!) {
      trainingRuns(first: $first) {
        edges { node { id dataset { id name tags } testDataset { id name } progress { stage } } }
      }
    }
  `,
};

describe.each(TEST_DATABASES)('list pages load related rows in batches (%s)', (kind) => {
  let s: TestServer;
  let queries = 0;

  beforeAll(async () => {
    s = await startTestServer(kind);
    const em = s.app.services.em.fork();
    for (let i = 0; i < 50; i++) {
      const dataset = em.create(DatasetSchema, {
        name: `set ${i}`,
        kind: 'conversations',
        origin: 'generated',
        itemCount: 2,
      });
      em.create(DatasetTagSchema, { dataset, tag: 'seeded' });
      em.create(DatasetTagSchema, { dataset, tag: `n${i}` });
      for (const [k, intent] of [
        ['s-1', 'card_arrival'],
        ['s-2', 'change_pin'],
      ] as const) {
        em.create(DatasetItemSchema, {
          dataset,
          key: k,
          position: Number(k.slice(2)) - 1,
          data: { intent },
          intent,
        } as never);
      }
      em.create(ValidationReportSchema, { dataset, version: 1, report: {} });
      em.create(ValidationReportSchema, { dataset, version: 2, report: {} });
      em.create(GenerationJobSchema, {
        kind: 'conversations',
        status: 'completed',
        provider: 'local',
        model: 'local',
        config: {},
        dataset,
        requested: 2,
        accepted: 2,
      } as never);
      em.create(TrainingRunSchema, {
        status: 'completed',
        dataset,
        testDataset: dataset,
        preset: 'fast',
        config: {},
      } as never);
    }
    await em.flush();
    // Every SQL statement the server sends, whatever the driver (knex emits one event per query).
    s.app.services.em
      .getConnection()
      .getKnex()
      .on('query', () => {
        queries++;
      });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function count(query: string, first: number): Promise<number> {
    const before = queries;
    const r = await s.gql<Record<string, { edges: unknown[] }>>(query, { first });
    expect(r.errors).toBeUndefined();
    expect(Object.values(r.data!)[0]!.edges).toHaveLength(first);
    return queries - before;
  }

  it.each(Object.entries(PAGES))(
    'a page of 50 %s costs as many queries as a page of 5',
    async (_name, query) => {
      const small = await count(query, 5);
      const large = await count(query, 50);
      // Related rows come through dataloaders: a constant number of queries per page, not one per row.
      expect(large).toBe(small);
      expect(large).toBeLessThanOrEqual(8);
    },
  );

  it('resolves each row to its own related rows', async () => {
    const r = await s.gql<{
      generationJobs: {
        edges: {
          node: { dataset: { name: string; tags: string[] }; progress: { perLabel: unknown[] } };
        }[];
      };
    }>(PAGES.jobs, { first: 50 });
    for (const { node: job } of r.data!.generationJobs.edges) {
      const n = job.dataset.name.slice(4);
      expect(job.dataset.tags).toEqual([`n${n}`, 'seeded']);
      expect(job.progress.perLabel).toEqual([
        { label: 'card_arrival', count: 1 },
        { label: 'change_pin', count: 1 },
      ]);
    }
    const d = await s.gql<{
      datasets: { edges: { node: { validation: { version: number } } }[] };
    }>(PAGES.datasets, { first: 50 });
    for (const { node } of d.data!.datasets.edges) expect(node.validation.version).toBe(2);
  });
});
