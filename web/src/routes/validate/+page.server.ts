import { fail, redirect } from '@sveltejs/kit';
import {
  checkImportForm,
  duplicateOf,
  type ImportFailure,
  importDatasetFile,
  importValuesFromData,
  refusalMessage,
} from '$lib/datasets/upload.ts';
import { fieldErrors } from '$lib/generation/form.ts';
import { errorMessage } from '$lib/graphql/client.ts';
import { API_PATH } from '$lib/server/api.ts';
import type { Actions } from './$types';

export const actions = {
  /**
   * Imports the posted file (a multipart form) as a new dataset and selects it for validation.
   * The file goes on to the API's `importDataset` as a GraphQL multipart request through this
   * request's `fetch`, which the `handleFetch` hook routes to the API with the server's token. A
   * refused file comes back as `fail(400)` with its problems located by line.
   */
  import: async (event) => {
    const data = await event.request.formData();
    const values = importValuesFromData(data);
    const refused = (status: number, failure: Omit<ImportFailure, 'values'>) =>
      fail(status, { values, ...failure } satisfies ImportFailure);

    const check = checkImportForm(data);
    if (!check.success) return refused(400, { errors: check.errors, message: null, refusal: null });

    let id: string;
    try {
      const { file, kind, name, allowDuplicate } = check.input;
      const outcome = await importDatasetFile(file, kind, name, {
        fetch: event.fetch,
        endpoint: API_PATH,
        allowDuplicate,
      });
      if (outcome.__typename === 'DuplicateImportError') {
        // The form asks whether to import a second copy (the file must be chosen again).
        return refused(409, {
          errors: {},
          message: null,
          refusal: null,
          duplicate: duplicateOf(outcome),
        });
      }
      if (outcome.__typename === 'ImportFailedError') {
        return refused(400, { errors: {}, message: null, refusal: outcome });
      }
      if (outcome.__typename !== 'MutationImportDatasetSuccess') {
        const errors = outcome.__typename === 'ValidationError' ? fieldErrors(outcome.issues) : {};
        return refused(400, { errors, message: refusalMessage(outcome), refusal: null });
      }
      id = outcome.data.id;
    } catch (error) {
      return refused(502, { errors: {}, message: errorMessage(error), refusal: null });
    }
    redirect(303, `/validate?dataset=${encodeURIComponent(id)}`);
  },
} satisfies Actions;
