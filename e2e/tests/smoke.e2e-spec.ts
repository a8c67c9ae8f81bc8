import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import {
  gotoHydrated,
  importUtterances,
  SAMPLE_UTTERANCES,
  type SeededDataset,
  stats,
  uniqueName,
} from '../utils.ts';

const fmt = (n: number) => new Intl.NumberFormat('en').format(n);

// The specs share one registry and build on the dataset seeded first.
test.describe.configure({ mode: 'serial' });

test.describe('registry smoke', () => {
  let seeded: SeededDataset;

  test.beforeAll(async ({ request }) => {
    seeded = await importUtterances(request, uniqueName('E2E banking sample'));
    expect(seeded.itemCount).toBe(SAMPLE_UTTERANCES.length);
  });

  test('home shows the registry counts, a chart and the recent dataset', async ({
    page,
    request,
  }) => {
    const totals = await stats(request);
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Synthetic data lab');
    await expect(page.getByTestId('stat-datasets')).toHaveText(fmt(totals.datasetCount));
    await expect(page.getByTestId('stat-items')).toHaveText(fmt(totals.itemCount));
    const utterances = totals.byKind.find((k) => k.kind === 'UTTERANCES');
    expect(utterances?.items).toBeGreaterThanOrEqual(SAMPLE_UTTERANCES.length);
    await expect(page.getByTestId('stat-utterances')).toContainText(fmt(utterances?.items ?? 0));
    // One bar per kind, rendered on the server.
    await expect(page.locator('rect.bar')).toHaveCount(3);
    await expect(page.getByRole('table', { name: 'Items by kind' })).toContainText('Utterances');
    await expect(page.getByRole('link', { name: seeded.name })).toBeVisible();
  });

  test('keyboard users can skip the nav, and the theme toggle sticks', async ({ page }) => {
    await page.goto('/');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main')).toBeFocused();

    const toggle = page.getByRole('button', { name: 'Dark theme' });
    const pressed = (await toggle.getAttribute('aria-pressed')) === 'true' ? 'false' : 'true';
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', pressed);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute(
      'aria-pressed',
      pressed,
    );
  });

  test('datasets page lists the dataset and filters by kind', async ({ page }) => {
    await gotoHydrated(page, '/datasets');
    const row = page.getByRole('row').filter({ hasText: seeded.name });
    await expect(row).toContainText('Utterances');
    await expect(row).toContainText('Imported');

    // Other specs add datasets of every kind, so the search narrows the list to this dataset first.
    await page.getByLabel('Search').fill(seeded.name);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/[?&]q=/);
    await expect(page.getByTestId('dataset-total')).toHaveText('1 dataset');

    await page.getByLabel('Kind').selectOption('CONVERSATIONS');
    await expect(page).toHaveURL(/[?&]kind=CONVERSATIONS/);
    await expect(page.getByRole('link', { name: seeded.name })).toHaveCount(0);
    await expect(page.getByText('No dataset matches these filters')).toBeVisible();

    await page.getByLabel('Kind').selectOption('UTTERANCES');
    await expect(page).toHaveURL(/[?&]kind=UTTERANCES/);
    await expect(page.getByRole('link', { name: seeded.name })).toBeVisible();
    await expect(page.getByTestId('dataset-total')).toHaveText('1 dataset');
  });

  test('detail page shows label counts, items, and exports a file', async ({ page }) => {
    await page.goto('/datasets');
    await page.getByRole('link', { name: seeded.name }).click();
    await expect(page).toHaveURL(`/datasets/${seeded.id}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(seeded.name);

    const intents = page.getByRole('table', { name: 'Intent counts' });
    await expect(intents.getByRole('row', { name: 'card_arrival 3' })).toHaveCount(1);
    await expect(page.getByRole('table', { name: 'Language counts' })).toContainText('es');
    await expect(page.getByText(SAMPLE_UTTERANCES[0]?.text ?? '')).toBeVisible();

    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download CSV' }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const content = await readFile(await download.path(), 'utf8');
    expect(content).toContain('card_arrival');
    expect(content).toContain('Mi tarjeta no ha llegado todavía');
  });

  test('a dataset created while the datasets page is open appears (registryChanged)', async ({
    page,
    request,
  }) => {
    await page.goto('/datasets');
    // The subscription is open before the dataset is created, so the event is not missed.
    await expect(page.getByTestId('live-status')).toHaveText('Live updates on');
    const name = uniqueName('E2E live arrival');
    await expect(page.getByRole('link', { name })).toHaveCount(0);
    await importUtterances(request, name, SAMPLE_UTTERANCES.slice(0, 2));
    await expect(page.getByRole('link', { name })).toBeVisible();
  });
});

test('a malformed id in a URL answers 404 with the not-found page', async ({ request, page }) => {
  for (const path of [
    '/datasets/abc',
    '/datasets/0',
    '/generate/1x',
    '/train/-3',
    '/datasets/1e3',
  ]) {
    const response = await request.get(path, { headers: { accept: 'text/html' } });
    expect(response.status(), path).toBe(404);
  }
  const response = await page.goto('/datasets/abc');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});
