import * as v from 'valibot';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import { TrainPageQuery } from '$lib/training/documents.ts';
import type { PageLoad } from './$types';

// gql.tada does not type introspection fields, so the preset descriptions (the API documents each
// preset on its enum value) are checked here.
const PresetsSchema = v.object({
  enumValues: v.array(v.object({ name: v.string(), description: v.nullable(v.string()) })),
});

export const load = (async ({ fetch, url, depends }) => {
  depends('app:runs');
  const client = createClient({ fetch, token: readBrowserToken });
  try {
    const result = await client.request(TrainPageQuery, { runs: 10 });
    const datasets = [...result.conversations.edges, ...result.utterances.edges]
      .map((e) => e.node)
      .sort((a, b) => Number(b.id) - Number(a.id));
    return {
      datasets,
      runs: result.trainingRuns.edges.map((e) => e.node),
      runCount: result.trainingRuns.totalCount,
      presets: v.parse(PresetsSchema, result.presets).enumValues,
      preselect: url.searchParams.get('dataset'),
      error: null,
    };
  } catch (error) {
    return {
      datasets: [],
      runs: [],
      runCount: 0,
      presets: [],
      preselect: null,
      error: errorMessage(error),
    };
  }
}) satisfies PageLoad;
