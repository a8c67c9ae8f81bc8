import { expect, type Page, test } from '@playwright/test';
import { gotoHydrated, saveScreenshot, startGenerationJob, uniqueName } from '../utils.ts';

// The specs build on each other: the dataset generated first is trained on afterwards.
test.describe.configure({ mode: 'serial' });

/** Records the payload of every `next` message the page receives over graphql-ws. */
function recordSubscriptionEvents(page: Page): { payloads: unknown[]; sockets: number } {
  const seen = { payloads: [] as unknown[], sockets: 0 };
  page.on('websocket', (ws) => {
    seen.sockets += 1;
    ws.on('framereceived', (frame) => {
      const message = JSON.parse(String(frame.payload)) as { type?: string; payload?: unknown };
      if (message.type === 'next') seen.payloads.push(message.payload);
    });
  });
  return seen;
}

interface ProgressEvent {
  data?: { generationProgress?: { requested: number; accepted: number; rejected: number } };
}

const isDone = (payload: unknown) => {
  const p = (payload as ProgressEvent).data?.generationProgress;
  return Boolean(p && p.accepted + p.rejected === p.requested);
};

test.describe('generate and train', () => {
  let datasetName = '';

  test('a bad form input shows its error beside the field', async ({ page }) => {
    await gotoHydrated(page, '/generate');
    const count = page.getByLabel('Count', { exact: true });
    await count.fill('0');
    await expect(page.getByTestId('error-err-count')).toHaveText('count must be at least 1');
    await expect(count).toHaveAttribute('aria-invalid', 'true');
    await expect(count).toHaveAccessibleDescription(/count must be at least 1/);

    await page.getByLabel('English').fill('-1');
    await expect(page.getByTestId('error-err-targets-languages')).toHaveText(
      'languages weights must be >= 0',
    );
    await expect(page.getByTestId('estimate')).toContainText('Fix the highlighted fields');

    // Starting is refused in the browser, and the first bad field gets the focus.
    await page.getByRole('button', { name: 'Start generation' }).click();
    await expect(count).toBeFocused();
    await expect(page).toHaveURL(/\/generate$/);

    await count.fill('100');
    await page.getByLabel('English').fill('0.5');
    await expect(page.getByTestId('error-err-count')).toHaveCount(0);
    await expect(page.getByTestId('estimate')).toContainText('Model calls');
  });

  test('Bedrock offers the suggested models and explains the on demand / batch / auto modes', async ({
    page,
  }) => {
    await gotoHydrated(page, '/generate');
    const modes = page.getByRole('group', { name: 'Mode' });
    // The local provider has no modes.
    await expect(modes).toHaveCount(0);

    await page.getByLabel('Amazon Bedrock').check();
    // Choosing Bedrock runs the doctor's checks; their answer moves the modes down the page, so a click
    // aimed while it lands could hit whatever took the place: wait for it first.
    await expect(
      page.getByTestId('bedrock-check').getByRole('button', { name: 'Check again' }),
    ).toBeVisible();
    await expect(modes).toBeVisible();
    await expect(modes.getByRole('radio', { name: /^On demand/ })).toBeChecked();
    const batch = modes.getByRole('radio', { name: /^Batch/ });
    await expect(batch).toHaveAccessibleName(
      /half price, no per-minute quota; results within hours/,
    );
    await batch.check();
    await expect(batch).toBeChecked();
    await expect(modes.getByRole('radio', { name: /^Auto/ })).not.toBeChecked();
    // The estimate says how the server would run it (on demand where batch is not set up).
    await expect(page.getByTestId('estimate-mode')).toHaveText(
      /^(Batch inference \(half price\)|On demand)$/,
    );
    // The model box suggests what the API's bedrockModels lists.
    expect(await page.locator('#model-suggestions option').count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'generate-bedrock-batch');

    await page.getByLabel('Local (offline)').check();
    await expect(modes).toHaveCount(0);
  });

  test('generates 100 conversations and the progress bar reaches 100% from live events', async ({
    page,
  }) => {
    test.setTimeout(90_000);
    const events = recordSubscriptionEvents(page);
    datasetName = uniqueName('E2E generated');

    await gotoHydrated(page, '/generate');
    await page.getByLabel('Count', { exact: true }).fill('100');
    await page.getByLabel('Dataset name').fill(datasetName);
    await page.getByLabel('Local (offline)').check();
    // A small request quota: the local provider answers 8 calls (80 items) at once, then one
    // call every 7.5 s, so the last 20 items can only reach the page as subscription events.
    await page.getByLabel('Requests / min').fill('8');
    await expect(page.getByTestId('estimate')).toContainText('Model calls');
    await page.getByRole('button', { name: 'Start generation' }).click();

    await expect(page).toHaveURL(/\/generate\/\d+$/);
    const bar = page.getByRole('progressbar', { name: 'Generation progress' });
    await expect(page.getByTestId('live-status')).toHaveText('Live');
    await expect(bar).toHaveAttribute('aria-valuenow', /^(80|90)$/);
    await expect(page.getByTestId('latest-items').getByRole('listitem').first()).toBeVisible();
    await saveScreenshot(page, 'generate-running');

    await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 45_000 });
    // The 100% came over the socket: the event that completed the job was received.
    expect(events.payloads.some(isDone)).toBe(true);
    await expect(bar).toHaveAttribute('aria-valuetext', '100 of 100 items (100%)');
    await expect(page.getByTestId('progress-text')).toContainText('100 accepted');
    await expect(page.locator('[data-status="COMPLETED"]')).toBeVisible();
    // One column per intent of the catalog, filled to the 100 accepted items.
    await expect(page.locator('rect.column')).toHaveCount(77);
    await expect(page.getByRole('link', { name: datasetName })).toBeVisible();
    await saveScreenshot(page, 'generate-done');

    // The job is listed on the Generate page.
    await page.goto('/generate');
    const row = page.getByRole('row').filter({ hasText: datasetName });
    await expect(row).toContainText('Completed');
    await expect(row).toContainText('100 / 100');
  });

  test('a dropped WebSocket reconnects and the page catches up', async ({ page, request }) => {
    test.setTimeout(90_000);
    const id = await startGenerationJob(request, {
      count: 100,
      rpm: 8,
      name: uniqueName('E2E reconnect'),
    });
    let connections = 0;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      connections += 1;
      const server = ws.connectToServer();
      if (connections === 1) {
        // Drop the first connection as soon as the server has sent the first event.
        server.onMessage((message) => {
          ws.send(message);
          if (String(message).includes('"next"')) {
            ws.close({ code: 1012, reason: 'e2e: service restart' });
            server.close();
          }
        });
      }
    });
    await page.goto(`/generate/${id}`);
    const bar = page.getByRole('progressbar', { name: 'Generation progress' });
    await expect(page.getByTestId('live-status')).toHaveText('Connection lost, reconnecting…');
    await expect(page.getByTestId('live-status')).toHaveText(
      /^(Live|Job stopped; live updates ended)$/,
      {
        timeout: 30_000,
      },
    );
    await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 45_000 });
    expect(connections).toBeGreaterThanOrEqual(2);
  });

  test('a running job can be cancelled and resumed', async ({ page, request }) => {
    // Two calls per minute: the job runs for minutes, long enough to act on it.
    const id = await startGenerationJob(request, {
      count: 100,
      rpm: 2,
      name: uniqueName('E2E cancel'),
    });
    await gotoHydrated(page, `/generate/${id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect(page.locator('[data-status="CANCELLED"]')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);

    await page.getByRole('button', { name: 'Resume job' }).click();
    await expect(page.locator('[data-status="CANCELLED"]')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Cancel job' })).toBeVisible();
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect(page.locator('[data-status="CANCELLED"]')).toBeVisible();
  });

  test('trains on the generated dataset and shows accuracy and the confusion matrix', async ({
    page,
  }) => {
    test.setTimeout(90_000);
    expect(datasetName, 'the generation spec runs first').not.toBe('');
    await gotoHydrated(page, '/train');
    await page
      .getByLabel('Train on')
      .selectOption({ label: `${datasetName} (Conversations, 100)` });
    await page.getByLabel('Quick test').check();
    await page.getByRole('button', { name: 'Start training' }).click();

    await expect(page).toHaveURL(/\/train\/\d+$/);
    await expect(page.locator('[data-status="COMPLETED"]')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('accuracy')).toHaveText(/^\d{1,3}\.\d%\s*$/);
    await expect(page.getByTestId('macro-f1')).toHaveText(/^[01]\.\d{3}$/);
    await expect(page.getByText('Measured on a 20% hold-out split.')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Confusion matrix' })).toBeVisible();
    const cells = page.locator('rect.cell');
    expect(await cells.count()).toBeGreaterThan(1);
    // The heatmap's numbers are in a table for screen readers, one row per intent shown.
    const matrix = page.getByRole('table', { name: 'Confusion matrix' });
    expect(await matrix.getByRole('row').count()).toBeGreaterThan(1);
    await expect(page.getByRole('table', { name: 'F1 per intent' })).toBeAttached();
    await saveScreenshot(page, 'train-results');

    // Try the model on typed text.
    await page.getByLabel('Customer message').fill('My new card has still not arrived');
    await page.getByRole('button', { name: 'Predict' }).click();
    const predictions = page.getByTestId('predictions').getByRole('listitem');
    await expect(predictions).toHaveCount(5);
    await expect(predictions.first()).toContainText(/[a-z_]+\s*\d+(\.\d)?%/);
    await saveScreenshot(page, 'train-predict');

    // The run is in the history.
    await page.goto('/train');
    await expect(page.getByRole('row').filter({ hasText: datasetName }).first()).toContainText(
      'Quick test',
    );
  });

  test('compares two runs side by side', async ({ page }) => {
    test.setTimeout(60_000);
    await gotoHydrated(page, '/train');
    await page
      .getByLabel('Train on')
      .selectOption({ label: `${datasetName} (Conversations, 100)` });
    await page.getByLabel('Fast').check();
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page).toHaveURL(/\/train\/\d+$/);
    await expect(page.locator('[data-status="COMPLETED"]')).toBeVisible({ timeout: 60_000 });

    await gotoHydrated(page, '/train');
    const rows = page.getByRole('row').filter({ hasText: datasetName });
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare selected (2)' }).click();
    await expect(page).toHaveURL(/\/train\/compare\?ids=\d+&ids=\d+$/);
    await expect(page.getByRole('heading', { name: 'Compare runs' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Runs compared' });
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table).toContainText('Fast');
    await expect(table).toContainText('Quick test');
    await expect(table).toContainText('pts');
    await saveScreenshot(page, 'train-compare');
  });
});
