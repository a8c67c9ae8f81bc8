/**
 * The LLM judge (docs/curation.md, "LLM judge"): a model scores each item of a dataset against a rubric (label
 * faithfulness, naturalness of the customer side, helpfulness and correctness of the agent side, language and
 * register), 1-5 each with a one-line reason, stored per item. A run is estimated and checked against its budget
 * before it starts, streams its progress on `judge:progress`, runs on demand or through Bedrock batch inference
 * (half price), holds a lease like generation jobs, and never scores an item twice: scores are unique per
 * (dataset, item, judge), and a resumed run plans the same items and skips the scored ones.
 */
import { setMaxListeners } from 'node:events';
import { getIntent } from '@genesis/schema/catalog/intents';
import type { DatasetKind } from '@genesis/schema/common';
import {
  JUDGE_CRITERIA,
  JUDGE_CRITERIA_TEXT,
  type JudgedItem,
  JudgedItemSchema,
  type JudgeItem,
  type JudgeProgress,
  type JudgeRequest,
  overallScore,
  RUBRIC_VERSION,
} from '@genesis/schema/judge';
import { codedMessage } from '@genesis/schema/messages';
import { Random } from '@genesis/schema/random';
import { estimateTokens, extractJson } from '@genesis/schema/request';
import * as v from 'valibot';
import { sleep } from '../generation/pacing.ts';
import { BedrockProvider } from '../llm/bedrock.ts';
import { LocalProvider } from '../llm/local/provider.ts';
import { OpenAIProvider } from '../llm/openai.ts';
import { costOf, DEFAULT_BEDROCK_MODEL, type ModelPrice, priceOf } from '../llm/prices.ts';
import { type ModelAnswer, type ModelProvider, ProviderError } from '../llm/provider.ts';
import type { Config } from '../platform/config.ts';
import type { Services } from '../platform/db/orm.ts';
import { InputError, NotFoundError, ProviderConfigError } from '../platform/errors.ts';
import { Lease } from '../platform/lease.ts';
import type { Logger } from '../platform/logger.ts';
import type { AppPubSub } from '../platform/pubsub.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import { DatasetItemSchema } from '../registry/dataset-item.entity.ts';
import {
  type JudgeRun,
  type JudgeRunConfig,
  JudgeRunSchema,
  type JudgeStatus,
} from './judge-run.entity.ts';
import { JudgeScoreSchema } from './judge-score.entity.ts';

/** Output tokens one judged item takes (four scores with a one-line reason each, as JSON). */
export const OUTPUT_TOKENS_PER_ITEM = 130;
/** Attempts per item: an item missing or malformed in an answer is asked again, then counted as failed. */
const ATTEMPTS = 3;
/** Provider retries (throttles, 5xx, timeouts) of one call before it counts as failed. */
const CALL_RETRIES = 6;
/** Calls in a row that fail after their retries before the run pauses. */
const FAILURES_TO_PAUSE = 5;

/** What `judgeDataset` / `genesis judge` accept (all optional). */
export const JudgeInputSchema = v.object({
  provider: v.optional(
    v.picklist(['local', 'bedrock', 'openai'], 'provider must be local, bedrock or openai'),
  ),
  model: v.optional(
    v.pipe(
      v.string('model must be a model id'),
      v.trim(),
      v.minLength(1, 'model must not be empty'),
      v.maxLength(200, 'model must be at most 200 characters'),
    ),
  ),
  mode: v.optional(
    v.picklist(['on_demand', 'batch'], 'mode must be on_demand or batch'),
    'on_demand',
  ),
  sample: v.optional(
    v.pipe(
      v.number('sample must be a number'),
      v.integer('sample must be a whole number'),
      v.minValue(1, 'sample must be at least 1 item'),
    ),
  ),
  budgetUsd: v.optional(
    v.pipe(v.number('budgetUsd must be a number'), v.minValue(0, 'budgetUsd must be >= 0')),
  ),
  seed: v.optional(v.pipe(v.string(), v.maxLength(100, 'seed must be at most 100 characters'))),
  itemsPerCall: v.optional(
    v.pipe(
      v.number(),
      v.integer('itemsPerCall must be a whole number'),
      v.minValue(1, 'itemsPerCall must be between 1 and 20'),
      v.maxValue(20, 'itemsPerCall must be between 1 and 20'),
    ),
    5,
  ),
  concurrency: v.optional(
    v.pipe(
      v.number(),
      v.integer('concurrency must be a whole number'),
      v.minValue(1, 'concurrency must be between 1 and 16'),
      v.maxValue(16, 'concurrency must be between 1 and 16'),
    ),
    4,
  ),
});
export type JudgeInput = v.InferInput<typeof JudgeInputSchema>;

/** A run's settings, resolved: the provider and model, and what is stored in the run. */
export interface JudgeSettings extends JudgeRunConfig {
  provider: 'local' | 'bedrock' | 'openai';
  model: string;
  mode: 'on_demand' | 'batch';
}

/** What a run will cost, before it runs. */
export interface JudgeEstimate {
  datasetId: number;
  provider: string;
  model: string;
  mode: 'on_demand' | 'batch';
  /** Items in the plan (the sample), already scored by this judge, and left to score. */
  items: number;
  alreadyScored: number;
  toScore: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** False when the model is not in the price table: the cost is then unknown (shown as 0). */
  priced: boolean;
  budgetUsd: number | null;
  /** Set when batch mode will run on demand (too few items for a batch job). */
  note: string | null;
}

/** The system prompt: the rubric and the answer format. */
export const JUDGE_SYSTEM_PROMPT = [
  'You are a strict, consistent quality judge of synthetic customer-service data for a neobank (English and Spanish, labelled with Banking77 intents).',
  'Score every item against each criterion of the rubric with a whole number from 1 (bad) to 5 (excellent) and a one-line reason:',
  ...JUDGE_CRITERIA.map((c) => `- ${c}: ${JUDGE_CRITERIA_TEXT[c]}`),
  'Judge only what the item shows. Do not reward length for its own sake.',
  'Answer with JSON only, no prose: {"scores": [{"id": "<item id>", "label_faithfulness": {"score": 4, "reason": "..."}, "customer_naturalness": {...}, "agent_quality": {...} or null, "language_register": {...}}]}, one entry per item, in the order given.',
].join('\n');

/** The user message of one call: the items in a fenced JSON block. */
export function judgePrompt(items: JudgeItem[]): string {
  const request: JudgeRequest = { task: 'judge', rubric: [...JUDGE_CRITERIA], items };
  return `Judge these ${items.length} item${items.length === 1 ? '' : 's'} against the rubric.\n\`\`\`json\n${JSON.stringify(request)}\n\`\`\``;
}

/** The judge's name in stored scores: the same model and rubric version never score an item twice. */
export function judgeName(model: string): string {
  return `${model}@rubric-v${RUBRIC_VERSION}`;
}

/** One planned item: its key and what the prompt carries. */
interface PlannedItem {
  key: string;
  item: JudgeItem;
}

function toJudgeItem(
  key: string,
  data: Record<string, unknown>,
  kind: DatasetKind,
): JudgeItem | null {
  const intent = typeof data.intent === 'string' ? data.intent : null;
  const language = typeof data.language === 'string' ? data.language : null;
  const description = intent ? getIntent(intent)?.description : undefined;
  let turns: JudgeItem['turns'];
  if (kind === 'utterances') {
    if (typeof data.text !== 'string') return null;
    turns = [{ speaker: 'customer', text: data.text }];
  } else {
    if (!Array.isArray(data.turns)) return null;
    turns = (data.turns as { speaker?: unknown; text?: unknown }[])
      .filter(
        (t) => (t.speaker === 'customer' || t.speaker === 'agent') && typeof t.text === 'string',
      )
      .map((t) => ({ speaker: t.speaker as 'customer' | 'agent', text: t.text as string }));
  }
  return {
    id: key,
    intent,
    ...(description ? { intent_description: description } : {}),
    language,
    turns,
  };
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Locates input issues under the argument that carries them (`rubric.sample`). */
function located(err: InputError, prefix: string): InputError {
  return new InputError(
    err.issues.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix })),
  );
}

/** Parses and resolves a run's input (defaults from the server configuration). */
export function resolveJudgeSettings(raw: unknown, server: Config): JudgeSettings {
  const parsed = v.safeParse(JudgeInputSchema, raw ?? {});
  if (!parsed.success) throw located(InputError.fromIssues(parsed.issues), 'rubric');
  const input = parsed.output;
  const provider = input.provider ?? (input.model && input.model !== 'local' ? 'bedrock' : 'local');
  let model: string;
  if (provider === 'local') {
    if (input.model && input.model !== 'local') {
      throw new InputError([
        {
          path: 'rubric.model',
          ...codedMessage('judge.localModel'),
        },
      ]);
    }
    model = 'local';
  } else if (provider === 'bedrock') {
    model = input.model ?? server.bedrockModel ?? DEFAULT_BEDROCK_MODEL;
  } else {
    const m = input.model ?? server.openai.model;
    if (!m) {
      throw new InputError([
        {
          path: 'rubric.model',
          ...codedMessage('judge.openaiModel'),
        },
      ]);
    }
    model = m;
  }
  if (input.mode === 'batch' && provider !== 'bedrock') {
    throw new InputError([
      {
        path: 'rubric.mode',
        ...codedMessage('judge.batchNeedsBedrock'),
      },
    ]);
  }
  if (input.mode === 'batch' && !server.batch) {
    throw new InputError([
      {
        path: 'rubric.mode',
        ...codedMessage('judge.batchNotConfigured'),
      },
    ]);
  }
  return {
    provider,
    model,
    mode: input.mode,
    sample: input.sample ?? null,
    seed: input.seed ?? 'judge',
    maxItemId: 0,
    budgetUsd: input.budgetUsd ?? null,
    itemsPerCall: input.itemsPerCall,
    concurrency: input.concurrency,
  };
}

/**
 * The run's plan: the dataset's items up to `maxItemId` (a seeded sample of `sample` of them, in dataset order),
 * as the prompt carries them. The same settings plan the same items, so a resume fills exactly what is missing.
 */
async function planItems(
  services: Services,
  datasetId: number,
  kind: DatasetKind,
  config: JudgeRunConfig,
): Promise<PlannedItem[]> {
  const em = services.em.fork();
  const all: { key: string; id: number; position: number }[] = await em
    .createQueryBuilder(DatasetItemSchema, 'i')
    .select(['id', 'key', 'position'])
    .where({ dataset: datasetId, id: { $lte: config.maxItemId } })
    .orderBy({ position: 'asc', id: 'asc' })
    .execute('all', true);
  let chosen = all;
  if (config.sample !== null && config.sample < all.length) {
    // A seeded partial Fisher-Yates: the first `sample` of a shuffle, then back in dataset order.
    const random = new Random(`judge:${config.seed}`);
    const order = all.map((_, i) => i);
    for (let i = 0; i < config.sample; i++) {
      const j = random.int(i, order.length - 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    chosen = order
      .slice(0, config.sample)
      .sort((a, b) => a - b)
      .map((i) => all[i]!);
  }
  const planned: PlannedItem[] = [];
  for (const part of chunks(chosen, 500)) {
    const rows = await em.find(
      DatasetItemSchema,
      { id: { $in: part.map((r) => r.id) } },
      { fields: ['key', 'data', 'position'], orderBy: { position: 'asc', id: 'asc' } },
    );
    em.clear();
    for (const r of rows) {
      const item = toJudgeItem(r.key, r.data, kind);
      if (item) planned.push({ key: r.key, item });
    }
  }
  return planned;
}

async function scoredKeys(
  services: Services,
  datasetId: number,
  judge: string,
): Promise<Set<string>> {
  const rows: { item_key: string }[] = await services.em
    .fork()
    .createQueryBuilder(JudgeScoreSchema, 's')
    .select(['itemKey'])
    .where({ dataset: datasetId, judge })
    .execute('all', false);
  return new Set(rows.map((r) => r.item_key));
}

/** Prices the calls for the given items (input from the real prompts, output from a per-item allowance). */
function priceItems(
  items: readonly PlannedItem[],
  settings: Pick<JudgeSettings, 'itemsPerCall' | 'mode'>,
  price: ModelPrice | null,
  batchPrice: boolean,
) {
  let inputTokens = 0;
  const calls = chunks(items, settings.itemsPerCall);
  const system = estimateTokens(JUDGE_SYSTEM_PROMPT);
  for (const c of calls) inputTokens += system + estimateTokens(judgePrompt(c.map((p) => p.item)));
  const outputTokens = items.length * OUTPUT_TOKENS_PER_ITEM;
  const usage = { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 };
  const cost = price ? costOf(price, usage) * (batchPrice ? 0.5 : 1) : 0;
  return { calls: calls.length, inputTokens, outputTokens, costUsd: cost };
}

/** The judge's providers: the embedded heuristic judge, Bedrock, or an OpenAI-compatible server. */
export type JudgeProviderFactory = (settings: JudgeSettings) => ModelProvider;

export function defaultJudgeProviders(server: Config): JudgeProviderFactory {
  const local = new LocalProvider();
  const cache = new Map<string, ModelProvider>();
  return (settings) => {
    if (settings.provider === 'local') return local;
    const key = `${settings.provider}:${settings.model}`;
    let p = cache.get(key);
    if (!p) {
      p =
        settings.provider === 'openai'
          ? new OpenAIProvider({
              model: settings.model,
              baseURL: server.openai.baseURL,
              apiKey: server.openai.apiKey,
              requestTimeoutMs: server.bedrockTimeoutMs,
            })
          : new BedrockProvider({
              model: settings.model,
              ...(server.awsRegion ? { region: server.awsRegion } : {}),
              ...(server.bedrockEndpoint ? { endpoint: server.bedrockEndpoint } : {}),
              stream: server.bedrockStream,
              requestTimeoutMs: server.bedrockTimeoutMs,
            });
      cache.set(key, p);
    }
    return p;
  };
}

/** Parses a judge answer: the valid entries for the asked ids (others, and malformed entries, are left out). */
export function parseJudgeAnswer(
  answer: Pick<ModelAnswer, 'text' | 'toolInput'>,
  asked: ReadonlySet<string>,
): Map<string, JudgedItem> {
  const json = extractJson(answer) as { scores?: unknown } | null;
  const out = new Map<string, JudgedItem>();
  if (!json || typeof json !== 'object' || !Array.isArray(json.scores)) return out;
  for (const entry of json.scores) {
    const parsed = v.safeParse(JudgedItemSchema, entry);
    if (parsed.success && asked.has(parsed.output.id) && !out.has(parsed.output.id)) {
      out.set(parsed.output.id, parsed.output);
    }
  }
  return out;
}

/** The run's settings as stored. */
function settingsOf(run: JudgeRun): JudgeSettings {
  return {
    ...run.config,
    provider: run.provider as JudgeSettings['provider'],
    model: run.model,
    mode: run.mode as JudgeSettings['mode'],
  };
}

let sequence = 0;

/** Time-based, so events of a run resumed by another process still order after the earlier ones. */
function nextSequence(): number {
  sequence = Math.max(sequence + 1, Date.now() * 1000);
  return sequence;
}

function progressOf(
  run: JudgeRun,
  extra: { message?: string | null; batch?: JudgeProgress['batch'] } = {},
): JudgeProgress {
  return {
    runId: run.id,
    datasetId: (run.dataset as { id: number } | null)?.id ?? null,
    status: run.status,
    message: extra.message !== undefined ? extra.message : (run.error ?? null),
    mode: run.mode as JudgeProgress['mode'],
    model: run.model,
    planned: run.planned,
    scored: run.scored,
    failed: run.failed,
    calls: run.calls,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    costUsd: run.costUsd,
    estimateUsd: run.estimateUsd,
    batch: extra.batch ?? null,
    sequence: nextSequence(),
    updatedAt: new Date().toISOString(),
  };
}

/** Thrown inside a run when its lease went to another process: stop without writing. */
class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** The abort reason of a server or CLI shutdown: the run goes back to `queued`, resumable. */
class JudgeShutdown extends Error {
  override name = 'JudgeShutdown';
}

/** How a run ended. */
export interface JudgeRunResult {
  status: JudgeStatus;
  message: string | null;
}

interface Running {
  controller: AbortController;
  done: Promise<JudgeRunResult>;
  progress: JudgeProgress | null;
}

/**
 * Starts, resumes and reports judge runs in this process. One per process and database (see
 * {@link judgeManagerFor}); the CLI makes its own.
 */
export class JudgeManager {
  readonly #running = new Map<number, Running>();
  readonly #lease: Lease<JudgeRun>;

  constructor(
    private readonly services: Services,
    private readonly pubsub: AppPubSub | null,
    private readonly server: Config,
    private readonly providers: JudgeProviderFactory = defaultJudgeProviders(server),
    private readonly options: { logger?: Logger; backoffBaseMs?: number } = {},
  ) {
    this.#lease = new Lease({
      entity: JudgeRunSchema,
      em: () => services.em.fork(),
      leaseMs: server.leaseSeconds * 1000,
      what: 'a judge run',
      logger: options.logger,
    });
  }

  /** Validates the input, loads the dataset and plans the run: what {@link estimate} and {@link start} share. */
  async #prepare(datasetId: number, raw: unknown) {
    const settings = resolveJudgeSettings(raw, this.server);
    const em = this.services.em.fork();
    const dataset = await em.findOne(DatasetSchema, datasetId);
    if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
    if (dataset.kind === 'timeseries') {
      throw new InputError([
        {
          path: 'id',
          ...codedMessage('judge.timeSeries', { id: datasetId }),
        },
      ]);
    }
    const snapshot = await this.services.datasets(em).snapshot(datasetId);
    settings.maxItemId = snapshot.maxId;
    const plan = await planItems(this.services, datasetId, dataset.kind, settings);
    const judge = judgeName(settings.model);
    const done = await scoredKeys(this.services, datasetId, judge);
    const pending = plan.filter((p) => !done.has(p.key));
    const price = priceOf(settings.model, this.server.prices);
    const batchRuns =
      settings.mode === 'batch' && pending.length >= (this.server.batch?.minRecords ?? 100);
    const priced = priceItems(pending, settings, price, batchRuns);
    const estimate: JudgeEstimate = {
      datasetId,
      provider: settings.provider,
      model: settings.model,
      mode: settings.mode,
      items: plan.length,
      alreadyScored: plan.length - pending.length,
      toScore: pending.length,
      ...priced,
      priced: price !== null,
      budgetUsd: settings.budgetUsd,
      note:
        settings.mode === 'batch' && !batchRuns && pending.length > 0
          ? `${pending.length} item${pending.length === 1 ? '' : 's'} to score, fewer than a batch job's minimum of ${this.server.batch?.minRecords ?? 100} records: they are scored on demand, at the on-demand price`
          : null,
    };
    return { settings, dataset, plan, pending, estimate, judge };
  }

  /** What judging a dataset would cost, without calling the model. */
  async estimate(datasetId: number, raw: unknown): Promise<JudgeEstimate> {
    return (await this.#prepare(datasetId, raw)).estimate;
  }

  /**
   * Estimates a run, refuses it when the estimate is over the budget (`rubric.budgetUsd`) or the provider is
   * not usable, then creates it and starts it in the background.
   */
  async start(
    datasetId: number,
    raw: unknown,
  ): Promise<{ run: JudgeRun; estimate: JudgeEstimate }> {
    const { settings, dataset, plan, estimate, judge } = await this.#prepare(datasetId, raw);
    if (settings.budgetUsd !== null && estimate.costUsd > settings.budgetUsd) {
      throw new InputError([
        {
          path: 'rubric.budgetUsd',
          ...codedMessage(estimate.toScore === 1 ? 'judge.overBudgetOne' : 'judge.overBudget', {
            cost: `$${estimate.costUsd.toFixed(4)}`,
            count: estimate.toScore,
            model: settings.model,
            budget: `$${settings.budgetUsd}`,
          }),
        },
      ]);
    }
    await this.#checkProvider(settings);
    const em = this.services.em.fork();
    const { provider, model, mode, ...config } = settings;
    const run = em.create(JudgeRunSchema, {
      dataset,
      status: 'queued',
      provider,
      model,
      judge,
      mode,
      config,
      planned: plan.length,
      scored: estimate.alreadyScored,
      estimateUsd: estimate.costUsd,
    });
    await em.flush();
    this.#launch(run.id);
    return { run, estimate };
  }

  /** Resumes a paused, failed, cancelled or interrupted run: only unscored items of its plan are asked. */
  async resume(runId: number, changes: { budgetUsd?: number } = {}): Promise<JudgeRun> {
    if (this.#running.has(runId)) return this.#load(runId);
    const em = this.services.em.fork();
    const run = await em.findOne(JudgeRunSchema, runId);
    if (!run) throw new NotFoundError('JudgeRun', String(runId));
    if (run.status === 'completed') {
      throw new InputError([{ path: 'id', ...codedMessage('judge.completed', { id: runId }) }]);
    }
    await this.#checkProvider(settingsOf(run));
    if (changes.budgetUsd !== undefined)
      run.config = { ...run.config, budgetUsd: changes.budgetUsd };
    run.status = 'queued';
    run.error = null;
    await em.flush();
    this.#launch(runId);
    return run;
  }

  /** Cancels a running run; its scores so far stay. */
  async cancel(runId: number): Promise<JudgeRun> {
    const running = this.#running.get(runId);
    if (running) {
      running.controller.abort(new Error('cancelled'));
      await running.done;
    } else {
      await this.services.em
        .fork()
        .nativeUpdate(
          JudgeRunSchema,
          { id: runId, status: { $in: ['queued', 'paused', 'running'] } },
          { status: 'cancelled', finishedAt: new Date() },
        );
    }
    return this.#load(runId);
  }

  /** Runs left `running` or `queued` by a process that died (or free ones) are resumed. Returns their ids. */
  async resumeInterrupted(): Promise<number[]> {
    const runs = await this.services.em
      .fork()
      .find(
        JudgeRunSchema,
        { status: { $in: ['running', 'queued'] } },
        { fields: ['id', 'leaseOwner', 'leaseExpiresAt'] },
      );
    const ids = runs
      .filter((r) => this.#lease.takeable(r) && !this.#running.has(r.id))
      .map((r) => r.id);
    for (const id of ids) this.#launch(id);
    return ids;
  }

  wait(runId: number): Promise<JudgeRunResult | null> {
    return this.#running.get(runId)?.done ?? Promise.resolve(null);
  }

  isRunning(runId: number): boolean {
    return this.#running.has(runId);
  }

  /** Live progress of a running run, or the stored state of any other; null for an unknown id. */
  async progress(runId: number): Promise<JudgeProgress | null> {
    const live = this.#running.get(runId)?.progress;
    if (live) return live;
    const run = await this.services.em.fork().findOne(JudgeRunSchema, runId);
    return run ? progressOf(run) : null;
  }

  async load(runId: number): Promise<JudgeRun> {
    return this.#load(runId);
  }

  /** Stops every running run (server shutdown); they stay resumable. */
  async stopAll(): Promise<void> {
    const all = [...this.#running.values()];
    for (const r of all) r.controller.abort(new JudgeShutdown('stopping'));
    await Promise.allSettled(all.map((r) => r.done));
  }

  async #checkProvider(settings: JudgeSettings): Promise<void> {
    const provider = this.providers(settings);
    if (!provider.check) return;
    const checks = await provider.check();
    if (checks.some((c) => !c.ok && !c.optional))
      throw new ProviderConfigError(provider.name, provider.model, checks);
  }

  async #load(runId: number): Promise<JudgeRun> {
    const run = await this.services.em.fork().findOne(JudgeRunSchema, runId);
    if (!run) throw new NotFoundError('JudgeRun', String(runId));
    return run;
  }

  #publish(entry: Running, run: JudgeRun, extra: Parameters<typeof progressOf>[1] = {}) {
    entry.progress = progressOf(run, extra);
    this.pubsub?.publish('judge:progress', run.id, entry.progress);
  }

  #launch(runId: number) {
    const controller = new AbortController();
    setMaxListeners(64, controller.signal);
    const entry: Running = { controller, progress: null } as Running;
    this.#running.set(runId, entry);
    let stopHeartbeat: (() => void) | null = null;
    entry.done = (async (): Promise<JudgeRunResult> => {
      try {
        const claimed = await this.#lease.claim(runId, {
          status: { $nin: ['completed', 'failed', 'cancelled'] },
        });
        if (!claimed)
          return { status: 'queued', message: 'Another process is running this judge run.' };
        stopHeartbeat = this.#lease.heartbeat(async () => {
          if (!(await this.#lease.renew(runId))) controller.abort(new LeaseLost('lease lost'));
        });
        return await this.#run(runId, entry, controller.signal);
      } catch (err) {
        if (err instanceof LeaseLost || controller.signal.reason instanceof LeaseLost) {
          return { status: 'queued', message: 'another process took this run over' };
        }
        if (controller.signal.reason instanceof JudgeShutdown) {
          // Back to the queue, let go: the next `serve` or `genesis judge --resume` picks it up (a batch
          // phase's jobs stay saved on the run and are re-attached).
          await this.services.em
            .fork()
            .nativeUpdate(
              JudgeRunSchema,
              { id: runId, leaseOwner: this.#lease.owner },
              { status: 'queued', leaseOwner: null, leaseExpiresAt: null },
            );
          return { status: 'queued', message: 'stopped by a shutdown; resumable' };
        }
        const message = `The judge run failed: ${err instanceof Error ? err.message : String(err)}`;
        this.options.logger?.error({ err, runId }, 'judge run failed');
        await this.services.em.fork().nativeUpdate(
          JudgeRunSchema,
          { id: runId, leaseOwner: this.#lease.owner },
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
        stopHeartbeat?.();
        this.#running.delete(runId);
      }
    })();
  }

  async #run(runId: number, entry: Running, signal: AbortSignal): Promise<JudgeRunResult> {
    const em = this.services.em.fork();
    const run = await em.findOneOrFail(JudgeRunSchema, runId, { populate: ['dataset'] });
    const dataset = run.dataset as { id: number; kind: DatasetKind };
    const settings = settingsOf(run);
    const plan = await planItems(this.services, dataset.id, dataset.kind, run.config);
    const done = await scoredKeys(this.services, dataset.id, run.judge);
    let pending = plan.filter((p) => !done.has(p.key));
    const owner = this.#lease.owner;
    const mine = { id: runId, leaseOwner: owner };
    run.scored = plan.length - pending.length;
    run.planned = plan.length;
    run.status = 'running';
    run.startedAt ??= new Date();
    await em.nativeUpdate(JudgeRunSchema, mine, {
      status: 'running',
      planned: run.planned,
      scored: run.scored,
      startedAt: run.startedAt,
      error: null,
    });
    this.#publish(entry, run);
    const price = priceOf(settings.model, this.server.prices);

    let writes: Promise<unknown> = Promise.resolve();
    /** Stores one answer's scores and the run's counters in one transaction, while this process holds the run. */
    const write = (
      scores: Map<string, JudgedItem>,
      usage: { inputTokens: number; outputTokens: number },
      costUsd: number,
      calls: number,
      failed: number,
    ): Promise<void> => {
      const next = writes.then(async () => {
        const inserted = await this.services.em.fork().transactional(async (tx) => {
          let count = 0;
          if (scores.size > 0) {
            const rows = [...scores.values()].map((s) => ({
              dataset: dataset.id,
              run: runId,
              itemKey: s.id,
              judge: run.judge,
              labelFaithfulness: s.label_faithfulness.score,
              customerNaturalness: s.customer_naturalness.score,
              agentQuality: s.agent_quality?.score ?? null,
              languageRegister: s.language_register.score,
              overall: overallScore(s),
              reasons: Object.fromEntries(
                JUDGE_CRITERIA.flatMap((c) => (s[c] ? [[c, s[c]!.reason]] : [])),
              ),
              createdAt: new Date(),
            }));
            const result = await tx
              .createQueryBuilder(JudgeScoreSchema)
              .insert(rows)
              .onConflict(['dataset', 'itemKey', 'judge'])
              .ignore()
              .execute('run');
            count = (result as { affectedRows?: number }).affectedRows ?? rows.length;
          }
          const updated = await tx.nativeUpdate(JudgeRunSchema, mine, {
            scored: run.scored + count,
            failed: run.failed + failed,
            calls: run.calls + calls,
            inputTokens: run.inputTokens + usage.inputTokens,
            outputTokens: run.outputTokens + usage.outputTokens,
            costUsd: run.costUsd + costUsd,
          });
          if (updated === 0) throw new LeaseLost('another process took over this judge run');
          return count;
        });
        run.scored += inserted;
        run.failed += failed;
        run.calls += calls;
        run.inputTokens += usage.inputTokens;
        run.outputTokens += usage.outputTokens;
        run.costUsd += costUsd;
        this.#publish(entry, run);
      });
      writes = next.catch(() => undefined);
      return next;
    };

    const finish = async (status: JudgeStatus, message: string | null): Promise<JudgeRunResult> => {
      await writes;
      await this.services.em.fork().nativeUpdate(JudgeRunSchema, mine, {
        status,
        error: message,
        leaseOwner: null,
        leaseExpiresAt: null,
        finishedAt: status === 'paused' || status === 'queued' ? null : new Date(),
      });
      run.status = status;
      run.error = message;
      this.#publish(entry, run, { message });
      return { status, message };
    };

    let note: string | null = null;
    if (settings.mode === 'batch' && pending.length > 0) {
      const batch = this.server.batch;
      if (!batch) {
        note = 'batch settings are missing on this server: scored on demand';
      } else if (pending.length < batch.minRecords && !run.batchJobs?.length) {
        note = `${pending.length} items are fewer than a batch job's minimum of ${batch.minRecords} records: scored on demand`;
      } else {
        const { runJudgeBatch } = await import('./judge-batch.ts');
        try {
          const result = await runJudgeBatch({
            run,
            items: pending,
            batch,
            region: this.server.awsRegion,
            system: JUDGE_SYSTEM_PROMPT,
            prompt: (items) => judgePrompt(items.map((p) => p.item)),
            maxTokens: (n) => n * OUTPUT_TOKENS_PER_ITEM * 2 + 200,
            saveJobs: async (arns) => {
              run.batchJobs = arns;
              const saved = await this.services.em
                .fork()
                .nativeUpdate(JudgeRunSchema, mine, { batchJobs: arns });
              if (saved === 0) throw new LeaseLost('another process took over this judge run');
            },
            onProgress: (status, records) =>
              this.#publish(entry, run, { batch: { status, records } }),
            signal,
          });
          const cost = price
            ? costOf(price, { ...result.usage, cacheReadTokens: 0, cacheWriteTokens: 0 }) * 0.5
            : 0;
          await write(result.scores, result.usage, cost, result.records, 0);
          await this.services.em.fork().nativeUpdate(JudgeRunSchema, mine, { batchJobs: null });
          run.batchJobs = null;
          pending = pending.filter((p) => !result.scores.has(p.key));
          if (pending.length > 0)
            note = `${pending.length} items the batch did not score were scored on demand`;
        } catch (err) {
          if (signal.aborted) throw signal.reason;
          note = `batch not used (${err instanceof Error ? err.message : String(err)}): scored on demand`;
          this.options.logger?.warn({ runId, note }, 'judge batch failed');
        }
      }
    }

    const provider = this.providers(settings);
    const queue = chunks(pending, settings.itemsPerCall).map((items) => ({ items, attempt: 1 }));
    let failuresInRow = 0;
    let stop: { status: JudgeStatus; message: string } | null = null;
    const perItemCost = (items: PlannedItem[]) => priceItems(items, settings, price, false).costUsd;
    const base = this.options.backoffBaseMs ?? 1000;

    const worker = async () => {
      while (!stop && !signal.aborted) {
        const task = queue.shift();
        if (!task) return;
        const budget = run.config.budgetUsd;
        if (budget !== null && run.costUsd + perItemCost(task.items) > budget) {
          queue.unshift(task);
          stop ??= {
            status: 'paused',
            message: `the budget of $${budget} is reached ($${run.costUsd.toFixed(4)} spent); resume with a higher budget to score the remaining items`,
          };
          return;
        }
        const asked = new Set(task.items.map((p) => p.key));
        let answer: ModelAnswer | null = null;
        for (let retry = 0; retry <= CALL_RETRIES && !signal.aborted; retry++) {
          try {
            answer = await provider.call({
              system: JUDGE_SYSTEM_PROMPT,
              examples: '',
              prompt: judgePrompt(task.items.map((p) => p.item)),
              maxTokens: task.items.length * OUTPUT_TOKENS_PER_ITEM * 2 + 200,
              temperature: 0,
              seed: `${run.config.seed}:${task.items[0]!.key}:${task.attempt}`,
              signal,
            });
            break;
          } catch (err) {
            if (signal.aborted) return;
            if (err instanceof ProviderError && err.kind === 'config') {
              stop ??= { status: 'paused', message: err.message };
              queue.unshift(task);
              return;
            }
            const retryable =
              err instanceof ProviderError && ['throttled', 'server', 'timeout'].includes(err.kind);
            if (!retryable || retry === CALL_RETRIES) {
              this.options.logger?.warn({ err, runId }, 'judge call failed');
              break;
            }
            const wait =
              (err as ProviderError).retryAfterMs ??
              Math.min(20_000, base * 2 ** retry * (0.5 + Math.random()));
            await sleep(wait, signal).catch(() => undefined);
          }
        }
        if (signal.aborted) return;
        const scores = answer ? parseJudgeAnswer(answer, asked) : new Map<string, JudgedItem>();
        const missing = task.items.filter((p) => !scores.has(p.key));
        const giveUp = task.attempt >= ATTEMPTS ? missing.length : 0;
        if (!answer) {
          failuresInRow++;
          if (failuresInRow >= FAILURES_TO_PAUSE) {
            queue.unshift(task);
            stop ??= {
              status: 'paused',
              message: `${FAILURES_TO_PAUSE} calls in a row failed; resume when ${settings.provider} answers again`,
            };
            return;
          }
        } else failuresInRow = 0;
        const usage = answer?.usage ?? {
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        };
        const cost = answer && price ? costOf(price, usage) : 0;
        await write(scores, usage, cost, answer ? 1 : 0, giveUp);
        if (missing.length > 0 && task.attempt < ATTEMPTS) {
          queue.push({ items: missing, attempt: task.attempt + 1 });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, () => worker()));
    await writes;
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason instanceof LeaseLost) throw reason;
      if (reason instanceof JudgeShutdown)
        return finish('queued', 'stopped by a shutdown; resumable');
      return finish('cancelled', 'cancelled; the scores so far are kept');
    }
    // Set by the workers (closures), so TypeScript cannot see it change.
    const stopped = stop as { status: JudgeStatus; message: string } | null;
    if (stopped) return finish(stopped.status, stopped.message);
    const failedNote =
      run.failed > 0
        ? `${run.failed} items could not be scored (no valid answer after ${ATTEMPTS} attempts)`
        : null;
    return finish('completed', [note, failedNote].filter(Boolean).join('; ') || null);
  }
}

const managers = new WeakMap<Services, JudgeManager>();

/**
 * The judge manager of a server's services (GraphQL resolvers share it, so a run started through the API is
 * watched and resumed in the same place).
 */
export function judgeManagerFor(
  services: Services,
  pubsub: AppPubSub,
  server: Config,
): JudgeManager {
  let m = managers.get(services);
  if (!m) {
    m = new JudgeManager(services, pubsub, server);
    managers.set(services, m);
  }
  return m;
}

/** A dataset's judge results, for the report and the dataset page: null when nothing was judged. */
export interface JudgeSummary {
  datasetId: number;
  /** Items with scores (by any judge; each item counted once, its latest score). */
  items: number;
  judges: string[];
  /** Mean score per criterion (null when no item has it), and of the overall score. */
  means: Record<string, number | null>;
  overall: number;
  /** Items by overall score, rounded down: 1, 2, 3, 4, 5. */
  distribution: { score: number; items: number }[];
  /** What the dataset's judge runs cost in total, and their tokens. */
  costUsd: number;
  runs: number;
  /** The lowest-scored items, with their reasons. */
  lowest: { key: string; overall: number; reasons: Record<string, string> }[];
}

/** The latest score of each judged item of a dataset (any judge): item key -> overall and reasons. */
export async function judgeScoresOf(
  services: Services,
  datasetId: number,
): Promise<
  Map<
    string,
    {
      overall: number;
      judge: string;
      id: number;
      scores: Record<string, number | null>;
      reasons: Record<string, string>;
    }
  >
> {
  const rows = await services.em
    .fork()
    .find(JudgeScoreSchema, { dataset: datasetId }, { orderBy: { id: 'asc' } });
  const out = new Map<
    string,
    {
      overall: number;
      judge: string;
      id: number;
      scores: Record<string, number | null>;
      reasons: Record<string, string>;
    }
  >();
  for (const r of rows) {
    out.set(r.itemKey, {
      overall: r.overall,
      judge: r.judge,
      id: r.id,
      scores: {
        label_faithfulness: r.labelFaithfulness,
        customer_naturalness: r.customerNaturalness,
        agent_quality: r.agentQuality ?? null,
        language_register: r.languageRegister,
      },
      reasons: r.reasons,
    });
  }
  return out;
}

/** Summarises a dataset's stored judge scores and the cost of its judge runs; null when it has none. */
export async function judgeSummary(
  services: Services,
  datasetId: number,
): Promise<JudgeSummary | null> {
  const scores = await judgeScoresOf(services, datasetId);
  if (scores.size === 0) return null;
  const runs = await services.em
    .fork()
    .find(JudgeRunSchema, { dataset: datasetId }, { fields: ['costUsd'] });
  const means: Record<string, number | null> = {};
  for (const c of JUDGE_CRITERIA) {
    const values = [...scores.values()]
      .map((s) => s.scores[c])
      .filter((x): x is number => x !== null && x !== undefined);
    means[c] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
  const all = [...scores.entries()];
  const distribution = [1, 2, 3, 4, 5].map((score) => ({
    score,
    items: all.filter(([, s]) => Math.min(5, Math.floor(s.overall)) === score).length,
  }));
  return {
    datasetId,
    items: scores.size,
    judges: [...new Set(all.map(([, s]) => s.judge))],
    means,
    overall: all.reduce((a, [, s]) => a + s.overall, 0) / all.length,
    distribution,
    costUsd: runs.reduce((a, r) => a + r.costUsd, 0),
    runs: runs.length,
    lowest: all
      .sort((a, b) => a[1].overall - b[1].overall || a[1].id - b[1].id)
      .slice(0, 5)
      .map(([key, s]) => ({ key, overall: s.overall, reasons: s.reasons })),
  };
}
