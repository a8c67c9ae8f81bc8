import { getSeriesType } from '@genesis/schema/catalog/series';
import { DatasetNameSchema, SearchTextSchema, TagsSchema } from '@genesis/schema/common';
import { codedMessage } from '@genesis/schema/messages';
import * as v from 'valibot';
import {
  DatasetInUseError,
  DuplicateImportError,
  ImportFailedError,
  InputError,
  NotFoundError,
} from '../../platform/errors.ts';
import { builder, type Context } from '../../platform/graphql/builder.ts';
import { DatasetKindEnum, DatasetOriginEnum, LanguageEnum } from '../../platform/graphql/enums.ts';
import { parseId } from '../../platform/graphql/ids.ts';
import { pageOrInputError, toConnection } from '../../platform/graphql/pagination.ts';
import type { Dataset } from '../dataset.entity.ts';
import { type DatasetHead, type DatasetRow, LABEL_COLUMNS } from '../dataset.repository.ts';
import { LabelListSchema } from '../import-parquet.ts';
import { deleteDataset, importDataset } from '../service.ts';
import { DatasetItemRef, ItemFilterInput } from './dataset-item.ts';

/**
 * Datasets resolve through a per-request dataloader: a field may return a dataset id, and every id asked for by
 * one page of results is loaded in one query (with tags), not one query per row. The `datasets` listing hands
 * plain rows instead of entities ({@link DatasetRow}: the same fields, its tags' names).
 */
export const DatasetRef = builder.loadableObjectRef<Dataset | DatasetRow | DatasetHead, number>(
  'Dataset',
  {
    load: (ids: number[], ctx: Context) => ctx.services.datasets(ctx.em).byIds(ids),
    sort: (d) => d.id,
  },
);

const LabelCountRef = builder
  .objectRef<{ label: string; count: number }>('LabelCount')
  .implement({ fields: (t) => ({ label: t.exposeString('label'), count: t.exposeInt('count') }) });

const LabelCountsRef = builder.objectRef<{ datasetId: number }>('LabelCounts').implement({
  description:
    'How many items carry each label value, most frequent first (only the requested columns are counted)',
  fields: (t) =>
    Object.fromEntries(
      LABEL_COLUMNS.map((col) => [
        col,
        t.field({
          type: [LabelCountRef],
          resolve: ({ datasetId }, _args, ctx) =>
            ctx.services.datasets(ctx.em).labelCounts(datasetId, col),
        }),
      ]),
    ),
});

DatasetRef.implement({
  description: 'A named collection of items of one kind in the registry',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: DatasetKindEnum, resolve: (d) => d.kind }),
    origin: t.field({ type: DatasetOriginEnum, resolve: (d) => d.origin }),
    description: t.exposeString('description', { nullable: true }),
    tags: t.stringList({
      resolve: async (d, _args, ctx) => {
        if ('tagNames' in d) return d.tagNames;
        if (!('tags' in d)) return ctx.services.datasets(ctx.em).tagNamesOf(d.id);
        const tags = d.tags.isInitialized() ? d.tags.getItems() : await d.tags.loadItems();
        return tags.map((x) => x.tag).sort();
      },
    }),
    itemCount: t.exposeInt('itemCount'),
    source: t.expose('source', { type: 'JSON', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    labelCounts: t.field({ type: LabelCountsRef, resolve: (d) => ({ datasetId: d.id }) }),
    items: t.connection(
      {
        type: DatasetItemRef,
        args: { filter: t.arg({ type: ItemFilterInput, required: false }) },
        resolve: (d, args, ctx) =>
          pageOrInputError(async () => {
            const { count, ...page } = await ctx.services
              .datasets(ctx.em)
              .itemsPage(d.id, args.filter ?? {}, args, d);
            // Counted only when selected, from the kept or cached count (DatasetRepository.countItems).
            return toConnection({ ...page, totalCount: count });
          }),
      },
      { fields: (c) => ({ totalCount: c.int({ resolve: (p) => p.totalCount() }) }) },
    ),
  }),
});

const DatasetFilterInput = builder.inputType('DatasetFilter', {
  fields: (t) => ({
    kind: t.field({ type: DatasetKindEnum, required: false }),
    origin: t.field({ type: DatasetOriginEnum, required: false }),
    tag: t.string({ required: false }),
    search: t.string({
      required: false,
      description: 'Case-insensitive part of the name (at most 200 characters)',
      validate: SearchTextSchema,
    }),
  }),
});

builder.queryFields((t) => ({
  datasets: t.connection(
    {
      type: DatasetRef,
      description: 'Datasets in the registry, newest first',
      args: { filter: t.arg({ type: DatasetFilterInput, required: false }) },
      resolve: (_root, args, ctx) =>
        pageOrInputError(async () =>
          toConnection(await ctx.services.datasets(ctx.em).listRows(args.filter ?? {}, args)),
        ),
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (p) => p.totalCount }) }) },
  ),
  dataset: t.field({
    type: DatasetRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    // A plain row, its tags read only when selected (the `tags` field): an items page pays for neither an
    // entity nor its tags (docs/benchmarks.md, "bench:load").
    resolve: (_root, args, ctx) => ctx.services.datasets(ctx.em).rowById(parseId(args.id)),
  }),
}));

const KindStatsRef = builder
  .objectRef<{ kind: Dataset['kind']; datasets: number; items: number }>('KindStats')
  .implement({
    fields: (t) => ({
      kind: t.field({ type: DatasetKindEnum, resolve: (s) => s.kind }),
      datasets: t.exposeInt('datasets'),
      items: t.exposeInt('items'),
    }),
  });

const StatsRef = builder
  .objectRef<{ byKind: { kind: Dataset['kind']; datasets: number; items: number }[] }>('Stats')
  .implement({
    fields: (t) => ({
      datasetCount: t.int({ resolve: (s) => s.byKind.reduce((n, k) => n + k.datasets, 0) }),
      itemCount: t.int({ resolve: (s) => s.byKind.reduce((n, k) => n + k.items, 0) }),
      byKind: t.field({ type: [KindStatsRef], resolve: (s) => s.byKind }),
    }),
  });

builder.queryField('stats', (t) =>
  t.field({
    type: StatsRef,
    description: 'Registry totals',
    resolve: async (_root, _args, ctx) => ({ byKind: await ctx.services.datasets(ctx.em).stats() }),
  }),
);

function publish(ctx: Context, type: 'CREATED' | 'UPDATED' | 'DELETED', datasetId: number) {
  ctx.pubsub.publish('registry:changed', { type, datasetId });
}

builder.mutationFields((t) => ({
  importDataset: t.field({
    type: DatasetRef,
    description:
      'Imports a file (JSON array, JSONL, CSV or Parquet) as a new dataset. All or nothing: any invalid record rejects the whole file with errors naming line and field.',
    errors: { types: [ImportFailedError, InputError, DuplicateImportError] },
    args: {
      file: t.arg({ type: 'File', required: true }),
      allowDuplicate: t.arg.boolean({
        required: false,
        description:
          'Import even when the same file (same bytes, same kind) was imported before; otherwise that is refused with DuplicateImportError naming the dataset that holds it',
      }),
      kind: t.arg({ type: DatasetKindEnum, required: true }),
      name: t.arg.string({ required: false, validate: v.optional(DatasetNameSchema) }),
      tags: t.arg.stringList({ required: false, validate: v.optional(TagsSchema) }),
      seriesType: t.arg.string({
        required: false,
        description: 'For time-series CSVs without a series_type column',
        validate: v.optional(
          v.custom<string>(
            (s) => typeof s === 'string' && getSeriesType(s) !== undefined,
            'unknown series type',
          ),
        ),
      }),
      language: t.arg({
        type: LanguageEnum,
        required: false,
        description: 'For utterance files without a language column (default EN)',
      }),
      labels: t.arg.stringList({
        required: false,
        description:
          'Parquet: the names of integer labels, in label order (label 0 first), for `text,label` layouts; default: the names the file embeds',
        validate: v.optional(LabelListSchema),
      }),
    },
    resolve: async (_root, args, ctx) => {
      const file = args.file;
      if (file.size > ctx.config.maxUploadBytes) {
        throw new InputError([
          {
            path: 'file',
            ...codedMessage('import.tooLarge', {
              size: (file.size / 1048576).toFixed(1),
              limit: ctx.config.maxUploadBytes / 1048576,
            }),
          },
        ]);
      }
      const outcome = await importDataset(ctx.services.datasets(ctx.em), {
        // Read as a stream, like `genesis import`: records are checked and stored as they arrive.
        source: file.stream(),
        fileName: file.name,
        kind: args.kind,
        name: args.name ?? null,
        tags: args.tags ?? [],
        seriesType: args.seriesType ?? null,
        language: args.language ?? null,
        labels: args.labels ?? null,
        bytes: file.size,
        allowDuplicate: args.allowDuplicate ?? false,
      });
      if (!outcome.ok)
        throw new ImportFailedError(outcome.errors, outcome.errorCount, file.name || null);
      const { dataset } = outcome;
      publish(ctx, 'CREATED', dataset.id);
      return dataset;
    },
  }),
  renameDataset: t.field({
    type: DatasetRef,
    errors: { types: [NotFoundError, InputError] },
    args: {
      id: t.arg.id({ required: true }),
      name: t.arg.string({ required: true, validate: DatasetNameSchema }),
    },
    resolve: async (_root, args, ctx) => {
      const id = parseId(args.id);
      const dataset = await ctx.services.datasets(ctx.em).rename(id, args.name);
      if (!dataset) throw new NotFoundError('Dataset', String(id));
      publish(ctx, 'UPDATED', id);
      return dataset;
    },
  }),
  tagDataset: t.field({
    type: DatasetRef,
    description: 'Adds and/or removes tags',
    errors: { types: [NotFoundError, InputError] },
    args: {
      id: t.arg.id({ required: true }),
      add: t.arg.stringList({ required: false, validate: v.optional(TagsSchema) }),
      remove: t.arg.stringList({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const id = parseId(args.id);
      const dataset = await ctx.services
        .datasets(ctx.em)
        .retag(id, args.add ?? [], args.remove ?? []);
      if (!dataset) throw new NotFoundError('Dataset', String(id));
      publish(ctx, 'UPDATED', id);
      return dataset;
    },
  }),
  deleteDataset: t.field({
    type: 'ID',
    description:
      'Deletes a dataset and all its items; returns its id. Refused with DatasetInUseError while generation jobs (queued, running, paused), training runs (queued, running), validations or exports use it, unless force is true: then those are cancelled first.',
    errors: { types: [NotFoundError, InputError, DatasetInUseError] },
    args: {
      id: t.arg.id({ required: true }),
      force: t.arg.boolean({
        required: false,
        description:
          'Cancel the jobs, runs, validations and exports that use the dataset, then delete it',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const id = parseId(args.id);
      await deleteDataset(ctx.services, ctx, id, { force: args.force ?? false });
      publish(ctx, 'DELETED', id);
      return String(id);
    },
  }),
}));
