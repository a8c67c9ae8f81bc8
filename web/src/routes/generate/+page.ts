import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

const GeneratePageQuery = graphql(`
  query GeneratePage {
    bedrockModels {
      id
      inputPrice
      outputPrice
    }
    catalog {
      categories {
        id
        nameEn
        intents {
          id
          nameEn
        }
      }
      domains {
        id
        nameEn
      }
      seriesTypes {
        id
        nameEn
        domain
      }
    }
    generationJobs(first: 15) {
      totalCount
      edges {
        node {
          id
          kind
          status
          provider
          model
          requested
          accepted
          rejected
          costUsd
          createdAt
          dataset {
            id
            name
          }
        }
      }
    }
  }
`);

export const load = (async ({ fetch, depends }) => {
  depends('app:jobs');
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    const result = await client.request(GeneratePageQuery);
    return {
      catalog: result.catalog,
      models: result.bedrockModels,
      jobs: result.generationJobs.edges.map((e) => e.node),
      jobCount: result.generationJobs.totalCount,
      error: null,
    };
  } catch (error) {
    return { catalog: null, models: [], jobs: [], jobCount: 0, error: errorMessage(error) };
  }
}) satisfies PageLoad;
