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

/** A message as data inside a typed error (a dataset's user, what a failed push put back). */
export const CodedMessageFields = graphql(`
  fragment CodedMessageFields on CodedMessage @_unmask {
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
 * message, a `ValidationError`'s issues, and the code and params of the typed errors that have them.
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
      ... on DatasetInUseError {
        code
        params {
          name
          value
        }
        parts {
          ...CodedMessageFields
        }
      }
      ... on ProviderConfigError {
        code
        params {
          name
          value
        }
        checks {
          name
          ok
          detail
          code
          params {
            name
            value
          }
        }
      }
      ... on HubPushError {
        code
        params {
          name
          value
        }
        undone {
          ...CodedMessageFields
        }
      }
    }
  `,
  [FieldIssueFields, CodedMessageFields],
);
