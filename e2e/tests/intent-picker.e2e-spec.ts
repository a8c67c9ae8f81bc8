import { expect, test } from '@playwright/test';
import { gotoHydrated, gql, uniqueName } from '../utils.ts';

// The Generate page's intent picker: 77 intents are found by search and chosen by category, and
// what is ticked is what the job is asked for.
test.describe('intent picker', () => {
  test('search narrows the list, a category is chosen whole, and the job gets exactly those intents', async ({
    page,
    request,
  }) => {
    await gotoHydrated(page, '/generate');
    const picker = page.getByRole('group', { name: 'Intents' });
    const intents = picker.locator('input[name="targets.intents"]');
    await expect(intents).toHaveCount(77);

    // Search by name, case and accents ignored; a category whose name matches keeps all its intents.
    await picker.getByRole('searchbox', { name: 'Search intents' }).fill('REFUND');
    await expect(picker.getByLabel('Request a refund')).toBeVisible();
    await expect(picker.getByLabel('Lost or stolen card')).toHaveCount(0);
    await expect(picker.locator('[data-category="refunds_and_disputes"]')).toBeVisible();

    // Choosing the category ticks every intent in it; one untick leaves it half chosen.
    const category = picker.getByRole('checkbox', { name: 'All of Refunds and disputes' });
    await category.check();
    const inCategory = picker.locator(
      '[data-category="refunds_and_disputes"] input[name="targets.intents"]',
    );
    const n = await inCategory.count();
    expect(n).toBeGreaterThan(3);
    for (const box of await inCategory.all()) await expect(box).toBeChecked();
    await expect(picker).toContainText(`${n} chosen, equally weighted.`);
    await picker.getByLabel('Request a refund').uncheck();
    await expect(category).not.toBeChecked();
    expect(await category.evaluate((el) => (el as HTMLInputElement).indeterminate)).toBe(true);

    // A search with no match says so; clearing it brings every intent back, choices kept.
    await picker.getByRole('searchbox', { name: 'Search intents' }).fill('zzz');
    await expect(picker).toContainText('No intent matches “zzz”.');
    await picker.getByRole('searchbox', { name: 'Search intents' }).fill('');
    await expect(intents).toHaveCount(77);
    await expect(picker).toContainText(`${n - 1} chosen`);

    // The job is asked for exactly the ticked intents.
    const expected = await picker
      .locator('input[name="targets.intents"]:checked')
      .evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value).sort());
    await page.getByLabel('Count', { exact: true }).fill('3');
    await page.getByLabel('Dataset name').fill(uniqueName('E2E intents'));
    await page.getByRole('button', { name: 'Start generation' }).click();
    await expect(page).toHaveURL(/\/generate\/\d+$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    const { generationJob } = await gql<{
      generationJob: { config: { targets: { intents: Record<string, number> } } };
    }>(request, 'query($id: ID!) { generationJob(id: $id) { config } }', { id });
    expect(Object.keys(generationJob.config.targets.intents).sort()).toEqual(expected);
  });

  test('the picker speaks Spanish when the UI does', async ({ page, context, baseURL }) => {
    await context.addCookies([
      { name: 'genesis-lang', value: 'es', url: baseURL ?? 'http://localhost' },
    ]);
    await page.goto('/generate');
    await expect(page.getByRole('button', { name: 'Tema oscuro' })).toBeVisible();
    const picker = page.getByRole('group', { name: 'Intenciones' });
    await picker.getByRole('searchbox', { name: 'Buscar intenciones' }).fill('reembolso');
    await expect(picker.getByLabel('Solicitar un reembolso')).toBeVisible();
    await expect(
      picker.getByRole('checkbox', { name: 'Todas las de Reembolsos y reclamaciones' }),
    ).toBeVisible();
  });
});
