import { expect, type Page, test } from '@playwright/test';
import { generateDataset, saveScreenshot, uniqueName, validateDataset } from '../utils.ts';

/**
 * A validation report read in Spanish: the sentences the API writes (the verdict's reason, each metric's
 * reason, what was not checked and how to supply it, chart names) come with message codes, and the page
 * says them from its Spanish catalogue (docs/validation.md, "Report text in other languages").
 */

/** The page's own words: everything but the items' text and the code samples (commands stay as typed). */
function uiText(page: Page) {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true) as HTMLElement;
    for (const node of clone.querySelectorAll('[lang], script, style, code')) node.remove();
    return clone.textContent ?? '';
  });
}

/** Sentences the English report has, which the Spanish page must not show. */
const ENGLISH_SENTENCES = [
  'no reference for language',
  'items complete',
  'break a rule',
  'sampling alone gives about',
  "of the score's weight",
  'a reference in language',
  'their length and vocabulary realism were not measured',
  'import real es utterances',
  'tokens measured',
  'items have a near duplicate',
  'needs at least',
  'Turns per conversation',
  'Intents vs reference',
  'targeted intents present',
];

test('a validation report shows its reasons in Spanish', async ({ page, request }) => {
  test.setTimeout(90_000);
  // English and Spanish conversations against Banking77 (English only): incomplete, Spanish unreferenced.
  const { id } = await generateDataset(request, {
    kind: 'CONVERSATIONS',
    count: 60,
    seed: 21,
    name: uniqueName('E2E es report'),
  });
  await validateDataset(request, id, 'banking77');
  await page
    .context()
    .addCookies([
      { name: 'genesis-lang', value: 'es', url: test.info().project.use.baseURL ?? '' },
    ]);
  await page.goto(`/validate?dataset=${id}`);
  await expect(page.getByRole('heading', { name: 'Por qué este veredicto' })).toBeVisible();

  const reason = page.getByTestId('reason');
  await expect(reason).toContainText('sin referencia para el idioma es');
  await expect(reason).not.toContainText('no reference');

  const completeness = page.locator('[data-metric="quality.completeness"] .reason');
  await expect(completeness).toHaveText(/^\d+ de \d+ elementos completos$/);
  await expect(page.locator('[data-metric="realism.intent_jsd"] .reason')).toContainText(
    'proporciones de intenciones frente a',
  );
  const notChecked = page.getByTestId('not-checked');
  await expect(notChecked).toContainText('una referencia en el idioma "es"');
  await expect(notChecked).toContainText('importa enunciados reales en es');

  await page.getByRole('tab', { name: 'Distribuciones' }).click();
  await expect(
    page.getByRole('heading', { name: 'Intenciones frente a la referencia' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Turnos por conversación' })).toBeVisible();
  let text = await uiText(page);
  for (const sentence of ENGLISH_SENTENCES) expect(text, sentence).not.toContain(sentence);

  await page.getByRole('tab', { name: 'Calidad' }).click();
  text = await uiText(page);
  for (const sentence of ENGLISH_SENTENCES) expect(text, sentence).not.toContain(sentence);
  await saveScreenshot(page, 'es-report-reasons');

  // The same report in English keeps the API's sentences word for word.
  await page
    .context()
    .addCookies([
      { name: 'genesis-lang', value: 'en', url: test.info().project.use.baseURL ?? '' },
    ]);
  await page.goto(`/validate?dataset=${id}`);
  await expect(page.getByTestId('reason')).toContainText('no reference for language es');
  await expect(page.locator('[data-metric="quality.completeness"] .reason')).toHaveText(
    /^\d+ of \d+ items complete$/,
  );
});
