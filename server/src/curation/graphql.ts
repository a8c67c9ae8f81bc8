import { InputError, NotFoundError } from '../platform/errors.ts';
import { builder } from '../platform/graphql/builder.ts';
import { parseId } from '../platform/graphql/ids.ts';
import { DatasetRef } from '../registry/graphql/dataset.ts';
import { type CurationResult, curateDataset } from './service.ts';
import './judge-graphql.ts';

const CurationRulesInput = builder.inputType('CurationRulesInput', {
  description: 'What a curation drops; at least one rule',
  fields: (t) => ({
    minLabelFidelity: t.float({
      required: false,
      description:
        'Drop items whose intent label the label oracle gives a probability under this (0..1)',
    }),
    dropNearDuplicates: t.boolean({
      required: false,
      description: 'Drop items whose customer side is a near-duplicate of an earlier kept item',
    }),
    dropLanguageMismatch: t.boolean({
      required: false,
      description: 'Drop items clearly written in another language than their label',
    }),
    minJudgeScore: t.float({
      required: false,
      description: 'Drop items the LLM judge scored under this (1..5); needs judge scores',
    }),
    dropLabelDisagreement: t.boolean({
      required: false,
      description:
        'Confident learning: drop items whose label out-of-fold predictions of a classifier trained on the items (plus the reference dataset) confidently contradict',
    }),
    openingOnly: t.boolean({
      required: false,
      description:
        "Conversations: keep each kept item's opening exchange (the customer's first message and the agent's reply)",
    }),
    referenceDatasetId: t.id({
      required: false,
      description:
        'Real texts: the label oracle trains on them instead of the shipped Banking77 oracle, and the label-disagreement check beside the items',
    }),
  }),
});

const CurationRef = builder.objectRef<CurationResult>('Curation').implement({
  description: 'A curated dataset and the report of what was dropped from its source and why',
  fields: (t) => ({
    dataset: t.field({ type: DatasetRef, resolve: (c) => c.dataset }),
    reused: t.exposeBoolean('reused', {
      description: 'The same rules had already curated the same source: this is that dataset',
    }),
    kept: t.int({ resolve: (c) => c.report.kept }),
    dropped: t.int({ resolve: (c) => c.report.dropped }),
    report: t.field({
      type: 'JSON',
      description: 'Counts per rule and per intent, and examples of dropped items',
      resolve: (c) => c.report as unknown as Record<string, unknown>,
    }),
  }),
});

builder.mutationFields((t) => ({
  curateDataset: t.field({
    type: CurationRef,
    description:
      'A new dataset of the items of a dataset that pass the rules, with lineage to it; the source is unchanged',
    errors: { types: [InputError, NotFoundError] },
    args: {
      id: t.arg.id({ required: true }),
      rules: t.arg({ type: CurationRulesInput, required: true }),
    },
    resolve: (_r, args, ctx) => {
      const r = args.rules;
      // The service locates its issues itself (`id`, `rules.minLabelFidelity`).
      return curateDataset(ctx.services, parseId(args.id), {
        ...(r.minLabelFidelity != null ? { minLabelFidelity: r.minLabelFidelity } : {}),
        ...(r.dropNearDuplicates != null ? { dropNearDuplicates: r.dropNearDuplicates } : {}),
        ...(r.dropLanguageMismatch != null ? { dropLanguageMismatch: r.dropLanguageMismatch } : {}),
        ...(r.minJudgeScore != null ? { minJudgeScore: r.minJudgeScore } : {}),
        ...(r.dropLabelDisagreement != null
          ? { dropLabelDisagreement: r.dropLabelDisagreement }
          : {}),
        ...(r.openingOnly != null ? { openingOnly: r.openingOnly } : {}),
        ...(r.referenceDatasetId
          ? { referenceDatasetId: parseId(r.referenceDatasetId, 'referenceDatasetId') }
          : {}),
      });
    },
  }),
}));
