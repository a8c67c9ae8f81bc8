import { expect, type Page, test } from '@playwright/test';
import {
  generateDataset,
  gotoHydrated,
  importUtterances,
  SAMPLE_UTTERANCES,
  saveScreenshot,
  trainModel,
  uniqueName,
  validateDataset,
} from '../utils.ts';

// The language lives in a cookie: these tests switch it back and forth, so one at a time.
test.describe.configure({ mode: 'serial' });

/** Loads a page in Spanish and waits for it to be interactive (the theme button is Spanish too). */
async function gotoHydratedEs(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Tema oscuro' })).toBeVisible();
}

/** How far the page reaches past the viewport sideways (0 when it fits). */
async function overflow(page: Page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

test.describe('English and Spanish', () => {
  test('English is the default and unchanged', async ({ page }) => {
    await gotoHydrated(page, '/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Synthetic data lab');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Datasets', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Español' })).toHaveAttribute('lang', 'es');
  });

  test('the switch translates the pages, formats numbers the Spanish way, and is remembered', async ({
    page,
    request,
  }) => {
    test.setTimeout(60_000);
    await gotoHydrated(page, '/');
    await page.getByRole('button', { name: 'Español' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Laboratorio de datos sintéticos',
    );
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');

    // A reload renders Spanish on the server (the cookie), before any script runs.
    const response = await page.reload();
    expect(await response?.text()).toContain('<html lang="es">');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Laboratorio de datos sintéticos',
    );
    const nav = page.getByRole('navigation', { name: 'Principal' });
    for (const label of [
      'Inicio',
      'Generar',
      'Conjuntos',
      'Validar',
      'Comparar',
      'Entrenar',
      'Ayuda',
    ]) {
      await expect(nav.getByRole('link', { name: label, exact: true })).toBeVisible();
    }
    await saveScreenshot(page, 'es-home');

    await nav.getByRole('link', { name: 'Conjuntos', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Conjuntos');
    await expect(page.getByLabel('Tipo', { exact: true })).toBeVisible();
    await expect(page.getByLabel('Buscar')).toBeVisible();
    await saveScreenshot(page, 'es-datasets');

    await gotoHydratedEs(page, '/generate');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Generar');
    await expect(page.getByLabel('Cantidad', { exact: true })).toBeVisible();
    await page.getByLabel('Cantidad', { exact: true }).fill('2000');
    // Token counts in the estimate: thousands grouped with a dot ("123.456 de entrada").
    await expect(page.getByTestId('estimate')).toContainText(/\d{1,3}(\.\d{3})+ de entrada/);
    await saveScreenshot(page, 'es-generate');

    await gotoHydratedEs(page, '/train');
    await expect(page.getByRole('heading', { name: 'Nuevo entrenamiento' })).toBeVisible();
    await expect(page.getByLabel('Entrenar con')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Iniciar entrenamiento' })).toBeVisible();

    // With a dataset in the registry, the validate form is the one shown.
    await importUtterances(request, uniqueName('E2E es validate'), SAMPLE_UTTERANCES);
    await gotoHydratedEs(page, '/validate');
    await expect(page.getByRole('combobox', { name: 'Conjunto', exact: true })).toBeVisible();

    for (const [path, heading] of [
      ['/validate', 'Validar'],
      ['/train', 'Entrenar'],
      ['/compare', 'Comparar'],
      ['/help', 'Ayuda'],
    ] as const) {
      await gotoHydratedEs(page, path);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    }

    // Back to English, and it stays English after a reload.
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Help');
  });

  test('a dataset page in Spanish: the item browser speaks Spanish and Spanish text is marked lang="es"', async ({
    page,
    request,
  }) => {
    const { id } = await importUtterances(request, uniqueName('E2E es items'), SAMPLE_UTTERANCES);
    await page
      .context()
      .addCookies([
        { name: 'genesis-lang', value: 'es', url: test.info().project.use.baseURL ?? '' },
      ]);
    await gotoHydratedEs(page, `/datasets/${id}`);
    await expect(page.getByRole('heading', { name: 'Elementos', level: 2 })).toBeVisible();
    await expect(page.getByLabel('Buscar elementos')).toBeVisible();
    await expect(page.getByTestId('item-range')).toHaveText('Elementos 1–5 de 5');
    const spanish = page.getByText('Mi tarjeta no ha llegado todavía');
    await expect(spanish).toHaveAttribute('lang', 'es');
    await expect(page.getByText('I lost my card yesterday')).toHaveAttribute('lang', 'en');
    await page.getByLabel('Idioma', { exact: true }).selectOption('es');
    await expect(page.getByTestId('item-range')).toHaveText(
      'Elementos 1–2 de 2 que cumplen los filtros',
    );
  });

  test('the Help page and the run comparison read in Spanish', async ({ page, request }) => {
    test.setTimeout(90_000);
    const { id } = await generateDataset(request, {
      kind: 'CONVERSATIONS',
      count: 60,
      seed: 5,
      name: uniqueName('E2E es compare'),
    });
    const a = await trainModel(request, id);
    const b = await trainModel(request, id);
    await page
      .context()
      .addCookies([
        { name: 'genesis-lang', value: 'es', url: test.info().project.use.baseURL ?? '' },
      ]);

    await gotoHydratedEs(page, '/help');
    await expect(page.getByRole('heading', { name: 'Calidad', level: 2 })).toBeVisible();
    await expect(
      page.getByText('Una métrica decisiva fija el veredicto sea cual sea la media', {
        exact: false,
      }),
    ).toBeVisible();
    await expect(page.locator('[id="metric-quality.completeness"]')).toContainText('Completitud');
    await expect(page.getByRole('button', { name: 'Copiar la suscripción' })).toBeVisible();
    await saveScreenshot(page, 'es-help');

    await gotoHydratedEs(page, `/train/compare?ids=${a}&ids=${b}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Comparar ejecuciones');
    const table = page.getByRole('table', { name: 'Ejecuciones comparadas' });
    await expect(table.getByRole('columnheader', { name: 'Exactitud' })).toBeVisible();
    await expect(table).toContainText(`Ejecución n.º ${b}`);
    await expect(table).toContainText('medida con una partición reservada del');
    await expect(table).toContainText('p. p.');
    await saveScreenshot(page, 'es-train-compare');

    await gotoHydratedEs(page, `/train/compare?ids=${a}`);
    await expect(
      page.getByText('Elige al menos dos ejecuciones en la página Entrenar para compararlas.'),
    ).toBeVisible();
  });

  test('no English left on the pages of a generated dataset, its job, a training run and Train', async ({
    page,
    request,
  }) => {
    test.setTimeout(90_000);
    const { id, jobId } = await generateDataset(request, {
      kind: 'CONVERSATIONS',
      count: 60,
      seed: 9,
      name: uniqueName('E2E es sweep'),
    });
    const run = await trainModel(request, id);
    await page
      .context()
      .addCookies([
        { name: 'genesis-lang', value: 'es', url: test.info().project.use.baseURL ?? '' },
      ]);

    // Words of the English UI that never appear in its Spanish one (item text aside, which is data).
    const english =
      /\b(Manage|Rename|Save tags|Delete dataset|Label|Count|Other \(|accepted|rejected|Time left|Model calls|Open the dataset|Try the model|Predict|Actual|Rows:|Columns:|Quick test|Smoke test|Cross validation|Custom|ignored)\b/;
    /** The page's own words: everything but the items' text (conversations are data, in either language). */
    const uiText = () =>
      page.evaluate(() => {
        const clone = document.body.cloneNode(true) as HTMLElement;
        for (const node of clone.querySelectorAll('[lang], script, style')) node.remove();
        // Visually hidden text (chart tables, live regions) counts: screen readers read it.
        return clone.textContent ?? '';
      });

    // A dataset page with hand-edited filters in its URL: the notes about them are Spanish too.
    await gotoHydratedEs(page, `/datasets/${id}?resolution=abandoned&intent=${'x'.repeat(101)}`);
    await expect(
      page.getByText('El filtro de resolución debe ser uno de resolved, unresolved, escalated'),
    ).toBeVisible();
    await expect(
      page.getByText('El filtro intent supera los 100 caracteres; ignorado.'),
    ).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Gestionar' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Guardar etiquetas' })).toBeVisible();
    expect(await uiText()).not.toMatch(english);
    await saveScreenshot(page, 'es-dataset-manage');

    // A dataset that does not exist: the 404 page says so in Spanish.
    const missing = await page.goto('/datasets/999999');
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole('alert')).toHaveText('No hay ningún conjunto con el id «999999».');

    await gotoHydratedEs(page, '/datasets?kind=images&view=grid');
    await expect(page.getByText('Tipo desconocido «images» ignorado')).toBeVisible();
    await expect(page.getByText('Vista desconocida «grid» ignorada')).toBeVisible();

    await gotoHydratedEs(page, `/generate/${jobId}`);
    await expect(page.getByTestId('progress-text')).toHaveText(
      '100% · 60 aceptados, 0 rechazados de 60',
    );
    await expect(page.getByRole('link', { name: 'Abrir el conjunto' })).toBeVisible();
    expect(await uiText()).not.toMatch(english);
    await saveScreenshot(page, 'es-job');

    // Presets: Spanish names and descriptions (the API's are English).
    await gotoHydratedEs(page, '/train');
    await expect(page.getByRole('radio', { name: /^Prueba rápida/ })).toBeVisible();
    await expect(
      page.getByText('Prueba de humo: como mucho 20 ejemplos por intención'),
    ).toBeVisible();
    await expect(page.getByRole('radio', { name: /^Validación cruzada El modelo/ })).toBeVisible();
    expect(await uiText()).not.toMatch(english);

    // A validation report: the page's own words are Spanish (the API's details stay as they come).
    await validateDataset(request, id, 'banking77');
    await gotoHydratedEs(page, `/validate?dataset=${id}`);
    await expect(page.getByRole('heading', { name: 'Por qué este veredicto' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Lo que no se comprobó' })).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Sesgo' })).toBeVisible();
    const completeness = page.locator('[data-metric="quality.completeness"]');
    await expect(completeness).toContainText('Completitud');
    await expect(completeness).toContainText('cuanto más alto, mejor');
    await expect(completeness).toContainText('intervalo del 95 %');
    await saveScreenshot(page, 'es-report');

    await gotoHydratedEs(page, `/train/${run}`);
    await expect(page.getByRole('heading', { name: 'Prueba el modelo' })).toBeVisible();
    await expect(page.getByText('Prueba rápida · Naive Bayes complementario')).toBeVisible();
    expect(await uiText()).not.toMatch(english);
    await saveScreenshot(page, 'es-run');
  });

  test.describe('on a phone', () => {
    test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

    test('the Spanish pages fit the screen and the menu opens in Spanish', async ({ page }) => {
      test.setTimeout(60_000);
      await page
        .context()
        .addCookies([
          { name: 'genesis-lang', value: 'es', url: test.info().project.use.baseURL ?? '' },
        ]);
      for (const path of ['/', '/generate', '/datasets', '/validate', '/train', '/help']) {
        await gotoHydratedEs(page, path);
        expect(await overflow(page), `${path} is wider than the screen`).toBeLessThanOrEqual(0);
      }
      const nav = page.getByRole('navigation', { name: 'Principal' });
      const menu = nav.getByRole('button', { name: 'Menú' });
      await menu.tap();
      await expect(menu).toHaveAttribute('aria-expanded', 'true');
      await expect(nav.getByRole('link', { name: 'Conjuntos', exact: true })).toBeInViewport();
      await saveScreenshot(page, 'es-phone-menu');
      await nav.getByRole('link', { name: 'Conjuntos', exact: true }).tap();
      await expect(page).toHaveURL(/\/datasets$/);
      await expect(menu).toHaveAttribute('aria-expanded', 'false');
    });
  });
});
