import { type APIRequestContext, expect, test } from '@playwright/test';
import { gotoHydrated, gql, startGenerationJob, uniqueName, uploadFile } from '../utils.ts';

// The time-series dataset generated first is what the later specs look at.
test.describe.configure({ mode: 'serial' });

interface JobState {
  generationJob: { status: string; dataset: { id: string } | null } | null;
}

async function jobState(request: APIRequestContext, id: string) {
  const data = await gql<JobState>(
    request,
    'query($id: ID!) { generationJob(id: $id) { status dataset { id } } }',
    { id },
  );
  return data.generationJob;
}

async function cancelJob(request: APIRequestContext, id: string) {
  await gql(
    request,
    'mutation($id: ID!) { cancelGeneration(id: $id) { __typename ... on Error { message } } }',
    { id },
  );
}

interface SeriesItems {
  dataset: {
    items: { edges: { node: { key: string; data: { anomalies?: unknown[] } } }[] };
  } | null;
}

/** Seeds a one-series dataset with two known anomalies (an upload of a JSONL file). */
async function importSeriesWithAnomalies(request: APIRequestContext, name: string) {
  const target = Array.from({ length: 24 }, (_, i) => 10 + (i % 6));
  target[4] = 40;
  target[17] = 1;
  const record = {
    series_id: 'load-a',
    domain: 'electricity',
    series_type: 'residential_consumption',
    frequency: '1H',
    start: '2024-03-01T00:00:00Z',
    length: target.length,
    target,
    unit: 'kWh',
    seasonality_types: ['daily'],
    trend_type: 'none',
    noise_level: 0.1,
    anomalies: [
      { index: 17, type: 'dip' },
      { index: 4, type: 'spike', magnitude: 3 },
    ],
  };
  const dataset = await uploadFile(request, {
    kind: 'TIMESERIES',
    name,
    file: {
      name: 'series.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(`${JSON.stringify(record)}\n`),
    },
  });
  return dataset.id;
}

test.describe('live views', () => {
  const name = uniqueName('E2E series');
  let datasetId = '';

  test('a generated time-series dataset shows each item as a line chart', async ({
    request,
    page,
  }) => {
    const id = await startGenerationJob(request, {
      kind: 'TIMESERIES',
      count: 4,
      length: 48,
      name,
    });
    await expect
      .poll(async () => (await jobState(request, id))?.status, { timeout: 60_000 })
      .toBe('COMPLETED');
    datasetId = (await jobState(request, id))?.dataset?.id ?? '';
    expect(datasetId).not.toBe('');

    const { dataset } = await gql<SeriesItems>(
      request,
      'query($id: ID!) { dataset(id: $id) { items(first: 10) { edges { node { key data } } } } }',
      { id: datasetId },
    );
    const items = dataset?.items.edges.map((e) => e.node) ?? [];
    expect(items).toHaveLength(4);

    await gotoHydrated(page, `/datasets/${datasetId}`);
    const charts = page.getByTestId('sparkline');
    await expect(charts).toHaveCount(4);
    await expect(page.getByTestId('series-type')).toHaveCount(4);
    for (const item of items) {
      // Each chart is one named graphic that names its series by key.
      const chart = page.getByRole('img', { name: new RegExp(`${item.key}`) });
      await expect(chart).toBeVisible();
      await expect(chart.locator('path.sparkline')).toHaveAttribute(
        'd',
        /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){47}$/,
      );
      await expect(chart.locator('.anomaly-dot')).toHaveCount(item.data.anomalies?.length ?? 0);
    }
    // Time series never fall back to the raw JSON view.
    await expect(page.locator('pre.raw')).toHaveCount(0);
  });

  test('a series chart marks its anomalies and lists them in words', async ({ request, page }) => {
    const id = await importSeriesWithAnomalies(request, uniqueName('E2E anomalies'));
    await gotoHydrated(page, `/datasets/${id}`);
    const chart = page.getByRole('img', { name: 'residential_consumption load-a in kWh' });
    await expect(chart).toBeVisible();
    await expect(chart.locator('.anomaly-dot')).toHaveCount(2);
    await expect(chart.locator('.anomaly-dot').first()).toHaveAttribute('data-type', 'spike');
    await expect(chart).toHaveAccessibleDescription(
      '24 points, range 1 to 40 kWh. 2 anomalies: Spike at point 5, Dip at point 18.',
    );
    await expect(page.getByText('Spike at point 5', { exact: true })).toBeVisible();
    await expect(page.getByText('Dip at point 18', { exact: true })).toBeVisible();
  });

  test('the datasets list switches to cards and the URL keeps the choice', async ({ page }) => {
    await gotoHydrated(page, '/datasets?kind=TIMESERIES');
    await expect(page.getByRole('table')).toBeVisible();

    await page.getByRole('link', { name: 'Cards' }).click();
    await expect(page).toHaveURL(/[?&]view=cards/);
    await expect(page).toHaveURL(/[?&]kind=TIMESERIES/);
    await expect(page.getByRole('table')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Cards' })).toHaveAttribute('aria-current', 'true');

    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name }) });
    await expect(card).toContainText('Time series');
    await expect(card).toContainText('Generated');
    await expect(card.getByText('Items')).toBeVisible();
    await expect(card.locator('dd.num')).toHaveText('4');

    // The choice survives a reload and filtering.
    await page.reload();
    await expect(page.getByRole('link', { name })).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
    await page.getByLabel('Search').fill(name);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/[?&]view=cards/);
    await expect(page.getByRole('link', { name })).toBeVisible();

    await page.getByRole('link', { name: 'Table' }).click();
    await expect(page).not.toHaveURL(/view=/);
    await expect(page.getByRole('table')).toBeVisible();
  });

  test('home lists a running job with a live progress bar until it is cancelled', async ({
    page,
    request,
  }) => {
    // Six calls a minute, one item per call: the job runs for many minutes.
    const id = await startGenerationJob(request, {
      kind: 'CONVERSATIONS',
      count: 100,
      rpm: 6,
      slotsPerCall: 1,
      name: uniqueName('E2E slow'),
    });
    try {
      await gotoHydrated(page, '/');
      const section = page.getByRole('region', { name: 'Running jobs' });
      const row = section.locator(`[data-job-id="${id}"]`);
      await expect(row).toBeVisible();
      const bar = row.getByRole('progressbar', { name: `Job #${id} progress` });
      await expect(bar).toHaveAttribute('aria-valuemax', '100');
      await expect(bar).toHaveAttribute('aria-valuetext', /of 100 items/);
      await expect(section.getByTestId('jobs-live-status')).toHaveText('Live');
      await row.getByRole('link', { name: `Job #${id}` }).focus();
      await expect(row.getByRole('link', { name: `Job #${id}` })).toHaveAttribute(
        'href',
        `/generate/${id}`,
      );

      // Cancelling elsewhere reaches the page over the subscription and the job leaves the list.
      await cancelJob(request, id);
      await expect(row).toHaveCount(0);
    } finally {
      await cancelJob(request, id);
    }
  });
});
