import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { codedMessage } from '@genesis/schema/messages';
import type { RunProgress } from '@genesis/schema/progress';
import * as v from 'valibot';
import type { Services } from '../platform/db/orm.ts';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { deadLocalOwner, Lease } from '../platform/lease.ts';
import type { Logger } from '../platform/logger.ts';
import type { AppPubSub } from '../platform/pubsub.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { parseTrainingConfig, TrainingConfigError } from './config.ts';
import { combineWeighted } from './datasets.ts';
import {
  type LabelledTexts,
  type LoadedModel,
  loadModel,
  type TrainingProgress,
} from './pipeline.ts';
import { PresetNameSchema, presetConfig, withOverrides } from './presets.ts';
import { runTrainingJob, TrainingCancelledError } from './run.ts';
import {
  MAX_SEARCH_TRIALS,
  type ResolvedSearch,
  resolveSearch,
  SearchSpecError,
} from './search-space.ts';
import { seedsBySlot } from './seed-provenance.ts';
import { type RunLineage, type TrainingRun, TrainingRunSchema } from './training-run.entity.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** What a user asks of a training run (GraphQL input, CLI flags). */
/** One dataset of a multi-dataset run and its weight (relative to the first's; see combineWeighted). */
export const WeightedDatasetSchema = v.object({
  id: v.pipe(v.number(), v.integer(), v.minValue(1, 'id must be a dataset id')),
  weight: v.optional(
    v.pipe(
      v.number('weight must be a number'),
      v.finite('weight must be a finite number'),
      v.gtValue(0, 'weight must be greater than 0'),
      v.maxValue(100, 'weight must be at most 100'),
    ),
    1,
  ),
});

const TrainingInputBaseSchema = v.object({
  /** The dataset to train on (and evaluate on). Optional when `datasets` is given: its first entry is then it. */
  datasetId: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1, 'datasetId must be a dataset id')),
  ),
  /**
   * Train on several datasets at once (e.g. real + synthetic): the first is the run's own data, which
   * cross-validation and the hold-out split are computed on; the others join every training fold, repeated by
   * their weight relative to the first's. With `datasetId` too, `datasetId` comes first (weight 1) unless it is
   * in the list.
   */
  datasets: v.optional(
    v.pipe(
      v.array(WeightedDatasetSchema),
      v.minLength(1, 'datasets must name at least one dataset'),
      v.maxLength(20, 'datasets must name at most 20 datasets'),
    ),
  ),
  testDatasetId: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1, 'testDatasetId must be a dataset id')),
  ),
  preset: v.optional(PresetNameSchema, 'best'),
  model: v.optional(v.picklist(['svm', 'logreg', 'nb'], 'model must be svm, logreg or nb')),
  cvFolds: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(2, 'cvFolds must be at least 2'),
      v.maxValue(20, 'cvFolds must be at most 20'),
    ),
  ),
  /** Also train on 1, 3, 10, 30 and all examples per intent and score each on the test set. */
  learningCurve: v.optional(v.boolean(), false),
  /**
   * Tune first: a grid or random search over the model's regularisation (C for SVM and logistic regression,
   * alpha for naive Bayes) scored by stratified 3-fold CV; the best configuration is then trained.
   */
  search: v.optional(v.picklist(['grid', 'random'], 'search must be grid or random')),
  /**
   * What to search (default: C, or alpha for naive Bayes, over 0.1..10): per parameter a list of values, or for
   * random search a min..max range sampled log-uniformly. See SEARCH_PARAMS for the names.
   */
  searchSpace: v.optional(
    v.array(
      v.object({
        name: v.pipe(v.string(), v.trim(), v.nonEmpty('a search parameter needs a name')),
        values: v.optional(v.nullable(v.array(v.unknown()))),
        min: v.optional(v.nullable(v.number())),
        max: v.optional(v.nullable(v.number())),
      }),
    ),
  ),
  /** Random search: how many configurations to score (default 10). */
  searchTrials: v.optional(
    v.pipe(
      v.number(),
      v.integer('searchTrials must be a whole number'),
      v.minValue(1, 'searchTrials must be at least 1'),
      v.maxValue(MAX_SEARCH_TRIALS, `searchTrials must be at most ${MAX_SEARCH_TRIALS}`),
    ),
  ),
  experiment: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.nonEmpty('experiment must not be empty'),
      v.maxLength(120, 'experiment must be at most 120 characters'),
    ),
  ),
  seed: v.optional(v.pipe(v.number(), v.integer())),
});

export const TrainingInputSchema = v.pipe(
  TrainingInputBaseSchema,
  v.check(
    (input) => input.datasetId !== undefined || (input.datasets?.length ?? 0) > 0,
    'datasetId or datasets is required',
  ),
);
export type TrainingInput = v.InferInput<typeof TrainingInputSchema>;

/** The datasets of a run in order (the evaluated one first), from `datasetId` and `datasets`. */
function trainingSets(input: v.InferOutput<typeof TrainingInputSchema>) {
  const listed = (input.datasets ?? []).map((d, i) => ({ ...d, path: `datasets[${i}].id` }));
  if (input.datasetId === undefined) return listed;
  const at = listed.findIndex((d) => d.id === input.datasetId);
  if (at < 0) return [{ id: input.datasetId, weight: 1, path: 'datasetId' }, ...listed];
  return [listed[at]!, ...listed.filter((_, i) => i !== at)];
}

export interface Prediction {
  intent: string;
  probability: number;
}

/**
 * Texts and labels of a registry dataset for training: utterances give their text; conversations give their
 * customer turns joined (what a classifier of customer messages should learn from); time series can't be used.
 * With `seeds`, a dataset of a seeded generation (or curated from one) also gives each item the real texts its
 * slot carried (`seededFrom`, from `seedsBySlot`), which cross-validation keeps away from the folds testing them.
 */
export async function datasetTexts(
  services: Services,
  datasetId: number,
  path = 'datasetId',
  options: { seeds?: boolean } = {},
): Promise<LabelledTexts> {
  const em = services.em.fork();
  const dataset = await em.findOne(DatasetSchema, datasetId);
  if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
  if (dataset.kind === 'timeseries') {
    throw new InputError([
      {
        path,
        ...codedMessage('training.timeSeries', { id: datasetId }),
      },
    ]);
  }
  const texts: string[] = [];
  const labels: string[] = [];
  const slotSeeds = options.seeds ? await seedsBySlot(services, datasetId) : null;
  const seededFrom: (string[] | null)[] = [];
  // One snapshot: a dataset deleted while it is read is an error, not a smaller training set.
  const repo = services.datasets(em);
  for await (const data of repo.streamSnapshot(await repo.snapshot(datasetId))) {
    const d = data as {
      text?: string;
      intent?: string;
      turns?: { speaker: string; text: string }[];
      generation?: { slot?: string };
    };
    const text =
      dataset.kind === 'utterances'
        ? (d.text ?? '')
        : (d.turns ?? [])
            .filter((t) => t.speaker === 'customer')
            .map((t) => t.text)
            .join(' ');
    if (text && d.intent) {
      texts.push(text);
      labels.push(d.intent);
      if (slotSeeds) seededFrom.push(slotSeeds.get(d.generation?.slot ?? '') ?? null);
    }
  }
  if (new Set(labels).size < 2) {
    throw new InputError([{ path, ...codedMessage('training.fewIntents', { id: datasetId }) }]);
  }
  return slotSeeds?.size ? { texts, labels, seededFrom } : { texts, labels };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const ACTIVE: TrainingRun['status'][] = ['queued', 'running'];

/** What a run says when the process training it ended before it finished. */
export const INTERRUPTED_MESSAGE =
  'Interrupted: the server stopped before the run finished (a restart or a crash); start it again.';

/** Abort reasons: the process is stopping, or another process took the run (its lease was lost). */
class ShutdownSignal extends Error {
  override name = 'ShutdownSignal';
}
class LeaseLostSignal extends Error {
  override name = 'LeaseLostSignal';
}

/** Server-side options of {@link TrainingManager.start}, not part of the API's input. */
export interface StartOptions {
  /**
   * Train as this stored run was trained: its config (features, seed, and the model with the hyperparameters its
   * search chose, if it had one) instead of the preset's defaults. The input's model kind (the same kind keeps
   * the run's hyperparameters), `cvFolds` and `seed` still apply. The new run records it as `basedOnRun`.
   */
  readonly basedOn?: Pick<TrainingRun, 'id' | 'config'>;
}

export interface TrainingManagerOptions {
  /** How long a run's claim holds without a heartbeat (GENESIS_LEASE_SECONDS; default 30). */
  readonly leaseSeconds?: number;
  /** Where lease and sweep problems are logged. */
  readonly logger?: Logger | undefined;
}

/** The InputError of a bad search spec, pointing at the parameter's entry of `searchSpace`. */
function searchInputError(err: SearchSpecError, specs: readonly { name: string }[] | undefined) {
  if (err.param === 'searchTrials') {
    return new InputError([{ path: 'searchTrials', ...(err.coded ?? { message: err.message }) }]);
  }
  const index = specs?.findIndex((s) => s.name.trim() === err.param) ?? -1;
  return new InputError([
    {
      path: index >= 0 ? `searchSpace.${index}` : 'searchSpace',
      ...(err.coded ?? { message: err.message }),
    },
  ]);
}

/**
 * Starts training runs in worker threads (the API never blocks), records their progress, metrics and model
 * artifact in the registry, and serves predictions from stored models.
 *
 * Each run is leased to the process training it (`leaseOwner`, renewed by a heartbeat), so a run whose process
 * died can be told from one still going in another process: {@link recoverInterrupted} (run when the server
 * starts, and every few seconds by `serve`) marks the runs of dead owners failed.
 */
export class TrainingManager {
  readonly #running = new Map<
    number,
    { controller: AbortController; done: Promise<void>; progress: RunProgress }
  >();
  readonly #models = new Map<number, LoadedModel>();
  readonly #lease: Lease<TrainingRun>;
  readonly #logger: Logger | undefined;
  #stopSweep: (() => void) | null = null;

  constructor(
    private readonly services: Services,
    private readonly pubsub: AppPubSub,
    options: TrainingManagerOptions = {},
  ) {
    this.#logger = options.logger;
    this.#lease = new Lease({
      entity: TrainingRunSchema,
      em: () => services.em.fork(),
      leaseMs: (options.leaseSeconds ?? 30) * 1000,
      what: 'a training run',
      logger: options.logger,
    });
  }

  /** This process's name in run leases. */
  get owner(): string {
    return this.#lease.owner;
  }

  async start(raw: unknown, options: StartOptions = {}): Promise<TrainingRun> {
    const parsed = v.safeParse(TrainingInputSchema, raw);
    if (!parsed.success) throw InputError.fromIssues(parsed.issues);
    const input = parsed.output;
    let config: ReturnType<typeof presetConfig>;
    try {
      const overrides = {
        ...(input.model ? { model: input.model } : {}),
        ...(input.cvFolds ? { cvFolds: input.cvFolds } : {}),
        ...(input.seed !== undefined ? { seed: input.seed } : {}),
      };
      // The stored config holds the run's extras (search, learningCurve) too; parsing drops them.
      config = options.basedOn
        ? withOverrides(parseTrainingConfig(options.basedOn.config), overrides)
        : presetConfig(input.preset, overrides);
    } catch (err) {
      const issue = err instanceof TrainingConfigError ? err.issues[0] : undefined;
      throw new InputError([
        issue?.expected != null
          ? {
              path: 'preset',
              ...codedMessage('training.configInvalid', {
                path: issue.path,
                expected: issue.expected,
                received: issue.received,
              }),
            }
          : { path: 'preset', message: (err as Error).message },
      ]);
    }
    if (input.learningCurve && !input.testDatasetId) {
      throw new InputError([{ path: 'learningCurve', ...codedMessage('training.curveNeedsTest') }]);
    }
    let search: ResolvedSearch | null = null;
    if (input.search) {
      try {
        search = resolveSearch(input.search, input.searchSpace, config, {
          ...(input.searchTrials !== undefined ? { trials: input.searchTrials } : {}),
          ...(input.cvFolds ? { folds: input.cvFolds } : {}),
          seed: config.seed,
        });
      } catch (err) {
        if (err instanceof SearchSpecError) throw searchInputError(err, input.searchSpace);
        throw err;
      }
    } else if (input.searchSpace?.length || input.searchTrials !== undefined) {
      throw new InputError([
        {
          path: input.searchSpace?.length ? 'searchSpace' : 'searchTrials',
          ...codedMessage('training.searchNeeded'),
        },
      ]);
    }
    const sets = trainingSets(input);
    const seen = new Set<number>();
    for (const d of sets) {
      if (seen.has(d.id)) {
        throw new InputError([
          { path: d.path, ...codedMessage('training.listedTwice', { id: d.id }) },
        ]);
      }
      seen.add(d.id);
    }
    if (sets.length > 1 && (search || input.learningCurve)) {
      throw new InputError([
        {
          path: search ? 'search' : 'learningCurve',
          ...codedMessage(search ? 'training.searchOneDataset' : 'training.curveOneDataset'),
        },
      ]);
    }
    const primary = sets[0]!;
    // Load every dataset now, so a wrong id or kind is an input error rather than a failed run.
    const loaded = [];
    for (const [i, d] of sets.entries()) {
      // The added datasets carry their seed provenance (the first is the one evaluated).
      const data = await datasetTexts(this.services, d.id, d.path, { seeds: i > 0 });
      loaded.push({ data, weight: d.weight });
    }
    const train = loaded.length > 1 ? combineWeighted(loaded, config.seed) : loaded[0]!.data;
    const test = input.testDatasetId
      ? await datasetTexts(this.services, input.testDatasetId, 'testDatasetId')
      : undefined;
    const em = this.services.em.fork();
    const lineageOf = async (id: number) => {
      const d = await em.findOne(DatasetSchema, id);
      if (!d) throw new NotFoundError('Dataset', String(id));
      return { id: d.id, name: d.name, kind: d.kind, itemCount: d.itemCount };
    };
    const lineage: RunLineage = {
      dataset: await lineageOf(primary.id),
      testDataset: input.testDatasetId ? await lineageOf(input.testDatasetId) : null,
    };
    if (sets.length > 1) {
      lineage.datasets = [];
      for (const d of sets) lineage.datasets.push({ ...(await lineageOf(d.id)), weight: d.weight });
    }
    const extras = {
      learningCurve: input.learningCurve,
      ...(options.basedOn ? { basedOnRun: options.basedOn.id } : {}),
      ...(search
        ? {
            search: {
              kind: search.kind,
              space: search.space,
              trials: search.trials,
              folds: search.folds,
            },
          }
        : {}),
    };
    const run = em.create(TrainingRunSchema, {
      status: 'queued',
      dataset: primary.id,
      testDataset: input.testDatasetId ?? null,
      lineage,
      experiment: input.experiment ?? null,
      preset: input.preset,
      config: { ...config, ...extras } as unknown as Record<string, unknown>,
      leaseOwner: this.owner,
      leaseExpiresAt: this.#lease.expiry(),
    } as never);
    await em.flush();
    this.#launch(run.id, train, test, config, input.learningCurve, search, extras);
    return run;
  }

  #launch(
    runId: number,
    train: LabelledTexts,
    test: LabelledTexts | undefined,
    initial: ReturnType<typeof presetConfig>,
    learningCurve: boolean,
    search: ResolvedSearch | null,
    extras: Record<string, unknown>,
  ) {
    let config: unknown = initial;
    const controller = new AbortController();
    const progress: RunProgress = {
      runId,
      status: 'running',
      stage: 'starting',
      fold: null,
      folds: null,
      iteration: null,
      iterations: null,
      loss: null,
      fraction: 0,
      elapsedSeconds: 0,
      etaSeconds: null,
      message: null,
    };
    const entry = { controller, progress, done: Promise.resolve() };
    this.#running.set(runId, entry);
    const started = Date.now();
    const em = this.services.em.fork();
    const mine = { id: runId, leaseOwner: this.owner };

    // The run's phases (search, train, learning curve) weighted by how many fits each makes, so the
    // fraction and ETA cover the whole run rather than restarting with each phase.
    const evaluation = initial.evaluation;
    const weights = {
      search: search ? search.trials * search.folds : 0,
      train:
        (evaluation.kind === 'cv' ? evaluation.folds : evaluation.kind === 'holdout' ? 1 : 0) + 1,
      learning_curve: learningCurve && test ? 2 : 0,
    };
    const total = weights.search + weights.train + weights.learning_curve;
    let lastPublish = 0;
    const publish = () => {
      lastPublish = Date.now();
      this.pubsub.publish('training:progress', runId, { ...progress });
    };
    const phase = (name: keyof typeof weights) => {
      const offset =
        name === 'search' ? 0 : name === 'train' ? weights.search : weights.search + weights.train;
      return (p: TrainingProgress) => {
        // Each job ends with its own 'done'; the run is done only when the last phase is stored.
        if (p.stage === 'done') return;
        const fraction = Math.min(0.999, (offset + p.fraction * weights[name]) / total);
        const elapsedSeconds = (Date.now() - started) / 1000;
        const changed = p.stage !== progress.stage || p.fold !== progress.fold;
        Object.assign(progress, p, {
          status: 'running',
          fraction,
          elapsedSeconds,
          etaSeconds: fraction >= 0.02 ? (elapsedSeconds * (1 - fraction)) / fraction : null,
        });
        // Every new stage and fold is sent; within one, at most five events a second.
        if (changed || Date.now() - lastPublish > 200) publish();
      };
    };
    const stopHeartbeat = this.#lease.heartbeat(() => this.#renew(runId, controller, progress));
    entry.done = (async () => {
      try {
        await em.nativeUpdate(
          TrainingRunSchema,
          { ...mine, status: 'queued' },
          { status: 'running' },
        );
        publish();
        let searched: unknown = null;
        if (search) {
          progress.stage = 'search';
          const result = await runTrainingJob(
            { kind: 'search', data: train, config, folds: search.folds, search: search.search },
            { onProgress: phase('search'), signal: controller.signal },
          );
          config = result.result.best.config;
          const named = (params: Readonly<Record<string, unknown>>) =>
            Object.fromEntries(
              Object.entries(params).map(([path, value]) => [search.names[path] ?? path, value]),
            );
          searched = {
            kind: search.kind,
            folds: result.result.folds,
            space: search.space,
            best: {
              params: result.result.best.params,
              values: named(result.result.best.params),
              accuracy: result.result.best.accuracy,
              macroF1: result.result.best.macroF1,
            },
            trials: result.result.trials.map((t) => ({
              params: t.params,
              values: named(t.params),
              accuracy: t.accuracy,
              macroF1: t.macroF1,
            })),
          };
          await em.nativeUpdate(TrainingRunSchema, mine, {
            config: { ...(config as object), ...extras } as Record<string, unknown>,
          });
        }
        const trained = await runTrainingJob(
          { kind: 'train', data: train, config, ...(test ? { test } : {}) },
          { onProgress: phase('train'), signal: controller.signal },
        );
        const { artifact, evaluation, test: testMetrics, timings } = trained.result;
        let curve: unknown = null;
        if (learningCurve && test) {
          progress.stage = 'learning_curve';
          const lc = await runTrainingJob(
            { kind: 'learning_curve', train, test, config },
            { onProgress: phase('learning_curve'), signal: controller.signal },
          );
          curve = lc.points;
        }
        const json = Buffer.from(JSON.stringify(artifact));
        const model = await gzipAsync(json);
        // Only while the run is still active: a cancel made through another process just as the last fit ended
        // stands (the user asked for it), and this process lets go of the run.
        const completed = await em.nativeUpdate(
          TrainingRunSchema,
          { ...mine, status: { $in: ACTIVE } },
          {
            status: 'completed',
            metrics: {
              evaluation,
              test: testMetrics,
              learningCurve: curve,
              search: searched,
              timings,
              trainExamples: train.texts.length,
            } as unknown as Record<string, unknown>,
            artifact: {
              format: artifact.format,
              version: artifact.version,
              classes: artifact.classes.length,
              bytes: json.length,
              gzipBytes: model.length,
            },
            model,
            durationMs: Date.now() - started,
            finishedAt: new Date(),
            progress: null,
            leaseOwner: null,
            leaseExpiresAt: null,
          },
        );
        if (completed === 0) {
          await em.nativeUpdate(TrainingRunSchema, mine, {
            leaseOwner: null,
            leaseExpiresAt: null,
          });
          const run = await em
            .fork()
            .findOne(TrainingRunSchema, runId, { fields: ['status', 'error'] });
          Object.assign(progress, {
            status: run?.status ?? 'cancelled',
            message: run?.error ?? 'Cancelled.',
          });
          return;
        }
        Object.assign(progress, {
          status: 'completed',
          stage: 'done',
          fraction: 1,
          etaSeconds: 0,
          elapsedSeconds: (Date.now() - started) / 1000,
        });
      } catch (err) {
        const reason: unknown = controller.signal.reason;
        if (reason instanceof LeaseLostSignal) {
          // Another process settled the run (marked it failed or cancelled): write nothing more.
          const run = await em.fork().findOne(TrainingRunSchema, runId);
          Object.assign(progress, {
            status: run?.status ?? 'failed',
            message: run?.error ?? INTERRUPTED_MESSAGE,
          });
          return;
        }
        const stopped = err instanceof TrainingCancelledError;
        const shutdown = stopped && reason instanceof ShutdownSignal;
        const status = stopped && !shutdown ? 'cancelled' : 'failed';
        const message = shutdown
          ? INTERRUPTED_MESSAGE
          : stopped
            ? 'Cancelled.'
            : `Training failed: ${(err as Error).message}`;
        await em.nativeUpdate(TrainingRunSchema, mine, {
          status,
          error: message,
          durationMs: Date.now() - started,
          finishedAt: new Date(),
          progress: null,
          leaseOwner: null,
          leaseExpiresAt: null,
        });
        Object.assign(progress, { status, message });
      } finally {
        stopHeartbeat();
        this.#running.delete(runId);
        this.pubsub.publish('training:progress', runId, { ...progress });
      }
    })();
  }

  /** Renews the run's lease and stores its progress; notices a takeover, or a cancel made through another process. */
  async #renew(runId: number, controller: AbortController, progress: RunProgress): Promise<void> {
    const held = await this.#lease.renew(runId, {
      progress: { ...progress } as unknown as Record<string, unknown>,
    });
    if (!held) return controller.abort(new LeaseLostSignal('lease lost'));
    try {
      const run = await this.services.em
        .fork()
        .findOne(TrainingRunSchema, runId, { fields: ['status'] });
      if (run?.status === 'cancelled')
        controller.abort(new Error('cancelled through another process'));
    } catch (err) {
      this.#logger?.warn({ err, runId }, 'could not read the run status; retrying');
    }
  }

  /**
   * Cancels a run. One trained here stops at once; one trained by another server process is marked cancelled,
   * and its process stops it at its next heartbeat.
   */
  async cancel(runId: number): Promise<TrainingRun> {
    const running = this.#running.get(runId);
    if (running) {
      running.controller.abort();
      await running.done;
    } else {
      const em = this.services.em.fork();
      const cancelled = await em.nativeUpdate(
        TrainingRunSchema,
        { id: runId, status: { $in: ACTIVE } },
        { status: 'cancelled', error: 'Cancelled.', finishedAt: new Date() },
      );
      if (cancelled > 0) {
        const stopped = await this.progress(runId);
        if (stopped) this.pubsub.publish('training:progress', runId, stopped);
      }
    }
    const run = await this.services.em.fork().findOne(TrainingRunSchema, runId);
    if (!run) throw new NotFoundError('TrainingRun', String(runId));
    return run;
  }

  /**
   * Marks failed the queued and running runs whose process is gone: its lease ran out without a heartbeat, or
   * its owner is a process of this machine that no longer exists, or it has no owner (a run from before
   * leases). Runs of live processes, here or elsewhere, are left alone. Returns the ids marked.
   */
  async recoverInterrupted(): Promise<number[]> {
    const em = this.services.em.fork();
    const now = new Date();
    const candidates = await em.find(
      TrainingRunSchema,
      { status: { $in: ACTIVE } },
      { fields: ['id', 'leaseOwner', 'leaseExpiresAt'] },
    );
    const marked: number[] = [];
    for (const run of candidates) {
      if (this.#running.has(run.id)) continue;
      // Free, expired, of a dead local process, or ours but not running here (a launch that never got going:
      // nothing will ever finish it).
      if (!this.#lease.takeable(run, now.getTime())) continue;
      const owner = run.leaseOwner ?? null;
      const expired = !run.leaseExpiresAt || run.leaseExpiresAt < now;
      const orphan = owner === this.owner;
      const where: Record<string, unknown> = {
        id: run.id,
        status: { $in: ACTIVE },
        leaseOwner: owner,
      };
      // A lease judged expired must still be expired: its owner may have renewed it meanwhile.
      if (owner !== null && expired && !orphan && !deadLocalOwner(owner)) {
        where.$or = [{ leaseExpiresAt: null }, { leaseExpiresAt: { $lt: now } }];
      }
      const updated = await em.nativeUpdate(TrainingRunSchema, where, {
        status: 'failed',
        error: INTERRUPTED_MESSAGE,
        finishedAt: now,
        progress: null,
        leaseOwner: null,
        leaseExpiresAt: null,
      });
      if (updated === 0) continue;
      marked.push(run.id);
      const state = await this.progress(run.id);
      if (state) this.pubsub.publish('training:progress', run.id, state);
    }
    return marked;
  }

  /** Every `intervalMs`, {@link recoverInterrupted}: a process that dies while others run is noticed too. */
  startRecovery(intervalMs = Math.max(1000, this.#lease.leaseMs / 2)): void {
    this.#stopSweep ??= this.#lease.every(
      intervalMs,
      () => this.recoverInterrupted(),
      'recovering interrupted training runs',
    );
  }

  async wait(runId: number): Promise<void> {
    await this.#running.get(runId)?.done;
  }

  isRunning(runId: number): boolean {
    return this.#running.has(runId);
  }

  async progress(runId: number): Promise<RunProgress | null> {
    const live = this.#running.get(runId);
    if (live) return { ...live.progress };
    const run = await this.services.em.fork().findOne(TrainingRunSchema, runId);
    return run ? this.progressOf(run) : null;
  }

  /** A loaded run's progress, without a query: live when it trains here, else what its row holds. */
  progressOf(run: TrainingRun): RunProgress {
    const runId = run.id;
    const live = this.#running.get(runId);
    if (live) return { ...live.progress };
    const stored = run.progress as Partial<RunProgress> | null;
    const base: RunProgress = {
      runId,
      status: run.status,
      stage: TERMINAL.has(run.status) ? 'done' : run.status === 'running' ? 'running' : 'queued',
      fold: null,
      folds: null,
      iteration: null,
      iterations: null,
      loss: null,
      fraction: run.status === 'completed' ? 1 : 0,
      elapsedSeconds: (run.durationMs ?? 0) / 1000,
      etaSeconds: null,
      message: run.error ?? null,
    };
    // A run trained by another process: its last heartbeat's progress.
    return stored && !TERMINAL.has(run.status)
      ? { ...base, ...stored, runId, status: run.status, message: run.error ?? null }
      : base;
  }

  /** The run's most likely intents for a text, with probabilities. */
  async predict(runId: number, text: string, top = 5): Promise<Prediction[]> {
    let model = this.#models.get(runId);
    if (!model) {
      const run = await this.services.em
        .fork()
        .findOne(TrainingRunSchema, runId, { populate: ['model'] });
      if (!run) throw new NotFoundError('TrainingRun', String(runId));
      const bytes = run.model?.unwrap();
      if (!bytes)
        throw new InputError([
          { path: 'runId', ...codedMessage('training.noModel', { id: runId, status: run.status }) },
        ]);
      model = loadModel(JSON.parse((await gunzipAsync(bytes)).toString('utf8')));
      // Keep the two most recently used models in memory; a model is tens of MB.
      if (this.#models.size >= 2) this.#models.delete(this.#models.keys().next().value!);
      this.#models.set(runId, model);
    }
    return model.predict(text, top).map((p) => ({ intent: p.intent, probability: p.probability }));
  }

  /**
   * Stops every run of this process and waits for them. `shutdown` (the server stopping) marks them failed as
   * interrupted, so they can be started again; `cancel` (Ctrl+C on `genesis train`) marks them cancelled.
   */
  async stopAll(how: 'shutdown' | 'cancel' = 'shutdown'): Promise<void> {
    this.#stopSweep?.();
    this.#stopSweep = null;
    const all = [...this.#running.values()];
    for (const r of all) {
      r.controller.abort(how === 'shutdown' ? new ShutdownSignal('server stopping') : undefined);
    }
    await Promise.allSettled(all.map((r) => r.done));
  }
}
