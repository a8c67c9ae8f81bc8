import type { DatasetKind, Language } from '@genesis/schema/common';
import type { Dataset } from './dataset.entity.ts';
import type { DatasetRepository } from './dataset.repository.ts';
import { type ImportFormat, type ImportIssue, parseDatasetFile } from './import.ts';

/** A file to import, as the API (an upload) and the CLI (a path) both have it. */
export interface ImportRequest {
  content: string;
  fileName: string;
  kind: DatasetKind;
  /** Default: the file name without its extension. */
  name?: string | null;
  tags?: readonly string[] | null;
  seriesType?: string | null;
  language?: Language | null;
  /** Recorded in the dataset's source (uploads know their size). */
  bytes?: number;
  /** Called as items are stored, with the total once the file has been validated. */
  onProgress?: (stored: number, total: number) => void;
}

export type ImportOutcome =
  | { ok: true; dataset: Dataset; format: ImportFormat }
  | { ok: false; errors: ImportIssue[]; errorCount: number };

/** A default dataset name from a file name: no extension, trimmed, at most 120 characters. */
export function nameFromFile(fileName: string): string {
  const base = fileName.replace(/\.[^.]+$/, '').trim();
  return (base || 'imported dataset').slice(0, 120);
}

/**
 * Imports a file as a new dataset, all or nothing: every record is validated first, and only a file without a
 * single problem is stored, in one transaction. The GraphQL `importDataset` mutation and `genesis import` both
 * come here.
 */
export async function importDataset(
  datasets: DatasetRepository,
  request: ImportRequest,
): Promise<ImportOutcome> {
  const result = parseDatasetFile(request.content, {
    kind: request.kind,
    filename: request.fileName,
    ...(request.seriesType ? { seriesType: request.seriesType } : {}),
    ...(request.language ? { language: request.language } : {}),
  });
  if (!result.ok) return { ok: false, errors: result.errors, errorCount: result.errorCount };
  const dataset = await datasets.createWithItems(
    {
      name: request.name ?? nameFromFile(request.fileName),
      kind: request.kind,
      origin: 'imported',
      tags: [...(request.tags ?? [])],
      source: {
        file: request.fileName,
        format: result.format,
        ...(request.bytes !== undefined ? { bytes: request.bytes } : {}),
      },
    },
    result.items,
    request.onProgress && ((stored) => request.onProgress?.(stored, result.items.length)),
  );
  return { ok: true, dataset, format: result.format };
}
