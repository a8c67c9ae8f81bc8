import * as v from 'valibot';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import type { PageLoad } from './$types';

const DatasetOption = graphql(`
  fragment TrainDatasetOption on Dataset @_unmask {
    id
    name
    kind
    itemCount
  }
`);

const TrainPageQuery = graphql(
  `
    query TrainPage($runs: Int!) {
      conversations: datasets(first: 100, filter: { kind: CONVERSATIONS }) {
        edges {
          node {
            ...TrainDatasetOption
          }
        }
      }
      utterances: datasets(first: 100, filter: { kind: UTTERANCES }) {
        edges {
          node {
            ...TrainDatasetOption
          }
        }
      }
      trainingRuns(first: $runs) {
        totalCount
        edges {
          node {
            id
            status
            preset
            experiment
            createdAt
            durationMs
            dataset {
              id
              name
            }
            testDataset {
              id
              name
            }
            # The list shows each run's headline figures, which for hold-out runs only the metrics
            # carry (the API's accuracy field is null for them), so the metrics come along.
            metrics
          }
        }
      }
      presets: __type(name: "TrainingPreset") {
        enumValues {
          name
          description
        }
      }
    }
  `,
  [DatasetOption],
);

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
