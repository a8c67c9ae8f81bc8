import { GeneratePageQuery } from '$lib/generation/documents.ts';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

export const load = (async ({ fetch, depends }) => {
  depends('app:jobs');
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    const result = await client.request(GeneratePageQuery);
    return {
      catalog: result.catalog,
      models: result.bedrockModels,
      likeDatasets: result.likeDatasets.edges.map((e) => e.node),
      jobs: result.generationJobs.edges.map((e) => e.node),
      jobCount: result.generationJobs.totalCount,
      error: null,
    };
  } catch (error) {
    return {
      catalog: null,
      models: [],
      likeDatasets: [],
      jobs: [],
      jobCount: 0,
      error: errorMessage(error),
    };
  }
}) satisfies PageLoad;
