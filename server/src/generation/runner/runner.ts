import { formatIssues } from '@genesis/schema/issues';
import { Random } from '@genesis/schema/random';
import {
  type ConversationSlot,
  estimateTokens,
  extractJson,
  type SeriesSlot,
  type Slot,
  type SlotRequest,
} from '@genesis/schema/request';
import { type TimeSeries, TimeSeriesSchema } from '@genesis/schema/timeseries';
import type { EntityManager } from '@mikro-orm/knex';
import * as v from 'valibot';
import { costOf, type ModelPrice, outputBurndown } from '../../llm/prices.ts';
import { type ModelAnswer, type ModelProvider, ProviderError } from '../../llm/provider.ts';
import type { Config } from '../../platform/config.ts';
import type { Services } from '../../platform/db/orm.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AppPubSub } from '../../platform/pubsub.ts';
import { itemColumns } from '../../registry/columns.ts';
import { DatasetSchema } from '../../registry/dataset.entity.ts';
import { DatasetItemSchema } from '../../registry/dataset-item.entity.ts';
import { ScenarioSchema } from '../../timeseries/scenario.ts';
import type { GenerationConfig } from '../config.ts';
import { usesBatch } from '../estimate.ts';
import {
  type GenerationJob,
  GenerationJobSchema,
  type JobStatus,
} from '../generation-job.entity.ts';
import { AimdLimit, backoffMs, QuotaPacer, sleep } from '../pacing.ts';
import { parseConversationAnswer, type SlotOutcome } from '../parse.ts';
import { planConversations, planSeries } from '../plan.ts';
import { type GenerationProgress, nextSequence } from '../progress.ts';
import {
  buildPrompt,
  CONVERSATION_EXAMPLES,
  conversationSystemPrompt,
  SERIES_SYSTEM_PROMPT,
} from '../prompts.ts';
import { maxOutputTokens, takeSlots } from '../slots.ts';

type Item = Record<string, unknown> & ({ conversation_id: string } | { series_id: string });

export interface RunnerDeps {
  services: Services;
  pubsub: AppPubSub;
  provider: ModelProvider;
  price: ModelPrice | null;
  /** Override clocks and jitter in tests. */
  now?: () => number;
  random?: () => number;
  /** Base of the exponential backoff (ms). */
  backoffBaseMs?: number;
  /** This process's lease id: job rows are only written while it still holds the job. */
  owner?: string;
  /** Lines of this job (the manager passes a child logger carrying the job id). */
  logger?: Logger;
  /** Bedrock batch inference settings (null: not configured). */
  batch?: Config['batch'];
  region?: string | undefined;
}

/** The abort reason of a server shutdown, as opposed to a user's cancel. */
export class ShutdownError extends Error {
  override name = 'ShutdownError';
}

/** Another process holds the job now (our lease expired): this run must stop without writing anything more. */
export class LeaseLostError extends ShutdownError {
  override name = 'LeaseLostError';
}

/** How a run ended. */
export interface RunResult {
  status: JobStatus;
  message: string | null;
}

const PROGRESS_INTERVAL_MS = 200;
/** Rows per INSERT (SQLite allows at most 500 compound SELECT terms in one statement). */
const INSERT_CHUNK = 200;
const LATEST = 5;

/**
 * Runs one generation job to the end: plans its slots, skips those already stored (or given up on) by an
 * earlier run, and fills the rest through the provider with bounded, adaptive concurrency under the quota.
 *
 * Nothing is lost or duplicated: each answer's accepted items, the job's counters and its cost are written in
 * ONE transaction, and items are keyed by slot (unique per dataset), so a crash loses at most the answers in
 * flight (their slots are simply filled again on resume) and never counts a cost twice.
 */
export class GenerationRunner {
  readonly #job: GenerationJob;
  readonly #config: GenerationConfig;
  readonly #deps: RunnerDeps;
  readonly #em: EntityManager;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #limit: AimdLimit;
  readonly #pacer: QuotaPacer;
  #writes: Promise<unknown> = Promise.resolve();
  #sequence = 0;
  #lastPublish = 0;
  #publishTimer: NodeJS.Timeout | null = null;
  #status: JobStatus = 'running';
  #message: string | null = null;
  #consecutiveFailures = 0;
  #reservedUsd = 0;
  readonly #attempts = new Map<string, number>();
  readonly #feedback = new Map<string, string>();
  readonly #perLabel = new Map<string, number>();
  readonly #reasons = new Map<string, number>();
  #latest: GenerationProgress['latest'] = [];
  readonly #startedAt: number;
  #acceptedAtStart = 0;
  #referenceExamples: string | null = null;
  #leaseLost = false;
  #batchProgress: GenerationProgress['batch'] = null;
  /** Folded customer text of every stored or accepted conversation: exact repeats are re-asked, not stored. */
  readonly #customerKeys = new Set<string>();

  constructor(job: GenerationJob, deps: RunnerDeps) {
    this.#job = job;
    this.#config = job.config as unknown as GenerationConfig;
    this.#deps = deps;
    this.#em = deps.services.em.fork();
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#limit = new AimdLimit(this.#config.concurrency, undefined, this.#now);
    this.#pacer = new QuotaPacer(this.#config.rpm, this.#config.tpm, this.#now);
    this.#startedAt = this.#now();
  }

  /** Runs until every slot is accepted or rejected, the job is cancelled (signal), or it pauses itself. */
  async run(signal: AbortSignal): Promise<RunResult> {
    const job = this.#job;
    const config = this.#config;
    const plan: Slot[] =
      config.kind === 'conversations' ? planConversations(config) : planSeries(config);
    const datasetId = (job.dataset as { id: number } | null)?.id;
    if (!datasetId) throw new Error(`generation job ${job.id} has no dataset`);

    // What earlier runs already did: stored items (by slot key) and recorded rejections.
    const done = new Set<string>();
    const rows = await this.#em
      .createQueryBuilder(DatasetItemSchema, 'i')
      .select(['key', 'intent', 'seriesType'])
      .where({ dataset: datasetId })
      .execute<{ key: string; intent: string | null; series_type: string | null }[]>('all', false);
    for (const r of rows) {
      done.add(r.key);
      const label = r.intent ?? r.series_type;
      if (label) this.#perLabel.set(label, (this.#perLabel.get(label) ?? 0) + 1);
    }
    for (const r of job.rejections ?? []) {
      done.add(r.slot);
      this.#reasons.set(r.reason, (this.#reasons.get(r.reason) ?? 0) + 1);
    }
    // Counters must agree with the stored items, whatever an interrupted run managed to write.
    job.accepted = rows.length;
    job.rejected = job.rejections?.length ?? 0;
    this.#acceptedAtStart = job.accepted;
    job.status = 'running';
    job.startedAt ??= new Date(this.#now());
    job.error = null;
    // The job entity belongs to the caller's EntityManager: write through this runner's own.
    await this.#em.nativeUpdate(GenerationJobSchema, this.#mine(), {
      status: 'running',
      startedAt: job.startedAt,
      error: null,
      accepted: job.accepted,
      rejected: job.rejected,
      updatedAt: new Date(this.#now()),
    });

    if (config.kind === 'conversations' && rows.length > 0) {
      for await (const data of this.#deps.services
        .datasets(this.#deps.services.em.fork())
        .streamItems(datasetId)) {
        this.#customerKeys.add(customerKey(data));
      }
    }
    await this.#loadReferenceExamples();
    let pending: Slot[] = plan.filter((s) => !done.has(s.slot));
    if (this.#batchWanted(pending.length)) {
      const affordable = this.#job.batchJobs?.length ? pending : this.#withinBudget(pending);
      const rest = pending.slice(affordable.length);
      if (rest.length > 0)
        this.#deps.logger?.warn(
          { slots: rest.length },
          'the budget does not cover every slot at batch price; the rest waits for a budget raise',
        );
      pending = [...(await this.#runBatch(affordable, signal)), ...rest];
    }
    const inflight = new Set<Promise<void>>();
    this.#publish(true);

    const stopLaunching = () => signal.aborted || this.#leaseLost || this.#status !== 'running';
    while ((pending.length > 0 || inflight.size > 0) && !(stopLaunching() && inflight.size === 0)) {
      while (!stopLaunching() && pending.length > 0 && inflight.size < this.#limit.value) {
        const batch = takeSlots(pending, config.slotsPerCall);
        const estimate = this.#estimateCost(batch);
        if (
          config.budgetUsd !== null &&
          job.costUsd + this.#reservedUsd + estimate > config.budgetUsd
        ) {
          pending.unshift(...batch);
          this.#pause(
            `Stopped before exceeding the budget of $${config.budgetUsd.toFixed(2)}: $${job.costUsd.toFixed(4)} spent, the next call would cost about $${estimate.toFixed(4)}. Raise the budget and resume.`,
          );
          break;
        }
        this.#reservedUsd += estimate;
        const p: Promise<void> = this.#call(batch, pending, signal).finally(() => {
          this.#reservedUsd -= estimate;
          inflight.delete(p);
        });
        inflight.add(p);
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight);
    }
    await Promise.allSettled(inflight);
    await this.#writes;

    let result: RunResult;
    if (this.#leaseLost || (signal.aborted && signal.reason instanceof LeaseLostError)) {
      // Someone else runs the job now: leave its row alone.
      this.#status = 'queued';
      this.#message = 'Another server process took this job over.';
      this.#publish(true);
      return { status: 'queued', message: this.#message };
    }
    if (signal.aborted && signal.reason instanceof ShutdownError) {
      // Left resumable: the next `serve` (or `generate --resume`) picks it up where it stopped.
      result = {
        status: 'queued',
        message: 'Interrupted by a shutdown; resumes on the next start.',
      };
    } else if (signal.aborted)
      result = { status: 'cancelled', message: 'Cancelled; the items generated so far are kept.' };
    else if (this.#status === 'paused') result = { status: 'paused', message: this.#message };
    else result = { status: 'completed', message: null };
    await this.#finish(result);
    return result;
  }

  /**
   * Whether the slots go through Bedrock batch inference first: the estimate's rule (usesBatch), or Bedrock jobs
   * a previous run submitted, which are re-attached to whatever the count.
   */
  #batchWanted(pendingCount: number): boolean {
    const c = this.#config;
    if (pendingCount === 0 || c.provider !== 'bedrock' || c.mode === 'on_demand') return false;
    if (c.mode === 'batch' && !this.#deps.batch) {
      // Refused at start; a job resumed on a server that lost its batch settings goes on on demand.
      this.#deps.logger?.warn(
        'batch mode asked but GENESIS_BATCH_ROLE_ARN / _INPUT_URI / _OUTPUT_URI are not set; generating on demand',
      );
    }
    const submitted = (this.#job.batchJobs?.length ?? 0) > 0 && !!this.#deps.batch;
    return submitted || usesBatch(c, this.#deps.batch, pendingCount);
  }

  /**
   * The slots a batch may take under the budget: as many as the remaining budget pays for at batch price (the
   * rest stay pending, and the on-demand loop pauses at the budget as usual).
   */
  #withinBudget(slots: Slot[]): Slot[] {
    const budget = this.#config.budgetUsd;
    if (budget === null || !this.#deps.price) return slots;
    const per = Math.min(this.#config.slotsPerCall, 5);
    const perSlot = this.#estimateCost(slots.slice(0, per)) / Math.min(per, slots.length) / 2;
    const fit = perSlot > 0 ? Math.floor((budget - this.#job.costUsd) / perSlot) : slots.length;
    return slots.slice(0, Math.max(0, Math.min(slots.length, fit)));
  }

  /**
   * Bedrock batch inference for the pending slots (half price, no per-minute quota): writes the records to S3,
   * submits the jobs (or re-attaches to the ones a previous run submitted), stores the accepted items like any
   * answer, and returns the slots to finish on demand (failed records and rejected answers, with their reasons).
   */
  async #runBatch(slots: Slot[], signal: AbortSignal): Promise<Slot[]> {
    const batch = this.#deps.batch!;
    const job = this.#job;
    const [{ BedrockClient }, { S3Client }, { BatchEngine, BatchError }] = await Promise.all([
      import('@aws-sdk/client-bedrock'),
      import('@aws-sdk/client-s3'),
      import('../batch/engine.ts'),
    ]);
    const region = this.#deps.region ?? 'us-east-1';
    const endpoint = batch.endpoint ? { endpoint: batch.endpoint } : {};
    const bedrock = new BedrockClient({ region, ...endpoint });
    const s3 = new S3Client({ region, ...endpoint, forcePathStyle: !!batch.endpoint });
    const createdAt = new Date(this.#now()).toISOString();
    const engine = new BatchEngine({
      bedrock,
      s3,
      modelId: this.#config.model,
      roleArn: batch.roleArn,
      inputUri: batch.inputUri,
      outputUri: batch.outputUri,
      jobNamePrefix: `genesis-job${job.id}`,
      task: this.#config.kind,
      slotsPerRecord: Math.min(this.#config.slotsPerCall, 5),
      minRecordsPerJob: batch.minRecords,
      system: (s) => this.#systemPrompt(s),
      examples: this.#examples(),
      ...(this.#config.kind === 'timeseries'
        ? {
            parse: (answer: ModelAnswer, recordSlots: Slot[]) =>
              this.#parseSeries(answer, recordSlots as SeriesSlot[], (slot) => ({
                model: this.#config.model,
                provider: 'bedrock',
                created_at: createdAt,
                slot: slot.slot,
              })),
          }
        : {}),
      poll: { initialMs: batch.pollMs, maxMs: Math.max(batch.pollMs, 300_000) },
      price: this.#deps.price,
      meta: (slot) => ({
        model: this.#config.model,
        provider: 'bedrock',
        created_at: createdAt,
        slot: slot.slot,
        conversationId: `job${job.id}-${slot.slot}`,
      }),
      onProgress: (p) => {
        this.#batchProgress = {
          status: p.status,
          jobs: p.jobs.length,
          recordsSubmitted: p.recordsSubmitted,
          recordsCompleted: p.recordsCompleted,
          recordsFailed: p.recordsFailed,
        };
        this.#publish();
      },
      onJobs: async (arns) => {
        job.batchJobs = arns;
        await this.#em.nativeUpdate(GenerationJobSchema, this.#mine(), { batchJobs: arns });
      },
      signal,
    });
    try {
      const result = job.batchJobs?.length
        ? await engine.attach(job.batchJobs, slots)
        : await engine.run(slots);
      const pending: Slot[] = result.failed.map((f) => f.slot);
      // Repeats are re-asked like on demand; the rest is written as one answer (half-price usage).
      const outcomes = result.outcomes.map((o) => {
        if (!o.ok || this.#config.kind !== 'conversations') return o;
        const key = customerKey(o.item as Item);
        if (this.#customerKeys.has(key)) {
          return {
            slot: o.slot,
            ok: false as const,
            reason:
              'the customer side repeats a conversation already in the dataset; write a different one',
          };
        }
        this.#customerKeys.add(key);
        return o;
      }) as SlotOutcome<Item>[];
      const bySlot = new Map(slots.map((s) => [s.slot, s]));
      await this.#record(
        {
          text: '',
          usage: result.usage,
          stopReason: 'end_turn',
          model: this.#config.model,
          latencyMs: 0,
        },
        outcomes,
        outcomes.map((o) => bySlot.get(o.slot)!),
        pending,
        result.cost,
      );
      job.batchJobs = null;
      await this.#em.nativeUpdate(GenerationJobSchema, this.#mine(), { batchJobs: null });
      this.#batchProgress = {
        ...(this.#batchProgress ?? {
          jobs: 0,
          recordsSubmitted: 0,
          recordsCompleted: 0,
          recordsFailed: 0,
        }),
        status: 'Done',
      };
      return pending;
    } catch (err) {
      if (signal.aborted) {
        // A shutdown or a takeover leaves the Bedrock jobs running (the next run re-attaches to them); a cancel
        // stops them so they stop costing. What they answered before stopping is collected on a resume.
        if (!(signal.reason instanceof ShutdownError)) await engine.stop();
        return slots;
      }
      const reason =
        err instanceof BatchError ? err.message : `batch failed: ${(err as Error).message}`;
      this.#deps.logger?.warn({ reason }, 'batch not used; generating on demand');
      return slots;
    } finally {
      bedrock.destroy();
      s3.destroy();
    }
  }

  /** Cost estimate of one call, for the budget check (0 when the model is free or unpriced). */
  #estimateCost(batch: Slot[]): number {
    if (!this.#deps.price) return 0;
    const tokensIn =
      estimateTokens(this.#systemPrompt() + this.#examples()) + 60 * batch.length + 200;
    const tokensOut = this.#maxTokens(batch);
    return costOf(this.#deps.price, {
      inputTokens: tokensIn,
      outputTokens: tokensOut,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  }

  /** The system prompt of a call: for conversations, in the language of its slots (English when mixed). */
  #systemPrompt(slots: readonly Slot[] = []) {
    return this.#config.kind === 'conversations'
      ? conversationSystemPrompt(slots as ConversationSlot[])
      : SERIES_SYSTEM_PROMPT;
  }

  #examples() {
    if (this.#config.kind !== 'conversations') return '';
    return this.#referenceExamples
      ? `${CONVERSATION_EXAMPLES}\n\n${this.#referenceExamples}`
      : CONVERSATION_EXAMPLES;
  }

  /**
   * Few-shot material drawn once per run from a reference dataset (the same for every call, so it stays in the
   * prompt cache): real customer messages from utterances, or whole conversations from a conversations dataset.
   */
  async #loadReferenceExamples(): Promise<void> {
    const id = this.#config.exampleDatasetId ? Number(this.#config.exampleDatasetId) : null;
    if (!id || this.#config.kind !== 'conversations') return;
    const dataset = await this.#em.findOne(DatasetSchema, id);
    if (!dataset) throw new Error(`example dataset ${id} does not exist`);
    const rng = new Random(`examples:${this.#config.seed}`);
    const rows = await this.#em.find(
      DatasetItemSchema,
      { dataset: id },
      // Ordered, so the prompt (and a batch job's idempotency token) is the same after a restart.
      { fields: ['data', 'intent'], limit: 2000, orderBy: { id: 'asc' } },
    );
    const picked = rng.shuffle(rows);
    if (dataset.kind === 'utterances') {
      const lines = picked
        .slice(0, 40)
        .map((r) => `- (${r.intent}) ${(r.data as { text: string }).text}`);
      this.#referenceExamples = `How real customers phrase their requests (match this style and variety; never copy these messages):\n${lines.join('\n')}`;
    } else if (dataset.kind === 'conversations') {
      const convs = picked.slice(0, 2).map((r) => {
        const { generation: _g, ...rest } = r.data as Record<string, unknown>;
        return JSON.stringify(rest);
      });
      this.#referenceExamples = `More example entries, from a reference dataset:\n${convs.join('\n')}`;
    }
  }

  #maxTokens(batch: Slot[]): number {
    return maxOutputTokens(this.#config.kind, batch);
  }

  #pause(message: string) {
    if (this.#status === 'running') {
      this.#deps.logger?.warn({ reason: message }, 'job paused');
      this.#status = 'paused';
      this.#message = message;
      this.#publish(true);
    }
  }

  /** One model call for a batch of slots, with pacing, retries and re-asks. Never throws. */
  async #call(batch: Slot[], pending: Slot[], signal: AbortSignal): Promise<void> {
    const config = this.#config;
    const job = this.#job;
    const request = { task: config.kind, slots: batch } as SlotRequest;
    const feedback = batch.map((s) => this.#feedback.get(s.slot)).filter((f): f is string => !!f);
    const prompt = buildPrompt(request, feedback);
    const system = this.#systemPrompt(batch);
    const examples = this.#examples();
    const maxTokens = this.#maxTokens(batch);
    // Quota tokens as Bedrock counts them: input plus output times the model's burndown.
    const burndown = outputBurndown(this.#deps.provider.model);
    const estimate = estimateTokens(system + examples + prompt) + maxTokens * burndown;
    const attempt = Math.max(...batch.map((s) => this.#attempts.get(s.slot) ?? 0));
    let answer: ModelAnswer;
    let reserved = false;
    try {
      await this.#pacer.acquire(estimate, signal);
      reserved = true;
      answer = await this.#deps.provider.call({
        system,
        examples,
        prompt,
        maxTokens,
        temperature: 0.9,
        seed: `${config.seed}:${attempt}`,
        signal,
      });
    } catch (err) {
      // A refused or failed call consumed no quota (Bedrock bills and counts only answers): give the
      // reservation back, or every throttle would shrink our own budget further.
      if (reserved) this.#pacer.settle(estimate, 0);
      if (signal.aborted) {
        pending.unshift(...batch);
        return;
      }
      const e = err instanceof ProviderError ? err : new ProviderError(String(err), 'server');
      this.#deps.logger?.warn(
        { kind: e.kind, slots: batch.length, error: e.message },
        'model call failed',
      );
      job.retries++;
      if (e.kind === 'throttled') {
        job.throttles++;
        this.#limit.throttled();
        this.#pacer.drain();
      }
      if (++this.#consecutiveFailures >= config.maxConsecutiveFailures) {
        pending.unshift(...batch);
        this.#pause(
          `Paused after ${this.#consecutiveFailures} failed calls in a row (last: ${e.message}). Check the provider and resume.`,
        );
        return;
      }
      if (e.kind === 'client') {
        // The request itself is wrong for this model: counts as an attempt of each slot.
        await this.#settleRejected(batch, pending, `the model refused the request: ${e.message}`);
      } else {
        const delay =
          e.retryAfterMs ??
          backoffMs(this.#consecutiveFailures - 1, this.#random, this.#deps.backoffBaseMs ?? 1000);
        this.#publish();
        try {
          await sleep(delay, signal);
        } catch {
          // cancelled while backing off
        }
        pending.unshift(...batch);
      }
      return;
    }
    this.#consecutiveFailures = 0;
    this.#limit.success();
    this.#pacer.settle(
      estimate,
      answer.usage.inputTokens +
        answer.usage.cacheWriteTokens +
        answer.usage.outputTokens * burndown,
    );
    const outcomes = await this.#parse(answer, batch);
    await this.#record(answer, outcomes, batch, pending);
  }

  async #parse(answer: ModelAnswer, batch: Slot[]): Promise<SlotOutcome<Item>[]> {
    const job = this.#job;
    const createdAt = new Date(this.#now()).toISOString();
    const meta = (slot: Slot) => ({
      model: answer.model,
      provider: this.#deps.provider.name,
      created_at: createdAt,
      slot: slot.slot,
    });
    if (this.#config.kind === 'conversations') {
      const outcomes = parseConversationAnswer(answer, batch as ConversationSlot[], (slot) => ({
        ...meta(slot),
        conversationId: `job${job.id}-${slot.slot}`,
      })) as SlotOutcome<Item>[];
      return outcomes.map((o) => {
        if (!o.ok) return o;
        const key = customerKey(o.item);
        if (this.#customerKeys.has(key)) {
          return {
            slot: o.slot,
            ok: false,
            reason:
              'the customer side repeats a conversation already in the dataset; write a different one',
          };
        }
        this.#customerKeys.add(key);
        return o;
      });
    }
    return this.#parseSeries(answer, batch as SeriesSlot[], meta);
  }

  /** Time series: the model writes scenarios, the engine renders them, so values are always well-formed. */
  async #parseSeries(
    answer: ModelAnswer,
    slots: SeriesSlot[],
    meta: (s: Slot) => { model: string; provider: string; created_at: string; slot: string },
  ): Promise<SlotOutcome<Item>[]> {
    const { renderSeries } = await import('../../timeseries/engine.ts');
    const json = extractJson(answer) as { scenarios?: unknown } | unknown[] | null;
    const list = Array.isArray(json)
      ? json
      : Array.isArray((json as { scenarios?: unknown })?.scenarios)
        ? (json as { scenarios: unknown[] }).scenarios
        : null;
    if (!list) {
      const reason =
        answer.stopReason === 'max_tokens'
          ? 'the answer was cut off (max tokens)'
          : 'the answer had no "scenarios" array';
      return slots.map((s) => ({ slot: s.slot, ok: false, reason }));
    }
    const bySlot = new Map<string, unknown>();
    for (const e of list) {
      const key = (e as { slot?: unknown })?.slot;
      if (typeof key === 'string' && !bySlot.has(key)) bySlot.set(key, e);
    }
    return slots.map((slot): SlotOutcome<Item> => {
      const entry = bySlot.get(slot.slot);
      if (!entry)
        return { slot: slot.slot, ok: false, reason: 'the answer had no entry for this slot' };
      const scenario = v.safeParse(ScenarioSchema, entry);
      if (!scenario.success) {
        const problems = formatIssues(scenario.issues)
          .slice(0, 5)
          .map((i) => `${i.path}: ${i.message}`);
        return { slot: slot.slot, ok: false, reason: `invalid scenario: ${problems.join('; ')}` };
      }
      const rendered = renderSeries(
        slot,
        scenario.output,
        new Random(`${this.#config.seed}:${slot.slot}:render`),
      );
      const series = {
        ...rendered,
        series_id: `job${this.#job.id}-${slot.slot}`,
        generation: meta(slot),
      } satisfies TimeSeries;
      const checked = v.safeParse(TimeSeriesSchema, series);
      if (!checked.success) {
        const problems = formatIssues(checked.issues)
          .slice(0, 3)
          .map((i) => `${i.path}: ${i.message}`);
        return {
          slot: slot.slot,
          ok: false,
          reason: `rendered series invalid: ${problems.join('; ')}`,
        };
      }
      return { slot: slot.slot, ok: true, item: checked.output as unknown as Item, repairs: [] };
    });
  }

  /** Slots of a failed request: one more attempt each, rejected for good after the last. */
  async #settleRejected(batch: Slot[], pending: Slot[], reason: string) {
    await this.#record(
      null,
      batch.map((s) => ({ slot: s.slot, ok: false as const, reason })),
      batch,
      pending,
    );
  }

  /**
   * Writes one answer's effect in a single transaction: accepted items (ignored if the slot is already
   * stored), rejections that are final, the job's counters and cost. Writes are serialised per job.
   */
  async #record(
    answer: ModelAnswer | null,
    outcomes: SlotOutcome<Item>[],
    batch: Slot[],
    pending: Slot[],
    costOverride?: number,
  ) {
    const job = this.#job;
    const config = this.#config;
    const accepted: { slot: Slot; item: Item }[] = [];
    const finalRejections: { slot: string; reason: string; attempts: number }[] = [];
    const slotsByKey = new Map(batch.map((s) => [s.slot, s]));
    for (const o of outcomes) {
      const slot = slotsByKey.get(o.slot)!;
      if (o.ok) {
        accepted.push({ slot, item: o.item });
        this.#feedback.delete(o.slot);
        continue;
      }
      const attempts = (this.#attempts.get(o.slot) ?? 0) + 1;
      this.#attempts.set(o.slot, attempts);
      if (attempts >= config.maxAttemptsPerSlot) {
        finalRejections.push({ slot: o.slot, reason: o.reason, attempts });
      } else {
        this.#feedback.set(o.slot, `slot ${o.slot}: ${o.reason}`);
        pending.push(slot);
      }
    }
    const usage = answer?.usage ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    };
    const cost = costOverride ?? (answer && this.#deps.price ? costOf(this.#deps.price, usage) : 0);

    const write = this.#writes.then(async () => {
      const datasetId = (job.dataset as { id: number }).id;
      const inserted = await this.#em.transactional(async (em) => {
        let count = 0;
        if (accepted.length > 0) {
          const rows = accepted.map(({ slot, item }) => {
            const kind = config.kind;
            const columns = itemColumns(kind, item as never);
            return {
              dataset: datasetId,
              key: slot.slot,
              position: Number(slot.slot.slice(2)) - 1,
              data: item,
              intent: columns.intent,
              category: columns.category,
              language: columns.language,
              sentiment: columns.sentiment,
              complexity: columns.complexity,
              seriesType: columns.seriesType,
              domain: columns.domain,
              createdAt: new Date(this.#now()),
            };
          });
          // Keyed by slot: an item already stored by an earlier run is left as it is, never duplicated.
          // In chunks: SQLite caps a statement's compound SELECT at 500 terms (a batch brings thousands).
          for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
            const chunk = rows.slice(i, i + INSERT_CHUNK);
            const result = await em
              .createQueryBuilder(DatasetItemSchema)
              .insert(chunk as never)
              .onConflict(['dataset', 'key'])
              .ignore()
              .execute('run');
            count += (result as { affectedRows?: number }).affectedRows ?? chunk.length;
          }
          await em.nativeUpdate(
            DatasetSchema,
            { id: datasetId },
            { itemCount: job.accepted + count, updatedAt: new Date(this.#now()) },
          );
        }
        const next = {
          accepted: job.accepted + count,
          rejected: job.rejected + finalRejections.length,
          calls: job.calls + (answer ? 1 : 0),
          retries: job.retries,
          throttles: job.throttles,
          inputTokens: job.inputTokens + usage.inputTokens,
          outputTokens: job.outputTokens + usage.outputTokens,
          cacheReadTokens: job.cacheReadTokens + usage.cacheReadTokens,
          cacheWriteTokens: job.cacheWriteTokens + usage.cacheWriteTokens,
          costUsd: job.costUsd + cost,
          rejections:
            finalRejections.length > 0
              ? [...(job.rejections ?? []), ...finalRejections]
              : job.rejections,
        };
        const updated = await em.nativeUpdate(GenerationJobSchema, this.#mine(), {
          ...next,
          updatedAt: new Date(this.#now()),
        });
        // Rolls back this answer's items too: the process that took the job over will fill these slots.
        if (updated === 0) throw new LeaseLostError('another process took over this job');
        return { count, next };
      });
      // Only after the commit: the in-memory state follows the database, never runs ahead of it.
      Object.assign(job, inserted.next);
      for (const { item } of accepted.slice(0, inserted.count)) {
        const label = String(
          (item as { intent?: string; series_type?: string }).intent ??
            (item as { series_type?: string }).series_type,
        );
        this.#perLabel.set(label, (this.#perLabel.get(label) ?? 0) + 1);
      }
      for (const r of finalRejections)
        this.#reasons.set(r.reason, (this.#reasons.get(r.reason) ?? 0) + 1);
      this.#latest = [
        ...accepted
          .slice(-LATEST)
          .reverse()
          .map(({ slot, item }) => ({
            key: slot.slot,
            label: String(
              (item as { intent?: string }).intent ??
                (item as { series_type?: string }).series_type,
            ),
            preview: preview(item),
          })),
        ...this.#latest,
      ].slice(0, LATEST);
      this.#publish();
    });
    this.#writes = write.catch(() => undefined);
    try {
      await write;
    } catch (err) {
      if (err instanceof LeaseLostError) {
        this.#leaseLost = true;
        return;
      }
      // A failed write loses nothing: the slots go back to the queue and are asked again.
      for (const a of accepted) this.#customerKeys.delete(customerKey(a.item));
      pending.push(...accepted.map((a) => a.slot));
      // The database's own message can be huge (it quotes the statement): log it, show people a short one.
      this.#deps.logger?.error({ err }, 'could not store results');
      this.#pause(
        'Could not store results in the database; see the server log. Resume to try again.',
      );
    }
  }

  /** The job row, as long as this process holds it. */
  #mine() {
    return this.#deps.owner
      ? { id: this.#job.id, leaseOwner: this.#deps.owner }
      : { id: this.#job.id };
  }

  async #finish(result: RunResult) {
    this.#status = result.status;
    this.#message = result.message;
    await this.#em.nativeUpdate(GenerationJobSchema, this.#mine(), {
      leaseOwner: null,
      leaseExpiresAt: null,
      status: result.status,
      error: result.message,
      retries: this.#job.retries,
      throttles: this.#job.throttles,
      finishedAt:
        result.status === 'paused' || result.status === 'queued' ? null : new Date(this.#now()),
      updatedAt: new Date(this.#now()),
    });
    Object.assign(this.#job, { status: result.status, error: result.message });
    this.#publish(true);
  }

  /** The job's live state. */
  progress(): GenerationProgress {
    const job = this.#job;
    const elapsedMin = Math.max(1e-9, (this.#now() - this.#startedAt) / 60_000);
    const gained = job.accepted - this.#acceptedAtStart;
    const rate = gained / elapsedMin;
    const left = job.requested - job.accepted - job.rejected;
    return {
      jobId: job.id,
      datasetId: (job.dataset as { id: number } | null)?.id ?? null,
      kind: this.#config.kind,
      status: this.#status,
      message: this.#message,
      requested: job.requested,
      accepted: job.accepted,
      rejected: job.rejected,
      rejectionReasons: [...this.#reasons]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count),
      retries: job.retries,
      throttles: job.throttles,
      calls: job.calls,
      concurrency: this.#limit.value,
      itemsPerMinute: Math.round(rate * 10) / 10,
      etaSeconds:
        this.#status === 'running' && rate > 0
          ? Math.round((left / rate) * 60)
          : left === 0
            ? 0
            : null,
      inputTokens: job.inputTokens,
      outputTokens: job.outputTokens,
      cacheReadTokens: job.cacheReadTokens,
      cacheWriteTokens: job.cacheWriteTokens,
      costUsd: job.costUsd,
      costPerItemUsd: job.accepted > 0 ? job.costUsd / job.accepted : null,
      perLabel: [...this.#perLabel]
        .map(([label, count]) => ({ label, count }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
      latest: this.#latest,
      batch: this.#batchProgress,
      sequence: this.#sequence,
      updatedAt: new Date(this.#now()).toISOString(),
    };
  }

  /** Publishes progress at most every 200 ms (and always for status changes), so big jobs don't flood clients. */
  #publish(force = false) {
    const emit = () => {
      this.#publishTimer = null;
      this.#lastPublish = this.#now();
      this.#sequence = nextSequence();
      this.#deps.pubsub.publish('generation:progress', this.#job.id, this.progress());
    };
    if (force) {
      if (this.#publishTimer) clearTimeout(this.#publishTimer);
      emit();
      return;
    }
    if (this.#publishTimer) return;
    const wait = PROGRESS_INTERVAL_MS - (this.#now() - this.#lastPublish);
    if (wait <= 0) emit();
    else this.#publishTimer = setTimeout(emit, wait);
  }
}

/** A conversation's customer side, case- and space-folded: equal keys are exact duplicates for a reader. */
function customerKey(item: Record<string, unknown>): string {
  const turns = (item as { turns?: { speaker: string; text: string }[] }).turns ?? [];
  return turns
    .filter((t) => t.speaker === 'customer')
    .map((t) => t.text)
    .join('\n')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function preview(item: Item): string {
  const turns = (item as { turns?: { text: string }[] }).turns;
  if (turns?.[0]) return turns[0].text.slice(0, 140);
  return String((item as { description?: string }).description ?? '').slice(0, 140);
}
