import * as v from 'valibot';

/** The part of a dataset's `source` JSON that links it to the generation job that made it. */
export const DatasetSourceSchema = v.object({
  jobId: v.union([v.pipe(v.number(), v.integer(), v.minValue(1)), v.pipe(v.string(), v.digits())]),
});
export type DatasetSource = v.InferOutput<typeof DatasetSourceSchema>;

/**
 * The id of the generation job a dataset came from, read from its `source` JSON (the API has no
 * typed link yet), or null for imported datasets and anything unreadable.
 */
export function sourceJobId(source: unknown): string | null {
  const parsed = v.safeParse(DatasetSourceSchema, source);
  return parsed.success ? String(parsed.output.jobId) : null;
}

const CalibratedOnSchema = v.object({
  calibratedOn: v.object({
    datasetId: v.pipe(v.number(), v.integer(), v.minValue(1)),
    name: v.string(),
  }),
});

/**
 * The imported dataset a generated time-series dataset was calibrated on (`--like`), read from its
 * `source` JSON, or null.
 */
export function sourceCalibratedOn(source: unknown): { id: string; name: string } | null {
  const parsed = v.safeParse(CalibratedOnSchema, source);
  return parsed.success
    ? { id: String(parsed.output.calibratedOn.datasetId), name: parsed.output.calibratedOn.name }
    : null;
}

/** Export formats the API serves at `/datasets/:id/export?format=`, with button labels. */
export const EXPORT_FORMATS = [
  ['jsonl', 'JSONL'],
  ['csv', 'CSV'],
  ['parquet', 'Parquet'],
  ['card', 'Dataset card'],
  ['zip', 'Zip (card + data)'],
] as const;

/** An export format id. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number][0];

/** The download URL of a dataset in one format. */
export function exportHref(id: string, format: ExportFormat): string {
  return `/datasets/${encodeURIComponent(id)}/export?format=${format}`;
}

/**
 * Parses a comma-separated tag field into a clean list: trimmed, empty entries dropped,
 * duplicates removed (first kept).
 */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    ),
  ];
}

/** What to send to `tagDataset` to turn the current tags into the wanted ones. */
export function tagChanges(
  current: readonly string[],
  wanted: readonly string[],
): { add: string[]; remove: string[] } {
  return {
    add: wanted.filter((t) => !current.includes(t)),
    remove: current.filter((t) => !wanted.includes(t)),
  };
}
