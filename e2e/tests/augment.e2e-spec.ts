import { expect, test } from '@playwright/test';
import {
  gotoHydrated,
  importUtterances,
  threeIntentRows,
  trainModel,
  type UtteranceRow,
  uniqueName,
} from '../utils.ts';

/** Three intents, eight texts each, one of card_arrival worded like exchange_rate: a run with a weak spot. */
function rows(): UtteranceRow[] {
  return [
    ...threeIntentRows(),
    { text: 'what rate for my card arrival', intent: 'card_arrival', language: 'en' },
  ];
}

test('Improve this model: the plan, live progress, then before and after', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const dataset = await importUtterances(request, uniqueName('augment'), rows());
  const runId = await trainModel(request, dataset.id, 'CROSS_VALIDATION', { cvFolds: 3 });

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
