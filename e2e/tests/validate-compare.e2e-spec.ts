import { type APIRequestContext, expect, test } from '@playwright/test';
import { generateDataset, gotoHydrated, saveScreenshot, uniqueName } from '../utils.ts';

// The specs share two generated datasets and build on each other's reports.
test.describe.configure({ mode: 'serial' });

interface GeneratedDataset {
  id: string;
  name: string;
}

/** A small conversations dataset from the local provider (a precondition, not the behaviour under test). */
async function generate(request: APIRequestContext, count: number): Promise<GeneratedDataset> {
  const { id, name } = await generateDataset(request, {
    kind: 'CONVERSATIONS',
    count,
    name: uniqueName('E2E validate'),
  });
  return { id, name };
}

test.describe('validate, compare and manage datasets', () => {
  let first: GeneratedDataset;
  let second: GeneratedDataset;

  test.beforeAll(async ({ request }) => {
    first = await generate(request, 40);
    second = await generate(request, 30);
  });

  test('validates a generated dataset against the Banking77 profile', async ({ page }) => {
    await gotoHydrated(page, `/validate?dataset=${first.id}`);
    await expect(page.getByText(`${first.name} has no report yet`)).toBeVisible();
    // Text datasets default to the shipped Banking77 profile.
    await expect(page.getByLabel('Reference')).toHaveValue('profile:banking77');
    await page.getByRole('button', { name: 'Run validation' }).click();

    await expect(page).toHaveURL(new RegExp(`dataset=${first.id}&version=1$`));
    const gauge = page.getByRole('meter', { name: 'Overall quality score' });
    await expect(gauge).toBeVisible();
    const score = Number(await gauge.getAttribute('aria-valuenow'));
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(100);
    await expect(page.getByText('against Banking77 (train)')).toBeVisible();
    // The report leads with why this verdict and what was not checked: the local writer's Spanish half
    // has no reference in Banking77, so the verdict is incomplete and says so.
    const why = page.getByRole('region', { name: 'Why this verdict' });
    await expect(why.getByTestId('verdict').first()).toHaveText('Incomplete');
    await expect(why.getByTestId('reason')).toContainText('no reference for language es');
    await expect(why.locator('[data-gate="privacy.pii_rate"]')).toBeVisible();
    const notChecked = page.getByRole('region', { name: 'What was not checked' });
    await expect(notChecked.locator('[data-part="es"]')).toContainText('no reference');
    await expect(notChecked).toContainText('--reference');

    // Every metric row carries a verdict; the intent realism metric is computed against the profile.
    const intent = page.locator('[data-metric="realism.intent_jsd"]');
    await expect(intent.getByTestId('verdict')).toHaveText(/^(Pass|Warn|Fail)$/);
    await expect(intent).toContainText('bits');
    await expect(intent.getByRole('img')).toHaveAccessibleName(/real-vs-real band/);
    await expect(page.locator('[data-metric="realism.turns_jsd"]')).toContainText('Not computable');
    await expect(page.getByRole('table', { name: /Sub-scores by metric group/ })).toBeAttached();
    await saveScreenshot(page, 'validate-quality');

    await page.getByRole('tab', { name: 'Bias' }).click();
    await expect(page.getByRole('heading', { name: /^Bias severity: / })).toBeVisible();
    await expect(page.locator('[data-distribution="languages"]')).toBeVisible();
    await expect(page.locator('[data-metric="bias.intent_coverage"]')).toBeVisible();
    // Arrow keys move between tabs.
    await page.getByRole('tab', { name: 'Bias' }).press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Distributions' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(
      page.locator('[data-distribution="intents_reference"] rect.bar-b'),
    ).not.toHaveCount(0);
    await saveScreenshot(page, 'validate-distributions', { fullPage: false });
  });

  test('keeps every report version to switch between', async ({ page }) => {
    await gotoHydrated(page, `/validate?dataset=${first.id}`);
    // A generated dataset can be the reference too.
    await page.getByLabel('Reference').selectOption({ label: second.name });
    await page.getByRole('button', { name: 'Run validation' }).click();
    await expect(page).toHaveURL(/version=2$/);
    await expect(page.getByRole('heading', { name: 'Report v2' })).toBeVisible();
    await expect(page.getByText(`against ${second.name}`)).toBeVisible();

    const history = page.getByRole('navigation', { name: 'Report history' });
    await history.getByRole('link', { name: /^v1 / }).click();
    await expect(page).toHaveURL(/version=1$/);
    await expect(page.getByRole('heading', { name: 'Report v1' })).toBeVisible();
    await expect(history.getByRole('link', { name: /^v1 / })).toHaveAttribute(
      'aria-current',
      'true',
    );
  });

  test('compares two datasets metric by metric, with overlays and samples', async ({ page }) => {
    await gotoHydrated(page, '/compare');
    await page.getByLabel('Dataset A').selectOption(first.id);
    await page.getByLabel('Dataset B').selectOption(second.id);
    await page.getByRole('button', { name: 'Compare' }).click();
    await expect(page).toHaveURL(new RegExp(`a=${first.id}&b=${second.id}`));

    await expect(page.getByRole('link', { name: first.name })).toBeVisible();
    await expect(page.getByRole('link', { name: second.name })).toBeVisible();
    await expect(page.getByTestId('vocabulary-overlap')).toHaveText(/^\d+(\.\d)?%$/);
    const intentRow = page.locator('tr[data-metric="realism.intent_jsd"]');
    await expect(intentRow.getByTestId('verdict')).toHaveCount(2);
    await expect(intentRow.locator('td.diff')).toHaveAttribute(
      'data-change',
      /^(better|worse|same)$/,
    );
    await expect(page.locator('[data-overlay="intents"] rect.bar-a')).not.toHaveCount(0);
    await expect(page.locator('[data-overlay="intents"] rect.bar-b')).not.toHaveCount(0);
    const sample = page.locator('li.sample').first();
    await expect(sample.getByRole('list', { name: 'Conversation from A' })).toBeVisible();
    await saveScreenshot(page, 'compare');
  });

  test('the dataset page links the report and lineage and downloads the zip export', async ({
    page,
  }) => {
    await gotoHydrated(page, `/datasets/${first.id}`);
    await expect(page.getByTestId('latest-score')).toHaveText(/^\d+\.\d$/);
    await expect(page.getByRole('link', { name: 'Open the report' })).toHaveAttribute(
      'href',
      `/validate?dataset=${first.id}`,
    );
    await expect(page.getByRole('link', { name: /^generation job \d+$/ })).toHaveAttribute(
      'href',
      /^\/generate\/\d+$/,
    );
    for (const label of ['JSONL', 'CSV', 'Parquet', 'Dataset card', 'Zip (card + data)']) {
      await expect(
        page.getByRole('link', { name: `Download ${label}`, exact: true }),
      ).toBeVisible();
    }

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download Zip (card + data)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^E2E_validate_\w+\.zip$/);
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    // A zip archive starts with the local file header signature "PK\x03\x04".
    expect(Buffer.concat(chunks).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 3, 4]));
    await saveScreenshot(page, 'dataset-detail');
  });

  test('renames and tags a dataset', async ({ page }) => {
    await gotoHydrated(page, `/datasets/${second.id}`);
    const renamed = uniqueName('E2E renamed');
    await page.getByLabel('Name', { exact: true }).fill(renamed);
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('rename-status')).toHaveText(`Renamed to “${renamed}”.`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(renamed);

    await page.getByLabel(/^Tags/).fill('e2e, gold');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await expect(page.getByTestId('tag-status')).toHaveText('Tags saved.');
    await expect(page.locator('.meta .badge', { hasText: 'gold' })).toBeVisible();

    await page.getByLabel('Name', { exact: true }).fill('   ');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('rename-status')).toHaveText('The name must not be empty.');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(renamed);

    // A tag links to the datasets list filtered by it; the filter is in the URL and the form.
    await page.locator('.meta .badge', { hasText: 'gold' }).click();
    await expect(page).toHaveURL(/\/datasets\?tag=gold$/);
    await expect(page.getByLabel('Tag', { exact: true })).toHaveValue('gold');
    await expect(page.getByRole('link', { name: renamed })).toBeVisible();
    await expect(page.getByRole('link', { name: first.name })).toHaveCount(0);
  });

  test('deletes a dataset only after confirmation', async ({ page }) => {
    await gotoHydrated(page, `/datasets/${second.id}`);
    const name = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete “${name}”?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    await page.getByRole('button', { name: 'Delete dataset…' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/datasets$/);
    await expect(page.getByRole('link', { name })).toHaveCount(0);
    await page.goto(`/datasets/${second.id}`);
    await expect(page.getByText(`No dataset with id "${second.id}".`)).toBeVisible();
  });

  test('uploads a CSV to validate, and lists the problems of a bad one', async ({ page }) => {
    await gotoHydrated(page, '/validate');
    const upload = page.getByRole('form', { name: 'Or upload a file to validate' });
    const file = upload.getByLabel('File (CSV, JSONL or JSON)');

    // A bad file is refused with its problems listed by line, and nothing is selected.
    await file.setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('text,intent\nhello,not_an_intent\n'),
    });
    await upload.getByLabel('Kind').selectOption({ label: 'Utterances' });
    await upload.getByRole('button', { name: 'Upload' }).click();
    const problems = upload.getByRole('list', { name: 'Problems in the file' });
    await expect(problems.getByRole('listitem')).toHaveCount(1);
    await expect(problems.getByRole('listitem')).toHaveText(/^Line 2, intent: .*not_an_intent/);
    await expect(upload.getByText(/\(1 problem\)/)).toBeVisible();
    await expect(file).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/validate$/);

    const name = uniqueName('E2E upload');
    await file.setInputFiles({
      name: 'mini.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'text,intent\nwhere is my card,card_arrival\nmy card has not arrived,card_arrival\n',
      ),
    });
    await upload.getByLabel('Name (optional)').fill(name);
    await upload.getByRole('button', { name: 'Upload' }).click();

    await expect(page).toHaveURL(/\/validate\?dataset=[^&]+$/);
    const picker = page.getByLabel(/^Dataset/);
    await expect(picker).toHaveValue(new URL(page.url()).searchParams.get('dataset') ?? '');
    await expect(picker.locator('option:checked')).toHaveText(`${name} (Utterances, 2 items)`);
    await expect(page.getByText(`${name} has no report yet`)).toBeVisible();
    await expect(page.getByLabel('Reference')).toHaveValue('profile:banking77');
    await page.getByRole('button', { name: 'Run validation' }).click();
    await expect(page).toHaveURL(/version=1$/);
    const gauge = page.getByRole('meter', { name: 'Overall quality score' });
    await expect(gauge).toBeVisible();
    const score = Number(await gauge.getAttribute('aria-valuenow'));
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(100);
  });

  test('help explains the metrics and shows the endpoint and a subscription', async ({ page }) => {
    await gotoHydrated(page, '/help');
    await expect(page.locator('[id="metric-realism.intent_jsd"]')).toBeVisible();
    await expect(page.getByTestId('endpoint')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    await expect(page.locator('#sample-subscription')).toContainText('generationProgress');
    await expect(page.getByRole('button', { name: 'Copy subscription' })).toBeVisible();
    await saveScreenshot(page, 'help');
  });
});
