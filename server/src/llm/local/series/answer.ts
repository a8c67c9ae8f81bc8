import { Random } from '@genesis/schema/random';
import type { SeriesSlot } from '@genesis/schema/request';
import {
  calibratedScenario,
  defaultScenario,
  type Scenario,
} from '../../../timeseries/scenario.ts';

/**
 * The local provider's answer to a time-series request (docs/bedrock.md §1, "The request contract"): one
 * scenario per slot, as an LLM would write it, for the job runner to validate and render. Each slot's
 * scenario depends only on the call's seed and its own slot, not on the other slots of the batch.
 */
export function answerSeries(
  slots: readonly SeriesSlot[],
  seed: string,
): { scenarios: Scenario[] } {
  return {
    scenarios: slots.map((slot) =>
      slot.calibrated
        ? calibratedScenario(slot, new Random(`${seed}:${slot.slot}:scenario`))
        : defaultScenario(slot, new Random(`${seed}:${slot.slot}:scenario`)),
    ),
  };
}
