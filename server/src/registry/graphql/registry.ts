import { builder } from '../../platform/graphql/builder.ts';
import type { RegistryEvent } from '../../platform/pubsub.ts';
import { DatasetSchema } from '../dataset.entity.ts';
import { DatasetRef } from './dataset.ts';

const RegistryEventTypeEnum = builder.enumType('RegistryEventType', {
  values: ['CREATED', 'UPDATED', 'DELETED'] as const,
});

const RegistryEventRef = builder.objectRef<RegistryEvent>('RegistryEvent').implement({
  description: 'A dataset was created, changed (renamed, tagged, items added) or deleted',
  fields: (t) => ({
    type: t.field({ type: RegistryEventTypeEnum, resolve: (e) => e.type }),
    datasetId: t.id({ resolve: (e) => String(e.datasetId) }),
    dataset: t.field({
      type: DatasetRef,
      nullable: true,
      description: 'The dataset as it is now; null once deleted',
      // A subscription keeps one context for its whole life; a fresh fork per event avoids serving the
      // previous event's copy from the identity map.
      resolve: (e, _args, ctx) =>
        e.type === 'DELETED'
          ? null
          : ctx.em.fork().findOne(DatasetSchema, e.datasetId, { populate: ['tags'] }),
    }),
  }),
});

builder.subscriptionField('registryChanged', (t) =>
  t.field({
    type: RegistryEventRef,
    description: 'Every change to the registry, as it happens',
    subscribe: (_root, _args, ctx) => ctx.pubsub.subscribe('registry:changed'),
    resolve: (event) => event,
  }),
);
