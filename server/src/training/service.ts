import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import * as v from 'valibot';
import { DatasetSchema } from '../db/entities/dataset.entity.ts';
import { type TrainingRun, TrainingRunSchema } from '../db/entities/training-run.entity.ts';
import type { Services } from '../db/orm.ts';
import { InputError, NotFoundError } from '../errors.ts';
import type { AppPubSub } from '../pubsub.ts';
import {
  type LabelledTexts,
  type LoadedModel,
  loadModel,
  type TrainingProgress,
} from './pipeline.ts';
import { PresetNameSchema, presetConfig } from './presets.ts';
import { runTrainingJob, TrainingCancelledError } from './run.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** What a user asks of a training run (GraphQL input, CLI flags). */
export const TrainingInputSchema = v.object({
  datasetId: v.pipe(v.number(), v.integer(), v.minValue(1, 'datasetId must be a dataset id')),
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
export type TrainingInput = v.InferInput<typeof TrainingInputSchema>;

/** Live state of a run, streamed by `trainingProgress`. */
export interface RunProgress {
  runId: number;
  status: TrainingRun['status'];
  stage: string;
  fold: number | null;
  folds: number | null;
  iteration: number | null;
  iterations: number | null;
  loss: number | null;
  fraction: number;
  elapsedSeconds: number;
  etaSeconds: number | null;
  message: string | null;
}

export interface Prediction {
  intent: string;
  probability: number;
}

/**
 * Texts and labels of a registry dataset for training: utterances give their text; conversations give their
 * customer turns joined (what a classifier of customer messages should learn from); time series can't be used.
 */
export async function datasetTexts(
  services: Services,
  datasetId: number,
  path = 'datasetId',
): Promise<LabelledTexts> {
  const em = services.em.fork();
  const dataset = await em.findOne(DatasetSchema, datasetId);
  if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
  if (dataset.kind === 'timeseries') {
    throw new InputError([
      {
        path,
        message: `dataset ${datasetId} holds time series; intent classifiers train on conversations or utterances`,
      },
    ]);
  }
  const texts: string[] = [];
  const labels: string[] = [];
  for await (const data of services.datasets(em).streamItems(datasetId)) {
    const d = data as {
      text?: string;
      intent?: string;
      turns?: { speaker: string; text: string }[];
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
    }
  }
  if (new Set(labels).size < 2) {
    throw new InputError([
      { path, message: `dataset ${datasetId} needs items of at least 2 intents to train on` },
    ]);
  }
  return { texts, labels };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Starts training runs in worker threads (the API never blocks), records their progress, metrics and model
 * artifact in the registry, and serves predictions from stored models.
 */
export class TrainingManager {
  readonly #running = new Map<
    number,
    { controller: AbortController; done: Promise<void>; progress: RunProgress }
  >();
  readonly #models = new Map<number, LoadedModel>();

  constructor(
    private readonly services: Services,
    private readonly pubsub: AppPubSub,
  ) {}

  async start(raw: unknown): Promise<TrainingRun> {
    const parsed = v.safeParse(TrainingInputSchema, raw);
    if (!parsed.success) {
      throw new InputError(
        parsed.issues.map((i) => ({
          path: (i.path ?? []).map((p) => String(p.key)).join('.'),
          message: i.message,
        })),
      );
    }
    const input = parsed.output;
    let config: ReturnType<typeof presetConfig>;
    try {
      config = presetConfig(input.preset, {
        ...(input.model ? { model: input.model } : {}),
        ...(input.cvFolds ? { cvFolds: input.cvFolds } : {}),
        ...(input.seed !== undefined ? { seed: input.seed } : {}),
      });
    } catch (err) {
      throw new InputError([{ path: 'preset', message: (err as Error).message }]);
    }
    if (input.learningCurve && !input.testDatasetId) {
      throw new InputError([
        {
          path: 'learningCurve',
          message: 'a learning curve needs testDatasetId (the real data to score on)',
        },
      ]);
    }
    // Load both datasets now, so a wrong id or kind is an input error rather than a failed run.
    const train = await datasetTexts(this.services, input.datasetId, 'datasetId');
    const test = input.testDatasetId
      ? await datasetTexts(this.services, input.testDatasetId, 'testDatasetId')
      : undefined;
    const em = this.services.em.fork();
    const run = em.create(TrainingRunSchema, {
      status: 'queued',
      dataset: input.datasetId,
      testDataset: input.testDatasetId ?? null,
      experiment: input.experiment ?? null,
      preset: input.preset,
      config: { ...config, learningCurve: input.learningCurve } as unknown as Record<
        string,
        unknown
      >,
    } as never);
    await em.flush();
    this.#launch(run.id, train, test, config, input.learningCurve, input.search ?? null);
    return run;
  }

  #launch(
    runId: number,
    train: LabelledTexts,
    test: LabelledTexts | undefined,
    initial: unknown,
    learningCurve: boolean,
    search: 'grid' | 'random' | null,
  ) {
    let config = initial;
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
    let lastPublish = 0;
    const onProgress = (p: TrainingProgress) => {
      Object.assign(progress, p, { status: 'running' });
      if (Date.now() - lastPublish > 200 || p.fraction >= 1) {
        lastPublish = Date.now();
        this.pubsub.publish('training:progress', runId, { ...progress });
      }
    };
    entry.done = (async () => {
      await em.nativeUpdate(TrainingRunSchema, { id: runId }, { status: 'running' });
      this.pubsub.publish('training:progress', runId, { ...progress });
      try {
        let searched: unknown = null;
        if (search) {
          progress.stage = 'search';
          const kind = (config as { model: { kind: string } }).model.kind;
          const param = kind === 'nb' ? 'model.alpha' : 'model.C';
          const values = kind === 'nb' ? [0.1, 0.3, 1, 3] : [0.1, 0.3, 1, 3, 10];
          const result = await runTrainingJob(
            {
              kind: 'search',
              data: train,
              config,
              folds: 3,
              search:
                search === 'grid'
                  ? { kind: 'grid', grid: { [param]: values } }
                  : {
                      kind: 'random',
                      space: { [param]: { min: values[0]!, max: values.at(-1)!, log: true } },
                      iterations: 6,
                    },
            },
            { onProgress, signal: controller.signal },
          );
          config = result.result.best.config;
          searched = {
            kind: search,
            folds: result.result.folds,
            best: { params: result.result.best.params, accuracy: result.result.best.accuracy },
            trials: result.result.trials.map((t) => ({
              params: t.params,
              accuracy: t.accuracy,
              macroF1: t.macroF1,
            })),
          };
          await em.nativeUpdate(
            TrainingRunSchema,
            { id: runId },
            { config: config as Record<string, unknown> },
          );
        }
        const trained = await runTrainingJob(
          { kind: 'train', data: train, config, ...(test ? { test } : {}) },
          { onProgress, signal: controller.signal },
        );
        const { artifact, evaluation, test: testMetrics, timings } = trained.result;
        let curve: unknown = null;
        if (learningCurve && test) {
          progress.stage = 'learning_curve';
          const lc = await runTrainingJob(
            { kind: 'learning_curve', train, test, config },
            { onProgress, signal: controller.signal },
          );
          curve = lc.points;
        }
        const json = Buffer.from(JSON.stringify(artifact));
        const model = await gzipAsync(json);
        await em.nativeUpdate(
          TrainingRunSchema,
          { id: runId },
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
          },
        );
        Object.assign(progress, { status: 'completed', stage: 'done', fraction: 1, etaSeconds: 0 });
      } catch (err) {
        const cancelled = err instanceof TrainingCancelledError;
        const message = cancelled ? 'Cancelled.' : `Training failed: ${(err as Error).message}`;
        await em.nativeUpdate(
          TrainingRunSchema,
          { id: runId },
          {
            status: cancelled ? 'cancelled' : 'failed',
            error: message,
            durationMs: Date.now() - started,
            finishedAt: new Date(),
          },
        );
        Object.assign(progress, { status: cancelled ? 'cancelled' : 'failed', message });
      } finally {
        this.#running.delete(runId);
        this.pubsub.publish('training:progress', runId, { ...progress });
      }
    })();
  }

  async cancel(runId: number): Promise<TrainingRun> {
    const running = this.#running.get(runId);
    if (running) {
      running.controller.abort();
      await running.done;
    }
    const run = await this.services.em.fork().findOne(TrainingRunSchema, runId);
    if (!run) throw new NotFoundError('TrainingRun', String(runId));
    return run;
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
    if (!run) return null;
    return {
      runId,
      status: run.status,
      stage: TERMINAL.has(run.status) ? 'done' : 'queued',
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
          { path: 'runId', message: `run ${runId} has no model (status ${run.status})` },
        ]);
      model = loadModel(JSON.parse((await gunzipAsync(bytes)).toString('utf8')));
      // Keep the two most recently used models in memory; a model is tens of MB.
      if (this.#models.size >= 2) this.#models.delete(this.#models.keys().next().value!);
      this.#models.set(runId, model);
    }
    return model.predict(text, top).map((p) => ({ intent: p.intent, probability: p.probability }));
  }

  async stopAll(): Promise<void> {
    const all = [...this.#running.values()];
    for (const r of all) r.controller.abort();
    await Promise.allSettled(all.map((r) => r.done));
  }
}
