import { DATASET_KINDS, DATASET_ORIGINS } from '@genesis/schema/common';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { baseProperties } from '../platform/db/base.ts';
import { DatasetRepository } from './dataset.repository.ts';
import { DatasetItemSchema } from './dataset-item.entity.ts';
import { DatasetTagSchema } from './dataset-tag.entity.ts';

/** A named collection of items of one kind: generated conversations, time series, or imported utterances. */
export const DatasetSchema = defineEntity({
  name: 'Dataset',
  repository: () => DatasetRepository,
  properties: {
    ...baseProperties,
    name: p.string().length(120).index(),
    kind: p.enum([...DATASET_KINDS]).index(),
    origin: p.enum([...DATASET_ORIGINS]).index(),
    description: p.text().nullable(),
    /** Kept in step with the items table by the repository, so listings never count rows. */
    itemCount: p.integer().default(0),
    /** Where the items came from: the imported file's name, or the generation job's id. */
    source: p.json<Record<string, unknown>>().nullable(),
    /** SHA-256 (hex) of the imported file's bytes, so importing the same file again asks first. */
    contentHash: p.string().length(64).nullable().index(),
    tags: () => p.oneToMany(DatasetTagSchema).mappedBy('dataset').orphanRemoval(),
    items: () => p.oneToMany(DatasetItemSchema).mappedBy('dataset'),
  },
});

export interface Dataset extends InferEntity<typeof DatasetSchema> {}
