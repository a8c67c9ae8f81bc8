import { error } from '@sveltejs/kit';
import type { ResultOf } from 'gql.tada';
import { GenerationProgressFields } from '$lib/generation/documents.ts';
import { createClient, errorMessage } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import { notFound } from '$lib/i18n/messages.ts';
import type { PageLoad } from './$types';

const JobQuery = graphql(
  `
    query GenerationJobPage($id: ID!) {
      generationJob(id: $id) {
        id
        kind
        status
        provider
        model
        config
        requested
        error
        errorMessage {
          code
          params
        }
        createdAt
        startedAt
        finishedAt
        outputTokens
        estimate {
          outputTokens
          costUsd
          seconds
          basedOnJobs
        }
        samples {
          t
          accepted
          itemsPerMinute
          costUsd
          throttles
        }
        dataset {
          id
          name
          itemCount
        }
        calibratedOn {
          id
          name
        }
        progress {
          ...GenerationProgressFields
        }
      }
      catalog {
        intents {
          id
        }
        domains {
          id
          weight
        }
        seriesTypes {
          id
          domain
        }
      }
    }
  `,
  [GenerationProgressFields],
);

export const load = (async ({ fetch, params, depends }) => {
  depends('app:job');
  if (!/^\d+$/.test(params.jobId)) error(404, notFound('error.noJobId', params.jobId));
  const client = createClient({ fetch, token: readBrowserToken });
  let result: ResultOf<typeof JobQuery>;
  try {
    result = await client.request(JobQuery, { id: params.jobId });
  } catch (cause) {
    // An unreachable API is shown in place (with a retry), not as an error page.
    return { job: null, catalog: null, error: errorMessage(cause) };
  }
  if (!result.generationJob) error(404, notFound('error.noJob', params.jobId));
  return { job: result.generationJob, catalog: result.catalog, error: null };
}) satisfies PageLoad;
