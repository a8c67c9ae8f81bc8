import type { FieldErrors } from '$lib/forms.ts';
import { graphql } from '$lib/graphql/graphql.ts';

/**
 * Pushes the dataset to the Hub with the server's HF_TOKEN. The server checks every argument
 * (`repo` as OWNER/NAME, the branch, the message) and answers a `ValidationError` located by
 * argument, or a `HubPushError` saying what to fix.
 */
export const PushDatasetMutation = graphql(`
  mutation PushDataset($id: ID!, $repo: String!, $private: Boolean, $message: String) {
    pushDataset(id: $id, repo: $repo, private: $private, message: $message) {
      __typename
      ... on MutationPushDatasetSuccess {
        data {
          url
          commitOid
          summary
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

/** What was typed in the push form. */
export interface PushValues {
  repo: string;
  private: boolean;
  message: string;
}

/**
 * What the `push` action answers, refused (`fail`) or done: what was typed, the messages per field
 * (`repo`, `message`), a message about the whole push, and, once pushed, its summary and the
 * repo's page.
 */
export interface PushResult {
  form: 'push';
  values: PushValues;
  errors: FieldErrors;
  message: string | null;
  done: { summary: string; url: string } | null;
}

/** The push form's fields from a posted form. */
export function pushValues(data: FormData): PushValues {
  const text = (name: string) => {
    const value = data.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  return { repo: text('repo'), private: data.get('private') === 'on', message: text('message') };
}
