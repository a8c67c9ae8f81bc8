import { ActiveJobFields } from '$lib/generation/documents.ts';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

/** How many running (and how many queued) jobs the home page lists. */
const ACTIVE_JOBS = 10;

const HomeQuery = graphql(
  `
  query Home($activeJobs: Int!) {
    running: generationJobs(status: RUNNING, first: $activeJobs) {
      totalCount
      edges {
        node {
          ...ActiveJobFields
        }
      }
    }
    queued: generationJobs(status: QUEUED, first: $activeJobs) {
      totalCount
      edges {
        node {
          ...ActiveJobFields
        }
      }
    }
    stats {
      datasetCount
      itemCount
      byKind {
        kind
        datasets
        items
      }
    }
    datasets(first: 5) {
      totalCount
      edges {
        node {
          id
          name
          kind
          origin
          itemCount
          createdAt
        }
      }
    }
  }
`,
  [ActiveJobFields],
);

export const load = (async ({ fetch, depends }) => {
  depends('app:datasets');
  // A job that finishes while the page is open invalidates this key, so it leaves the list.
  depends('app:jobs');
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    const { running, queued, ...home } = await client.request(HomeQuery, {
      activeJobs: ACTIVE_JOBS,
    });
    return {
      home,
      activeJobs: [...running.edges, ...queued.edges].map((e) => e.node),
      activeJobCount: running.totalCount + queued.totalCount,
      error: null,
    };
  } catch (error) {
    // An unreachable API is shown in place (with a retry), not as an error page.
    return { home: null, activeJobs: [], activeJobCount: 0, error: errorMessage(error) };
  }
}) satisfies PageLoad;
