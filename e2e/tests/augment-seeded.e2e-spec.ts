import { expect, test } from '@playwright/test';
import { gql, importUtterances, threeIntentRows, trainModel, uniqueName } from '../utils.ts';

/**
 * The run page's seeded lift (docs/curation.md, "Augment"): a seeded augmentation, started through the API, is
 * shown with the note that its cross-validation left out of each fold the items written from that fold's test
 * texts, with the API's counts, in English and Spanish.
 */

interface Lift {
  seeded: { rows: number; excludedPerFold: number[] } | null;
}

test('a seeded augmentation: the run page says its lift is seeded and what that means', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const dataset = await importUtterances(request, uniqueName('augment seeded'), threeIntentRows());
  const runId = await trainModel(request, dataset.id, 'CROSS_VALIDATION', { cvFolds: 3 });

  const { startAugmentation } = await gql<{
    startAugmentation: { __typename: string; data?: { id: string }; message?: string };
  }>(
    request,
    `mutation($input: AugmentationInput!) { startAugmentation(input: $input) {
      __typename
      ... on MutationStartAugmentationSuccess { data { id } }
      ... on Error { message } } }`,
    { input: { runId, count: 30, provider: 'LOCAL', seeds: true } },
  );
  const id = startAugmentation.data?.id;
  if (!id) throw new Error(`startAugmentation failed: ${startAugmentation.message}`);
  let lift: Lift | null = null;
  await expect
    .poll(
      async () => {
        const { augmentation } = await gql<{
          augmentation: { status: string; error: string | null; lift: Lift | null };
        }>(
          request,
          `query($id: ID!) { augmentation(id: $id) {
            status error lift { seeded { rows excludedPerFold } } } }`,
          { id },
        );
        lift = augmentation.lift;
        return augmentation.error ?? augmentation.status;
      },
      { timeout: 120_000 },
    )
    .toBe('COMPLETED');
  const seeded = (lift as Lift | null)?.seeded;
  if (!seeded) throw new Error('the seeded augmentation has no seeded lift');
  expect(seeded.excludedPerFold).toHaveLength(3);
  const min = Math.min(...seeded.excludedPerFold);
  const max = Math.max(...seeded.excludedPerFold);

  for (const [lang, section, heading, note] of [
    [
      'en',
      'Improve this model',
      'Seeded lift: the synthetic items were written from this run’s own real texts.',
      `(${seeded.rows} seeded items; ${min} to ${max} left out per fold)`,
    ],
    [
      'es',
      'Mejorar este modelo',
      'Mejora sembrada: los elementos sintéticos se escribieron a partir de los textos reales de esta ejecución.',
      `(${seeded.rows} elementos sembrados; de ${min} a ${max} excluidos por pliegue)`,
    ],
  ] as const) {
    await page
      .context()
      .addCookies([
        { name: 'genesis-lang', value: lang, url: test.info().project.use.baseURL ?? '' },
      ]);
    await page.goto(`/train/${runId}`);
    const region = page.getByRole('region', { name: section });
    const box = region.getByTestId('augment-seeded');
    await expect(box).toContainText(heading);
    await expect(box).toContainText(note);
    await expect(region.getByTestId('augment-unseeded')).toHaveCount(0);
  }
});
