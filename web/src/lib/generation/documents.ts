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
    perLabel {
      label
      count
    }
    latest {
      key
      label
      preview
    }
    sequence
    updatedAt
  }
`);
