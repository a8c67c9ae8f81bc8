import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DatasetSchema } from '../registry/dataset.entity.ts';

/** A stored validation of a dataset. Versioned per dataset, so a dataset keeps its report history. */
export const ValidationReportSchema = defineEntity({
  name: 'ValidationReport',
  uniques: [{ properties: ['dataset', 'version'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    dataset: () => p.manyToOne(DatasetSchema).deleteRule('cascade'),
    version: p.integer(),
    /** What the report was measured against: a reference dataset id or profile name, and the targets. */
    reference: p.json<Record<string, unknown>>().nullable(),
    overallScore: p.double().$type<number>().nullable(),
    report: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export interface ValidationReport extends InferEntity<typeof ValidationReportSchema> {}
