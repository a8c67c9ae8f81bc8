import type { ResultOf } from 'gql.tada';
import { RefusalFields } from '../graphql/fragments.ts';
import { graphql } from '../graphql/graphql.ts';

/**
 * What the dataset page shows of one item: its record and every label column. Unmasked: the item
 * list reads these fields directly.
 */
export const DatasetItemFields = graphql(`
  fragment DatasetItemFields on DatasetItem @_unmask {
    id
    key
    position
    data
    intent
    category
    language
    sentiment
    complexity
    resolution
    seriesType
    domain
  }
`);

/** One page of a dataset's items, filtered, through the `items` connection. */
export const DatasetItemsQuery = graphql(
  `
    query DatasetItems($id: ID!, $first: Int!, $after: String, $filter: ItemFilter) {
      dataset(id: $id) {
        id
        items(first: $first, after: $after, filter: $filter) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              ...DatasetItemFields
            }
          }
        }
      }
    }
  `,
  [DatasetItemFields],
);

/** A page of a dataset's items as the item browser shows it. */
export type DatasetItemPage = NonNullable<ResultOf<typeof DatasetItemsQuery>['dataset']>['items'];

/** What the Manage panel of a dataset page needs: the dataset's id, name and tags. */
export const DatasetManageFields = graphql(`
  fragment DatasetManageFields on Dataset @_unmask {
    id
    name
    tags
  }
`);

/** Renames a dataset; a refused name comes back as a `ValidationError` naming the field. */
export const RenameDatasetMutation = graphql(
  `
    mutation RenameDataset($id: ID!, $name: String!) {
      renameDataset(id: $id, name: $name) {
        __typename
        ... on NotFoundError {
          entity
          id
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields],
);

/** A dataset's current tags, which the tag action turns into the wanted ones. */
export const DatasetTagsQuery = graphql(`
  query DatasetTags($id: ID!) {
    dataset(id: $id) {
      id
      tags
    }
  }
`);

/** Adds and removes tags of a dataset. */
export const TagDatasetMutation = graphql(
  `
    mutation TagDataset($id: ID!, $add: [String!], $remove: [String!]) {
      tagDataset(id: $id, add: $add, remove: $remove) {
        __typename
        ... on NotFoundError {
          entity
          id
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields],
);

/** Deletes a dataset with its items and reports (a dataset in use is refused, naming its users). */
export const DeleteDatasetMutation = graphql(
  `
    mutation DeleteDataset($id: ID!, $force: Boolean) {
      deleteDataset(id: $id, force: $force) {
        __typename
        ... on NotFoundError {
          entity
          id
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields],
);

/** Items per label value of a dataset, per label column: the charts and the item filters. */
export const LabelCountsFields = graphql(`
  fragment LabelCountsFields on LabelCounts @_unmask {
    intent {
      label
      count
    }
    category {
      label
      count
    }
    language {
      label
      count
    }
    sentiment {
      label
      count
    }
    complexity {
      label
      count
    }
    resolution {
      label
      count
    }
    seriesType {
      label
      count
    }
    domain {
      label
      count
    }
  }
`);
