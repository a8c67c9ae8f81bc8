import { expect, test } from '@playwright/test';
import { gotoHydrated, gql, importUtterances, uniqueName } from '../utils.ts';

const JUDGE = /* GraphQL */ `
  mutation Judge($id: ID!) {
    judgeDataset(id: $id) {
      __typename
      ... on MutationJudgeDatasetSuccess {
        data {
          id
        }
      }
    }
  }
`;

const RUN = /* GraphQL */ `
  query Run($id: ID!) {
    judgeRun(id: $id) {
      status
      scored
    }
  }
`;

test.describe('LLM judge on the dataset page', () => {
  test('shows "not judged" first, then the judge summary once a run has scored the items', async ({
    page,
    request,
  }) => {
    const seeded = await importUtterances(request, uniqueName('E2E judge'));
    await gotoHydrated(page, `/datasets/${seeded.id}`);
    const panel = page.getByRole('region', { name: 'LLM judge' });
    await expect(panel).toContainText('Not judged yet');

    // The local heuristic judge, started through the API as a script would.
    const started = await gql<{ judgeDataset: { data: { id: string } } }>(request, JUDGE, {
      id: seeded.id,
    });
    const runId = started.judgeDataset.data.id;
    await expect
      .poll(
        async () =>
          (await gql<{ judgeRun: { status: string } }>(request, RUN, { id: runId })).judgeRun
            .status,
      )
      .toBe('COMPLETED');

    await gotoHydrated(page, `/datasets/${seeded.id}`);
    await expect(panel.getByTestId('judge-summary')).toContainText(
      `${seeded.itemCount} items judged`,
    );
    const means = panel.getByRole('definition');
    await expect(panel.getByRole('term')).toHaveText([
      'Label faithfulness',
      'Customer naturalness',
      'Agent quality',
      'Language and register',
    ]);
    // Utterances have no agent side: that criterion has no mean.
    await expect(means.nth(2)).toHaveText('–');
  });
});
