import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { JudgeRunSchema } from './judge-run.entity.ts';

/**
 * One item's LLM-judge scores (1-5 per rubric criterion, with a one-line reason each). Unique per dataset, item
 * key and judge (`model@rubric version`): a resumed or repeated run never scores an item twice.
 */
export const JudgeScoreSchema = defineEntity({
  name: 'JudgeScore',
  uniques: [{ properties: ['dataset', 'itemKey', 'judge'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    dataset: () => p.manyToOne(DatasetSchema).deleteRule('cascade'),
    run: () => p.manyToOne(JudgeRunSchema).deleteRule('cascade').index(),
    itemKey: p.string().length(200),
    judge: p.string().length(240),
    labelFaithfulness: p.integer(),
    customerNaturalness: p.integer(),
    /** Null for an item without an agent side (utterances). */
    agentQuality: p.integer().nullable(),
    languageRegister: p.integer(),
    /** The mean of the scored criteria: what `--min-judge-score` compares with. */
    overall: p.double().$type<number>(),
    /** The one-line reason of each criterion. */
    reasons: p.json<Record<string, string>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export interface JudgeScore extends InferEntity<typeof JudgeScoreSchema> {}
