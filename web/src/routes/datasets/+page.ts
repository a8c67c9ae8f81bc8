import { datasetFilter, PAGE_SIZE, parseDatasetListParams } from '$lib/datasets/params.ts';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

const DatasetsQuery = graphql(`
  query Datasets($first: Int!, $after: String, $filter: DatasetFilter) {
    datasets(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          kind
          origin
          tags
          itemCount
          createdAt
        }
      }
    }
  }
`);

export const load = (async ({ fetch, url, depends }) => {
  // The registryChanged subscription invalidates this key.
  depends('app:datasets');
  const { params, problems } = parseDatasetListParams(url.searchParams);
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    const { datasets } = await client.request(DatasetsQuery, {
      first: PAGE_SIZE,
      after: params.after ?? null,
      filter: datasetFilter(params) ?? null,
    });
    return { params, problems, datasets, error: null };
  } catch (error) {
    return { params, problems, datasets: null, error: errorMessage(error) };
  }
}) satisfies PageLoad;
