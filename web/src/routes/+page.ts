import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

const HomeQuery = graphql(`
  query Home {
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
`);

export const load = (async ({ fetch, depends }) => {
  depends('app:datasets');
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    return { home: await client.request(HomeQuery), error: null };
  } catch (error) {
    // An unreachable API is shown in place (with a retry), not as an error page.
    return { home: null, error: errorMessage(error) };
  }
}) satisfies PageLoad;
