import { error } from '@sveltejs/kit';
import type { ResultOf } from 'gql.tada';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import { notFound } from '$lib/i18n/messages.ts';
import { TrainingProgressFields } from '$lib/training/documents.ts';
import type { PageLoad } from './$types';

const RunQuery = graphql(
  `
    query TrainingRunPage($id: ID!) {
      trainingRun(id: $id) {
        id
        status
        preset
        experiment
        config
        metrics
        modelBytes
        durationMs
        error
        createdAt
        finishedAt
        dataset {
          id
          name
          kind
          itemCount
        }
        testDataset {
          id
          name
          itemCount
        }
        progress {
          ...TrainingProgressFields
        }
      }
    }
  `,
  [TrainingProgressFields],
);

export const load = (async ({ fetch, params, depends }) => {
  depends('app:run');
  if (!/^\d+$/.test(params.runId)) error(404, notFound('error.noRunId', params.runId));
  const client = createClient({ fetch, token: readBrowserToken });
  let result: ResultOf<typeof RunQuery>;
  try {
    result = await client.request(RunQuery, { id: params.runId });
  } catch (cause) {
    // An unreachable API is shown in place (with a retry), not as an error page.
    return { run: null, error: errorMessage(cause) };
  }
  if (!result.trainingRun) error(404, notFound('error.noRun', params.runId));
  return { run: result.trainingRun, error: null };
}) satisfies PageLoad;
