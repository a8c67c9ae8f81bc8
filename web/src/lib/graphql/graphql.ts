import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * The typed `graphql()` tag for this app. Documents written with it get their result and variable
 * types from `../schema/schema.graphql` (via the generated `graphql-env.d.ts`), so the front end
 * declares no DTO types by hand (docs/conventions.md, "The printed schema is a committed contract").
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: {
    // DateTime travels as an ISO-8601 string; JSON is whatever the item stored.
    DateTime: string;
    JSON: unknown;
    File: File;
  };
}>();

/** The values of a GraphQL enum in the schema, e.g. `EnumOf<'DatasetKind'>`. */
export type EnumOf<Name extends keyof introspection['types']> =
  introspection['types'][Name] extends { enumValues: infer Values } ? Values : never;

/** A dataset's kind, as the API spells it. */
export type DatasetKind = EnumOf<'DatasetKind'>;
/** Where a dataset came from, as the API spells it. */
export type DatasetOrigin = EnumOf<'DatasetOrigin'>;
/** A generation job's kind, as the API spells it. */
export type GenerationKindEnum = EnumOf<'GenerationKind'>;
/** A generation job's status, as the API spells it. */
export type JobStatus = EnumOf<'JobStatus'>;
/** A training run's status, as the API spells it. */
export type RunStatus = EnumOf<'RunStatus'>;
/** A named training configuration, as the API spells it. */
export type TrainingPreset = EnumOf<'TrainingPreset'>;
/** A classifier family, as the API spells it. */
export type ModelKind = EnumOf<'ModelKind'>;
