import { type JobText, jobText } from '@genesis/schema/job-messages';
import type { GenerationProgress } from '@genesis/schema/progress';
import { Random } from '@genesis/schema/random';
import type { Message } from '@genesis/schema/report-message';
import {
  type ConversationSlot,
  estimateTokens,
  type SeriesSlot,
  type Slot,
  type SlotRequest,
} from '@genesis/schema/request';
import { bedrockHintCode } from '../../llm/bedrock.ts';
import { openaiHintCode } from '../../llm/openai.ts';
import { costOf, type ModelPrice, outputBurndown } from '../../llm/prices.ts';
import { hintOf, type ModelAnswer, type ModelProvider, ProviderError } from '../../llm/provider.ts';
import type { Config } from '../../platform/config.ts';
import type { Services } from '../../platform/db/orm.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AppPubSub } from '../../platform/pubsub.ts';
import { DatasetSchema } from '../../registry/dataset.entity.ts';
import { DatasetItemSchema } from '../../registry/dataset-item.entity.ts';
import type { TypeParams } from '../../timeseries/calibrated.ts';
import type { GenerationConfig } from '../config.ts';
import type { GenerationJob, JobStatus } from '../generation-job.entity.ts';
import { calibrateOnDataset } from '../like.ts';
import { AimdLimit, backoffMs, OutputTokenGauge, QuotaPacer, sleep } from '../pacing.ts';
import {
  type ItemMeta,
  parseConversationAnswer,
  parseSeriesAnswer,
  type SlotOutcome,
} from '../parse.ts';
import { planConversations, planSeries } from '../plan.ts';
import {
  buildPrompt,
  CONVERSATION_EXAMPLES,
  conversationSystemPrompt,
  SERIES_SYSTEM_PROMPT,
} from '../prompts.ts';
import { maxOutputTokens, takeSlots } from '../slots.ts';
import { affordableAtBatchPrice, batchWanted, runBatchPhase } from './batch-phase.ts';
import { ProgressTracker } from './progress-tracker.ts';
import { MAX_REPEAT_REASKS, REPEAT_REASON, RepeatedConversations } from './repeats.ts';
import { type Item, LeaseLostError, ShutdownError, SlotStore } from './slot-store.ts';

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

/** How a run ended. */
export interface RunResult {
  status: JobStatus;
  message: string | null;
  /** `message` as a code and parameters (docs/generation.md, "Job status text"); null without one. */
  statusMessage: Message | null;
}

/**
 * Runs one generation job to the end (docs/architecture.md, "The runner"): plans its slots, skips those already
 * stored (or given up on) by an earlier run, optionally sends them through Bedrock batch inference first
 * (batch-phase.ts), and fills the rest through the provider with bounded, adaptive concurrency under the quota.
 * Answers are parsed and screened for repeats (repeats.ts), written through the slot store (slot-store.ts, one
 * transaction per answer, keyed by slot), and shown live by the progress tracker (progress-tracker.ts).
 */
export class GenerationRunner {
  readonly #job: GenerationJob;
  readonly #config: GenerationConfig;
  readonly #deps: RunnerDeps;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #limit: AimdLimit;
  readonly #pacer: QuotaPacer;
  /** Keeps maxTokens tight from the answers' measured sizes (pacing.ts). */
  readonly #outputGauge = new OutputTokenGauge();
  /** Slots whose last answer was cut at a tightened maxTokens: asked again at the full one. */
  readonly #fullMaxTokens = new Set<string>();
  readonly #store: SlotStore;
  readonly #tracker: ProgressTracker;
  readonly #repeats = new RepeatedConversations();
  #consecutiveFailures = 0;
  #reservedUsd = 0;
  /** Failed asks of each slot (every one varies the next ask's seed). */
  readonly #attempts = new Map<string, number>();
  /** Of those, asks rejected as a repeat: they do not count against maxAttemptsPerSlot, up to MAX_REPEAT_REASKS. */
  readonly #repeatAsks = new Map<string, number>();
  readonly #feedback = new Map<string, string>();
  #referenceExamples: string | null = null;
  /** Engine parameters fitted to the job's `likeDatasetId`, read once per run. */
  #likeCalibration: Record<string, TypeParams> | null = null;
  #leaseLost = false;

  constructor(job: GenerationJob, config: GenerationConfig, deps: RunnerDeps) {
    this.#job = job;
    this.#config = config;
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#limit = new AimdLimit(config.concurrency, undefined, this.#now);
    this.#pacer = new QuotaPacer(config.rpm, config.tpm, this.#now);
    this.#store = new SlotStore(job, config.kind, deps.services, deps.owner, this.#now);
    this.#tracker = new ProgressTracker(job, deps.pubsub, this.#now, () => this.#limit.value);
  }

  /** Runs until every slot is accepted or rejected, the job is cancelled (signal), or it pauses itself. */
  async run(signal: AbortSignal): Promise<RunResult> {
    const job = this.#job;
    const config = this.#config;
    const plan: Slot[] =
      config.kind === 'conversations' ? planConversations(config) : planSeries(config);

    // What earlier runs already did: stored items (by slot key) and recorded rejections.
    const done = new Set<string>();
    const stored = await this.#store.storedSlots();
    for (const r of stored) {
      done.add(r.key);
      if (r.label) this.#tracker.countLabel(r.label);
    }
    for (const r of job.rejections ?? []) {
      done.add(r.slot);
      this.#tracker.countRejection(r.reason);
    }
    // Counters must agree with the stored items, whatever an interrupted run managed to write.
    job.accepted = stored.length;
    job.rejected = job.rejections?.length ?? 0;
    this.#tracker.startFrom(job.accepted);
    job.status = 'running';
    job.startedAt ??= new Date(this.#now());
    job.error = null;
    job.errorMessage = null;
    await this.#store.begin();

    if (config.kind === 'conversations' && stored.length > 0) {
      for await (const data of this.#store.storedItems()) this.#repeats.add(data);
    }
    await this.#loadReferenceExamples();
    if (config.kind === 'timeseries' && config.likeDatasetId) {
      const em = this.#store.em;
      const fitted = await calibrateOnDataset(
        em,
        this.#deps.services.datasets(em),
        config.likeDatasetId,
        config.timeZone,
      );
      this.#likeCalibration = fitted.calibration.types;
    }
    let pending: Slot[] = plan.filter((s) => !done.has(s.slot));
    if (batchWanted(config, job, this.#deps.batch, pending.length, this.#deps.logger)) {
      pending = await this.#batchPhase(pending, signal);
    }
    // `calls`: model calls in flight, what the concurrency limit counts. `inflight`: every call not settled yet,
    // its answer's parse and write included. A call's place is freed when its answer arrives, so the next call
    // does not wait for the write or for a busy event loop (a thousand subscribers' deliveries) before it starts.
    const calls = new Set<Promise<void>>();
    const inflight = new Set<Promise<void>>();
    this.#tracker.publish(true);

    const stopLaunching = () =>
      signal.aborted || this.#leaseLost || this.#tracker.status !== 'running';
    while ((pending.length > 0 || inflight.size > 0) && !(stopLaunching() && inflight.size === 0)) {
      while (!stopLaunching() && pending.length > 0 && calls.size < this.#limit.value) {
        const batch = takeSlots(pending, config.slotsPerCall);
        const estimate = this.#estimateCost(batch);
        if (
          config.budgetUsd !== null &&
          job.costUsd + this.#reservedUsd + estimate > config.budgetUsd
        ) {
          pending.unshift(...batch);
          this.#pause(
            jobText('paused.budget', {
              budget: config.budgetUsd,
              spent: job.costUsd,
              next: estimate,
            }),
          );
          break;
        }
        this.#reservedUsd += estimate;
        let freePlace!: () => void;
        const answered = new Promise<void>((resolve) => (freePlace = resolve));
        const free = () => {
          calls.delete(answered);
          freePlace();
        };
        const p: Promise<void> = this.#call(batch, pending, signal, free).finally(() => {
          this.#reservedUsd -= estimate;
          free();
          inflight.delete(p);
        });
        calls.add(answered);
        inflight.add(p);
      }
      if (inflight.size === 0) break;
      await Promise.race([...calls, ...inflight]);
    }
    await Promise.allSettled(inflight);
    await this.#store.settled();

    if (this.#leaseLost || (signal.aborted && signal.reason instanceof LeaseLostError)) {
      // Someone else runs the job now: leave its row alone.
      this.#tracker.status = 'queued';
      this.#tracker.say(jobText('queued.takenOver'));
      this.#tracker.publish(true);
      return ended('queued', jobText('queued.takenOver'));
    }
    let result: RunResult;
    if (signal.aborted && signal.reason instanceof ShutdownError) {
      // Left resumable: the next `serve` (or `generate --resume`) picks it up where it stopped.
      result = ended('queued', jobText('queued.shutdown'));
    } else if (signal.aborted) result = ended('cancelled', jobText('cancelled'));
    else if (this.#tracker.status === 'paused')
      result = {
        status: 'paused',
        message: this.#tracker.message,
        statusMessage: this.#tracker.statusMessage,
      };
    else if (job.accepted < job.requested) result = ended('completed_short', this.#shortfall());
    else result = ended('completed', null);
    const final = this.#tracker.progress();
    this.#tracker.status = result.status;
    this.#tracker.message = result.message;
    this.#tracker.statusMessage = result.statusMessage;
    await this.#store.finish(result.status, result.message, result.statusMessage, {
      itemsPerMinute: final.itemsPerMinute,
      concurrency: final.concurrency,
    });
    this.#tracker.publish(true);
    return result;
  }

  /**
   * Why a finished job holds fewer items than requested, and what to do about it. The rejection reasons are
   * the checks' own English words (a parameter, as given).
   */
  #shortfall(): JobText {
    const job = this.#job;
    const reasons = new Map<string, number>();
    for (const r of job.rejections ?? []) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3);
    const short = job.requested - job.accepted;
    return jobText('completed_short.line', {
      accepted: job.accepted,
      requested: job.requested,
      missing: short,
      rejected: job.rejected,
      slots: { code: job.rejected === 1 ? 'completed_short.slot' : 'completed_short.slots' },
      reasons: {
        items: top.map(([reason, n]) => ({
          code: 'completed_short.reason',
          params: { n, reason },
        })),
        separator: '; ',
      },
      them: { code: short === 1 ? 'completed_short.it' : 'completed_short.them' },
    });
  }

  /** The job's live state. */
  progress(): GenerationProgress {
    return this.#tracker.progress();
  }

  /** Batch inference for what the budget pays at batch price; the rest waits for a budget raise. */
  async #batchPhase(pending: Slot[], signal: AbortSignal): Promise<Slot[]> {
    const job = this.#job;
    const affordable = job.batchJobs?.length
      ? pending
      : affordableAtBatchPrice(pending, this.#config, job.costUsd, !!this.#deps.price, (s) =>
          this.#estimateCost(s),
        );
    const rest = pending.slice(affordable.length);
    if (rest.length > 0)
      this.#deps.logger?.warn(
        { slots: rest.length },
        'the budget does not cover every slot at batch price; the rest waits for a budget raise',
      );
    const left = await runBatchPhase(
      {
        job,
        config: this.#config,
        batch: this.#deps.batch!,
        region: this.#deps.region,
        price: this.#deps.price,
        store: this.#store,
        repeats: this.#repeats,
        logger: this.#deps.logger,
        now: this.#now,
        system: (s) => this.#systemPrompt(s),
        examples: this.#examples(),
        parseSeries: (answer, slots, meta) => this.#parseSeries(answer, slots, meta),
        record: (answer, outcomes, slots, pendingSlots, cost) =>
          this.#record(answer, outcomes, slots, pendingSlots, cost),
        onProgress: (batch) => {
          this.#tracker.batch = batch;
          this.#tracker.publish();
        },
      },
      affordable,
      signal,
    );
    return [...left, ...rest];
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
    const em = this.#store.em;
    const dataset = await em.findOne(DatasetSchema, id);
    if (!dataset) throw new Error(`example dataset ${id} does not exist`);
    const rng = new Random(`examples:${this.#config.seed}`);
    const rows = await em.find(
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

  #pause(said: StatusText) {
    if (this.#tracker.status === 'running') {
      this.#deps.logger?.warn({ reason: said.text }, 'job paused');
      this.#tracker.status = 'paused';
      this.#tracker.say(said);
      this.#tracker.publish(true);
    }
  }

  /**
   * The pause of a `config` ProviderError: the provider, its own error (as sent) and the doctor's hint for it.
   * A provider with hints of its own (neither Bedrock's nor the OpenAI-compatible server's) says it in English.
   */
  #configPause(error: string): StatusText {
    const provider = this.#deps.provider;
    const code = provider.name === 'openai' ? openaiHintCode(error) : bedrockHintCode(error);
    const hint = provider.hint?.(error) ?? hintOf(code);
    const said = jobText('paused.config', {
      provider:
        provider.name === 'bedrock' || provider.name === 'openai'
          ? { code: `provider.${provider.name}` }
          : provider.name,
      error,
      hint: { code },
    });
    if (hint === hintOf(code)) return said;
    return {
      text: said.text.replace(`: ${hintOf(code)}. Fix it`, `: ${hint}. Fix it`),
      message: null,
    };
  }

  /**
   * One model call for a batch of slots, with pacing, retries and re-asks. Never throws. `answered` is called
   * once a model answer is in hand (not on a failure, whose backoff keeps the call's place).
   */
  async #call(
    batch: Slot[],
    pending: Slot[],
    signal: AbortSignal,
    answered: () => void,
  ): Promise<void> {
    const config = this.#config;
    const job = this.#job;
    const request = { task: config.kind, slots: batch } as SlotRequest;
    const feedback = batch.map((s) => this.#feedback.get(s.slot)).filter((f): f is string => !!f);
    const prompt = buildPrompt(request, feedback);
    const system = this.#systemPrompt(batch);
    const examples = this.#examples();
    // The static ceiling (what the slots could need), tightened from measured answer sizes unless a slot's
    // last answer was cut at a tightened one.
    const ceiling = this.#maxTokens(batch);
    const maxTokens = batch.some((s) => this.#fullMaxTokens.has(s.slot))
      ? ceiling
      : this.#outputGauge.limit(ceiling);
    // Quota tokens as Bedrock reserves them: input (cache reads too) plus maxTokens times the burndown.
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
        // Each failed ask varies the seed; a top-up of a completed_short job starts a new series of seeds.
        seed: job.topUps ? `${config.seed}:t${job.topUps}:${attempt}` : `${config.seed}:${attempt}`,
        signal,
      });
    } catch (err) {
      // A refused or failed call consumed no quota (Bedrock bills and counts only answers): settle it to 0,
      // or every throttle would shrink our own budget further.
      if (reserved) this.#pacer.settle(estimate, 0, false);
      if (signal.aborted) {
        pending.unshift(...batch);
        return;
      }
      const e = err instanceof ProviderError ? err : new ProviderError(String(err), 'server');
      this.#deps.logger?.warn(
        { kind: e.kind, slots: batch.length, error: e.message },
        'model call failed',
      );
      if (e.kind === 'config') {
        // Credentials, access or the model id: no retry fixes it and no slot is to blame. Pause with what to fix;
        // a resume (once fixed) asks these slots again.
        pending.unshift(...batch);
        this.#pause(this.#configPause(e.message));
        return;
      }
      job.retries++;
      if (e.kind === 'throttled') {
        job.throttles++;
        this.#limit.throttled();
        this.#pacer.drain();
      }
      if (++this.#consecutiveFailures >= config.maxConsecutiveFailures) {
        pending.unshift(...batch);
        this.#pause(jobText('paused.failures', { n: this.#consecutiveFailures, error: e.message }));
        return;
      }
      if (e.kind === 'client') {
        // The request itself is wrong for this model: counts as an attempt of each slot.
        await this.#settleRejected(batch, pending, `the model refused the request: ${e.message}`);
      } else {
        // A throttle is paced by the quota pacer (drained, probe credit halved) and the AIMD limit already, so
        // its own backoff stays short (at most 2 s): growing it with a storm of 429s left the quota idle for
        // tens of seconds at the end of a run. Other failures back off exponentially.
        const delay =
          e.retryAfterMs ??
          backoffMs(
            e.kind === 'throttled'
              ? Math.min(1, this.#consecutiveFailures - 1)
              : this.#consecutiveFailures - 1,
            this.#random,
            this.#deps.backoffBaseMs ?? 1000,
          );
        this.#tracker.publish();
        try {
          await sleep(delay, signal);
        } catch {
          // cancelled while backing off
        }
        pending.unshift(...batch);
      }
      return;
    }
    answered();
    this.#consecutiveFailures = 0;
    this.#limit.success();
    this.#pacer.settle(
      estimate,
      answer.usage.inputTokens +
        answer.usage.cacheWriteTokens +
        answer.usage.outputTokens * burndown,
    );
    for (const s of batch) this.#fullMaxTokens.delete(s.slot);
    let outcomes = await this.#parse(answer, batch);
    if (
      answer.stopReason === 'max_tokens' &&
      maxTokens < ceiling &&
      answer.usage.outputTokens >= maxTokens * 0.95
    ) {
      // Cut at our tightened ceiling (the answer used all of it): no fault of the slots. What came through
      // whole is kept; the rest is asked again at the full ceiling, without counting an attempt.
      this.#outputGauge.cut();
      const cut = outcomes.filter((o) => !o.ok).map((o) => o.slot);
      for (const key of cut) this.#fullMaxTokens.add(key);
      pending.unshift(...batch.filter((s) => cut.includes(s.slot)));
      outcomes = outcomes.filter((o) => o.ok);
    } else if (answer.stopReason !== 'max_tokens') {
      this.#outputGauge.observe(ceiling, answer.usage.outputTokens);
    }
    await this.#record(answer, outcomes, batch, pending);
  }

  async #parse(answer: ModelAnswer, batch: Slot[]): Promise<SlotOutcome<Item>[]> {
    const createdAt = new Date(this.#now()).toISOString();
    const meta = (slot: Slot): ItemMeta => ({
      model: answer.model,
      provider: this.#deps.provider.name,
      created_at: createdAt,
      slot: slot.slot,
    });
    if (this.#config.kind === 'conversations') {
      const outcomes = parseConversationAnswer(answer, batch as ConversationSlot[], (slot) => ({
        ...meta(slot),
        conversationId: `job${this.#job.id}-${slot.slot}`,
      })) as SlotOutcome<Item>[];
      return outcomes.map((o) => this.#repeats.screen(o));
    }
    return this.#parseSeries(answer, batch as SeriesSlot[], meta);
  }

  #parseSeries(
    answer: ModelAnswer,
    slots: SeriesSlot[],
    meta: (slot: Slot) => ItemMeta,
  ): Promise<SlotOutcome<Item>[]> {
    return parseSeriesAnswer(
      answer,
      slots,
      {
        id: this.#job.id,
        seed: this.#config.seed,
        // Jobs from before the calibrated engine render as they did.
        ...(this.#config.engine === undefined ? { calibration: null } : {}),
        ...(this.#likeCalibration ? { calibration: this.#likeCalibration } : {}),
        ...(this.#config.anomalyShare === undefined
          ? {}
          : { anomalies: this.#config.anomalyShare > 0 }),
      },
      meta,
    ) as Promise<SlotOutcome<Item>[]>;
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
   * Settles one answer: accepted items and final rejections go to the slot store in one transaction; slots with
   * attempts left go back to the queue with feedback for the re-ask. A failed write loses nothing: its slots
   * are asked again.
   */
  async #record(
    answer: ModelAnswer | null,
    outcomes: SlotOutcome<Item>[],
    batch: Slot[],
    pending: Slot[],
    costOverride?: number,
  ) {
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
      // A repeat of a stored conversation is no fault of the request: it is asked again (with a new seed) up to
      // MAX_REPEAT_REASKS more times before it counts against the slot's attempts.
      let repeats = this.#repeatAsks.get(o.slot) ?? 0;
      if (o.reason === REPEAT_REASON && repeats < MAX_REPEAT_REASKS)
        this.#repeatAsks.set(o.slot, ++repeats);
      if (attempts - repeats >= this.#config.maxAttemptsPerSlot) {
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
    const costUsd =
      costOverride ?? (answer && this.#deps.price ? costOf(this.#deps.price, usage) : 0);
    try {
      const inserted = await this.#store.write({
        accepted,
        finalRejections,
        usage,
        costUsd,
        calls: answer ? 1 : 0,
      });
      for (const { item } of accepted.slice(0, inserted)) this.#tracker.countLabel(labelOf(item));
      for (const r of finalRejections) this.#tracker.countRejection(r.reason);
      this.#tracker.addLatest(
        accepted.map(({ slot, item }) => ({
          key: slot.slot,
          label: labelOf(item),
          preview: preview(item),
        })),
      );
      this.#tracker.publish();
    } catch (err) {
      if (err instanceof LeaseLostError) {
        this.#leaseLost = true;
        return;
      }
      for (const a of accepted) this.#repeats.forget(a.item);
      pending.push(...accepted.map((a) => a.slot));
      // The database's own message can be huge (it quotes the statement): log it, show people a short one.
      this.#deps.logger?.error({ err }, 'could not store results');
      this.#pause(jobText('paused.store'));
    }
  }
}

function labelOf(item: Item): string {
  return String(
    (item as { intent?: string }).intent ?? (item as { series_type?: string }).series_type,
  );
}

function preview(item: Item): string {
  const turns = (item as { turns?: { text: string }[] }).turns;
  if (turns?.[0]) return turns[0].text.slice(0, 140);
  return String((item as { description?: string }).description ?? '').slice(0, 140);
}

/** A status text: the English sentence, and its message when it has one. */
interface StatusText {
  text: string;
  message: Message | null;
}

/** How a run ended, with its status text (`null`: none). */
function ended(status: JobStatus, said: StatusText | null): RunResult {
  return { status, message: said?.text ?? null, statusMessage: said?.message ?? null };
}
