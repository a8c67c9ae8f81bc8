/**
 * The report's "judge" group (docs/validation.md, "The judge group"): the LLM judge's stored scores of a dataset
 * summarised when a report is made, the means per rubric criterion with the items each averages, the share of
 * the dataset's items scored, and the latest judge run's model and the runs' cost. It is kept beside the metrics,
 * not among them: it weighs nothing in the score, is no gate and never changes the verdict.
 */
import { JUDGE_CRITERIA, type JudgeCriterion } from '@genesis/schema/judge';
import type { JudgeGroup } from '@genesis/schema/reports';
import { JudgeRunSchema } from '../curation/judge-run.entity.ts';
import { JudgeScoreSchema } from '../curation/judge-score.entity.ts';
import type { Services } from '../platform/db/orm.ts';

/** The score column of each rubric criterion. */
const COLUMNS = {
  label_faithfulness: 'labelFaithfulness',
  customer_naturalness: 'customerNaturalness',
  agent_quality: 'agentQuality',
  language_register: 'languageRegister',
} as const satisfies Record<JudgeCriterion, string>;

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/**
 * The judge group of dataset `datasetId` holding `itemCount` items: `not_run` when it has no judge run. An item
 * scored by several judges counts once, with its latest score (as `judgeSummary` and curation read them).
 */
export async function judgeGroup(
  services: Services,
  datasetId: number,
  itemCount: number,
): Promise<JudgeGroup> {
  const em = services.em.fork();
  const runs = await em.find(
    JudgeRunSchema,
    { dataset: datasetId },
    {
      fields: ['provider', 'model', 'mode', 'status', 'costUsd'],
      orderBy: { id: 'desc' },
    },
  );
  const latestRun = runs[0];
  const rows = await em.find(
    JudgeScoreSchema,
    { dataset: datasetId },
    {
      fields: ['itemKey', 'overall', ...Object.values(COLUMNS)],
      orderBy: { id: 'asc' },
    },
  );
  // Later rows replace earlier ones: the latest score of each item.
  const latest = new Map(rows.map((r) => [r.itemKey, r]));
  const scores = [...latest.values()];
  const dimensions = JUDGE_CRITERIA.map((criterion) => {
    const values = scores
      .map((s) => s[COLUMNS[criterion]])
      .filter((x): x is number => typeof x === 'number');
    return {
      criterion,
      mean: values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : null,
      scored: values.length,
    };
  });
  return {
    status: latestRun ? 'scored' : 'not_run',
    scored: scores.length,
    share: itemCount > 0 ? round(Math.min(1, scores.length / itemCount)) : 0,
    dimensions,
    overall: scores.length
      ? round(scores.reduce((a, s) => a + s.overall, 0) / scores.length)
      : null,
    run: latestRun
      ? {
          id: String(latestRun.id),
          provider: latestRun.provider,
          model: latestRun.model,
          mode: latestRun.mode,
          status: latestRun.status,
          costUsd: latestRun.costUsd,
        }
      : null,
    runs: runs.length,
    costUsd: round(
      runs.reduce((a, r) => a + r.costUsd, 0),
      6,
    ),
  };
}
