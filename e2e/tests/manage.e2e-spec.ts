import { expect, test } from '@playwright/test';
import { gotoHydrated, gql, importUtterances, uniqueName } from '../utils.ts';

// The dataset page's Manage panel with JavaScript: whatever refuses a submission (the browser's check,
// the API, a request that fails on the way), what was typed stays in its field to be corrected.
test.describe('Manage keeps what was typed when a change is refused', () => {
  test('refused by the browser’s check or by the API', async ({ page, request }) => {
    const seeded = await importUtterances(request, uniqueName('E2E manage refused'));
    await gotoHydrated(page, `/datasets/${seeded.id}`);
    const tags = page.getByLabel(/^Tags/);
    await tags.fill('e2e, Not A Tag!');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await expect(page.getByTestId('tag-status')).toHaveText(/must be lowercase/);
    await expect(tags).toHaveValue('e2e, Not A Tag!');

    // The dataset is deleted behind the page's back: the API answers "not found" to the rename.
    await gql(request, 'mutation($id: ID!) { deleteDataset(id: $id) { __typename } }', {
      id: seeded.id,
    });
    const name = page.getByLabel('Name', { exact: true });
    const typed = uniqueName('E2E manage typed');
    await name.fill(typed);
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('rename-status')).toContainText(seeded.id);
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toHaveValue(typed);
    await expect(tags).toHaveValue('e2e, Not A Tag!');
  });

  test('a request that fails on the way: the page stays, says so, and keeps the text', async ({
    page,
    request,
  }) => {
    const seeded = await importUtterances(request, uniqueName('E2E manage failed'));
    await gotoHydrated(page, `/datasets/${seeded.id}`);
    // The app server cannot be reached for the form's post (the page's own reads still can).
    await page.route(
      (url) => url.search.includes('/rename'),
      (route) => route.abort('connectionrefused'),
    );
    const name = page.getByLabel('Name', { exact: true });
    const typed = uniqueName('E2E manage offline');
    await name.fill(typed);
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('rename-status')).toContainText('The change could not be sent');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(seeded.name);
    await expect(name).toHaveValue(typed);

    // Once the server answers again, the same text goes through.
    await page.unrouteAll();
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('rename-status')).toHaveText(`Renamed to “${typed}”.`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(typed);
  });
});
