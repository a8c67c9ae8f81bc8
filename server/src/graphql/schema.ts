import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/scalars.ts';
import './types/errors.ts';
import './types/catalog.ts';
import './types/dataset.ts';
import './types/dataset-item.ts';
import './types/registry.ts';
import './types/generation.ts';
import './types/training.ts';
import './types/validation.ts';

export const schema = builder.toSchema();

/** The committed contract: `schema/schema.graphql` is this text; a test fails when they differ. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
