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
    seriesType
    domain
  }
`);
