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
