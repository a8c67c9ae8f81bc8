import { fail, redirect } from '@sveltejs/kit';
import type { ResultOf } from 'gql.tada';
import {
  DatasetTagsQuery,
  DeleteDatasetMutation,
  RenameDatasetMutation,
  TagDatasetMutation,
} from '$lib/datasets/documents.ts';
import { tagChanges } from '$lib/datasets/lineage.ts';
import {
  checkRename,
  checkTags,
  type ManageForm,
  type ManageResult,
} from '$lib/datasets/manage.ts';
import { pushDone } from '$lib/datasets/push.ts';
import { textField } from '$lib/forms.ts';
import { fieldErrors } from '$lib/generation/form.ts';
import { errorMessage } from '$lib/graphql/client.ts';
import { alertOf, errorOf } from '$lib/i18n/api-messages.ts';
import { translate } from '$lib/i18n/messages.ts';
import { serverClient } from '$lib/server/api.ts';
import type { Actions } from './$types';
import {
  PUSH_REPO_MISSING,
  PushDatasetMutation,
  type PushResult,
  privateArgument,
  pushValues,
} from './push-form.ts';

type Outcome =
  | ResultOf<typeof RenameDatasetMutation>['renameDataset']
  | ResultOf<typeof TagDatasetMutation>['tagDataset']
  | ResultOf<typeof DeleteDatasetMutation>['deleteDataset'];
/** A Manage mutation's refusal: any member of its result union but the success. */
type Refusal = Exclude<Outcome, { __typename: `Mutation${string}Success` }>;

/** Answers a refused or failed Manage form, with what was typed and the messages. */
function refused(
  status: number,
  form: ManageForm,
  value: string,
  errors: ManageResult['errors'],
  message: ManageResult['message'],
) {
  return fail(status, { form, value, errors, message, done: null } satisfies ManageResult);
}

/** The status and messages of a mutation's non-success member (404 for a dataset gone meanwhile). */
function refusal(form: ManageForm, value: string, outcome: Refusal) {
  const status = outcome.__typename === 'NotFoundError' ? 404 : 400;
  return refused(
    status,
    form,
    value,
    'issues' in outcome ? fieldErrors(outcome.issues) : {},
    errorOf(outcome),
  );
}

/** Runs a Manage mutation; an unreachable or failing API is answered as a 502 on the form. */
async function attempt<T>(
  form: ManageForm,
  value: string,
  run: () => Promise<T>,
): Promise<T | ReturnType<typeof refused>> {
  try {
    return await run();
  } catch (error) {
    return refused(502, form, value, {}, errorMessage(error));
  }
}

const done = (form: ManageForm, value: string, text: string): ManageResult => ({
  form,
  value,
  errors: {},
  message: null,
  done: text,
});

export const actions = {
  /** Renames the dataset; the page reloads with the new name. */
  rename: async (event) => {
    const value = textField(await event.request.formData(), 'name');
    const check = checkRename(value, event.locals.locale);
    if (!check.success) return refused(400, 'rename', value, check.errors, null);
    const { name } = check.output;
    return attempt('rename', value, async () => {
      const { renameDataset: outcome } = await serverClient(event).request(RenameDatasetMutation, {
        id: event.params.id,
        name,
      });
      if (outcome.__typename !== 'MutationRenameDatasetSuccess') {
        return refusal('rename', value, outcome);
      }
      return done('rename', name, translate(event.locals.locale, 'manage.renamed', { name }));
    });
  },

  /** Turns the dataset's tags into the posted comma-separated list. */
  tag: async (event) => {
    const value = textField(await event.request.formData(), 'tags');
    const check = checkTags(value);
    if (!check.success) return refused(400, 'tag', value, check.errors, null);
    return attempt('tag', value, async () => {
      const client = serverClient(event);
      const id = event.params.id;
      const { dataset } = await client.request(DatasetTagsQuery, { id });
      const locale = event.locals.locale;
      if (!dataset)
        return refused(404, 'tag', value, {}, translate(locale, 'manage.notFound', { id }));
      const { add, remove } = tagChanges(dataset.tags, check.output.tags);
      if (add.length === 0 && remove.length === 0)
        return done('tag', value, translate(locale, 'manage.noChange'));
      const { tagDataset: outcome } = await client.request(TagDatasetMutation, { id, add, remove });
      if (outcome.__typename !== 'MutationTagDatasetSuccess') return refusal('tag', value, outcome);
      return done('tag', value, translate(locale, 'manage.tagsSaved'));
    });
  },

  /**
   * Pushes the dataset to the Hugging Face Hub with the server's HF_TOKEN and stays on the page with
   * what the push did (or why it was refused). A blank repo is refused here; the rest is the API's
   * check.
   */
  push: async (event) => {
    const values = pushValues(await event.request.formData());
    const answer = (status: number, errors: PushResult['errors'], message: PushResult['message']) =>
      fail(status, { form: 'push', values, errors, message, done: null } satisfies PushResult);
    if (!values.repo) return answer(400, { repo: [PUSH_REPO_MISSING] }, null);
    try {
      const { pushDataset: outcome } = await serverClient(event).request(PushDatasetMutation, {
        id: event.params.id,
        repo: values.repo,
        private: privateArgument(values.visibility),
        message: values.message || null,
      });
      if (outcome.__typename === 'MutationPushDatasetSuccess') {
        return {
          form: 'push',
          values,
          errors: {},
          message: null,
          done: pushDone(outcome.data),
        } satisfies PushResult;
      }
      // The push status shows every field's messages, so a refused field is not said twice.
      return answer(
        outcome.__typename === 'NotFoundError' ? 404 : 400,
        'issues' in outcome ? fieldErrors(outcome.issues) : {},
        alertOf(outcome, () => true),
      );
    } catch (error) {
      return answer(502, {}, errorMessage(error));
    }
  },

  /**
   * Deletes the dataset and moves on to the datasets list. With `force` (the dialog's checkbox),
   * the generation jobs, training runs, validations and exports using it are cancelled first.
   */
  delete: async (event) => {
    const force = (await event.request.formData()).get('force') === 'true';
    const outcome = await attempt('delete', '', async () => {
      const { deleteDataset: result } = await serverClient(event).request(DeleteDatasetMutation, {
        id: event.params.id,
        force,
      });
      return result.__typename === 'MutationDeleteDatasetSuccess'
        ? null
        : refusal('delete', '', result);
    });
    if (outcome !== null) return outcome;
    redirect(303, '/datasets');
  },
} satisfies Actions;
