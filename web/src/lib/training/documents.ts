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
