import { error } from '@sveltejs/kit';
import type { ResultOf } from 'gql.tada';
import { createClient, errorMessage, GraphQLRequestError } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import { notFound } from '$lib/i18n/messages.ts';
import { PickerQuery, ReportFields } from '$lib/validation/documents.ts';
import { defaultProfile, positiveInt } from '$lib/validation/report.ts';
import type { PageLoad } from './$types';

const DatasetReportsQuery = graphql(
  `
    query DatasetReports($id: ID!) {
      dataset(id: $id) {
        id
        name
        kind
        itemCount
        validations {
          ...ReportFields
        }
      }
    }
  `,
  [ReportFields],
);

export const load = (async ({ fetch, url, depends }) => {
  depends('app:validate');
  const client = createClient({ fetch, token: readBrowserToken });
  const datasetId = url.searchParams.get('dataset');
  let pickers: ResultOf<typeof PickerQuery>;
  let reports: ResultOf<typeof DatasetReportsQuery> | null = null;
  try {
    [pickers, reports] = await Promise.all([
      client.request(PickerQuery),
      datasetId ? client.request(DatasetReportsQuery, { id: datasetId }) : Promise.resolve(null),
    ]);
  } catch (cause) {
    const status = cause instanceof GraphQLRequestError && cause.kind === 'network' ? 503 : 502;
    error(status, errorMessage(cause));
  }
  if (datasetId && !reports?.dataset) error(404, notFound('error.noDataset', datasetId));
  const dataset = reports?.dataset ?? null;
  const profiles = pickers.referenceProfiles;
  return {
    datasets: pickers.datasets.edges.map((e) => e.node),
    profiles,
    dataset,
    // Newest first, as the API lists them; `?version=` picks an older one.
    version: positiveInt(url.searchParams.get('version')),
    suggestedProfile: dataset ? defaultProfile(dataset.kind, profiles) : null,
  };
}) satisfies PageLoad;
