import { fail, redirect } from '@sveltejs/kit';
import { StartGenerationMutation } from '$lib/generation/documents.ts';
import { checkGenerationForm, fieldErrors, generationFormFromData } from '$lib/generation/form.ts';
import { errorMessage } from '$lib/graphql/client.ts';
import { errorOf } from '$lib/i18n/api-messages.ts';
import { serverClient } from '$lib/server/api.ts';
import type { Actions } from './$types';

export const actions = {
  /**
   * Starts a generation job from the posted form and moves on to its page. A refused input comes
   * back as `fail(400)` with what was typed and the messages per field, as the form shows them.
   */
  default: async (event) => {
    const values = generationFormFromData(await event.request.formData());
    const check = checkGenerationForm(values);
    if (!check.success) return fail(400, { values, errors: check.errors, message: null });

    let id: string;
    try {
      const { startGeneration: result } = await serverClient(event).request(
        StartGenerationMutation,
        { input: check.input },
      );
      if (result.__typename !== 'MutationStartGenerationSuccess') {
        const errors = result.__typename === 'ValidationError' ? fieldErrors(result.issues) : {};
        return fail(400, { values, errors, message: errorOf(result) });
      }
      id = result.data.id;
    } catch (error) {
      return fail(502, { values, errors: {}, message: errorMessage(error) });
    }
    redirect(303, `/generate/${id}`);
  },
} satisfies Actions;
