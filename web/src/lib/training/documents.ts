import type { ResultOf } from 'gql.tada';
import { RefusalFields } from '../graphql/fragments.ts';
import { graphql } from '../graphql/graphql.ts';

/**
 * What the run page shows of a run's progress, shared by the page query and the `trainingProgress`
 * subscription so a live event replaces the loaded state field for field. Unmasked: the page reads
 * these fields directly.
 */
export const TrainingProgressFields = graphql(`
  fragment TrainingProgressFields on TrainingProgress @_unmask {
    runId
    status
    stage
    fold
    folds
    iteration
    iterations
    fraction
    elapsedSeconds
    etaSeconds
    message
  }
`);

/** A dataset the Train form offers to train on. Unmasked: the form reads these fields. */
export const TrainDatasetOption = graphql(`
  fragment TrainDatasetOption on Dataset @_unmask {
    id
    name
    kind
    itemCount
  }
`);

/** What the Train page loads: the datasets to train on, recent runs and the presets. */
export const TrainPageQuery = graphql(
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
  [TrainDatasetOption],
);

/** A dataset the Train form offers. */
export type TrainDataset = ResultOf<typeof TrainDatasetOption>;
/** A recent run, as the Train page lists it. */
export type RecentRun = ResultOf<typeof TrainPageQuery>['trainingRuns']['edges'][number]['node'];

/** Starts a training run; a refused input comes back as a `ValidationError` naming its fields. */
export const StartTrainingMutation = graphql(
  `
    mutation StartTraining($input: TrainingInput!) {
      startTraining(input: $input) {
        __typename
        ... on MutationStartTrainingSuccess {
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

/** The five most likely intents of a text under a run's model. */
export const PredictQuery = graphql(`
  query Predict($runId: ID!, $text: String!) {
    predict(runId: $runId, text: $text, top: 5) {
      intent
      probability
    }
  }
`);
