import { RefusalFields } from '../graphql/fragments.ts';
import { graphql } from '../graphql/graphql.ts';

/** Every field of a validation report the Validate and Compare pages show. */
export const ReportFields = graphql(`
  fragment ReportFields on ValidationReport @_unmask {
    id
    version
    createdAt
    referenceName
    overallScore
    overallVerdict
    reason
    reasonMessage {
      code
      params
    }
    scoreInterval {
      low
      high
      level
    }
    gates {
      metricId
      name
      nameMessage {
        code
        params
      }
      verdict
      value
      why
    }
    coverage {
      items
      weight
      minimumWeight
      parts {
        dimension
        key
        items
        referenced
      }
      references {
        name
        covers
        items
      }
      notMeasured {
        metricId
        name
        weight
        reason
        reasonMessage {
          code
          params
        }
      }
      missing {
        what
        how
        whatMessage {
          code
          params
        }
        howMessage {
          code
          params
        }
      }
    }
    weights
    metrics {
      id
      name
      group
      value
      verdict
      reason
      reasonMessage {
        code
        params
      }
      unit
      applicable
      interval {
        low
        high
        level
        method
      }
      sample {
        n
        min
      }
      thresholds {
        direction
        warn
        fail
      }
      band {
        low
        median
        high
      }
    }
    bias {
      severity
      reasons
      reasonMessages {
        code
        params
      }
    }
    distributions {
      id
      name
      labels
      dataset
      reference
      referenceName
    }
    labelDisagreements {
      item
      itemId
      language
      intent
      intentProbability
      intentRank
      predicted
      predictedProbability
      text
    }
    judge {
      status
      scored
      share
      overall
      dimensions {
        criterion
        mean
        scored
      }
      run {
        id
        provider
        model
        mode
        status
        costUsd
      }
      runs
      costUsd
    }
  }
`);

/** A dataset as the pickers list it. */
export const DatasetOption = graphql(`
  fragment DatasetOption on Dataset @_unmask {
    id
    name
    kind
    itemCount
  }
`);

/** Datasets to pick from and the shipped reference profiles. */
export const PickerQuery = graphql(
  `
    query ValidationPickers {
      datasets(first: 200) {
        edges {
          node {
            ...DatasetOption
          }
        }
      }
      referenceProfiles {
        id
        name
        kind
        description
      }
    }
  `,
  [DatasetOption],
);

/** Runs a validation and returns the new report (a new version on the dataset). */
export const ValidateMutation = graphql(
  `
    mutation ValidateDataset($input: ValidateInput!) {
      validateDataset(input: $input) {
        __typename
        ... on MutationValidateDatasetSuccess {
          data {
            ...ReportFields
          }
        }
        ...RefusalFields
      }
    }
  `,
  [ReportFields, RefusalFields],
);
