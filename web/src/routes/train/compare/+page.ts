import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

const CompareQuery = graphql(`
  query CompareRuns($ids: [ID!]!) {
    compareRuns(ids: $ids) {
      runs {
        id
        status
        preset
        experiment
        config
        metrics
        durationMs
        modelBytes
        createdAt
        dataset {
          id
          name
          itemCount
        }
        testDataset {
          id
          name
        }
      }
    }
  }
`);

export const load = (async ({ fetch, url }) => {
  // `?ids=1&ids=2`, or `?ids=1,2` as typed by hand; order is kept (the first run is the baseline).
  const ids = [
    ...new Set(url.searchParams.getAll('ids').flatMap((s) => s.split(',').map((x) => x.trim()))),
  ].filter(Boolean);
  const bad = ids.filter((id) => !/^\d+$/.test(id));
  // What went wrong, for the page to say in the chosen language (the API's message as it is).
  let problem: { badIds: string[] } | { tooFew: true } | { message: string } | null = null;
  if (bad.length > 0) problem = { badIds: bad };
  else if (ids.length < 2) problem = { tooFew: true };
  if (problem) return { ids, runs: [], problem };
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    const { compareRuns } = await client.request(CompareQuery, { ids });
    return { ids, runs: compareRuns.runs, problem };
  } catch (error) {
    return { ids, runs: [], problem: { message: errorMessage(error) } };
  }
}) satisfies PageLoad;
