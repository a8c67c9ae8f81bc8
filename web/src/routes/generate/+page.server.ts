import { fail, redirect } from '@sveltejs/kit';
import { StartGenerationMutation } from '$lib/generation/documents.ts';
import { EXAMPLES_FILE_FIELD, readExamples } from '$lib/generation/examples.ts';
import {
  checkGenerationForm,
  fieldErrors,
  fieldOfPath,
  type GenerationForm,
  generationFormFromData,
} from '$lib/generation/form.ts';
import { errorMessage } from '$lib/graphql/client.ts';
import { alertOf } from '$lib/i18n/api-messages.ts';
import { serverClient } from '$lib/server/api.ts';
import type { Actions } from './$types';

/** The fields the Generate form shows messages under for a job of `kind` ('' is the form's own). */
const SHOWN = ['', 'count', 'name', 'model', 'mode', 'targets.languages'];
const PACE = ['concurrency', 'rpm', 'tpm', 'budgetUsd', 'seed'];
const SHOWN_BY_KIND: Record<GenerationForm['kind'], ReadonlySet<string>> = {
  conversations: new Set([
    ...SHOWN,
    ...PACE,
    'targets.sentiments',
    'targets.complexities',
    'targets.resolutions',
    'targets.intents',
    'intentExamples',
  ]),
  timeseries: new Set([
    ...SHOWN,
    ...PACE,
    'targets.seriesTypes',
    'length',
    'frequency',
    'start',
    'timeZone',
    'anomalyShare',
    'likeDatasetId',
  ]),
};

export const actions = {
  /**
   * Starts a generation job from the posted form and moves on to its page. A refused input comes
   * back as `fail(400)` with what was typed and the messages per field, as the form shows them. A
   * posted examples file is read by the server's reader first (its refusal names the line, entry or
   * key); without one, the examples the page already read come as JSON in a hidden input.
   */
  default: async (event) => {
    const data = await event.request.formData();
    const values = generationFormFromData(data);
    const file = data.get(EXAMPLES_FILE_FIELD);
    if (values.kind === 'conversations' && file instanceof File && file.size > 0) {
      const read = await readExamples(serverClient(event), file.name, await file.text());
      if (!read.ok) {
        return fail(400, { values, errors: { intentExamples: [read.message] }, message: null });
      }
      values.intentExamples = read.examples;
    }
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
        // An issue shown under its field is not said again in the alert.
        const shown = SHOWN_BY_KIND[values.kind];
        const message = alertOf(result, (path) => shown?.has(fieldOfPath(path)) ?? false);
        return fail(400, { values, errors, message });
      }
      id = result.data.id;
    } catch (error) {
      return fail(502, { values, errors: {}, message: errorMessage(error) });
    }
    redirect(303, `/generate/${id}`);
  },
} satisfies Actions;
