/**
 * A time-series job calibrated on an imported dataset (`likeDatasetId`, `genesis generate --like`): reads the
 * dataset's series and fits the engine to them (`timeseries/like.ts`). The job start checks the dataset and
 * that it yields parameters for the types asked; the runner refits once per run (the fit is deterministic, so a
 * resumed job renders as it started).
 */
import { type CodedMessage, codedMessage } from '@genesis/schema/messages';
import type { EntityManager } from '@mikro-orm/core';
import { InputError } from '../platform/errors.ts';
import type { Dataset } from '../registry/dataset.entity.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import type { DatasetRepository } from '../registry/dataset.repository.ts';
import { fitLike, type LikeCalibration, type LikeSeries } from '../timeseries/like.ts';
import { shippedCalibration } from '../timeseries/params.ts';

/** The zone a job's series of `type` are read in: the job's, else the type's reference zone, else UTC. */
export function seriesTimeZone(type: string, jobZone: string | null | undefined): string {
  return jobZone ?? shippedCalibration()?.[type]?.timeZone ?? 'UTC';
}

/**
 * Fits the engine to the series of dataset `id`. Throws an InputError located at `likeDatasetId` when the
 * dataset does not exist, is not a time-series dataset, or none of its series could be fitted.
 */
export async function calibrateOnDataset(
  em: EntityManager,
  repo: DatasetRepository,
  id: string,
  jobZone: string | null | undefined,
): Promise<{ dataset: Dataset; calibration: LikeCalibration }> {
  const numeric = Number(id);
  const dataset = Number.isSafeInteger(numeric) ? await em.findOne(DatasetSchema, numeric) : null;
  const located = (message: CodedMessage) =>
    new InputError([{ path: 'likeDatasetId', ...message }]);
  if (!dataset) throw located(codedMessage('generation.likeMissing', { id }));
  if (dataset.kind !== 'timeseries') {
    throw located(
      codedMessage(
        dataset.kind === 'conversations'
          ? 'generation.likeConversations'
          : 'generation.likeUtterances',
        { id, name: dataset.name },
      ),
    );
  }
  const items: LikeSeries[] = [];
  for await (const data of repo.streamItems(dataset.id)) items.push(data as unknown as LikeSeries);
  const calibration = fitLike(
    items,
    (type) => seriesTimeZone(type, jobZone),
    `dataset ${dataset.id} (${dataset.name})`,
  );
  if (Object.keys(calibration.types).length === 0) {
    throw located(
      codedMessage('generation.likeNoneFitted', {
        id,
        name: dataset.name,
        count: items.length,
        ...calibration.unused,
      }),
    );
  }
  return { dataset, calibration };
}
