import { expect, test } from '@playwright/test';
import { gotoHydrated, gql, importUtterances, type UtteranceRow, uniqueName } from '../utils.ts';

/** Three intents, eight texts each, two of card_arrival worded like exchange_rate: a run with a weak spot. */
function rows(): UtteranceRow[] {
  const phrases: Record<string, string[]> = {
    card_arrival: ['where is my card', 'my card has not arrived', 'when will my new card come'],
    exchange_rate: ['what is the exchange rate', 'how much is a dollar in euros', 'rate today'],
    lost_or_stolen_phone: ['i lost my phone', 'my phone was stolen', 'someone took my mobile'],
  };
  const out: UtteranceRow[] = [];
  for (const [intent, list] of Object.entries(phrases)) {
    for (let i = 0; i < 8; i++) {
      out.push({
        text: `${['', 'hi, ', 'please '][i % 3]}${list[i % 3]} ${i}`,
        intent,
        language: 'en',
      });
    }
  }
  out.push({ text: 'what rate for my card arrival', intent: 'card_arrival', language: 'en' });
  return out;
}

test('Improve this model: the plan, live progress, then before and after', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const dataset = await importUtterances(request, uniqueName('augment'), rows());
  const { startTraining } = await gql<{ startTraining: { data: { id: string } } }>(
    request,
    `mutation($input: TrainingInput!) { startTraining(input: $input) {
      ... on MutationStartTrainingSuccess { data { id } } } }`,
    { input: { datasetId: dataset.id, preset: 'CROSS_VALIDATION', cvFolds: 3 } },
  );
  const runId = startTraining.data.id;
  await expect
    .poll(
      async () =>
        (
          await gql<{ trainingRun: { status: string } }>(
            request,
            'query($id: ID!) { trainingRun(id: $id) { status } }',
            { id: runId },
          )
        ).trainingRun.status,
      { timeout: 60_000 },
    )
    .toBe('COMPLETED');

  await gotoHydrated(page, `/train/${runId}`);
  const section = page.getByRole('region', { name: 'Improve this model' });
  const count = section.getByLabel('Synthetic items');
  await count.fill('0');
  await section.getByRole('button', { name: 'Show the plan' }).click();
  await expect(section.getByText('count must be at least 1')).toBeVisible();
  await expect(count).toHaveAttribute('aria-invalid', 'true');

  await count.fill('30');
  await section.getByRole('button', { name: 'Show the plan' }).click();
  await expect(section.getByTestId('augment-estimate')).toContainText('30 items');
  const weak = section.getByRole('table', {
    name: /Weakest intents and what they are confused with/,
  });
  await expect(weak.getByRole('row')).toHaveCount(4);

  await section.getByRole('button', { name: 'Improve' }).click();
  // The before/after comparison appears when the live progress says the augmentation completed.
  await expect(section.getByRole('heading', { name: /^Before and after/ })).toBeVisible({
    timeout: 90_000,
  });
  await expect(section.getByRole('link', { name: /^New run #\d+$/ })).toBeVisible();
  await expect(
    section.getByRole('table', { name: /Weakest intents before/ }).getByRole('row'),
  ).toHaveCount(4);
});
