import { type APIRequestContext, expect, test } from '@playwright/test';
import { gql, importUtterances, type UtteranceRow, uniqueName } from '../utils.ts';

/** The ids of the datasets whose name contains `name`, as the API lists them. */
async function datasetsNamed(request: APIRequestContext, name: string): Promise<string[]> {
  const { datasets } = await gql<{ datasets: { edges: { node: { id: string } }[] } }>(
    request,
    'query($name: String) { datasets(first: 10, filter: { search: $name }) { edges { node { id } } } }',
    { name },
  );
  return datasets.edges.map((e) => e.node.id);
}

/** Enough labelled texts per intent for a quick training run. */
function trainingRows(): UtteranceRow[] {
  const intents = ['card_arrival', 'lost_or_stolen_card', 'exchange_rate'];
  return intents.flatMap((intent) =>
    Array.from({ length: 8 }, (_, i) => ({
      text: `${intent.replaceAll('_', ' ')} question number ${i + 1}`,
      intent,
      language: 'en' as const,
    })),
  );
}

// Every form that changes something posts to a SvelteKit form action, so it works before (or
// without) JavaScript: the action checks the input with the same schema the browser uses and
// answers the messages beside the fields, or does the change and moves on.
test.describe('forms without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the Generate form shows located errors, then starts the job', async ({ page }) => {
    await page.goto('/generate');
    const count = page.getByLabel('Count', { exact: true });
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

  test('the upload form locates the problems of a bad file and stores nothing, then imports a good one', async ({
    page,
    request,
  }) => {
    await page.goto('/validate');
    const upload = page.getByRole('form', { name: 'Or upload a file to validate' });
    const file = upload.getByLabel('File (CSV, JSONL or JSON)');
    const name = uniqueName('E2E no-js upload');

    // No file chosen: the action says so beside the file field.
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByRole('form', { name: 'Or upload a file to validate' })).toContainText(
      'Choose a file to upload.',
    );
    await expect(file).toHaveAttribute('aria-invalid', 'true');

    // A bad file: refused with its problems located by line and field; what was typed stays.
    await file.setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('text,intent\nhello,not_an_intent\n'),
    });
    await upload.getByLabel('Kind').selectOption({ label: 'Utterances' });
    await upload.getByLabel('Name (optional)').fill(name);
    await upload.getByRole('button', { name: 'Upload' }).click();
    const problems = upload.getByRole('list', { name: 'Problems in the file' });
    await expect(problems.getByRole('listitem')).toHaveCount(1);
    await expect(problems.getByRole('listitem')).toHaveText(/^Line 2, intent: .*not_an_intent/);
    await expect(upload.getByText(/\(1 problem\)/)).toBeVisible();
    await expect(file).toHaveAttribute('aria-invalid', 'true');
    await expect(upload.getByLabel('Kind')).toHaveValue('UTTERANCES');
    await expect(upload.getByLabel('Name (optional)')).toHaveValue(name);
    expect(await datasetsNamed(request, name)).toEqual([]);

    // A good file: the dataset is created and selected for validation. (Not the bytes another spec
    // uploads: the same file twice would be asked about as a duplicate.)
    await file.setInputFiles({
      name: 'mini.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'text,intent\nwhere is my card now,card_arrival\nmy card has not arrived,card_arrival\n',
      ),
    });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect(page).toHaveURL(/\/validate\?dataset=\d+$/);
    const id = new URL(page.url()).searchParams.get('dataset');
    expect(await datasetsNamed(request, name)).toEqual([id]);
    const picker = page.getByLabel(/^Dataset/);
    await expect(picker.locator('option:checked')).toHaveText(`${name} (Utterances, 2 items)`);
    await expect(page.getByText(`${name} has no report yet`)).toBeVisible();
  });

  test('renames and re-tags a dataset, with the refusals beside their fields', async ({
    page,
    request,
  }) => {
    const seeded = await importUtterances(request, uniqueName('E2E no-js manage'));
    await page.goto(`/datasets/${seeded.id}`);
    const nameField = page.getByLabel('Name', { exact: true });

    await nameField.fill('   ');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('rename-status')).toHaveText('The name must not be empty.');
    await expect(nameField).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(seeded.name);

    const renamed = uniqueName('E2E no-js renamed');
    await nameField.fill(renamed);
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('rename-status')).toHaveText(`Renamed to “${renamed}”.`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(renamed);
    await expect(nameField).toHaveValue(renamed);

    const tags = page.getByLabel(/^Tags/);
    await tags.fill('e2e, Gold');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await expect(page.getByTestId('tag-status')).toHaveText(/^tag "Gold" must be lowercase/);
    await expect(tags).toHaveValue('e2e, Gold');
    await tags.fill('e2e, gold');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await expect(page.getByTestId('tag-status')).toHaveText('Tags saved.');
    await expect(page.locator('.meta .badge', { hasText: 'gold' })).toBeVisible();
  });

  test('deletes a dataset after confirming in the dialog', async ({ page, request }) => {
    const seeded = await importUtterances(request, uniqueName('E2E no-js delete'));
    await page.goto(`/datasets/${seeded.id}`);
    const dialog = page.getByRole('dialog', { name: `Delete “${seeded.name}”?` });

    // The button opens the dialog by `commandfor`, and Cancel closes it, with no script.
    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(await datasetsNamed(request, seeded.name)).toEqual([seeded.id]);

    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/datasets$/);
    await expect(page.getByRole('heading', { name: 'Datasets', level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: seeded.name })).toHaveCount(0);
    expect(await datasetsNamed(request, seeded.name)).toEqual([]);
  });

  test('the Train form shows located errors, then starts the run', async ({ page, request }) => {
    const seeded = await importUtterances(request, uniqueName('E2E no-js train'), trainingRows());
    await page.goto('/train');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page.getByTestId('error-train-err-datasetId')).toHaveText(
      'Choose a dataset to train on',
    );
    await expect(page.getByLabel('Train on')).toHaveAttribute('aria-invalid', 'true');

    await page.getByLabel('Train on').selectOption({ label: `${seeded.name} (Utterances, 24)` });
    await page.getByLabel('Quick test').check();
    await page.getByText('Custom settings').click();
    await page.getByLabel('CV folds').fill('1');
    await page.getByRole('button', { name: 'Start training' }).click();

    // Refused: the custom settings stay open with the message and everything as chosen.
    await expect(page.getByTestId('error-train-err-cvFolds')).toHaveText(
      'cvFolds must be at least 2',
    );
    await expect(page.getByLabel('CV folds')).toHaveValue('1');
    await expect(page.getByLabel('Train on')).toHaveValue(seeded.id);
    await expect(page.getByLabel('Quick test')).toBeChecked();

    await page.getByLabel('CV folds').fill('');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page).toHaveURL(/\/train\/\d+$/);
    const runId = new URL(page.url()).pathname.split('/').pop();
    await expect(page.getByRole('heading', { name: `Run #${runId}`, level: 1 })).toBeVisible();
    const { trainingRun } = await gql<{ trainingRun: { dataset: { id: string } } | null }>(
      request,
      'query($id: ID!) { trainingRun(id: $id) { dataset { id } } }',
      { id: runId },
    );
    expect(trainingRun?.dataset.id).toBe(seeded.id);
  });
});
