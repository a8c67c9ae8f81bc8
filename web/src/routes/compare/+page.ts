import { error } from '@sveltejs/kit';
import type { ResultOf } from 'gql.tada';
import { createClient, errorMessage, GraphQLRequestError } from '$lib/graphql/client.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import { readBrowserToken } from '$lib/graphql/token.ts';
import { PickerQuery } from '$lib/validation/documents.ts';
import { defaultProfile } from '$lib/validation/report.ts';
import type { PageLoad } from './$types';

const CompareQuery = graphql(`
  query CompareDatasets($a: ID!, $b: ID!, $profile: String) {
    compareDatasets(a: $a, b: $b, profile: $profile) {
      __typename
      ... on QueryCompareDatasetsSuccess {
        data {
          a {
            id
            name
            kind
          }
          b {
            id
            name
            kind
          }
          reportA {
            version
            overallScore
            overallVerdict
            reason
            reasonMessage {
              code
              params
            }
            referenceName
          }
          reportB {
            version
            overallScore
            overallVerdict
            reason
            reasonMessage {
              code
              params
            }
            referenceName
          }
          vocabularyOverlap
          equalSample {
            tokens
            note
            noteMessage {
              code
              params
            }
          }
          metrics {
            id
            name
            group
            difference
            equalDifference
            change
            basis
            note
            noteMessage {
              code
              params
            }
            rangeA {
              value
            }
            rangeB {
              value
            }
            a {
              value
              verdict
              unit
              thresholds {
                direction
              }
            }
            b {
              value
              verdict
              unit
              thresholds {
                direction
              }
            }
          }
          overlays {
            id
            name
            labels
            a
            b
          }
          samples {
            intent
            a
            b
          }
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const load = (async ({ fetch, url, depends }) => {
  depends('app:compare');
  const client = createClient({ fetch, token: readBrowserToken });
  const a = url.searchParams.get('a') || null;
  const b = url.searchParams.get('b') || null;
  let pickers: ResultOf<typeof PickerQuery>;
  try {
    pickers = await client.request(PickerQuery);
  } catch (cause) {
    const status = cause instanceof GraphQLRequestError && cause.kind === 'network' ? 503 : 502;
    error(status, errorMessage(cause));
  }
  const datasets = pickers.datasets.edges.map((e) => e.node);
  let comparison:
    | Extract<
        ResultOf<typeof CompareQuery>['compareDatasets'],
        { __typename: 'QueryCompareDatasetsSuccess' }
      >['data']
    | null = null;
  let problem: string | null = null;
  if (a && b) {
    // A dataset without a report is validated against the profile that fits its kind.
    const kind = datasets.find((d) => d.id === a)?.kind;
    const profile = kind ? defaultProfile(kind, pickers.referenceProfiles) : null;
    try {
      const result = await client.request(CompareQuery, { a, b, profile });
      const outcome = result.compareDatasets;
      if (outcome.__typename === 'QueryCompareDatasetsSuccess') comparison = outcome.data;
      else problem = 'message' in outcome ? outcome.message : 'The comparison failed.';
    } catch (cause) {
      problem = errorMessage(cause);
    }
  }
  return { datasets, a, b, comparison, problem };
}) satisfies PageLoad;
