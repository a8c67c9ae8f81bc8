import { expect, test } from '@playwright/test';
import { generateDataset, saveScreenshot, uniqueName, validateDataset } from '../utils.ts';

/**
 * Names inside a Spanish report sentence: a domain or a series type is an id in the API's English
 * ("energy", "solar_generation") and its catalogue name in Spanish, while the file names of the
 * commands stay ids (docs/validation.md, "Report text in other languages").
 */
test('a time-series report names its domains in Spanish', async ({ page, request }) => {
  test.setTimeout(90_000);
  // Solar generation (domain energy) against the electricity profile: energy has no reference.
  const { id } = await generateDataset(request, {
    kind: 'TIMESERIES',
    count: 12,
    seed: 8,
    targets: { seriesTypes: [{ key: 'solar_generation', weight: 1 }] },
    name: uniqueName('E2E es names'),
  });
  await validateDataset(request, id, 'electricity');
  const url = test.info().project.use.baseURL ?? '';
  await page.context().addCookies([{ name: 'genesis-lang', value: 'es', url }]);
  await page.goto(`/validate?dataset=${id}`);
  await expect(page.getByRole('heading', { name: 'Por qué este veredicto' })).toBeVisible();

  const reason = page.getByTestId('reason');
  await expect(reason).toContainText('energía (12 series)');
  await expect(reason).not.toContainText('energy (');
  const notChecked = page.getByTestId('not-checked');
  await expect(notChecked).toContainText('una referencia para el dominio energía (12 series)');
  await expect(notChecked).toContainText('importa series reales de energía');
  // A command keeps the id as its file name.
  await expect(notChecked).toContainText('--out energy.json');
  // Metric names: the domain's and the metric's, in Spanish.
  await expect(notChecked).toContainText('Energía: Distribución de valores (Kolmogórov-Smirnov)');
  await expect(notChecked).toContainText('no tiene series de energía (cubre electricidad)');
  await expect(page.locator('[data-part="energy"]')).toContainText('dominio');
  await saveScreenshot(page, 'es-report-domain-names');

  // In English the API's sentence, word for word.
  await page.context().addCookies([{ name: 'genesis-lang', value: 'en', url }]);
  await page.goto(`/validate?dataset=${id}`);
  await expect(page.getByTestId('not-checked')).toContainText(
    'a reference for the energy domain (12 series)',
  );
});
