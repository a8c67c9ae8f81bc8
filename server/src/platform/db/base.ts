import { p } from '@mikro-orm/core';

/** Columns every registry entity has: an integer id and creation/update times. Spread into `properties`. */
export const baseProperties = {
  id: p.integer().primary().autoincrement(),
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};
