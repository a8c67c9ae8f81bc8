import type { PushDone } from '$lib/datasets/push.ts';
import type { FieldErrors, FieldMessage } from '$lib/forms.ts';
import { RefusalFields } from '$lib/graphql/fragments.ts';
import { graphql } from '$lib/graphql/graphql.ts';
import type { CodedText } from '$lib/i18n/api-messages.ts';

/** The dataset's latest pushes to the Hub, newest first, for the "Pushed to the Hub" history. */
export const DatasetPushesFields = graphql(`
  fragment DatasetPushesFields on Dataset @_unmask {
    id
    pushes(first: 5) {
      id
      at
      repo
      revision
      url
      host
      commitOid
      commitUrl
      private
      created
      visibilityChanged
      filesAdded
      filesChanged
      filesUnchanged
      filesDeleted
    }
  }
`);

/**
 * Pushes the dataset to the Hub with the server's HF_TOKEN. The server checks every argument
 * (`repo` as OWNER/NAME, the branch, the message) and answers a `ValidationError` located by
 * argument, or a `HubPushError` saying what to fix.
 */
export const PushDatasetMutation = graphql(
  `
    mutation PushDataset($id: ID!, $repo: String!, $private: Boolean, $message: String) {
      pushDataset(id: $id, repo: $repo, private: $private, message: $message) {
        __typename
        ... on MutationPushDatasetSuccess {
          data {
            url
            repo
            revision
            created
            commitOid
            private
            visibilityChanged
            itemCount
            previousItemCount
            files {
              change
            }
          }
        }
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

/**
 * The progress of the next push of the dataset, until it is DONE or FAILED: the form subscribes
 * before it posts, and shows the upload's bytes while a large push runs.
 */
export const PushProgressSubscription = graphql(`
  subscription PushProgress($datasetId: ID!) {
    pushProgress(datasetId: $datasetId) {
      phase
      bytesSent
      bytesTotal
    }
  }
`);

/** What an empty repo field is told (in the reader's language: `error.push.repoFormat`). */
export const PUSH_REPO_MISSING: CodedText = {
  code: 'push.repoFormat',
  params: {},
  message: 'Give the repo as OWNER/NAME.',
};

/** The visibility asked for: leave it (a new repo is public), or make the repo private or public. */
export type PushVisibility = '' | 'private' | 'public';

/** What was typed in the push form. */
export interface PushValues {
  repo: string;
  visibility: PushVisibility;
  message: string;
}

/** The mutation's `private` argument for a visibility: true, false, or null to leave it. */
export function privateArgument(visibility: PushVisibility): boolean | null {
  return visibility === 'private' ? true : visibility === 'public' ? false : null;
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
  message: FieldMessage | null;
  done: PushDone | null;
}

/** The push form's fields from a posted form. */
export function pushValues(data: FormData): PushValues {
  const text = (name: string) => {
    const value = data.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const visibility = text('visibility');
  return {
    repo: text('repo'),
    visibility: visibility === 'private' || visibility === 'public' ? visibility : '',
    message: text('message'),
  };
}
