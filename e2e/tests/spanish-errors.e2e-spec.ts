import { expect, type Page, test } from '@playwright/test';
import { importUtterances, uniqueName } from '../utils.ts';

/** Loads a page in Spanish and waits for it to be interactive (the theme button is Spanish too). */
async function gotoHydratedEs(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Tema oscuro' })).toBeVisible();
}

test.describe('refusals in Spanish', () => {
  test.beforeEach(async ({ context, baseURL }) => {
    await context.addCookies([
      { name: 'genesis-lang', value: 'es', url: baseURL ?? 'http://localhost' },
    ]);
  });

  test("a refused upload lists the API's problems in Spanish, still located by line and field", async ({
    page,
  }) => {
    await gotoHydratedEs(page, '/validate');
    const upload = page.getByRole('form', { name: 'O sube un archivo para validarlo' });
    // Line 3 misses its intent column; line 4 names an intent that does not exist.
    await upload.getByLabel('Archivo (CSV, JSONL o JSON)').setInputFiles({
      name: 'faltan-columnas.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'text,intent\nwhere is my card,card_arrival\nno intent here\nwhat about this,no_such_intent\n',
      ),
    });
    await upload.getByRole('button', { name: 'Subir' }).click();

    const problems = upload.getByRole('list', { name: 'Problemas del archivo' });
    await expect(problems.getByRole('listitem')).toHaveText([
      'Línea 3: la fila tiene 1 campos, pero la cabecera tiene 2',
      'Línea 4, intent: intención desconocida «no_such_intent»',
    ]);
    await expect(
      upload.getByText(
        'faltan-columnas.csv no se importó: se encontraron 2 problemas; no se guardó nada',
      ),
    ).toBeVisible();
  });

  test('a CSV the importer cannot read (a broken quote) is refused in Spanish, located by line and column', async ({
    page,
  }) => {
    await gotoHydratedEs(page, '/validate');
    const upload = page.getByRole('form', { name: 'O sube un archivo para validarlo' });
    await upload.getByLabel('Archivo (CSV, JSONL o JSON)').setInputFiles({
      name: 'comillas.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'text,intent\nwhere is my card,card_arrival\n"where" is it,card_arrival\n',
      ),
    });
    await upload.getByRole('button', { name: 'Subir' }).click();
    await expect(
      upload.getByRole('list', { name: 'Problemas del archivo' }).getByRole('listitem'),
    ).toHaveText([
      'Línea 3, text: a una comilla de cierre le siguen otros caracteres (dentro de un campo entre comillas, escribe una comilla como "")',
    ]);
  });

  test("a bad value is refused in Spanish beside its field, by the browser's check of the shared schema", async ({
    page,
  }) => {
    await gotoHydratedEs(page, '/generate');
    const count = page.getByRole('spinbutton', { name: 'Cantidad' });
    await count.fill('0');
    await expect(count).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('error-err-count')).toHaveText('count debe ser al menos 1');

    await gotoHydratedEs(page, '/validate');
    const upload = page.getByRole('form', { name: 'O sube un archivo para validarlo' });
    await upload.getByLabel('Archivo (CSV, JSONL o JSON)').setInputFiles({
      name: 'nombre-largo.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('text,intent\nwhere is my card,card_arrival\n'),
    });
    await upload.getByRole('textbox', { name: /^Nombre/ }).fill('x'.repeat(121));
    await upload.getByRole('button', { name: 'Subir' }).click();
    await expect(page.getByTestId('error-upload-err-name')).toHaveText(
      'el nombre debe tener entre 1 y 120 caracteres',
    );
  });

  test('the push form refuses a repo that is not OWNER/NAME in Spanish, beside the repo field', async ({
    page,
    request,
  }) => {
    const seeded = await importUtterances(request, uniqueName('E2E push es'), [
      { text: `where is my card ${uniqueName('push-es')}`, intent: 'card_arrival', language: 'en' },
    ]);
    await gotoHydratedEs(page, `/datasets/${seeded.id}`);
    const repo = page.getByLabel('Repositorio (PROPIETARIO/NOMBRE)');
    await repo.fill('sin-barra');
    await page.getByRole('button', { name: 'Publicar en el Hub' }).click();
    await expect(page.getByTestId('push-status')).toContainText(
      'debe ser PROPIETARIO/NOMBRE (letras, dígitos, "-", "_" y "."), p. ej. mi-equipo/conversaciones-banca',
    );
    await expect(repo).toHaveAttribute('aria-invalid', 'true');
  });
  test('the Train form refuses a dataset of one intent in Spanish, beside the dataset only', async ({
    page,
    request,
  }) => {
    const seeded = await importUtterances(
      request,
      uniqueName('E2E train es'),
      ['where is my card', 'my card has not arrived', 'when does my card come'].map((text) => ({
        text: `${text} ${uniqueName('train-es')}`,
        intent: 'card_arrival',
        language: 'en',
      })),
    );
    await gotoHydratedEs(page, '/train');
    await page.getByLabel('Entrenar con').selectOption(seeded.id);
    await page.getByRole('button', { name: 'Iniciar entrenamiento' }).click();
    const refusal = `el conjunto ${seeded.id} necesita elementos de al menos 2 intenciones para entrenar`;
    await expect(page.getByTestId('error-train-err-datasetId')).toHaveText(refusal);
    // Said once: the form's alert does not repeat what is shown under the field.
    await expect(page.getByText(refusal)).toHaveCount(1);
    await expect(page.getByText(/needs items of at least 2 intents/)).toHaveCount(0);
    await expect(page).toHaveURL(/\/train$/);
  });
});
