import { error } from '@sveltejs/kit';
import type { ResultOf } from 'gql.tada';
import { DatasetManageFields, LabelCountsFields } from '$lib/datasets/documents.ts';
import { sourceCalibratedOn, sourceJobId } from '$lib/datasets/lineage.ts';
import { createClient, errorMessage, GraphQLRequestError } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import { notFound } from '$lib/i18n/messages.ts';
import type { LayoutLoad } from './$types';
import { DatasetPushesFields } from './push-form.ts';

// The dataset itself, loaded here rather than in the page so that browsing and filtering its
// items (the page's URL query) re-runs only the page's load, not the label counts and lineage.
const DatasetQuery = graphql(
  `
    query Dataset($id: ID!) {
      dataset(id: $id) {
        ...DatasetManageFields
        ...DatasetPushesFields
        id
        name
        kind
        origin
        tags
        itemCount
        createdAt
        updatedAt
        source
        validation {
          version
          createdAt
          overallScore
          overallVerdict
          referenceName
          bias {
            severity
          }
        }
        labelCounts {
          ...LabelCountsFields
        }
        judgeSummary {
          items
          overall
          runs
          costUsd
          means {
            criterion
            mean
          }
        }
      }
      trainingRuns(datasetId: $id, first: 20) {
        totalCount
        edges {
          node {
            id
            status
            preset
            createdAt
            accuracy
            macroF1
          }
        }
      }
    }
  `,
  [DatasetManageFields, DatasetPushesFields, LabelCountsFields],
);

export const load = (async ({ fetch, params, depends }) => {
  depends(`app:dataset:${params.id}`);
  const client = createClient({ fetch, token: readBrowserToken });
  let result: ResultOf<typeof DatasetQuery>;
  try {
    result = await client.request(DatasetQuery, { id: params.id });
  } catch (cause) {
    const status = cause instanceof GraphQLRequestError && cause.kind === 'network' ? 503 : 502;
    error(status, errorMessage(cause));
  }
  if (!result.dataset) error(404, notFound('error.noDataset', params.id));
  return {
    dataset: result.dataset,
    jobId: sourceJobId(result.dataset.source),
    calibratedOn: sourceCalibratedOn(result.dataset.source),
    runs: result.trainingRuns.edges.map((e) => e.node),
    runCount: result.trainingRuns.totalCount,
  };
}) satisfies LayoutLoad;
