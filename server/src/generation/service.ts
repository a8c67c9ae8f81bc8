import { setMaxListeners } from 'node:events';
import { jobText } from '@genesis/schema/job-messages';
import { codedMessage } from '@genesis/schema/messages';
import type { GenerationProgress } from '@genesis/schema/progress';
import { raw } from '@mikro-orm/core';
import { BedrockProvider } from '../llm/bedrock.ts';
import { LocalProvider } from '../llm/local/provider.ts';
import { OpenAIProvider } from '../llm/openai.ts';
import { priceOf } from '../llm/prices.ts';
import type { ModelProvider, ProviderCheck } from '../llm/provider.ts';
import type { Config } from '../platform/config.ts';
import type { Services } from '../platform/db/orm.ts';
import { InputError, NotFoundError, ProviderConfigError } from '../platform/errors.ts';
import { Lease } from '../platform/lease.ts';
import type { Logger } from '../platform/logger.ts';
import type { AppPubSub } from '../platform/pubsub.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { DatasetItemSchema } from '../registry/dataset-item.entity.ts';
import { DatasetTagSchema } from '../registry/dataset-tag.entity.ts';
import {
  type GenerationConfig,
  parseGenerationInput,
  readStoredConfig,
  resolveConfig,
} from './config.ts';
import { type AnswerSizes, estimateGeneration, learnedFor } from './estimate.ts';
import {
  type GenerationJob,
  GenerationJobSchema,
  type ProgressSample,
} from './generation-job.entity.ts';
import { calibrateOnDataset } from './like.ts';
import { buildProgress, currentSequence } from './progress.ts';
import { SampleSeries } from './runner/progress-tracker.ts';
import { GenerationRunner, type RunResult } from './runner/runner.ts';
import { LeaseLostError, ShutdownError } from './runner/slot-store.ts';

export type ProviderFactory = (config: GenerationConfig) => ModelProvider;

/**
 * The default providers: the embedded one, Bedrock (through GENESIS_BEDROCK_ENDPOINT when set), or an
 * OpenAI-compatible server (GENESIS_OPENAI_BASE_URL).
 */
export function defaultProviderFactory(server: Config): ProviderFactory {
  const local = new LocalProvider();
  const bedrock = new Map<string, BedrockProvider>();
  const openai = new Map<string, OpenAIProvider>();
  return (config) => {
    if (config.provider === 'local') return local;
    if (config.provider === 'openai') {
      let o = openai.get(config.model);
      if (!o) {
        o = new OpenAIProvider({
          model: config.model,
          baseURL: server.openai.baseURL,
          apiKey: server.openai.apiKey,
          requestTimeoutMs: server.bedrockTimeoutMs,
        });
        openai.set(config.model, o);
      }
      return o;
    }
    let p = bedrock.get(config.model);
    if (!p) {
      p = new BedrockProvider({
        model: config.model,
        ...(server.awsRegion ? { region: server.awsRegion } : {}),
        ...(server.bedrockEndpoint ? { endpoint: server.bedrockEndpoint } : {}),
        stream: server.bedrockStream,
        requestTimeoutMs: server.bedrockTimeoutMs,
      });
      bedrock.set(config.model, p);
    }
    return p;
  };
}

/** How long a passed provider check is trusted (a failed one is asked again at once, so a fix shows). */
export const PROVIDER_CHECK_TTL_MS = 60_000;

/** How long the Generate page's Bedrock check is reused when it passed. */
export const BEDROCK_CHECK_TTL_MS = 60_000;

/** The doctor's checks of Bedrock with one model, as the Generate page shows them. */
export interface BedrockCheckResult {
  model: string;
  ok: boolean;
  checks: ProviderCheck[];
  checkedAt: Date;
}

interface Running {
  runner: GenerationRunner;
  controller: AbortController;
  done: Promise<RunResult>;
  /** Progress over time of this run (continuing what earlier runs stored), saved when the run stops. */
  series?: SampleSeries;
}

/**
 * Starts, cancels and resumes generation jobs in this process, and reports their progress. One runner per job;
 * a job interrupted by a dead process is resumed by {@link resumeInterrupted} (called when the server starts).
 */
export class GenerationManager {
  readonly #running = new Map<number, Running>();
  readonly #lease: Lease<GenerationJob>;
  #stopTakeover: (() => void) | null = null;
  /** Provider checks that passed, by provider and model, until when they are trusted. */
  readonly #checked = new Map<string, number>();
  /** The newest progress sample the lease heartbeat has stored, by running job (to skip unchanged writes). */
  readonly #storedSample = new Map<number, ProgressSample>();
  /** Bedrock checks shown on the Generate page, by model, until when they are reused. */
  readonly #bedrockChecks = new Map<string, { result: BedrockCheckResult; until: number }>();

  constructor(
    private readonly services: Services,
    private readonly pubsub: AppPubSub,
    private readonly server: Config,
    private readonly providers: ProviderFactory = defaultProviderFactory(server),
    private readonly runnerOptions: { backoffBaseMs?: number; logger?: Logger } = {},
  ) {
    this.#lease = new Lease({
      entity: GenerationJobSchema,
      em: () => services.em.fork(),
      leaseMs: server.leaseSeconds * 1000,
      what: 'a generation job',
      logger: runnerOptions.logger,
    });
  }

  /** This process's name in job leases. */
  get owner(): string {
    return this.#lease.owner;
  }

  /** Validates a request (once, here), creates its job and dataset, and starts it. */
  async start(rawInput: unknown): Promise<GenerationJob> {
    const config = resolveConfig(parseGenerationInput(rawInput), this.server);
    if (config.mode === 'batch' && config.provider !== 'bedrock') {
      throw new InputError([{ path: 'mode', ...codedMessage('generation.batchNeedsBedrock') }]);
    }
    if (config.mode === 'batch' && !this.server.batch) {
      throw new InputError([{ path: 'mode', ...codedMessage('generation.batchNotConfigured') }]);
    }
    await this.#checkProvider(config);
    const em = this.services.em.fork();
    if (config.exampleDatasetId !== null) {
      const id = Number(config.exampleDatasetId);
      const examples = Number.isSafeInteger(id) ? await em.findOne(DatasetSchema, id) : null;
      if (!examples || examples.kind === 'timeseries') {
        throw new InputError([
          {
            path: 'exampleDatasetId',
            ...codedMessage('generation.examplesKind', { id: config.exampleDatasetId }),
          },
        ]);
      }
    }
    // Calibrated on a user's dataset: checked and fitted now, so a dataset that cannot be fitted is refused
    // before anything is created; without chosen types, the job draws the dataset's types in its proportions.
    let calibratedOn: { datasetId: number; name: string } | null = null;
    if (config.kind === 'timeseries' && config.likeDatasetId) {
      const { dataset, calibration } = await calibrateOnDataset(
        em,
        this.services.datasets(em),
        config.likeDatasetId,
        config.timeZone,
      );
      calibratedOn = { datasetId: dataset.id, name: dataset.name };
      config.targets.seriesTypes ??= { ...calibration.fitted };
      const missing = Object.keys(config.targets.seriesTypes).filter(
        (type) => (config.targets.seriesTypes?.[type] ?? 0) > 0 && !calibration.types[type],
      );
      if (missing.length > 0) {
        throw new InputError([
          {
            path: 'targets.seriesTypes',
            ...codedMessage('generation.calibrationTypes', {
              id: dataset.id,
              name: dataset.name,
              missing: missing.join(', '),
              types: Object.keys(calibration.types).join(', '),
            }),
          },
        ]);
      }
    }
    // Kept on the job, so its outcome can be compared with it and its progress can start from it.
    const estimate = estimateGeneration(
      config,
      this.server.prices,
      this.server.batch,
      await learnedFor(em, config),
    );
    const job = await em.transactional(async (tx) => {
      const dataset = tx.create(DatasetSchema, {
        name: config.name,
        kind: config.kind,
        origin: 'generated',
        itemCount: 0,
        source: {
          provider: config.provider,
          model: config.model,
          seed: config.seed,
          ...(calibratedOn ? { calibratedOn } : {}),
        },
      });
      const created = tx.create(GenerationJobSchema, {
        kind: config.kind,
        status: 'queued',
        provider: config.provider,
        model: config.model,
        config,
        dataset,
        requested: config.count,
        estimate,
      });
      await tx.flush();
      for (const tag of config.tags) tx.create(DatasetTagSchema, { dataset, tag });
      await tx.flush();
      dataset.source = { ...dataset.source, jobId: created.id };
      await tx.flush();
      return created;
    });
    this.pubsub.publish('registry:changed', {
      type: 'CREATED',
      datasetId: (job.dataset as { id: number }).id,
    });
    this.#launch(job.id);
    return job;
  }

  /** Resumes a paused, failed, cancelled or interrupted job: only its missing slots are filled. */
  async resume(jobId: number, changes: { budgetUsd?: number } = {}): Promise<GenerationJob> {
    if (this.#running.has(jobId)) return this.#load(jobId);
    const em = this.services.em.fork();
    const job = await em.findOne(GenerationJobSchema, jobId);
    if (!job) throw new NotFoundError('GenerationJob', String(jobId));
    if (job.status === 'completed') {
      throw new InputError([
        { path: 'id', ...codedMessage('generation.alreadyCompleted', { id: jobId }) },
      ]);
    }
    if (job.status === 'completed_short') {
      // A top-up: the slots given up on are asked again, with fresh attempts and new seeds. What is stored
      // stays (keyed by slot), and the cost so far stays counted once.
      job.rejections = null;
      job.rejected = 0;
      job.topUps += 1;
      job.finishedAt = null;
    }
    await this.#checkProvider(readStoredConfig(job.id, job.config));
    if (changes.budgetUsd !== undefined) {
      job.config = { ...job.config, budgetUsd: changes.budgetUsd };
    }
    job.status = 'queued';
    await em.flush();
    this.#launch(jobId);
    return job;
  }

  /**
   * The doctor's checks of the job's provider (credentials, region, model access), before a job is created or
   * resumed: a configuration problem refuses it with a ProviderConfigError that says what to fix. A pass is
   * trusted for {@link PROVIDER_CHECK_TTL_MS}.
   */
  async #checkProvider(config: GenerationConfig): Promise<void> {
    const provider = this.providers(config);
    if (!provider.check) return;
    const key = `${provider.name}:${provider.model}`;
    if ((this.#checked.get(key) ?? 0) > Date.now()) return;
    const checks = await provider.check();
    if (checks.some((c) => !c.ok && !c.optional))
      throw new ProviderConfigError(provider.name, provider.model, checks);
    this.#checked.set(key, Date.now() + PROVIDER_CHECK_TTL_MS);
  }

  /**
   * The doctor's checks of Bedrock with a model (credentials, then a one-token call), for the Generate page
   * before a Bedrock job: a result is reused for {@link BEDROCK_CHECK_TTL_MS} (a failed one for a few seconds,
   * so a fix shows soon), since each check calls the model.
   */
  async bedrockCheck(model?: string | null): Promise<BedrockCheckResult> {
    const config = resolveConfig(
      parseGenerationInput({
        kind: 'conversations',
        count: 1,
        provider: 'bedrock',
        ...(model ? { model } : {}),
      }),
      this.server,
    );
    const cached = this.#bedrockChecks.get(config.model);
    if (cached && cached.until > Date.now()) return cached.result;
    const provider = this.providers(config);
    const checks = provider.check ? await provider.check() : [];
    const ok = checks.every((c) => c.ok || c.optional);
    const result = { model: config.model, ok, checks, checkedAt: new Date() };
    this.#bedrockChecks.set(config.model, {
      result,
      until: Date.now() + (ok ? BEDROCK_CHECK_TTL_MS : 5_000),
    });
    if (ok)
      this.#checked.set(`${provider.name}:${provider.model}`, Date.now() + PROVIDER_CHECK_TTL_MS);
    return result;
  }

  /** Cancels a running job; what it stored so far stays in its dataset. */
  async cancel(jobId: number): Promise<GenerationJob> {
    const running = this.#running.get(jobId);
    if (running) {
      running.controller.abort(new Error('cancelled'));
      await running.done;
      return this.#load(jobId);
    }
    const em = this.services.em.fork();
    const job = await em.findOne(GenerationJobSchema, jobId);
    if (!job) throw new NotFoundError('GenerationJob', String(jobId));
    if (job.status === 'queued' || job.status === 'paused' || job.status === 'running') {
      job.status = 'cancelled';
      job.finishedAt = new Date();
      await em.flush();
    }
    return job;
  }

  /** Jobs left `running` or `queued` by a process that died are resumed. Returns their ids. */
  async resumeInterrupted(): Promise<number[]> {
    const em = this.services.em.fork();
    const jobs = await em.find(
      GenerationJobSchema,
      { status: { $in: ['running', 'queued'] } },
      { fields: ['id', 'leaseOwner', 'leaseExpiresAt'] },
    );
    const now = Date.now();
    // Free, expired, or held by a process on this machine that is gone (a killed `generate` or `serve`): such a
    // job is taken at once instead of after its lease runs out. The claim re-checks atomically.
    const ids = jobs
      .filter((j) => this.#lease.takeable(j, now))
      .map((j) => j.id)
      .filter((id) => !this.#running.has(id));
    for (const id of ids) this.#launch(id);
    return ids;
  }

  /** Resolves when the job's current run ends (immediately if it is not running). */
  async wait(jobId: number): Promise<RunResult | null> {
    return (await this.#running.get(jobId)?.done) ?? null;
  }

  isRunning(jobId: number): boolean {
    return this.#running.has(jobId);
  }

  /** A job's progress over time: live while it runs here, else what its last run stored. */
  samples(job: GenerationJob): ProgressSample[] {
    return this.#running.get(job.id)?.series?.samples ?? job.samples ?? [];
  }

  /** Live progress of a running job, or the stored state of any other. */
  async progress(jobId: number): Promise<GenerationProgress | null> {
    return (await this.progressOf([jobId]))[0] ?? null;
  }

  /**
   * Progress of several jobs in at most two queries (the jobs not running here, and their per-label counts in one
   * grouped query), in the order asked; null for an unknown id. GraphQL's dataloader batches a page of jobs here.
   */
  async progressOf(jobIds: readonly number[]): Promise<(GenerationProgress | null)[]> {
    // The runners as they are now: a job launched but not yet running (its lease being claimed) has no runner
    // yet, and a runner may finish while the stored jobs are read; either way the job is read from the database.
    const runners = new Map<number, { progress(): GenerationProgress }>();
    for (const id of jobIds) {
      const runner = this.#running.get(id)?.runner;
      if (runner) runners.set(id, runner);
    }
    const stored = jobIds.filter((id) => !runners.has(id));
    // A subscriber's first event on a running job (a thousand of them at once): no database and no fork.
    if (stored.length === 0) return jobIds.map((id) => runners.get(id)!.progress());
    const em = this.services.em.fork();
    const jobs = await em.find(GenerationJobSchema, { id: { $in: stored } });
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const datasets = this.services.datasets(em);
    const column = (kind: string) => (kind === 'conversations' ? 'intent' : 'seriesType');
    const counts = new Map<number, { label: string; count: number }[]>();
    for (const kind of ['conversations', 'timeseries'] as const) {
      const ids = jobs
        .filter((j) => j.kind === kind)
        .map((j) => (j.dataset as { id: number } | null)?.id)
        .filter((id): id is number => id !== undefined);
      for (const [id, list] of await datasets.labelCountsOf(ids, column(kind)))
        counts.set(id, list);
    }
    return jobIds.map((id) => {
      const runner = runners.get(id);
      if (runner) return runner.progress();
      const job = byId.get(id);
      if (!job) return null;
      const datasetId = (job.dataset as { id: number } | null)?.id;
      return storedProgress(job, datasetId ? (counts.get(datasetId) ?? []) : []);
    });
  }

  /** Cancels every running job and waits for them (server shutdown). Their state stays resumable. */
  async stopAll(): Promise<void> {
    this.#stopTakeover?.();
    this.#stopTakeover = null;
    const all = [...this.#running.values()];
    for (const r of all) r.controller.abort(new ShutdownError('server stopping'));
    await Promise.allSettled(all.map((r) => r.done));
  }

  #launch(jobId: number) {
    const controller = new AbortController();
    // Every call in flight (up to 64), the pacer and the batch poller listen to the job's signal at once; that is
    // by design, not a leak, so Node's warning past 10 listeners would only mislead.
    setMaxListeners(256, controller.signal);
    const entry = { controller } as Running;
    this.#running.set(jobId, entry);
    let stopHeartbeat: (() => void) | null = null;
    entry.done = (async (): Promise<RunResult> => {
      try {
        const claimed = await this.#lease.claim(jobId, {
          status: { $nin: ['completed', 'completed_short', 'failed', 'cancelled'] },
        });
        if (!claimed) {
          const elsewhere = jobText('queued.elsewhere');
          return { status: 'queued', message: elsewhere.text, statusMessage: elsewhere.message };
        }
        // Renew the lease well before it expires (storing the progress samples with it, so a killed process
        // loses at most one heartbeat of the job page's charts); notice a cancel made through another process.
        stopHeartbeat = this.#lease.heartbeat(() => this.#renew(jobId, controller, entry.series));
        const job = await this.#load(jobId);
        const config = readStoredConfig(job.id, job.config);
        const log = this.runnerOptions.logger?.child({ jobId });
        log?.info(
          {
            owner: this.owner,
            provider: config.provider,
            model: config.model,
            count: config.count,
          },
          'job started',
        );
        entry.runner = new GenerationRunner(job, config, {
          services: this.services,
          pubsub: this.pubsub,
          provider: this.providers(config),
          price: priceOf(config.model, this.server.prices),
          owner: this.owner,
          batch: this.server.batch,
          region: this.server.awsRegion,
          ...this.runnerOptions,
          ...(log ? { logger: log } : {}),
        });
        const series = new SampleSeries((job.startedAt ?? new Date()).getTime(), job.samples ?? []);
        entry.series = series;
        const sampling = this.#sample(jobId, series);
        let result: RunResult;
        try {
          result = await entry.runner.run(controller.signal);
        } finally {
          await sampling.stop();
        }
        await this.#recordMeasurements(jobId, result.status, series);
        // A job that paused (perhaps on a configuration problem) is checked afresh before it resumes.
        if (result.status === 'paused') this.#checked.clear();
        log?.info({ status: result.status, message: result.message }, 'job ended');
        return result;
      } catch (err) {
        const failed = jobText('failed', {
          error: err instanceof Error ? err.message : String(err),
        });
        const message = failed.text;
        this.runnerOptions.logger?.child({ jobId }).error({ err }, 'job failed');
        await this.services.em.fork().nativeUpdate(
          GenerationJobSchema,
          { id: jobId, leaseOwner: this.owner },
          {
            status: 'failed',
            error: message,
            errorMessage: failed.message,
            finishedAt: new Date(),
            leaseOwner: null,
            leaseExpiresAt: null,
          },
        );
        return { status: 'failed', message, statusMessage: failed.message };
      } finally {
        stopHeartbeat?.();
        this.#storedSample.delete(jobId);
        this.#running.delete(jobId);
      }
    })();
  }

  /**
   * Samples the job's published progress from the state it starts in until `stop()`, which records the last state
   * too: even a job that ends within one sampling interval has its start and its end on the charts.
   */
  #sample(jobId: number, series: SampleSeries): { stop(): Promise<void> } {
    const first = this.#running.get(jobId)?.runner?.progress();
    if (first) series.add(first, true);
    const events = this.pubsub.subscribe('generation:progress', jobId);
    const reading = (async () => {
      for await (const p of events) series.add(p);
    })();
    return {
      stop: async () => {
        await events.return?.(undefined);
        await reading;
        const last = this.#running.get(jobId)?.runner?.progress();
        if (last) series.add(last, true);
      },
    };
  }

  /**
   * After a run: stores its progress samples and, for a finished job, the size of its answers per language and
   * complexity (one grouped query), which later estimates learn from (`estimate.ts` `learnFromJobs`). Written
   * unless another process has taken the job over meanwhile (its lease owner is then that process; a run that
   * ends lets go of the job, leaving none). A failure here is logged: the job itself is done.
   */
  async #recordMeasurements(jobId: number, status: string, series: SampleSeries): Promise<void> {
    try {
      const em = this.services.em.fork();
      const changes: { samples: ProgressSample[]; answerSizes?: AnswerSizes } = {
        samples: series.samples,
      };
      if (status === 'completed' || status === 'completed_short') {
        const job = await em.findOne(GenerationJobSchema, jobId, { fields: ['dataset'] });
        const datasetId = (job?.dataset as { id: number } | null | undefined)?.id;
        if (datasetId !== undefined) changes.answerSizes = await answerSizesOf(em, datasetId);
      }
      await em.nativeUpdate(
        GenerationJobSchema,
        { id: jobId, $or: [{ leaseOwner: null }, { leaseOwner: this.owner }] },
        changes,
      );
    } catch (err) {
      this.runnerOptions.logger
        ?.child({ jobId })
        .warn({ err }, 'could not store the job’s progress samples and answer sizes');
    }
  }

  /**
   * Renews the job's lease, writing the run's progress samples with it when there are new ones; notices a
   * takeover, or a cancel made through another process.
   */
  async #renew(jobId: number, controller: AbortController, series?: SampleSeries): Promise<void> {
    const samples = series?.samples;
    const last = samples?.[samples.length - 1];
    const changed =
      samples !== undefined && last !== undefined && last !== this.#storedSample.get(jobId);
    if (!(await this.#lease.renew(jobId, changed ? { samples } : {})))
      return controller.abort(new LeaseLostError('lease lost'));
    if (changed) this.#storedSample.set(jobId, last);
    try {
      const job = await this.services.em
        .fork()
        .findOne(GenerationJobSchema, jobId, { fields: ['status'] });
      if (job?.status === 'cancelled')
        controller.abort(new Error('cancelled through another process'));
    } catch (err) {
      this.runnerOptions.logger?.warn({ err, jobId }, 'could not read the job status; retrying');
    }
  }

  /**
   * Every `intervalMs`, takes over jobs whose holder stopped renewing its lease (a killed process). What `serve`
   * runs; with one process it also resumes jobs interrupted by a crash.
   */
  startTakeover(intervalMs = Math.max(1000, this.#lease.leaseMs / 2)) {
    this.#stopTakeover ??= this.#lease.every(
      intervalMs,
      () => this.resumeInterrupted(),
      'taking over interrupted generation jobs',
    );
  }

  async #load(jobId: number): Promise<GenerationJob> {
    const job = await this.services.em
      .fork()
      .findOne(GenerationJobSchema, jobId, { populate: ['dataset'] });
    if (!job) throw new NotFoundError('GenerationJob', String(jobId));
    return job;
  }
}

/** Progress of a job that is not running, from what is stored. */
function storedProgress(
  job: GenerationJob,
  perLabel: { label: string; count: number }[],
): GenerationProgress {
  const reasons = new Map<string, number>();
  for (const r of job.rejections ?? []) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  return buildProgress(job, {
    status: job.status,
    message: job.error ?? null,
    statusMessage: job.errorMessage ?? null,
    // The last run's figures (kept when it stopped); 0 for a job that never ran.
    concurrency: job.finalConcurrency ?? 0,
    itemsPerMinute: job.finalItemsPerMinute ?? 0,
    etaSeconds: job.status === 'completed' || job.status === 'completed_short' ? 0 : null,
    rejectionReasons: reasons,
    perLabel,
    latest: [],
    batch: null,
    sequence: currentSequence(),
    updatedAt: job.updatedAt,
  });
}

/** Stored characters per language and complexity of a dataset's items: what later estimates learn from. */
async function answerSizesOf(
  em: ReturnType<Services['em']['fork']>,
  datasetId: number,
): Promise<AnswerSizes> {
  // `cast(... as text)` reads the JSON column as text on SQLite and PostgreSQL (jsonb) alike.
  const rows = await em
    .createQueryBuilder(DatasetItemSchema, 'i')
    .select([
      'language',
      'complexity',
      raw('count(*) as n'),
      raw('sum(length(cast(i.data as text))) as chars'),
    ])
    .where({ dataset: datasetId })
    .groupBy(['language', 'complexity'])
    .execute<
      {
        language: string | null;
        complexity: string | null;
        n: number | string;
        chars: number | string;
      }[]
    >('all', false);
  return {
    groups: rows.map((r) => ({
      language: r.language ?? null,
      complexity: r.complexity ?? null,
      items: Number(r.n),
      chars: Number(r.chars),
    })),
  };
}
