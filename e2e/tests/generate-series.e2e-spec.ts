import { type APIRequestContext, expect, test } from '@playwright/test';
import { gotoHydrated, gql, uniqueName, uploadFile } from '../utils.ts';

/**
 * The Generate page's series fields (points per series, frequency, start, time zone, share with
 * anomalies, the dataset to calibrate on): what is typed there reaches the job's stored
 * configuration, the generated series honour it, the job page names the dataset it was calibrated
 * on, and a bad value is refused beside its field (docs/timeseries.md).
 */

const DAY = 86_400_000;

/** `n` trading days (Saturdays and Sundays skipped, by UTC date) from `startMs`. */
function tradingDays(startMs: number, n: number): number[] {
  const out: number[] = [];
  for (let t = startMs; out.length < n; t += DAY) {
    const dow = new Date(t).getUTCDay();
    if (dow !== 0 && dow !== 6) out.push(t);
  }
  return out;
}

/** A daily closing price on trading days: a random walk from `level` (seeded, so every run is alike). */
function stockSeries(id: string, level: number, seed: number) {
  const times = tradingDays(Date.parse('2024-01-02T00:00:00Z'), 160);
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  let price = level;
  const target = times.map(() => {
    price *= 1 + 0.02 * (next() - 0.5);
    return Number(price.toFixed(2));
  });
  return {
    series_id: id,
    domain: 'financial',
    series_type: 'stock_price',
    frequency: '1D',
    start: new Date(times[0]!).toISOString(),
    length: target.length,
    target,
    timestamps: times.map((t) => new Date(t).toISOString()),
    unit: 'USD',
    seasonality_types: [],
    trend_type: 'none',
    noise_level: 0.1,
  };
}

/** Imports a time-series dataset of stock prices through the API, as a script would. */
async function importStocks(request: APIRequestContext, name: string): Promise<string> {
  const lines = [0, 1, 2, 3].map((i) =>
    JSON.stringify(stockSeries(`stock-${i}`, 50 + 40 * i, i + 1)),
  );
  const dataset = await uploadFile(request, {
    kind: 'TIMESERIES',
    name,
    file: {
      name: 'stocks.jsonl',
      mimeType: 'application/jsonl',
      buffer: Buffer.from(lines.join('\n')),
    },
    allowDuplicate: true,
  });
  return dataset.id;
}

interface Job {
  status: string;
  config: Record<string, unknown>;
  calibratedOn: { id: string; name: string } | null;
  dataset: { id: string } | null;
}

interface Series {
  series_type: string;
  frequency: string;
  start: string;
  length: number;
  target: number[];
  timestamps: string[];
  anomalies?: unknown[];
}

test.describe('Generate page: series fields', () => {
  test('a length beyond the maximum, an unknown time zone and a bad start are refused beside their fields', async ({
    page,
  }) => {
    await gotoHydrated(page, '/generate');
    await page.getByRole('radio', { name: 'Time series' }).check();
    const length = page.getByLabel('Points per series', { exact: true });
    await length.fill('100001');
    await expect(page.getByTestId('error-err-length')).toHaveText('length must be at most 100000');
    await expect(length).toHaveAttribute('aria-invalid', 'true');
    const zone = page.getByLabel('Time zone', { exact: true });
    await zone.fill('Mars/Olympus');
    await expect(page.getByTestId('error-err-timeZone')).toHaveText(
      'timeZone must be an IANA time zone such as Europe/Madrid or UTC; got Mars/Olympus',
    );
    const start = page.getByLabel('Start', { exact: true });
    await start.fill('2025-02-30T00:00:00Z');
    await expect(page.getByTestId('error-err-start')).toHaveText(
      'start is not a real date: "2025-02-30T00:00:00Z"',
    );
    await page.getByRole('button', { name: 'Start generation' }).click();
    await expect(length).toBeFocused();
    await expect(page).toHaveURL(/\/generate$/);
  });

  test('length, frequency, start, time zone, anomalies and the calibration dataset reach the job and its series', async ({
    page,
    request,
  }) => {
    const likeName = uniqueName('E2E stocks');
    const likeId = await importStocks(request, likeName);
    const name = uniqueName('E2E series');

    await gotoHydrated(page, '/generate');
    await page.getByRole('radio', { name: 'Time series' }).check();
    await page.getByLabel('Count', { exact: true }).fill('3');
    await page.getByLabel('Dataset name').fill(name);
    await page.getByLabel('Series types').selectOption('stock_price');
    await page.getByLabel('Points per series', { exact: true }).fill('40');
    await page.getByLabel('Frequency', { exact: true }).selectOption('1D');
    // A Friday: the next trading day is the Monday after.
    await page.getByLabel('Start', { exact: true }).fill('2025-03-07T00:00:00Z');
    await page.getByLabel('Time zone', { exact: true }).fill('America/New_York');
    await page.getByLabel('Share with anomalies', { exact: true }).fill('1');
    await page.getByLabel('Calibrate on a dataset').selectOption(likeId);
    await page.getByRole('button', { name: 'Start generation' }).click();
    await expect(page).toHaveURL(/\/generate\/\d+$/);
    const jobId = /\/generate\/(\d+)$/.exec(page.url())![1]!;

    // The job page names the dataset the engine was calibrated on, with a link to it.
    const calibrated = page.getByTestId('calibrated-on');
    await expect(calibrated).toContainText('Calibrated on');
    await expect(calibrated.getByRole('link', { name: likeName })).toHaveAttribute(
      'href',
      `/datasets/${likeId}`,
    );

    let job: Job | undefined;
    await expect
      .poll(
        async () => {
          job = (
            await gql<{ generationJob: Job }>(
              request,
              'query($id: ID!) { generationJob(id: $id) { status config calibratedOn { id name } dataset { id } } }',
              { id: jobId },
            )
          ).generationJob;
          return job.status;
        },
        { timeout: 60_000 },
      )
      .toBe('COMPLETED');
    expect(job!.config).toMatchObject({
      kind: 'timeseries',
      count: 3,
      length: 40,
      frequency: '1D',
      frequencyByType: false,
      start: '2025-03-07T00:00:00Z',
      timeZone: 'America/New_York',
      anomalyShare: 1,
      likeDatasetId: likeId,
      targets: { seriesTypes: { stock_price: 1 } },
    });
    expect(job!.calibratedOn).toEqual({ id: likeId, name: likeName });

    const { dataset } = await gql<{
      dataset: { items: { edges: { node: { data: Series } }[] } };
    }>(
      request,
      'query($id: ID!) { dataset(id: $id) { items(first: 10) { edges { node { data } } } } }',
      { id: job!.dataset!.id },
    );
    const series = dataset.items.edges.map((e) => e.node.data);
    expect(series).toHaveLength(3);
    for (const s of series) {
      expect(s.series_type).toBe('stock_price');
      expect(s.length).toBe(40);
      expect(s.target).toHaveLength(40);
      expect(s.timestamps).toHaveLength(40);
      expect(Date.parse(s.timestamps[0]!)).toBe(Date.parse('2025-03-07T00:00:00Z'));
      const times = s.timestamps.map((t) => Date.parse(t));
      // Daily trading days: one day apart, or three over a weekend; never a Saturday or a Sunday.
      for (let i = 1; i < times.length; i++) {
        const step = times[i]! - times[i - 1]!;
        expect([DAY, 3 * DAY]).toContain(step);
        expect([0, 6]).not.toContain(new Date(times[i]!).getUTCDay());
      }
      expect(times[1]! - times[0]!).toBe(3 * DAY);
      // Every series carries an anomaly when the share is 1.
      expect(s.anomalies?.length ?? 0).toBeGreaterThan(0);
    }
  });
});
