import type { ResultOf } from 'gql.tada';
import { FieldIssueFields } from '../graphql/fragments.ts';
import { graphql } from '../graphql/graphql.ts';

/**
 * The run page's "Improve this model" flow (docs/curation.md, "Augment"): the documents it sends and the pure
 * shaping of what it shows. Unmasked fragments: the component reads these fields directly.
 */
export const AugmentationPlanFields = graphql(`
  fragment AugmentationPlanFields on AugmentationPlan @_unmask {
    total
    folds
    perIntent {
      intent
      f1
      support
      count
      notIntents
    }
    contrasts {
      intent
      notIntent
      count
    }
  }
`);

export const AugmentationProgressFields = graphql(`
  fragment AugmentationProgressFields on AugmentationProgress @_unmask {
    augmentationId
    status
    step
    stepFraction
    message
    jobId
    runId
    sequence
  }
`);

export const AugmentationFields = graphql(
  `
    fragment AugmentationFields on Augmentation @_unmask {
      id
      status
      step
      error
      count
      curate
      seeds
      createdAt
      finishedAt
      plan {
        ...AugmentationPlanFields
      }
      baselineRun {
        id
      }
      run {
        id
      }
      job {
        id
      }
      syntheticDataset {
        id
        name
        itemCount
      }
      curatedDataset {
        id
        name
        itemCount
      }
      lift {
        folds
        accuracy {
          before
          after
          delta
        }
        macroF1 {
          before
          after
          delta
        }
        perIntent {
          intent
          planned
          notIntents
          before
          after
          delta
        }
        seeded {
          rows
          excludedPerFold
        }
      }
    }
  `,
  [AugmentationPlanFields],
);

export const AugmentationsQuery = graphql(
  `
    query RunAugmentations($runId: ID!) {
      augmentations(runId: $runId) {
        ...AugmentationFields
      }
    }
  `,
  [AugmentationFields],
);

export const AugmentationQuery = graphql(
  `
    query Augmentation($id: ID!) {
      augmentation(id: $id) {
        ...AugmentationFields
      }
    }
  `,
  [AugmentationFields],
);

export const PreviewAugmentation = graphql(
  `
    query PreviewAugmentation($input: AugmentationInput!) {
      previewAugmentation(input: $input) {
        __typename
        ... on QueryPreviewAugmentationSuccess {
          data {
            plan {
              ...AugmentationPlanFields
            }
            estimate {
              items
              calls
              costUsd
              seconds
            }
          }
        }
        ... on ValidationError {
          message
          issues {
            ...FieldIssueFields
          }
        }
      }
    }
  `,
  [AugmentationPlanFields, FieldIssueFields],
);

export const StartAugmentation = graphql(
  `
    mutation StartAugmentation($input: AugmentationInput!) {
      startAugmentation(input: $input) {
        __typename
        ... on MutationStartAugmentationSuccess {
          data {
            ...AugmentationFields
          }
        }
        ... on ValidationError {
          message
          issues {
            ...FieldIssueFields
          }
        }
      }
    }
  `,
  [AugmentationFields, FieldIssueFields],
);

export const AugmentationProgressSubscription = graphql(
  `
    subscription AugmentationProgress($id: ID!) {
      augmentationProgress(id: $id) {
        ...AugmentationProgressFields
      }
    }
  `,
  [AugmentationProgressFields],
);

export type AugmentationData = ResultOf<typeof AugmentationFields>;
export type AugmentationPlanData = ResultOf<typeof AugmentationPlanFields>;
export type AugmentationProgressData = ResultOf<typeof AugmentationProgressFields>;

/** Whether an augmentation is still going. */
export function isAugmentationActive(status: string): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/** The steps an augmentation goes through, in order (the curation step only when it was asked for). */
export function augmentationSteps(
  curate: boolean,
  crossValidates: boolean,
): AugmentationProgressData['step'][] {
  return [
    ...(crossValidates ? (['CROSS_VALIDATION'] as const) : []),
    'GENERATION' as const,
    ...(curate ? (['CURATION'] as const) : []),
    'TRAINING' as const,
  ];
}

/** The plan's intents that get the most items (the weakest by CV F1), at most `limit`. */
export function weakestIntents(
  plan: AugmentationPlanData,
  limit = 10,
): AugmentationPlanData['perIntent'] {
  return [...plan.perIntent]
    .sort((a, b) => a.f1 - b.f1 || b.count - a.count || (a.intent < b.intent ? -1 : 1))
    .slice(0, limit);
}

/** A change in points of a share: `+3.2`, `-0.4`, `0.0`. */
export function formatPoints(delta: number, locale = 'en'): string {
  const points = delta * 100;
  const text = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(points);
  return text;
}

/**
 * What the seeded-lift note says (docs/curation.md, "Augment"): a seeded augmentation's CV leaves out of each fold
 * the synthetic items written from that fold's test texts. `null` when nothing was seeded. The fold counts are the
 * fewest and most items one fold left out.
 */
export function seededExclusion(
  seeded: { rows: number; excludedPerFold: readonly number[] } | null | undefined,
): { rows: number; min: number; max: number; folds: number } | null {
  if (!seeded) return null;
  const per = seeded.excludedPerFold;
  return {
    rows: seeded.rows,
    min: per.length ? Math.min(...per) : 0,
    max: per.length ? Math.max(...per) : 0,
    folds: per.length,
  };
}

/** Counts of intents whose CV F1 rose, fell or stayed (within half a point). */
export function liftSummary(perIntent: readonly { delta: number }[]): {
  up: number;
  down: number;
  same: number;
} {
  let up = 0;
  let down = 0;
  for (const i of perIntent) {
    if (i.delta > 0.005) up++;
    else if (i.delta < -0.005) down++;
  }
  return { up, down, same: perIntent.length - up - down };
}
