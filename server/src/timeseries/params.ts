/**
 * The shipped parameters of the calibrated engine (`data/reference/series-engine.params.json`, written by
 * `scripts/fit-series-engine.ts` from the real reference data), read once. Without the file every type renders
 * with the original hand-written models.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../platform/config.ts';
import { type EngineParams, type TypeParams, typesOf } from './calibrated.ts';

export const SHIPPED_PARAMS_FILE = 'data/reference/series-engine.params.json';

let shipped: Record<string, TypeParams> | null | undefined;

/** The shipped fitted parameters by series type; null when the file is absent. */
export function shippedCalibration(): Record<string, TypeParams> | null {
  if (shipped === undefined) {
    const path = resolve(REPO_ROOT, SHIPPED_PARAMS_FILE);
    shipped = existsSync(path)
      ? typesOf(JSON.parse(readFileSync(path, 'utf8')) as EngineParams)
      : null;
  }
  return shipped;
}
