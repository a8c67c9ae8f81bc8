/**
 * Augmentation (docs/curation.md, "Augment"): from a trained run's cross-validated weak intents and confusions, a
 * planned generation, an optional curation, a run trained on real + synthetic with the same preset, and the lift
 * per intent and overall, cross-validated on the same real data with the same folds. Never reads a test set.
 */

import {
  AugmentationInputSchema,
  type AugmentationOptions,
  type AugmentationProgress,
  type AugmentationStep,
} from '@genesis/schema/augmentation';
import { MAX_INTENT_EXAMPLE_LENGTH, MAX_INTENT_EXAMPLES } from '@genesis/schema/generation';
import { codedMessage } from '@genesis/schema/messages';
import { Random } from '@genesis/schema/random';
import * as v from 'valibot';
import { type CurationRulesInput, curateDataset } from '../curation/service.ts';
import { parseGenerationInput, resolveConfig } from '../generation/config.ts';
import { estimateGeneration, type GenerationEstimate } from '../generation/estimate.ts';
import { GenerationJobSchema } from '../generation/generation-job.entity.ts';
import type { GenerationManager } from '../generation/service.ts';
import { clearLanguage } from '../language/language.ts';
import type { Config } from '../platform/config.ts';
import type { Services } from '../platform/db/orm.ts';
import { DomainError, InputError, NotFoundError } from '../platform/errors.ts';
import { Lease } from '../platform/lease.ts';
import type { Logger } from '../platform/logger.ts';
import type { AppPubSub } from '../platform/pubsub.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import type { EvaluationSummary } from '../training/pipeline.ts';
import { datasetTexts, INTERRUPTED_MESSAGE, type TrainingManager } from '../training/service.ts';
import { type TrainingRun, TrainingRunSchema } from '../training/training-run.entity.ts';
import { type Augmentation, AugmentationSchema } from './augmentation.entity.ts';
import { type AugmentationPlan, planAugmentation } from './plan.ts';

/** Cross-validation folds when a hold-out run is cross-validated first (the `cross_validation` preset's). */
const DEFAULT_CV_FOLDS = 5;

/**
 * The label-fidelity threshold bench:augment tried for curation with an oracle trained on the run's own real data
 * (never the shipped Banking77 oracle, which has seen data the run has not). No longer part of an augmentation's
 * curation: with 5-10 real texts per intent that oracle is too weak a judge, and the items it dropped cost
 * accuracy on bench:augment's development split, synthetic-only included (BENCHMARKS.md, "Augmentation").
 */
export const AUGMENT_MIN_LABEL_FIDELITY = 0.05;

/**
 * The curation an augmentation applies when asked (docs/curation.md, "Augment"): language mismatches and
 * near-duplicates, and, when the run's own data are single messages (utterances), every conversation cut to its
 * opening exchange, so the synthetic customer side reads like the messages the classifier is asked about.
 */
export function augmentationCurationRules(realKind: string): CurationRulesInput {
  return {
    dropLanguageMismatch: true,
    dropNearDuplicates: true,
    ...(realKind === 'utterances' ? { openingOnly: true } : {}),
  };
}

/** What the generation takes from the run's own real data: its languages, and the seeds when asked. */
export interface RealDataGuide {
  /** The dataset the run was trained on first (its own real data). */
  datasetId: number;
  kind: string;
  /** Shares of the languages its texts are clearly written in (absent when none is clear). */
  languages?: Record<string, number>;
  /** Per intent, up to 20 of its texts (seeded generation only). */
  intentExamples?: Record<string, string[]>;
}

/**
 * The languages of real texts: the share of each among those clearly written in one (`clearLanguage`), from up to
 * 2,000 of them. Synthetic items in a language the classifier never sees in its real data teach it nothing.
 */
export function languagesOf(texts: readonly string[]): Record<string, number> | undefined {
  const counts: Record<string, number> = {};
  const step = Math.max(1, Math.floor(texts.length / 2000));
  for (let i = 0; i < texts.length; i += step) {
    const language = clearLanguage(texts[i]!);
    if (language) counts[language] = (counts[language] ?? 0) + 1;
  }
  return Object.keys(counts).length > 0 ? counts : undefined;
}

/** Up to `MAX_INTENT_EXAMPLES` texts per intent, in a seeded order, cut to the length a seed may have. */
export function seedsOf(
  data: { texts: readonly string[]; labels: readonly string[] },
  seed: string,
): Record<string, string[]> {
  const byIntent = new Map<string, string[]>();
  data.texts.forEach((text, i) => {
    const t = text.trim().slice(0, MAX_INTENT_EXAMPLE_LENGTH).trim();
    if (!t) return;
    const list = byIntent.get(data.labels[i]!) ?? [];
    list.push(t);
    byIntent.set(data.labels[i]!, list);
  });
  const out: Record<string, string[]> = {};
  for (const [intent, texts] of [...byIntent].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[intent] = new Random(`${seed}:${intent}`)
      .shuffle([...new Set(texts)])
      .slice(0, MAX_INTENT_EXAMPLES);
  }
  return out;
}

export interface IntentLift {
  intent: string;
  planned: number;
  notIntents: string[];
  before: number;
  after: number;
  delta: number;
}

/** Before and after: the baseline's and the augmented run's cross-validated figures on the same real data. */
export interface AugmentationLift {
  basis: 'cross_validation';
  folds: number;
  accuracy: { before: number; after: number; delta: number };
  macroF1: { before: number; after: number; delta: number };
  /** Per intent, pooled out-of-fold F1, weakest first (before). */
  perIntent: IntentLift[];
  /**
   * Seeded augmentations: the synthetic rows seeded from real texts, and per fold how many of them the CV left
   * out of its training because they were seeded from a text that fold tests (docs/curation.md, "Augment").
   * Absent when no synthetic item was seeded.
   */
  seeded?: { rows: number; excludedPerFold: number[] };
}

export interface AugmentationPreview {
  run: TrainingRun;
  plan: AugmentationPlan;
  estimate: GenerationEstimate;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

class CancelledSignal extends Error {
  override name = 'CancelledSignal';
}

/** The training figures of a run, or null: `metrics.evaluation` only, never `metrics.test`. */
function cvOf(run: TrainingRun): Extract<EvaluationSummary, { kind: 'cv' }> | null {
  const evaluation = (run.metrics as { evaluation?: EvaluationSummary } | null)?.evaluation;
  return evaluation?.kind === 'cv' ? evaluation : null;
}

/** The lift of `after` over `before`, both cross-validated with the same folds on the same real data. */
export function liftOf(
  before: Extract<EvaluationSummary, { kind: 'cv' }>,
  after: Extract<EvaluationSummary, { kind: 'cv' }>,
  plan: AugmentationPlan,
): AugmentationLift {
  const d = (a: number, b: number) => ({ before: a, after: b, delta: b - a });
  const afterF1 = new Map(after.pooled.perClass.map((c) => [c.label, c.f1]));
  const planned = new Map(plan.perIntent.map((p) => [p.intent, p]));
  const perIntent = before.pooled.perClass
    .filter((c) => c.support > 0)
    .map((c) => {
      const a = afterF1.get(c.label) ?? 0;
      return {
        intent: c.label,
        planned: planned.get(c.label)?.count ?? 0,
        notIntents: planned.get(c.label)?.notIntents ?? [],
        before: c.f1,
        after: a,
        delta: a - c.f1,
      };
    })
    .sort((x, y) => x.before - y.before || (x.intent < y.intent ? -1 : 1));
  return {
    basis: 'cross_validation',
    folds: before.folds,
    accuracy: d(before.accuracy.mean, after.accuracy.mean),
    macroF1: d(before.macroF1.mean, after.macroF1.mean),
    perIntent,
    ...(after.seededExcluded && after.seededRows
      ? { seeded: { rows: after.seededRows, excludedPerFold: [...after.seededExcluded] } }
      : {}),
  };
}

/**
 * The plan's floor when a request gives none: every intent gets at least an equal split of the mean error on top
 * of its own. Chosen on bench:augment's development split (BENCHMARKS.md, "Augmentation"), where it did a little
 * better than plan.ts's 0.25 at 100 items per intent.
 */
export const AUGMENT_DEFAULT_FLOOR = 1;

function planOptions(options: AugmentationOptions) {
  return { floor: options.floor ?? AUGMENT_DEFAULT_FLOOR };
}

/** How a run is trained again (same preset, model, seed; CV folds from the run, else 5). */
function trainingInputOf(run: TrainingRun, extra: { id: number; weight: number } | null) {
  const config = run.config as {
    model?: { kind?: string };
    seed?: number;
    evaluation?: { kind: string; folds?: number };
  };
  const sets = run.lineage?.datasets?.map((d) => ({ id: d.id, weight: d.weight })) ?? [
    { id: (run.dataset as { id: number }).id, weight: 1 },
  ];
  return {
    datasets: extra ? [...sets, extra] : sets,
    preset: run.preset ?? 'cross_validation',
    ...(config.model?.kind ? { model: config.model.kind } : {}),
    cvFolds:
      config.evaluation?.kind === 'cv' && config.evaluation.folds
        ? config.evaluation.folds
        : DEFAULT_CV_FOLDS,
    ...(config.seed !== undefined ? { seed: config.seed } : {}),
  };
}

export interface AugmentationManagerOptions {
  leaseSeconds?: number;
  logger?: Logger | undefined;
  /** How often a step whose child runs in another process is checked again (default 1 s). */
  pollMs?: number;
}

/**
 * Runs augmentations in the background, one step after the other, each step recorded before it starts so a
 * restarted server (or another process, after the lease runs out) goes on where it stopped.
 */
export class AugmentationManager {
  readonly #running = new Map<
    number,
    { controller: AbortController; done: Promise<void>; progress: AugmentationProgress }
  >();
  readonly #lease: Lease<Augmentation>;
  readonly #logger: Logger | undefined;
  readonly #pollMs: number;
  #stopTakeover: (() => void) | null = null;

  constructor(
    private readonly services: Services,
    private readonly pubsub: AppPubSub,
    private readonly server: Config,
    private readonly generation: GenerationManager,
    private readonly training: TrainingManager,
    options: AugmentationManagerOptions = {},
  ) {
    this.#logger = options.logger;
    this.#pollMs = options.pollMs ?? 1000;
    this.#lease = new Lease({
      entity: AugmentationSchema,
      em: () => services.em.fork(),
      leaseMs: (options.leaseSeconds ?? server.leaseSeconds) * 1000,
      what: 'an augmentation',
      logger: options.logger,
    });
  }

  /** Checks a request and the run it names; located errors (`runId`, `count`, `weight`, ...). */
  async #check(raw: unknown): Promise<{
    options: AugmentationOptions;
    run: TrainingRun;
    cv: Extract<EvaluationSummary, { kind: 'cv' }> | null;
  }> {
    const parsed = v.safeParse(AugmentationInputSchema, raw);
    if (!parsed.success) throw InputError.fromIssues(parsed.issues);
    const options = parsed.output;
    const em = this.services.em.fork();
    const run = await em.findOne(TrainingRunSchema, options.runId);
    if (!run) {
      throw new InputError([
        { path: 'runId', ...codedMessage('augmentation.runMissing', { id: options.runId }) },
      ]);
    }
    if (run.status !== 'completed') {
      throw new InputError([
        {
          path: 'runId',
          ...codedMessage('augmentation.runNotCompleted', { id: run.id, status: run.status }),
        },
      ]);
    }
    if (!run.dataset) {
      throw new InputError([
        {
          path: 'runId',
          ...codedMessage('augmentation.datasetDeleted', { id: run.id }),
        },
      ]);
    }
    const cv = cvOf(run);
    if (!cv && !options.computeCv) {
      throw new InputError([
        {
          path: 'runId',
          ...codedMessage('augmentation.noCv', { id: run.id }),
        },
      ]);
    }
    // The generation request, checked now so a bad provider or model is refused before anything starts.
    resolveConfig(
      parseGenerationInput({
        kind: 'conversations',
        count: options.count,
        ...(options.provider ? { provider: options.provider } : {}),
        ...(options.model ? { model: options.model } : {}),
      }),
      this.server,
    );
    return { options, run, cv };
  }

  /** The plan and estimate of an augmentation of a cross-validated run, without starting anything. */
  async preview(raw: unknown): Promise<AugmentationPreview> {
    const { options, run, cv } = await this.#check({ ...(raw as object), computeCv: false });
    const plan = planAugmentation(cv, options.count, planOptions(options));
    const real = await this.#realGuide(run, options);
    const config = resolveConfig(
      parseGenerationInput(this.#generationInput(options, plan, run.id, real)),
      this.server,
    );
    return {
      run,
      plan,
      estimate: estimateGeneration(config, this.server.prices, this.server.batch),
    };
  }

  /** The run's own real data: its first dataset (never a test set). */
  async #realDataset(run: TrainingRun): Promise<{ datasetId: number; kind: string }> {
    const datasetId =
      run.lineage?.datasets?.[0]?.id ?? (run.dataset as { id: number } | null)?.id ?? null;
    if (datasetId === null) {
      throw new DomainError(`the dataset training run ${run.id} was trained on has been deleted`);
    }
    const dataset = await this.services.em.fork().findOne(DatasetSchema, datasetId);
    if (!dataset) throw new DomainError(`dataset ${datasetId} of run ${run.id} has been deleted`);
    return { datasetId, kind: dataset.kind };
  }

  /** Reads the run's own real data for the generation: its languages, and its texts as seeds when asked. */
  async #realGuide(run: TrainingRun, options: AugmentationOptions): Promise<RealDataGuide> {
    const { datasetId, kind } = await this.#realDataset(run);
    const data = await datasetTexts(this.services, datasetId);
    const languages = languagesOf(data.texts);
    return {
      datasetId,
      kind,
      ...(languages ? { languages } : {}),
      ...(options.seeds ? { intentExamples: seedsOf(data, `seeds:${run.id}`) } : {}),
    };
  }

  #generationInput(
    options: AugmentationOptions,
    plan: AugmentationPlan,
    runId: number,
    real: RealDataGuide,
  ) {
    const counts = Object.fromEntries(
      plan.perIntent.filter((p) => p.count > 0).map((p) => [p.intent, p.count]),
    );
    const notIntents = Object.fromEntries(
      plan.perIntent.filter((p) => p.notIntents.length > 0).map((p) => [p.intent, p.notIntents]),
    );
    return {
      kind: 'conversations' as const,
      count: plan.total,
      name: `augmentation of run ${runId}`,
      tags: ['augmentation'],
      intentCounts: counts,
      ...(Object.keys(notIntents).length ? { notIntents } : {}),
      ...(real.languages ? { targets: { languages: real.languages } } : {}),
      ...(real.intentExamples
        ? {
            intentExamples: Object.fromEntries(
              Object.entries(real.intentExamples).filter(([intent]) => intent in counts),
            ),
          }
        : {}),
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.model ? { model: options.model } : {}),
      ...(options.budgetUsd !== undefined ? { budgetUsd: options.budgetUsd } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    };
  }

  /** Validates a request, records the augmentation and starts it in the background. */
  async start(raw: unknown): Promise<Augmentation> {
    const { options, run, cv } = await this.#check(raw);
    const em = this.services.em.fork();
    const plan = cv ? planAugmentation(cv, options.count, planOptions(options)) : null;
    const row = em.create(AugmentationSchema, {
      status: 'queued',
      step: cv ? 'generation' : 'cross_validation',
      sourceRun: run.id,
      baselineRun: cv ? run.id : null,
      options: options as unknown as Record<string, unknown>,
      plan: plan as unknown as Record<string, unknown> | null,
      leaseOwner: this.#lease.owner,
      leaseExpiresAt: this.#lease.expiry(),
    } as never);
    await em.flush();
    this.#launch(row.id, row.step);
    return row;
  }

  async get(id: number): Promise<Augmentation | null> {
    return this.services.em.fork().findOne(AugmentationSchema, id);
  }

  isRunning(id: number): boolean {
    return this.#running.has(id);
  }

  async wait(id: number): Promise<void> {
    await this.#running.get(id)?.done;
  }

  /** The live progress of a running augmentation, else one built from its row. */
  async progress(id: number): Promise<AugmentationProgress | null> {
    const live = this.#running.get(id);
    if (live) return { ...live.progress };
    const row = await this.get(id);
    if (!row) return null;
    return {
      augmentationId: row.id,
      status: row.status,
      step: row.step,
      stepFraction: row.status === 'completed' ? 1 : 0,
      message: row.error ?? null,
      jobId: (row.job as { id: number } | null)?.id ?? null,
      runId: (row.run as { id: number } | null)?.id ?? null,
      sequence: 0,
    };
  }

  /** Cancels an augmentation and the generation job or training run it is waiting for. */
  async cancel(id: number): Promise<Augmentation> {
    const running = this.#running.get(id);
    if (running) {
      running.controller.abort(new CancelledSignal('cancelled'));
      await running.done;
    }
    const em = this.services.em.fork();
    const row = await em.findOne(AugmentationSchema, id);
    if (!row) throw new NotFoundError('Augmentation', String(id));
    if (!TERMINAL.has(row.status)) {
      row.status = 'cancelled';
      row.finishedAt = new Date();
      row.leaseOwner = null;
      await em.flush();
    }
    return row;
  }

  /** Augmentations left queued or running by a process that is gone are taken over. Returns their ids. */
  async resumeInterrupted(): Promise<number[]> {
    const em = this.services.em.fork();
    const rows = await em.find(AugmentationSchema, { status: { $in: ['queued', 'running'] } });
    const taken: number[] = [];
    for (const row of rows) {
      if (this.#running.has(row.id) || !this.#lease.takeable(row)) continue;
      if (!(await this.#lease.claim(row.id, { status: { $in: ['queued', 'running'] } }))) continue;
      this.#launch(row.id, row.step);
      taken.push(row.id);
    }
    return taken;
  }

  /** Takes over interrupted augmentations every half lease (as `serve` does for generation jobs). */
  startTakeover(intervalMs = Math.max(1000, this.#lease.leaseMs / 2)) {
    this.#stopTakeover ??= this.#lease.every(
      intervalMs,
      () => this.resumeInterrupted(),
      'taking over interrupted augmentations',
    );
  }

  /** Stops driving (the rows stay queued or running, for the next process to resume). */
  async stopAll(): Promise<void> {
    this.#stopTakeover?.();
    this.#stopTakeover = null;
    const all = [...this.#running.values()];
    for (const r of all) r.controller.abort(new Error('shutdown'));
    await Promise.all(all.map((r) => r.done));
  }

  #launch(id: number, step: AugmentationStep) {
    const controller = new AbortController();
    const progress: AugmentationProgress = {
      augmentationId: id,
      status: 'running',
      step,
      stepFraction: 0,
      message: null,
      jobId: null,
      runId: null,
      sequence: 0,
    };
    const entry = { controller, progress, done: Promise.resolve() };
    this.#running.set(id, entry);
    const stopHeartbeat = this.#lease.heartbeat(async () => {
      if (!(await this.#lease.renew(id))) controller.abort(new Error('lease lost'));
    });
    entry.done = (async () => {
      try {
        await this.#drive(id, controller.signal, progress);
      } catch (err) {
        const em = this.services.em.fork();
        const cancelled = controller.signal.reason instanceof CancelledSignal;
        if (controller.signal.aborted && !cancelled) {
          // Shutdown: left for a resume, and released so the next process takes it at once (a lost lease
          // is someone else's now, and the update matches nothing).
          await em.nativeUpdate(
            AugmentationSchema,
            { id, leaseOwner: this.#lease.owner },
            { leaseOwner: null },
          );
          return;
        }
        const message = cancelled
          ? null
          : err instanceof DomainError
            ? err.message
            : 'the augmentation failed unexpectedly (see the server log)';
        if (!cancelled && !(err instanceof DomainError)) {
          this.#logger?.error({ err, augmentationId: id }, 'augmentation failed');
        }
        await em.nativeUpdate(
          AugmentationSchema,
          { id, leaseOwner: this.#lease.owner },
          {
            status: cancelled ? 'cancelled' : 'failed',
            error: message,
            finishedAt: new Date(),
            leaseOwner: null,
          },
        );
        Object.assign(progress, { status: cancelled ? 'cancelled' : 'failed', message });
        this.#publish(progress);
      } finally {
        stopHeartbeat();
        this.#running.delete(id);
      }
    })();
  }

  #publish(progress: AugmentationProgress) {
    progress.sequence++;
    this.pubsub.publish('augmentation:progress', progress.augmentationId, { ...progress });
  }

  async #update(id: number, data: Record<string, unknown>) {
    await this.services.em
      .fork()
      .nativeUpdate(AugmentationSchema, { id, leaseOwner: this.#lease.owner }, data as never);
  }

  async #drive(id: number, signal: AbortSignal, progress: AugmentationProgress): Promise<void> {
    const em = this.services.em.fork();
    const row = await em.findOneOrFail(AugmentationSchema, id, {
      populate: ['sourceRun', 'baselineRun'],
    });
    const options = v.parse(AugmentationInputSchema, row.options);
    await this.#update(id, { status: 'running' });
    const step = (name: AugmentationStep, message: string, fraction = 0) => {
      Object.assign(progress, { status: 'running', step: name, stepFraction: fraction, message });
      this.#publish(progress);
    };
    const source = row.sourceRun as TrainingRun | null;
    if (!source) throw new DomainError('the training run being augmented was deleted');

    // 1. Cross-validate the source run when it has no CV (same preset, model and seed).
    let baseline = row.baselineRun as TrainingRun | null;
    if (!baseline || !cvOf(baseline)) {
      step('cross_validation', `cross-validating run ${source.id}`);
      baseline = await this.#train(
        id,
        'baselineRun',
        (row.baselineRun as TrainingRun | null)?.id ?? null,
        () =>
          this.training.start(
            { ...trainingInputOf(source, null), experiment: `augmentation-${id}` },
            { basedOn: source },
          ),
        signal,
        progress,
      );
    }
    const cv = cvOf(baseline);
    if (!cv) throw new DomainError(`run ${baseline.id} has no cross-validated figures`);
    const plan =
      (row.plan as unknown as AugmentationPlan | null) ??
      planAugmentation(cv, options.count, planOptions(options));
    if (!row.plan) await this.#update(id, { plan, step: 'generation' });

    // 2. Generate what the plan asks for (exact per-intent counts, contrastive guidance).
    step(
      'generation',
      `generating ${plan.total} conversations for ${plan.perIntent.length} intents`,
    );
    let jobId = (row.job as { id: number } | null)?.id ?? null;
    if (jobId === null) {
      const real = await this.#realGuide(source, options);
      const job = await this.generation.start(
        this.#generationInput(options, plan, source.id, real),
      );
      jobId = job.id;
      await this.#update(id, {
        job: job.id,
        syntheticDataset: (job.dataset as { id: number }).id,
      });
    }
    progress.jobId = jobId;
    const syntheticId = await this.#generate(jobId, signal, progress);

    // 3. Curate (when asked), with the oracle trained on the run's own real data.
    let trainOn = syntheticId;
    if (options.curate) {
      step('curation', `curating dataset ${syntheticId}`);
      const curatedId = (row.curatedDataset as { id: number } | null)?.id;
      if (curatedId) trainOn = curatedId;
      else {
        const { kind } = await this.#realDataset(source);
        const curated = await curateDataset(
          this.services,
          syntheticId,
          augmentationCurationRules(kind),
        );
        trainOn = curated.dataset.id;
        await this.#update(id, { curatedDataset: trainOn });
      }
    }
    signal.throwIfAborted();

    // 4. Train on real + synthetic with the same preset, model, folds and seed; 5. the lift.
    await this.#update(id, { step: 'training' });
    step('training', `training on the real data plus dataset ${trainOn}`);
    const after = await this.#train(
      id,
      'run',
      (row.run as { id: number } | null)?.id ?? null,
      () =>
        this.training.start(
          {
            ...trainingInputOf(baseline, { id: trainOn, weight: options.weight }),
            experiment: `augmentation-${id}`,
          },
          // The run's own config, not the preset's defaults: a C tuned by its search stays tuned.
          { basedOn: baseline },
        ),
      signal,
      progress,
    );
    const afterCv = cvOf(after);
    if (!afterCv) throw new DomainError(`run ${after.id} has no cross-validated figures`);
    const lift = liftOf(cv, afterCv, plan);
    await this.#update(id, {
      lift,
      step: 'done',
      status: 'completed',
      finishedAt: new Date(),
      leaseOwner: null,
    });
    Object.assign(progress, {
      status: 'completed',
      step: 'done',
      stepFraction: 1,
      message: `macro-F1 ${cv.macroF1.mean.toFixed(3)} → ${afterCv.macroF1.mean.toFixed(3)}`,
    });
    this.#publish(progress);
  }

  /** Waits for the generation job to finish (resuming it here when no process runs it); its dataset id. */
  async #generate(
    jobId: number,
    signal: AbortSignal,
    progress: AugmentationProgress,
  ): Promise<number> {
    const events = this.pubsub.subscribe('generation:progress', jobId);
    const relay = (async () => {
      for await (const e of events) {
        progress.stepFraction = e.requested > 0 ? e.accepted / e.requested : 0;
        progress.message = `generating: ${e.accepted} of ${e.requested} conversations`;
        this.#publish(progress);
      }
    })();
    const onAbort = () => {
      if (signal.reason instanceof CancelledSignal) void this.generation.cancel(jobId);
    };
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        signal.throwIfAborted();
        const job = await this.services.em.fork().findOne(GenerationJobSchema, jobId);
        if (!job) throw new DomainError(`generation job ${jobId} was deleted`);
        const datasetId = (job.dataset as { id: number } | null)?.id;
        if (!datasetId) throw new DomainError(`the dataset of generation job ${jobId} was deleted`);
        if (job.status === 'completed' || job.status === 'completed_short') {
          if (job.accepted === 0) throw new DomainError(`generation job ${jobId} made no items`);
          return datasetId;
        }
        if (job.status === 'failed' || job.status === 'cancelled' || job.status === 'paused') {
          throw new DomainError(
            `generation job ${jobId} is ${job.status}${job.error ? `: ${job.error}` : ''}; resume it (genesis resume ${jobId}) and augment again`,
          );
        }
        if (this.generation.isRunning(jobId)) await abortable(this.generation.wait(jobId), signal);
        else {
          // Queued or running with nobody driving it here: resume takes it when its holder is gone.
          await this.generation.resume(jobId).catch(() => undefined);
          if (!this.generation.isRunning(jobId)) await sleep(this.#pollMs, signal);
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await events.return(undefined);
      await relay;
    }
  }

  /**
   * Starts (or finds) a training run for a step and waits for it; a run interrupted by a restart is started
   * again. Records the run on the row (`field`) before waiting.
   */
  async #train(
    id: number,
    field: 'baselineRun' | 'run',
    existing: number | null,
    start: () => Promise<TrainingRun>,
    signal: AbortSignal,
    progress: AugmentationProgress,
  ): Promise<TrainingRun> {
    let runId = existing;
    for (;;) {
      signal.throwIfAborted();
      if (runId === null) {
        runId = (await start()).id;
        await this.#update(id, { [field]: runId });
      }
      progress.runId = runId;
      const events = this.pubsub.subscribe('training:progress', runId);
      const relay = (async () => {
        for await (const e of events) {
          progress.stepFraction = e.fraction;
          this.#publish(progress);
        }
      })();
      const current = runId;
      const onAbort = () => {
        if (signal.reason instanceof CancelledSignal) void this.training.cancel(current);
      };
      signal.addEventListener('abort', onAbort);
      try {
        for (;;) {
          signal.throwIfAborted();
          const run = await this.services.em.fork().findOne(TrainingRunSchema, current);
          if (!run) throw new DomainError(`training run ${current} was deleted`);
          if (run.status === 'completed') return run;
          if (run.status === 'failed' && run.error === INTERRUPTED_MESSAGE) {
            runId = null; // interrupted by a restart: train it again
            break;
          }
          if (run.status === 'failed' || run.status === 'cancelled') {
            throw new DomainError(
              `training run ${current} ${run.status}${run.error ? `: ${run.error}` : ''}`,
            );
          }
          if (this.training.isRunning(current))
            await abortable(this.training.wait(current), signal);
          else await sleep(this.#pollMs, signal);
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
        await events.return(undefined);
        await relay;
      }
    }
  }
}

/** Waits for `work` or for the signal, whichever comes first (the work goes on; the caller checks the signal). */
async function abortable(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
