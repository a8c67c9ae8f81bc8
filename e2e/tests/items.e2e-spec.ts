import { expect, type Page, test } from '@playwright/test';
import {
  generateDataset,
  gotoHydrated,
  importUtterances,
  type SeededDataset,
  saveScreenshot,
  type UtteranceRow,
  uniqueName,
} from '../utils.ts';

/**
 * 23 utterances, 13 Spanish (5 of them about exchange rates) and 10 English, interleaved so every
 * unfiltered page mixes both languages.
 */
function rows(): UtteranceRow[] {
  const es = Array.from(
    { length: 13 },
    (_, i): UtteranceRow =>
      i < 5
        ? {
            text: `Que tipo de cambio aplican hoy, consulta ${i + 1}`,
            intent: 'exchange_rate',
            language: 'es',
          }
        : {
            text: `Mi tarjeta ${i + 1} no ha llegado todavia`,
            intent: 'card_arrival',
            language: 'es',
          },
  );
  const en = Array.from(
    { length: 10 },
    (_, i): UtteranceRow => ({
      text: `My card number ${i + 1} has still not arrived`,
      intent: 'card_arrival',
      language: 'en',
    }),
  );
  return es.flatMap((row, i) => (en[i] ? [row, en[i]] : [row]));
}

/** The language badge of every item on the page, in order. */
const languages = (page: Page) =>
  page.getByRole('list', { name: 'Items' }).locator('[data-label="language"]');

test.describe('dataset items', () => {
  let seeded: SeededDataset;

  test.beforeAll(async ({ request }) => {
    seeded = await importUtterances(request, uniqueName('E2E items'), rows());
    expect(seeded.itemCount).toBe(23);
  });

  test('filters the items by label, pages through them, and keeps it all in the URL', async ({
    page,
  }) => {
    await gotoHydrated(page, `/datasets/${seeded.id}`);
    const range = page.getByTestId('item-range');
    await expect(range).toHaveText('Items 1–10 of 23');
    await expect(languages(page)).toHaveCount(10);
    await expect(languages(page).filter({ hasText: 'en' })).not.toHaveCount(0);

    // Filter by language: only Spanish items, 13 of them on two pages.
    const language = page.getByLabel('Language', { exact: true });
    await expect(language.locator('option', { hasText: 'es (13)' })).toHaveCount(1);
    await language.selectOption('es');
    await expect(page).toHaveURL(new RegExp(`/datasets/${seeded.id}\\?language=es$`));
    await expect(range).toHaveText('Items 1–10 of 13 matching the filters');
    await expect(languages(page)).toHaveText(Array(10).fill('es'));
    await expect(page.getByRole('link', { name: /Previous/ })).toHaveCount(0);
    await saveScreenshot(page, 'dataset-items-filtered');

    const pages = page.getByRole('navigation', { name: 'Item pages' });
    await pages.getByRole('link', { name: /Next/ }).click();
    await expect(page).toHaveURL(/[?&]language=es&after=[^&]+&prev=(#items)?$/);
    await expect(range).toHaveText('Items 11–13 of 13 matching the filters');
    await expect(languages(page)).toHaveText(['es', 'es', 'es']);
    await expect(pages.getByRole('link', { name: /Next/ })).toHaveCount(0);

    // The page is a link: a reload (or a shared URL) shows the same filtered page.
    await page.reload();
    await expect(range).toHaveText('Items 11–13 of 13 matching the filters');
    await expect(page.getByLabel('Language', { exact: true })).toHaveValue('es');

    await pages.getByRole('link', { name: /Previous/ }).click();
    await expect(range).toHaveText('Items 1–10 of 13 matching the filters');
    await expect(languages(page)).toHaveText(Array(10).fill('es'));

    // A second filter narrows further and starts again on the first page.
    await page.getByLabel('Intent', { exact: true }).selectOption('exchange_rate');
    await expect(page).toHaveURL(/[?&]intent=exchange_rate/);
    await expect(page).toHaveURL(/[?&]language=es/);
    await expect(page).not.toHaveURL(/after=/);
    await expect(range).toHaveText('Items 1–5 of 5 matching the filters');
    const items = page.getByRole('list', { name: 'Items' }).locator('[data-label="intent"]');
    await expect(items).toHaveText(Array(5).fill('exchange_rate'));
    await expect(pages).toHaveCount(0);
  });

  test('searching for text no item has says so, and clearing shows every item', async ({
    page,
  }) => {
    await gotoHydrated(page, `/datasets/${seeded.id}?language=en`);
    await expect(page.getByTestId('item-range')).toHaveText(
      'Items 1–10 of 10 matching the filters',
    );

    await page.getByLabel('Search items').fill('no such words anywhere');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/[?&]q=no\+such\+words\+anywhere/);
    await expect(page.getByText('No item matches these filters')).toBeVisible();

    await page.getByRole('link', { name: 'Clear filters' }).click();
    await expect(page).toHaveURL(new RegExp(`/datasets/${seeded.id}(#items)?$`));
    await expect(page.getByTestId('item-range')).toHaveText('Items 1–10 of 23');
  });
});

test.describe('conversation items by resolution', () => {
  let datasetId: string;

  test.beforeAll(async ({ request }) => {
    // 12 conversations at 2:1:1 resolved, unresolved, escalated: the plan meets the shares exactly.
    ({ id: datasetId } = await generateDataset(request, {
      kind: 'CONVERSATIONS',
      count: 12,
      seed: 11,
      name: uniqueName('E2E resolutions'),
      targets: {
        resolutions: [
          { key: 'resolved', weight: 2 },
          { key: 'unresolved', weight: 1 },
          { key: 'escalated', weight: 1 },
        ],
      },
    }));
  });

  test('counts the resolutions and filtering by one narrows the list', async ({ page }) => {
    await gotoHydrated(page, `/datasets/${datasetId}`);
    await expect(page.getByRole('heading', { name: /^Resolution/, level: 3 })).toBeVisible();
    const range = page.getByTestId('item-range');
    await expect(range).toHaveText('Items 1–10 of 12');
    const badges = page.getByRole('list', { name: 'Items' }).locator('[data-label="resolution"]');
    await expect(badges).toHaveCount(10);

    const resolution = page.getByLabel('Resolution', { exact: true });
    await expect(resolution.locator('option', { hasText: 'escalated (3)' })).toHaveCount(1);
    await resolution.selectOption('escalated');
    await expect(page).toHaveURL(new RegExp(`/datasets/${datasetId}\\?resolution=escalated$`));
    await expect(range).toHaveText('Items 1–3 of 3 matching the filters');
    await expect(badges).toHaveText(['escalated', 'escalated', 'escalated']);
  });
});
