import type { DatasetKind } from '@genesis/schema/common';
import { strToU8, zipSync } from 'fflate';
import type { Services } from '../platform/db/orm.ts';
import { datasetCard } from './card.ts';
import { exportRecords } from './export.ts';
import { exportParquet } from './parquet.ts';

/** The dataset as a zip: README.md (the card), data.parquet and data.jsonl, in a folder named after it. */
export async function exportZip(
  services: Services,
  datasetId: number,
  kind: DatasetKind,
  folder: string,
  /** The dataset's items, read once for the JSONL and once for the Parquet file (the same snapshot both times). */
  items: () => AsyncIterable<Record<string, unknown>>,
): Promise<Uint8Array> {
  const lines: string[] = [];
  for await (const chunk of exportRecords(kind, items() as never, 'jsonl')) lines.push(chunk);
  return zipSync(
    {
      [folder]: {
        'README.md': strToU8(await datasetCard(services, datasetId)),
        // Parquet is compressed already; store it rather than deflate it again.
        'data.parquet': [await exportParquet(kind, items() as never), { level: 0 }],
        'data.jsonl': strToU8(lines.join('')),
      },
    },
    { level: 6 },
  );
}
