import type { ResultOf } from 'gql.tada';
import { RefusalFields } from '../graphql/fragments.ts';
import { graphql } from '../graphql/graphql.ts';

/**
 * Everything the job monitor shows of a job's progress, shared by the page query and the
 * `generationProgress` subscription so a live event replaces the loaded state field for field.
 * Unmasked: the monitor reads these fields directly.
 */
export const GenerationProgressFields = graphql(`
  fragment GenerationProgressFields on GenerationProgress @_unmask {
    jobId
    datasetId
    status
    message
    statusMessage {
      code
      params
    }
    requested
    accepted
    rejected
    rejectionReasons {
      reason
      count
    }
    retries
    throttles
    calls
    concurrency
    itemsPerMinute
    etaSeconds
    inputTokens
    outputTokens
    costUsd
    costPerItemUsd
    projectedCostUsd
    perLabel {
      label
      count
    }
    latest {
      key
      label
      preview
    }
    batch {
      status
      jobs
      recordsSubmitted
      recordsCompleted
      recordsFailed
    }
    sequence
    updatedAt
  }
`);

/**
 * What the home page's "Running jobs" list shows of a queued or running job. Unmasked: the list
 * reads these fields directly.
 */
export const ActiveJobFields = graphql(`
  fragment ActiveJobFields on GenerationJob @_unmask {
    id
    kind
    status
    provider
    requested
    accepted
    rejected
    createdAt
    startedAt
  }
`);

/**
 * The live counts of one job, for a progress bar: the job's state now, then every change, until
 * it completes, fails or is cancelled.
 */
export const JobProgressSubscription = graphql(`
  subscription JobProgress($jobId: ID!) {
    generationProgress(jobId: $jobId) {
      jobId
      status
      requested
      accepted
      rejected
      etaSeconds
    }
  }
`);

/** What the Generate page loads: the catalog the form offers, the suggested models, recent jobs. */
export const GeneratePageQuery = graphql(`
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
        nameEs
        intents {
          id
          nameEn
          nameEs
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
    likeDatasets: datasets(first: 100, filter: { kind: TIMESERIES }) {
      edges {
        node {
          id
          name
          itemCount
        }
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

/** Prices a job before it starts: calls, tokens, cost, time and what limits it. */
export const EstimateGenerationQuery = graphql(
  `
    query EstimateGeneration($input: GenerationInput!) {
      estimateGeneration(input: $input) {
        __typename
        ... on QueryEstimateGenerationSuccess {
          data {
            calls
            inputTokens
            outputTokens
            costUsd
            seconds
            limitedBy
            ceilingItemsPerMinute
            mode
            basedOnJobs
            basedOnItems
          }
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields],
);

/** Starts a generation job; the API answers its id, or the issues with the input. */
export const StartGenerationMutation = graphql(
  `
    mutation StartGeneration($input: GenerationInput!) {
      startGeneration(input: $input) {
        __typename
        ... on MutationStartGenerationSuccess {
          data {
            id
          }
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields],
);

/** The catalog the Generate form offers: intents by category, domains and series types. */
export type GenerateCatalog = ResultOf<typeof GeneratePageQuery>['catalog'];
/** A Bedrock model the server suggests, with its price per million tokens when known. */
export type SuggestedModel = ResultOf<typeof GeneratePageQuery>['bedrockModels'][number];
/** A recent job, as the Generate page lists it. */
export type RecentJob = ResultOf<
  typeof GeneratePageQuery
>['generationJobs']['edges'][number]['node'];
/** The price and pace of a job, as `estimateGeneration` answers when the input is valid. */
export type GenerationEstimate = Extract<
  ResultOf<typeof EstimateGenerationQuery>['estimateGeneration'],
  { __typename: 'QueryEstimateGenerationSuccess' }
>['data'];

/**
 * The doctor's checks of Bedrock with a model (credentials, then a one-token call), cached briefly
 * by the server: shown on the Generate page before a Bedrock job, with what to fix.
 */
export const BedrockCheckQuery = graphql(
  `
    query BedrockCheck($model: String) {
      bedrockCheck(model: $model) {
        __typename
        ... on QueryBedrockCheckSuccess {
          data {
            model
            ok
            checkedAt
            checks {
              name
              ok
              detail
              code
              params {
                name
                value
              }
              optional
            }
          }
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields],
);

/** What `bedrockCheck` answered when the model id was valid. */
export type BedrockCheck = Extract<
  ResultOf<typeof BedrockCheckQuery>['bedrockCheck'],
  { __typename: 'QueryBedrockCheckSuccess' }
>['data'];

/**
 * Reads an examples file (JSON or `intent,text` CSV) with the server's reader, the one `genesis generate
 * --intent-examples` uses (docs/generation.md, "Seeds"); a refused file names its line, entry or key.
 */
export const ReadIntentExamplesQuery = graphql(
  `
    query ReadIntentExamples($fileName: String!, $text: String!) {
      readIntentExamples(fileName: $fileName, text: $text) {
        __typename
        ... on QueryReadIntentExamplesSuccess {
          data {
            intent
            examples
          }
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields],
);
