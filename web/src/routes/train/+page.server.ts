import { fail, redirect } from '@sveltejs/kit';
import { fieldErrors, fieldOfPath } from '$lib/generation/form.ts';
import { errorMessage } from '$lib/graphql/client.ts';
import { alertOf } from '$lib/i18n/api-messages.ts';
import { serverClient } from '$lib/server/api.ts';
import { StartTrainingMutation } from '$lib/training/documents.ts';
import {
  checkTrainForm,
  defaultTrainForm,
  type TrainFailure,
  trainFormFromData,
} from '$lib/training/form.ts';
import type { Actions } from './$types';

export const actions = {
  /**
   * Starts a training run from the posted form and moves on to its page. A refused input comes
   * back as `fail(400)` with what was typed and the messages per field, as the form shows them.
   */
  default: async (event) => {
    const values = trainFormFromData(await event.request.formData());
    const check = checkTrainForm(values);
    if (!check.success) {
      return fail(400, { values, errors: check.errors, message: null } satisfies TrainFailure);
    }

    let id: string;
    try {
      const { startTraining: result } = await serverClient(event).request(StartTrainingMutation, {
        input: check.input,
      });
      if (result.__typename !== 'MutationStartTrainingSuccess') {
        const errors = result.__typename === 'ValidationError' ? fieldErrors(result.issues) : {};
        // An issue shown under its field is not said again in the alert.
        const message = alertOf(result, (path) => fieldOfPath(path) in defaultTrainForm());
        return fail(400, { values, errors, message } satisfies TrainFailure);
      }
      id = result.data.id;
    } catch (error) {
      return fail(502, { values, errors: {}, message: errorMessage(error) } satisfies TrainFailure);
    }
    redirect(303, `/train/${id}`);
  },
} satisfies Actions;
