import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './errors.ts';
import './catalog.ts';
import '../../registry/graphql/dataset.ts';
import '../../registry/graphql/dataset-item.ts';
import '../../registry/graphql/push.ts';
import '../../registry/graphql/registry.ts';
import '../../generation/graphql.ts';
import '../../training/graphql.ts';
import '../../validation/graphql.ts';
import '../../curation/graphql.ts';
import '../../augmentation/graphql.ts';

export const schema = builder.toSchema();

/** The committed contract: `schema/schema.graphql` is this text; a test fails when they differ. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
