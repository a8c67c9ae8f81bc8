import { expect, type Page, test } from '@playwright/test';
import { gql, importUtterances, startGenerationJob, uniqueName } from '../utils.ts';

/** Loads a page in Spanish and waits for it to be interactive (the theme button is Spanish too). */
async function gotoHydratedEs(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Tema oscuro' })).toBeVisible();
}

// Typed refusals (a dataset in use) and a training search space the API refuses, said in Spanish from
// their codes and parameters (docs/conventions.md, "Two error tiers").
test.describe('typed refusals in Spanish', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await context.addCookies([
      { name: 'genesis-lang', value: 'es', url: baseURL ?? 'http://localhost' },
    ]);
  });

  test('deleting a dataset a job is writing into is refused in Spanish, naming the job', async ({
    page,
    request,
  }) => {
    // A slow job (one request a minute) keeps its dataset in use while the page asks to delete it.
    const jobId = await startGenerationJob(request, {
      count: 500,
      rpm: 1,
      name: uniqueName('E2E in use'),
    });
    try {
      const { generationJob } = await gql<{ generationJob: { dataset: { id: string } } }>(
        request,
        'query($id: ID!) { generationJob(id: $id) { dataset { id } } }',
        { id: jobId },
      );
      const datasetId = generationJob.dataset.id;
      await gotoHydratedEs(page, `/datasets/${datasetId}`);
      await page.getByRole('button', { name: 'Eliminar el conjunto…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Eliminar', exact: true }).click();
      await expect(page.getByTestId('delete-status')).toHaveText(
        new RegExp(
          `^El conjunto ${datasetId} está en uso por el trabajo de generación ${jobId} \\((en curso|en cola)\\); espera a que terminen o cancélalos`,
        ),
      );
      await expect(page.getByTestId('delete-status')).not.toContainText('is in use');
    } finally {
      await gql(request, 'mutation($id: ID!) { cancelGeneration(id: $id) { __typename } }', {
        id: jobId,
      });
    }
  });

  test('the Train form says a refused search space in Spanish, once, under the field', async ({
    page,
    request,
  }) => {
    const seeded = await importUtterances(
      request,
      uniqueName('E2E search es'),
      ['where is my card', 'my card has not arrived', 'I lost my card', 'my card was stolen'].map(
        (text, i) => ({
          text: `${text} ${uniqueName('search-es')}`,
          intent: i < 2 ? 'card_arrival' : 'lost_or_stolen_card',
          language: 'en',
        }),
      ),
    );
    await gotoHydratedEs(page, '/train');
    await page.getByLabel('Entrenar con').selectOption(seeded.id);
    await page.getByText('Ajustes personalizados').click();
    await page.getByLabel('Búsqueda de hiperparámetros').selectOption('GRID');
    const space = page.getByRole('textbox', { name: 'Espacio de búsqueda' });

    // The browser parses the space as the CLI does, in Spanish.
    await space.fill('C');
    await page.getByRole('button', { name: 'Iniciar entrenamiento' }).click();
    await expect(page.getByTestId('error-train-err-searchSpace')).toHaveText(
      '"C" no es NOMBRE=VALORES (p. ej. C=0.1,1,10 o C=0.01..100)',
    );

    // The API refuses a value the model (the quick test's naive Bayes) does not take; it is said under
    // the field, not again above.
    await space.fill('alpha=-1,1');
    await page.getByRole('button', { name: 'Iniciar entrenamiento' }).click();
    const refusal = 'alpha=-1 no es válido: model.alpha debe ser >0; se recibió -1';
    await expect(page.getByTestId('error-train-err-searchSpace')).toHaveText(refusal);
    await expect(space).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText(refusal)).toHaveCount(1);
    await expect(page).toHaveURL(/\/train$/);
  });
});
