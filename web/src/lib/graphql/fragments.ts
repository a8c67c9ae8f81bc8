import { graphql } from './graphql.ts';

/**
 * The selections every refusal shares: a `ValidationError`'s issues and an `ImportFailedError`'s file
 * issues, each with the code and params a client shows in its reader's language (docs/conventions.md).
 * Unmasked: `errorOf` and the forms read these fields directly.
 */
export const FieldIssueFields = graphql(`
  fragment FieldIssueFields on FieldIssue @_unmask {
    path
    message
    code
    params {
      name
      value
    }
  }
`);

export const FileIssueFields = graphql(`
  fragment FileIssueFields on FileIssue @_unmask {
    line
    field
    message
    code
    params {
      name
      value
    }
  }
`);

/**
 * What `errorOf` (web/src/lib/i18n/api-messages.ts) reads of a refusal in a mutation's result union: its
 * message, and a `ValidationError`'s issues.
 */
export const RefusalFields = graphql(
  `
    fragment RefusalFields on Error @_unmask {
      message
      ... on ValidationError {
        issues {
          ...FieldIssueFields
        }
      }
    }
  `,
  [FieldIssueFields],
);
