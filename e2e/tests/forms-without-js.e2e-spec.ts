import { expect, test } from '@playwright/test';
import { uniqueName } from '../utils.ts';

// The Generate form posts to a SvelteKit form action, so it works before (or without) JavaScript:
// the action checks the input with the same schema and answers the messages beside the fields.
test.describe('forms without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the Generate form shows located errors, then starts the job', async ({ page }) => {
    await page.goto('/generate');
    const count = page.getByLabel('Count');
    await count.fill('0');
    await page.getByLabel('English').fill('-1');
    await page.getByRole('button', { name: 'Start generation' }).click();

    // The action refused it: the page comes back with what was typed and the messages.
    await expect(page.getByTestId('error-err-count')).toHaveText('count must be at least 1');
    await expect(count).toHaveValue('0');
    await expect(count).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('error-err-targets-languages')).toHaveText(
      'languages weights must be >= 0',
    );

    const name = uniqueName('E2E no-js');
    await count.fill('5');
    await page.getByLabel('English').fill('0.5');
    await page.getByLabel('Dataset name').fill(name);
    await page.getByRole('button', { name: 'Start generation' }).click();
    await expect(page).toHaveURL(/\/generate\/\d+$/);
    await expect(page.getByRole('heading', { name: /^Job #\d+$/ })).toBeVisible();
  });
});
