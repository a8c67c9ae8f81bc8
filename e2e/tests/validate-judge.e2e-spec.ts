import { expect, test } from '@playwright/test';
import { gotoHydrated, gql, importUtterances, uniqueName, validateDataset } from '../utils.ts';

/**
 * The validation report's "judge" group on the Validate page: "not run" while no judge has run, then the
 * judge's means per criterion with the items scored, the run's model and cost, outside the verdict
 * (docs/validation.md, "The judge group").
 */
test('the report shows the LLM judge group: not run first, then the scores beside an unchanged verdict', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const seeded = await importUtterances(request, uniqueName('E2E judge group'));

  const first = await validateDataset(request, seeded.id, 'banking77');
  await gotoHydrated(page, `/validate?dataset=${seeded.id}&version=${first}`);
  const group = page.getByRole('region', { name: 'LLM judge' });
  await expect(group).toContainText('Not part of the score or the verdict.');
  await expect(group.getByTestId('judge-group-line')).toContainText(
    'Not run when this report was made',
  );
  const verdict = await page.getByTestId('reason').textContent();

  // The local heuristic judge, started through the API as a script would.
  const started = await gql<{ judgeDataset: { data: { id: string } } }>(
    request,
    'mutation($id: ID!) { judgeDataset(id: $id) { ... on MutationJudgeDatasetSuccess { data { id } } } }',
    { id: seeded.id },
  );
  const runId = started.judgeDataset.data.id;
  await expect
    .poll(
      async () =>
        (
          await gql<{ judgeRun: { status: string } }>(
            request,
            'query($id: ID!) { judgeRun(id: $id) { status } }',
            { id: runId },
          )
        ).judgeRun.status,
    )
    .toBe('COMPLETED');

  const second = await validateDataset(request, seeded.id, 'banking77');
  await gotoHydrated(page, `/validate?dataset=${seeded.id}&version=${second}`);
  await expect(group.getByTestId('judge-group-line')).toContainText(
    `${seeded.itemCount} items scored (100.0% of the dataset)`,
  );
  await expect(group.getByTestId('judge-group-run')).toContainText(`Latest run #${runId}`);
  const table = group.getByRole('table');
  await expect(table.getByRole('rowheader')).toHaveText([
    'Label faithfulness',
    'Customer naturalness',
    'Agent quality',
    'Language and register',
  ]);
  // Utterances have no agent side: that criterion has no mean and no scored items.
  await expect(table.getByRole('row', { name: /Agent quality/ })).toContainText('–');
  await expect(table.getByRole('row', { name: /Label faithfulness/ })).toContainText(
    String(seeded.itemCount),
  );
  // Outside the verdict: the same reason line as before the judge ran.
  await expect(page.getByTestId('reason')).toHaveText(verdict ?? '');
});
