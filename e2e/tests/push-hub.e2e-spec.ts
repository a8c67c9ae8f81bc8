import { expect, test } from '@playwright/test';
import { gotoHydrated, importUtterances, type UtteranceRow, uniqueName } from '../utils.ts';

/** One utterance no other run imports (the registry refuses a file imported before). */
const rows = (): UtteranceRow[] => [
  { text: `where is my card ${uniqueName('push')}`, intent: 'card_arrival', language: 'en' },
];

// The dataset page's "Push to the Hub" form posts to the page's `push` action, which calls the
// API's pushDataset with the server's HF_TOKEN. A repo name that is not OWNER/NAME is refused by
// the API before any request to a Hub, so these runs never leave the machine whatever the
// environment holds; the pushes themselves are tested against a local Hub-compatible server in
// server/test/registry-push.test.ts.
test.describe('push to the Hub', () => {
  test('shows the API’s located refusal in place (JavaScript)', async ({ page, request }) => {
    const seeded = await importUtterances(request, uniqueName('E2E push'), rows());
    await gotoHydrated(page, `/datasets/${seeded.id}`);
    await expect(page.getByRole('heading', { name: 'Push to the Hub' })).toBeVisible();
    const repo = page.getByLabel('Repo (OWNER/NAME)');
    await repo.fill('no-slash');
    await page.getByRole('button', { name: 'Push to the Hub' }).click();
    await expect(page.getByTestId('push-status')).toContainText('must be OWNER/NAME');
    await expect(repo).toHaveAttribute('aria-invalid', 'true');
    await expect(repo).toHaveValue('no-slash');
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    test('the form action answers with what was typed and the message', async ({
      page,
      request,
    }) => {
      const seeded = await importUtterances(request, uniqueName('E2E push no-js'), rows());
      await page.goto(`/datasets/${seeded.id}`);
      await page.getByLabel('Repo (OWNER/NAME)').fill('a/b/c');
      await page.getByLabel('Commit message (optional)').fill('first push');
      await page.getByRole('button', { name: 'Push to the Hub' }).click();
      await expect(page.getByTestId('push-status')).toContainText('must be OWNER/NAME');
      await expect(page.getByLabel('Repo (OWNER/NAME)')).toHaveValue('a/b/c');
      await expect(page.getByLabel('Commit message (optional)')).toHaveValue('first push');
    });
  });
});
