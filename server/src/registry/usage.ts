/** What reads a dataset in this process without a row in the database to say so. */
export type DatasetActivity = 'export' | 'validation';

/** One activity in progress; `end()` it when it is over (in a `finally`). */
export interface DatasetUse {
  readonly datasetId: number;
  readonly activity: DatasetActivity;
  /** Aborted when the dataset is deleted with force: stop reading and fail visibly. */
  readonly signal: AbortSignal;
  end(): void;
}

/**
 * The exports and validations this process is running, per dataset. Generation jobs and training runs are in the
 * database (their status says whether they use a dataset); these are not, so a delete asks here. With several
 * server processes each knows only its own.
 */
export class DatasetUsage {
  readonly #uses = new Map<
    number,
    Set<{ activity: DatasetActivity; controller: AbortController }>
  >();

  /** Records an activity on one or more datasets (a validation also reads its reference dataset). */
  begin(datasetIds: number | readonly number[], activity: DatasetActivity): DatasetUse {
    const ids = [...new Set(typeof datasetIds === 'number' ? [datasetIds] : datasetIds)];
    const controller = new AbortController();
    const entry = { activity, controller };
    for (const id of ids) {
      const set = this.#uses.get(id) ?? new Set();
      set.add(entry);
      this.#uses.set(id, set);
    }
    let ended = false;
    return {
      datasetId: ids[0]!,
      activity,
      signal: controller.signal,
      end: () => {
        if (ended) return;
        ended = true;
        for (const id of ids) {
          const set = this.#uses.get(id);
          set?.delete(entry);
          if (set?.size === 0) this.#uses.delete(id);
        }
      },
    };
  }

  /** How many activities of each kind use the dataset now. */
  count(datasetId: number): Record<DatasetActivity, number> {
    const out = { export: 0, validation: 0 };
    for (const e of this.#uses.get(datasetId) ?? []) out[e.activity]++;
    return out;
  }

  /** Aborts every activity on the dataset (a forced delete); each one ends itself. */
  abort(datasetId: number, reason: Error): void {
    for (const e of this.#uses.get(datasetId) ?? []) e.controller.abort(reason);
  }
}
