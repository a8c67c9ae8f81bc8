import { expect, test } from '@playwright/test';
import { generateDataset, gotoHydrated, gql, uniqueName } from '../utils.ts';

/**
 * What a job and an import tell the user: a finished job's progress over time and its estimate
 * beside what it used, the question before importing the same file twice, the force option of a
 * delete, and the Bedrock check on the Generate page.
 */
test.describe('truthful jobs', () => {
  test('a finished job page plots its progress over time and compares estimate and outcome', async ({
    page,
    request,
  }) => {
    test.setTimeout(90_000);
    // Paced so the job has a course over time: 36 calls at 30 a minute, the last six after the first burst, about
    // 12 s. An unpaced local job ends within a second, and its charts then have one point per figure.
    const { jobId } = await generateDataset(request, {
      kind: 'CONVERSATIONS',
      count: 72,
      slotsPerCall: 2,
      rpm: 30,
    });
    await gotoHydrated(page, `/generate/${jobId}`);
    const charts = page.getByTestId('job-charts');
    await expect(charts.getByRole('heading', { name: 'Over time' })).toBeVisible();
    // Stored samples survive the reload: each chart's numbers are in its table.
    for (const name of [
      'Accepted items per minute over time',
      'Cost so far over time (USD)',
      'Throttled calls so far over time',
    ]) {
      const table = charts.getByRole('table', { name, includeHidden: true });
      await expect(table).toHaveCount(1);
      expect(await table.getByRole('row', { includeHidden: true }).count()).toBeGreaterThan(2);
    }
    await expect(page.getByTestId('job-estimate')).toContainText(
      /Estimated at creation: [\d,]+ output tokens/,
    );
    await expect(page.getByTestId('job-estimate')).toContainText(/Used: [\d,]+ output tokens/);
  });

  test('importing the same file twice asks first, then keeps a second copy on request', async ({
    page,
  }) => {
    const name = uniqueName('E2E duplicate');
    const csv = Buffer.from(`text,intent\n${name} where is my card,card_arrival\n`);
    await gotoHydrated(page, '/datasets');
    await page.getByText('Import a file').first().click();
    const upload = page.getByRole('form', { name: 'Import a file' });
    const file = upload.getByLabel('File (CSV, JSONL or JSON)');
    await file.setInputFiles({ name: 'dup.csv', mimeType: 'text/csv', buffer: csv });
    await upload.getByLabel('Kind').selectOption({ label: 'Utterances' });
    await upload.getByLabel('Name (optional)').fill(name);
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect(upload.getByRole('status')).toContainText(`Imported “${name}”`);

    await file.setInputFiles({ name: 'dup.csv', mimeType: 'text/csv', buffer: csv });
    await upload.getByLabel('Kind').selectOption({ label: 'Utterances' });
    await upload.getByRole('button', { name: 'Upload' }).click();
    const question = upload.getByTestId('upload-duplicate');
    await expect(question).toContainText('This file was already imported as');
    await expect(question.getByRole('link', { name })).toHaveAttribute('href', /\/datasets\/\d+$/);

    await question.getByRole('button', { name: 'Import a second copy' }).click();
    await expect(upload.getByRole('status')).toContainText('Imported “dup”');
  });

  test('the delete dialog offers force, as the CLI does', async ({ page, request }) => {
    const { id } = await generateDataset(request, { kind: 'CONVERSATIONS', count: 5 });
    await gotoHydrated(page, `/datasets/${id}`);
    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    const dialog = page.getByRole('dialog');
    const force = dialog.getByRole('checkbox', { name: /Force: cancel what uses it first/ });
    await force.check();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/datasets$/);
    const gone = await gql<{ dataset: unknown }>(
      request,
      'query($id: ID!) { dataset(id: $id) { id } }',
      {
        id,
      },
    );
    expect(gone.dataset).toBeNull();
  });

  test('choosing Bedrock runs the doctor’s checks and shows them', async ({ page }) => {
    await gotoHydrated(page, '/generate');
    await page.getByRole('radio', { name: 'Amazon Bedrock' }).check();
    const check = page.getByTestId('bedrock-check');
    // Whatever this machine's AWS setup, the credentials check is reported with what was found.
    await expect(check).toContainText('AWS credentials', { timeout: 30_000 });
    await expect(check.getByRole('button', { name: 'Check again' })).toBeVisible();
  });
});
