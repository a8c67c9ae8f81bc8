import type { TransactionEventArgs } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../src/platform/errors.ts';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';
import { ValidationManager } from '../src/validation/service.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { useServices } from './helpers/services.ts';

describe.each(TEST_DATABASES)('a validation whose dataset is deleted meanwhile (%s)', (kind) => {
  const db = useServices(kind);

  it('ends with NotFoundError, not an unexpected error, when the delete lands before the report is stored', async () => {
    const texts = ['where is my card', 'my card has not arrived', 'when will my card come'];
    const dataset = await db.services.datasets(db.services.em.fork()).createWithItems(
      { name: 'racing', kind: 'utterances', origin: 'imported' },
      Array.from({ length: 30 }, (_, i) => ({
        key: `u-${i}`,
        data: { text: `${texts[i % 3]} ${i}`, intent: 'card_arrival', language: 'en' },
        columns: { intent: 'card_arrival', language: 'en' },
      })),
    );
    // Another process (the CLI, a second server) deletes the dataset after the items were read, just before
    // the report's transaction: this process's own bookkeeping can't see it coming.
    let deleted = false;
    db.services.orm.em.getEventManager().registerSubscriber({
      beforeTransactionStart: async (_args: TransactionEventArgs) => {
        if (deleted) return;
        deleted = true;
        await db.services.em.fork().nativeDelete(DatasetSchema, { id: dataset.id });
      },
    });
    const outcome = await new ValidationManager(db.services).validate(dataset.id).catch((e) => e);
    expect(deleted).toBe(true);
    expect(outcome).toBeInstanceOf(NotFoundError);
    expect((outcome as Error).message).toBe(`Dataset ${dataset.id} does not exist`);
  });
});
