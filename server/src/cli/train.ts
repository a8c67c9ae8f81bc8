import cliProgress from 'cli-progress';
import type { Config } from '../config.ts';
import { TrainingRunSchema } from '../db/entities/training-run.entity.ts';
import { initORM } from '../db/orm.ts';
import { DomainError, InputError } from '../errors.ts';
import { createAppPubSub } from '../pubsub.ts';
import { TrainingManager } from '../training/service.ts';

export interface TrainOptions {
  preset: 'quick_test' | 'fast' | 'balanced' | 'best' | 'cross_validation';
  model?: 'svm' | 'logreg' | 'nb';
  cv?: number;
  test?: number;
  learningCurve?: boolean;
  search?: 'grid' | 'random';
  experiment?: string;
  json?: boolean;
}

type Summary = { mean: number; std: number } | number;
const fmt = (x: Summary | undefined | null) =>
  x === undefined || x === null
    ? 'n/a'
    : typeof x === 'number'
      ? x.toFixed(4)
      : `${x.mean.toFixed(4)} ± ${x.std.toFixed(4)}`;

/** `genesis train DATASET`: trains in a worker thread with a progress bar; prints the metrics and the run id. */
export async function runTrain(
  server: Config,
  datasetId: number,
  opts: TrainOptions,
): Promise<number> {
  const services = await initORM(server.db);
  const pubsub = createAppPubSub();
  const manager = new TrainingManager(services, pubsub);
  const onSignal = () => void manager.stopAll();
  process.once('SIGINT', onSignal);
  try {
    let runId: number;
    try {
      runId = (
        await manager.start({
          datasetId,
          preset: opts.preset,
          ...(opts.test ? { testDatasetId: opts.test } : {}),
          ...(opts.model ? { model: opts.model } : {}),
          ...(opts.cv ? { cvFolds: opts.cv } : {}),
          ...(opts.learningCurve ? { learningCurve: true } : {}),
          ...(opts.experiment ? { experiment: opts.experiment } : {}),
          ...(opts.search ? { search: opts.search } : {}),
        })
      ).id;
    } catch (err) {
      if (err instanceof DomainError) {
        process.stderr.write(`error: ${err.message}\n`);
        return err instanceof InputError ? 2 : 1;
      }
      throw err;
    }
    const bar =
      process.stderr.isTTY && !opts.json
        ? new cliProgress.SingleBar(
            {
              format: 'training [{bar}] {percentage}% | {stage} | ETA {eta_formatted}',
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    bar?.start(100, 0, { stage: 'starting' });
    const events = pubsub.subscribe('training:progress', runId);
    const watching = (async () => {
      for await (const p of events) {
        bar?.update(Math.round(p.fraction * 100), {
          stage: p.fold ? `${p.stage} ${p.fold}/${p.folds}` : p.stage,
        });
      }
    })();
    await manager.wait(runId);
    await events.return(undefined);
    await watching;
    bar?.stop();
    const run = await services.em.fork().findOneOrFail(TrainingRunSchema, runId);
    const m = (run.metrics ?? {}) as {
      evaluation?: { kind: string; accuracy: Summary; macroF1: Summary } | null;
      test?: { accuracy: number; macroF1: number; top3Accuracy: number | null } | null;
      learningCurve?: { perClass: number | null; accuracy: Summary }[] | null;
      search?: {
        kind: string;
        best: { params: Record<string, unknown>; accuracy: Summary };
      } | null;
      timings?: { fitSeconds: number };
    };
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ runId: String(runId), status: run.status, error: run.error, evaluation: m.evaluation, test: m.test ? { accuracy: m.test.accuracy, macroF1: m.test.macroF1, top3Accuracy: m.test.top3Accuracy } : null, learningCurve: m.learningCurve ?? null, fitSeconds: m.timings?.fitSeconds ?? null }, null, 2)}\n`,
      );
    } else {
      const lines = [`Run ${runId} ${run.status}${run.error ? `: ${run.error}` : ''}`];
      if (m.evaluation)
        lines.push(
          `  ${m.evaluation.kind === 'cv' ? 'cross-validation' : 'hold-out'}: accuracy ${fmt(m.evaluation.accuracy)}, macro-F1 ${fmt(m.evaluation.macroF1)}`,
        );
      if (m.test)
        lines.push(
          `  test dataset: accuracy ${fmt(m.test.accuracy)}, macro-F1 ${fmt(m.test.macroF1)}, top-3 ${fmt(m.test.top3Accuracy)}`,
        );
      if (m.search)
        lines.push(
          `  ${m.search.kind} search: best ${JSON.stringify(m.search.best.params)} (CV accuracy ${fmt(m.search.best.accuracy)})`,
        );
      if (m.timings) lines.push(`  fit time: ${m.timings.fitSeconds.toFixed(2)} s`);
      for (const p of m.learningCurve ?? [])
        lines.push(`  learning curve, ${p.perClass ?? 'all'} per intent: ${fmt(p.accuracy)}`);
      if (run.status === 'completed')
        lines.push(`Try it: genesis predict ${runId} "my card hasn't arrived"`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return run.status === 'completed' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    await manager.stopAll();
    await services.close();
  }
}

/** `genesis predict RUN "text"`. */
export async function runPredict(
  server: Config,
  runId: number,
  text: string,
  opts: { top: number; json?: boolean },
): Promise<number> {
  const services = await initORM(server.db);
  try {
    const predictions = await new TrainingManager(services, createAppPubSub()).predict(
      runId,
      text,
      opts.top,
    );
    if (opts.json) process.stdout.write(`${JSON.stringify(predictions, null, 2)}\n`);
    else
      for (const p of predictions)
        process.stdout.write(`${(p.probability * 100).toFixed(1).padStart(5)}%  ${p.intent}\n`);
    return 0;
  } catch (err) {
    if (err instanceof DomainError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await services.close();
  }
}
