import { setMaxListeners } from 'node:events';
import { type GenerationConfigInput, GenerationInputSchema } from '@genesis/schema/generation';
import * as v from 'valibot';
import { BedrockProvider } from '../llm/bedrock.ts';
import { LocalProvider } from '../llm/local/provider.ts';
import { priceOf } from '../llm/prices.ts';
import type { ModelProvider } from '../llm/provider.ts';
import type { Config } from '../platform/config.ts';
import type { Services } from '../platform/db/orm.ts';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { deadLocalOwner, newLeaseOwner } from '../platform/lease.ts';
import type { Logger } from '../platform/logger.ts';
import type { AppPubSub } from '../platform/pubsub.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { type GenerationConfig, readStoredConfig, resolveConfig } from './config.ts';
import { type GenerationJob, GenerationJobSchema } from './generation-job.entity.ts';
import { buildProgress, currentSequence, type GenerationProgress } from './progress.ts';
import { GenerationRunner, type RunResult } from './runner/runner.ts';
import { LeaseLostError, ShutdownError } from './runner/slot-store.ts';

export type ProviderFactory = (config: GenerationConfig) => ModelProvider;

/** The default providers: the embedded one, or Bedrock (through GENESIS_BEDROCK_ENDPOINT when set). */
export function defaultProviderFactory(server: Config): ProviderFactory {
  const local = new LocalProvider();
  const bedrock = new Map<string, BedrockProvider>();
  return (config) => {
    if (config.provider === 'local') return local;
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

interface Running {
  runner: GenerationRunner;
  controller: AbortController;
  done: Promise<RunResult>;
}

/**
 * Starts, cancels and resumes generation jobs in this process, and reports their progress. One runner per job;
 * a job interrupted by a dead process is resumed by {@link resumeInterrupted} (called when the server starts).
 */
export class GenerationManager {
  readonly #running = new Map<number, Running>();
  /** This process's name in job leases. */
  readonly owner = newLeaseOwner();
  #takeover: NodeJS.Timeout | null = null;

  constructor(
    private readonly services: Services,
    private readonly pubsub: AppPubSub,
    private readonly server: Config,
    private readonly providers: ProviderFactory = defaultProviderFactory(server),
    private readonly runnerOptions: { backoffBaseMs?: number; logger?: Logger } = {},
  ) {}

  /** Validates the input (errors name the field), creates the job and its dataset, and starts it. */
  async start(rawInput: unknown): Promise<GenerationJob> {
    const parsed = v.safeParse(GenerationInputSchema, rawInput);
    if (!parsed.success) {
      throw new InputError(
        parsed.issues.map((i) => ({
          path: (i.path ?? []).map((p) => String(p.key)).join('.'),
          message: i.message,
        })),
      );
    }
    const config = resolveConfig(parsed.output as GenerationConfigInput, this.server);
    if (config.mode === 'batch' && config.provider !== 'bedrock') {
      throw new InputError([
        {
          path: 'mode',
          message:
            'batch mode is Bedrock batch inference: use provider bedrock (the local provider is instant and free)',
        },
      ]);
    }
    if (config.mode === 'batch' && !this.server.batch) {
      throw new InputError([
        {
          path: 'mode',
          message:
            'batch mode needs GENESIS_BATCH_ROLE_ARN, GENESIS_BATCH_INPUT_URI and GENESIS_BATCH_OUTPUT_URI on the server (see the README); use on_demand or auto',
        },
      ]);
    }
    const em = this.services.em.fork();
    if (config.exampleDatasetId !== null) {
      const id = Number(config.exampleDatasetId);
      const examples = Number.isSafeInteger(id) ? await em.findOne(DatasetSchema, id) : null;
      if (!examples || examples.kind === 'timeseries') {
        throw new InputError([
          {
            path: 'exampleDatasetId',
            message: `${config.exampleDatasetId} is not a conversations or utterances dataset`,
          },
        ]);
      }
    }
    const job = await em.transactional(async (tx) => {
      const dataset = tx.create(DatasetSchema, {
        name: config.name,
        kind: config.kind,
        origin: 'generated',
        itemCount: 0,
        source: { provider: config.provider, model: config.model, seed: config.seed },
      } as never);
      const created = tx.create(GenerationJobSchema, {
        kind: config.kind,
        status: 'queued',
        provider: config.provider,
        model: config.model,
        config: config as unknown as Record<string, unknown>,
        dataset,
        requested: config.count,
      } as never);
      await tx.flush();
      for (const tag of config.tags) tx.create('DatasetTag', { dataset, tag } as never);
      await tx.flush();
      (dataset as { source: Record<string, unknown> }).source = {
        ...(dataset as { source: object }).source,
        jobId: created.id,
      };
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
      throw new InputError([{ path: 'id', message: `job ${jobId} is already completed` }]);
    }
    if (changes.budgetUsd !== undefined) {
      job.config = { ...job.config, budgetUsd: changes.budgetUsd };
    }
    job.status = 'queued';
    await em.flush();
    this.#launch(jobId);
    return job;
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
    // job is taken at once instead of after its lease runs out. #claim re-checks atomically.
    const ids = jobs
      .filter(
        (j) =>
          !j.leaseOwner || (j.leaseExpiresAt?.getTime() ?? 0) < now || deadLocalOwner(j.leaseOwner),
      )
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

  /** Live progress of a running job, or the stored state of any other. */
  async progress(jobId: number): Promise<GenerationProgress | null> {
    const runner = this.#running.get(jobId)?.runner;
    if (runner) return runner.progress();
    const em = this.services.em.fork();
    const job = await em.findOne(GenerationJobSchema, jobId);
    return job ? storedProgress(job, this.services) : null;
  }

  /** Cancels every running job and waits for them (server shutdown). Their state stays resumable. */
  async stopAll(): Promise<void> {
    if (this.#takeover) clearInterval(this.#takeover);
    this.#takeover = null;
    const all = [...this.#running.values()];
    for (const r of all) r.controller.abort(new ShutdownError('server stopping'));
    await Promise.allSettled(all.map((r) => r.done));
  }

  /**
   * Takes the job for this process: one atomic UPDATE that succeeds only when nobody holds it or the holder's
   * lease has expired, so two processes never run the same job.
   */
  async #claim(jobId: number): Promise<boolean> {
    const now = new Date();
    const em = this.services.em.fork();
    const holder =
      (await em.findOne(GenerationJobSchema, jobId, { fields: ['leaseOwner'] }))?.leaseOwner ??
      null;
    const takeable: object[] = [
      { leaseOwner: null },
      { leaseOwner: this.owner },
      { leaseExpiresAt: { $lt: now } },
    ];
    // A holder on this machine whose process is gone (killed) can't renew: no need to wait for its lease to run out.
    if (holder && deadLocalOwner(holder)) takeable.push({ leaseOwner: holder });
    const updated = await em.nativeUpdate(
      GenerationJobSchema,
      {
        id: jobId,
        status: { $nin: ['completed', 'failed', 'cancelled'] },
        $or: takeable,
      },
      {
        leaseOwner: this.owner,
        leaseExpiresAt: new Date(now.getTime() + this.server.leaseSeconds * 1000),
      },
    );
    return updated === 1;
  }

  #launch(jobId: number) {
    const controller = new AbortController();
    // Every call in flight (up to 64), the pacer and the batch poller listen to the job's signal at once; that is
    // by design, not a leak, so Node's warning past 10 listeners would only mislead.
    setMaxListeners(256, controller.signal);
    const entry = { controller } as Running;
    this.#running.set(jobId, entry);
    let heartbeat: NodeJS.Timeout | null = null;
    entry.done = (async (): Promise<RunResult> => {
      try {
        if (!(await this.#claim(jobId))) {
          return { status: 'queued', message: 'Another server process is running this job.' };
        }
        // Renew the lease well before it expires; notice a cancel made through another process.
        heartbeat = setInterval(
          () => void this.#renew(jobId, controller),
          Math.max(250, (this.server.leaseSeconds * 1000) / 3),
        );
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
        const result = await entry.runner.run(controller.signal);
        log?.info({ status: result.status, message: result.message }, 'job ended');
        return result;
      } catch (err) {
        const message = `The job failed: ${err instanceof Error ? err.message : String(err)}`;
        this.runnerOptions.logger?.child({ jobId }).error({ err }, 'job failed');
        await this.services.em.fork().nativeUpdate(
          GenerationJobSchema,
          { id: jobId, leaseOwner: this.owner },
          {
            status: 'failed',
            error: message,
            finishedAt: new Date(),
            leaseOwner: null,
            leaseExpiresAt: null,
          },
        );
        return { status: 'failed', message };
      } finally {
        if (heartbeat) clearInterval(heartbeat);
        this.#running.delete(jobId);
      }
    })();
  }

  async #renew(jobId: number, controller: AbortController): Promise<void> {
    try {
      const em = this.services.em.fork();
      const renewed = await em.nativeUpdate(
        GenerationJobSchema,
        { id: jobId, leaseOwner: this.owner },
        { leaseExpiresAt: new Date(Date.now() + this.server.leaseSeconds * 1000) },
      );
      if (renewed === 0) return controller.abort(new LeaseLostError('lease lost'));
      const job = await em.findOne(GenerationJobSchema, jobId, { fields: ['status'] });
      if (job?.status === 'cancelled')
        controller.abort(new Error('cancelled through another process'));
    } catch {
      // A missed heartbeat is retried on the next tick; the lease is long enough to absorb a few.
    }
  }

  /**
   * Every `intervalMs`, takes over jobs whose holder stopped renewing its lease (a killed process). What `serve`
   * runs; with one process it also resumes jobs interrupted by a crash.
   */
  startTakeover(intervalMs = Math.max(1000, (this.server.leaseSeconds * 1000) / 2)) {
    this.#takeover ??= setInterval(
      () => void this.resumeInterrupted().catch(() => undefined),
      intervalMs,
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
async function storedProgress(job: GenerationJob, services: Services): Promise<GenerationProgress> {
  const datasetId = (job.dataset as { id: number } | null)?.id ?? null;
  const perLabel = datasetId
    ? await services
        .datasets(services.em.fork())
        .labelCounts(datasetId, job.kind === 'conversations' ? 'intent' : 'seriesType')
    : [];
  const reasons = new Map<string, number>();
  for (const r of job.rejections ?? []) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  return buildProgress(job, {
    status: job.status,
    message: job.error ?? null,
    concurrency: 0,
    itemsPerMinute: 0,
    etaSeconds: job.status === 'completed' ? 0 : null,
    rejectionReasons: reasons,
    perLabel,
    latest: [],
    batch: null,
    sequence: currentSequence(),
    updatedAt: job.updatedAt,
  });
}
