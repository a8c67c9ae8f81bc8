import type { EntityManager } from '@mikro-orm/knex';
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import type { AugmentationManager } from '../../augmentation/service.ts';
import type { GenerationManager } from '../../generation/service.ts';
import type { TrainingManager } from '../../training/service.ts';
import type { ValidationManager } from '../../validation/service.ts';
import type { Config } from '../config.ts';
import type { Services } from '../db/orm.ts';
import { DomainError, InputError } from '../errors.ts';
import type { AppPubSub } from '../pubsub.ts';
import SafeTextPlugin from './safe-text.ts';

/** What every resolver gets: its own EntityManager fork, the services, the pubsub and the config. */
export interface Context {
  em: EntityManager;
  services: Services;
  pubsub: AppPubSub;
  config: Config;
  generation: GenerationManager;
  training: TrainingManager;
  validation: ValidationManager;
  augmentation: AugmentationManager;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    File: { Input: File; Output: never };
  };
}>({
  // SafeTextPlugin last: its argument check runs first, before the argument schemas (docs/architecture.md,
  // "Input errors").
  plugins: [ErrorsPlugin, ValidationPlugin, DataloaderPlugin, RelayPlugin, SafeTextPlugin],
  defaultFieldNullability: false,
  errors: {
    // Only DomainError subclasses become schema types; anything else is unexpected and masked by yoga.
    defaultTypes: [DomainError],
    directResult: false,
    // Return argument validation failures as ValidationError results. "Unsafe" because it skips auth-plugin
    // hooks; this schema has none (the API token is checked per request and per WebSocket before any field).
    unsafelyHandleInputErrors: true,
  },
  validation: {
    validationError: (result) => InputError.fromIssues(result.issues),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
