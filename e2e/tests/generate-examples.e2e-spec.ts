import { expect, type Page, test } from '@playwright/test';
import { gql, uniqueName } from '../utils.ts';

/**
 * The Generate page's examples per intent (docs/generation.md, "Seeds"): a JSON or CSV file read by the server's
 * reader, its counts, a bad file's located error in the reader's language, and the started job's configuration
 * carrying the examples (checked through the API). With JavaScript in English and Spanish, on a phone, and
 * without JavaScript.
 */

const EXAMPLES = {
  card_arrival: ['my card never showed up', 'still waiting for the card you posted'],
  exchange_rate: ['what rate do you use for dollars'],
};
const CSV = [
  'intent,text',
  'card_arrival,my card never showed up',
  'card_arrival,"still waiting for the card you posted"',
  'exchange_rate,what rate do you use for dollars',
].join('\n');
const BAD_JSON = JSON.stringify([{ intent: 'card_arrival', examples: ['fine', '  '] }]);

const file = (name: string, body: string, mimeType: string) => ({
  name,
  mimeType,
  buffer: Buffer.from(body, 'utf8'),
});

async function jobConfig(page: Page): Promise<Record<string, unknown>> {
  const id = /\/generate\/(\d+)$/.exec(page.url())?.[1];
  if (!id) throw new Error(`not on a job page: ${page.url()}`);
  const { generationJob } = await gql<{ generationJob: { config: Record<string, unknown> } }>(
    page.request,
    'query($id: ID!) { generationJob(id: $id) { config } }',
    { id },
  );
  return generationJob.config;
}

const LANGUAGES = {
  en: {
    theme: 'Dark theme',
    file: 'Examples file (JSON or CSV)',
    read: 'Read 3 examples for 2 intents.',
    bad: 'entry 1, example 2 (card_arrival) has an empty text',
    unknown: 'intentExamples keys must be intent ids; unknown: "nope"',
    count: 'Count',
    name: 'Dataset name',
    start: 'Start generation',
    estimate: 'Model calls',
  },
  es: {
    theme: 'Tema oscuro',
    file: 'Archivo de ejemplos (JSON o CSV)',
    read: 'Se leyeron 3 ejemplos de 2 intenciones.',
    bad: 'la entrada 1, ejemplo 2 (card_arrival) tiene un texto vacío',
    unknown: 'las claves de intentExamples deben ser ids de intención; desconocidas: "nope"',
    count: 'Cantidad',
    name: 'Nombre del conjunto',
    start: 'Iniciar la generación',
    estimate: 'Llamadas al modelo',
  },
} as const;

for (const [lang, words] of Object.entries(LANGUAGES)) {
  test(`examples per intent (${lang}): counts, a located error, and the job's config carries them`, async ({
    page,
  }) => {
    test.setTimeout(60_000);
    await page
      .context()
      .addCookies([
        { name: 'genesis-lang', value: lang, url: test.info().project.use.baseURL ?? '' },
      ]);
    await page.goto('/generate');
    await expect(page.getByRole('button', { name: words.theme })).toBeVisible();

    const input = page.getByLabel(words.file);
    await input.setInputFiles(file('bad.json', BAD_JSON, 'application/json'));
    const error = page.getByTestId('error-err-intentExamples');
    await expect(error).toHaveText(words.bad);
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('examples-read')).toHaveCount(0);

    // A file the reader reads but the job would refuse: the schema's message, at once.
    await input.setInputFiles(file('unknown.csv', 'nope,hello there', 'text/csv'));
    await expect(error).toHaveText(words.unknown);
    await expect(input).toHaveAttribute('aria-invalid', 'true');

    await input.setInputFiles(file('seeds.csv', CSV, 'text/csv'));
    await expect(page.getByTestId('examples-read')).toContainText(words.read);
    await expect(error).toHaveCount(0);
    await expect(input).toHaveAttribute('aria-invalid', 'false');
    // The estimate is asked for with the examples (a refused input would show no figures).
    await expect(page.getByTestId('estimate')).toContainText(words.estimate);

    await page.getByLabel(words.count, { exact: true }).fill('4');
    await page.getByLabel(words.name).fill(uniqueName(`E2E examples ${lang}`));
    await page.getByRole('button', { name: words.start }).click();
    await expect(page).toHaveURL(/\/generate\/\d+$/);
    expect(await jobConfig(page)).toMatchObject({ intentExamples: EXAMPLES });
  });
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the examples field and what it read fit the screen', async ({ page }) => {
    await page.goto('/generate');
    await expect(page.getByRole('button', { name: 'Dark theme' })).toBeVisible();
    await page
      .getByLabel(LANGUAGES.en.file)
      .setInputFiles(
        file(
          'a-long-file-name-of-examples-per-intent.json',
          JSON.stringify(EXAMPLES),
          'application/json',
        ),
      );
    await expect(page.getByTestId('examples-read')).toContainText(LANGUAGES.en.read);
    await page.getByText('Examples per intent', { exact: true }).click();
    await expect(page.getByText('exchange_rate: 1')).toBeVisible();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the action reads the posted file: a located error, then the job with the examples', async ({
    page,
  }) => {
    await page.goto('/generate');
    const input = page.getByLabel(LANGUAGES.en.file);
    await page.getByLabel('Count', { exact: true }).fill('4');
    await input.setInputFiles(file('bad.json', BAD_JSON, 'application/json'));
    await page.getByRole('button', { name: 'Start generation' }).click();
    await expect(page.getByTestId('error-err-intentExamples')).toHaveText(LANGUAGES.en.bad);
    await expect(page).toHaveURL(/\/generate$/);

    await page.getByLabel('Dataset name').fill(uniqueName('E2E examples no-js'));
    await page.getByLabel(LANGUAGES.en.file).setInputFiles(file('seeds.csv', CSV, 'text/csv'));
    await page.getByRole('button', { name: 'Start generation' }).click();
    await expect(page).toHaveURL(/\/generate\/\d+$/);
    expect(await jobConfig(page)).toMatchObject({ intentExamples: EXAMPLES });
  });
});
