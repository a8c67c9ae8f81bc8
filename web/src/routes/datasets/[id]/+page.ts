import { error } from '@sveltejs/kit';
import type { ResultOf } from 'gql.tada';
import { createClient, errorMessage, GraphQLRequestError } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

/** How many items the dataset page previews. */
const PREVIEW_ITEMS = 10;

const DatasetQuery = graphql(`
  query Dataset($id: ID!, $first: Int!) {
    dataset(id: $id) {
      id
      name
      kind
      origin
      tags
      itemCount
      createdAt
      updatedAt
      labelCounts {
        intent {
          label
          count
        }
        category {
          label
          count
        }
        language {
          label
          count
        }
        sentiment {
          label
          count
        }
        complexity {
          label
          count
        }
        seriesType {
          label
          count
        }
        domain {
          label
          count
        }
      }
      items(first: $first) {
        edges {
          node {
            id
            key
            data
            intent
            language
            sentiment
          }
        }
      }
    }
  }
`);

export const load = (async ({ fetch, params, depends }) => {
  depends(`app:dataset:${params.id}`);
  const client = createClient({ fetch, token: readBrowserToken });
  let result: ResultOf<typeof DatasetQuery>;
  try {
    result = await client.request(DatasetQuery, { id: params.id, first: PREVIEW_ITEMS });
  } catch (cause) {
    const status = cause instanceof GraphQLRequestError && cause.kind === 'network' ? 503 : 502;
    error(status, errorMessage(cause));
  }
  if (!result.dataset) error(404, `No dataset with id "${params.id}".`);
  return { dataset: result.dataset };
}) satisfies PageLoad;
