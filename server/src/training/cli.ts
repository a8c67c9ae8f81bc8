import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import type { Config } from '../platform/config.ts';
import { initORM } from '../platform/db/orm.ts';
import { DomainError, InputError } from '../platform/errors.ts';
import { createAppPubSub } from '../platform/pubsub.ts';
import { headlineMetric, listExperiments } from './experiments.ts';
import { parseSearchSpace, type SearchParamSpec, SearchSpecError } from './search-space.ts';
import { TrainingManager } from './service.ts';
import { TrainingRunSchema } from './training-run.entity.ts';

export interface TrainOptions {
  preset: 'quick_test' | 'fast' | 'balanced' | 'best' | 'cross_validation';
  model?: 'svm' | 'logreg' | 'nb';
  cv?: number;
  test?: number;
  learningCurve?: boolean;
  search?: 'grid' | 'random';
  /** `C=0.1,1,10;maxFeatures=50000,100000`, `C=0.01..100` (random), or JSON; see parseSearchSpace. */
  searchSpace?: string;
  trials?: number;
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
  let searchSpace: SearchParamSpec[] | undefined;
  if (opts.searchSpace !== undefined || opts.trials !== undefined) {
    if (!opts.search) {
      process.stderr.write(
        `error: ${opts.searchSpace !== undefined ? '--search-space' : '--trials'} needs --search grid or --search random\n`,
      );
      return 2;
    }
    try {
      if (opts.searchSpace !== undefined) searchSpace = parseSearchSpace(opts.searchSpace);
    } catch (err) {
      if (!(err instanceof SearchSpecError)) throw err;
      process.stderr.write(`error: --search-space: ${err.message}\n`);
      return 2;
    }
  }
  const services = await initORM(server.db);
  const pubsub = createAppPubSub();
  const manager = new TrainingManager(services, pubsub, { leaseSeconds: server.leaseSeconds });
  // Runs left by a killed `genesis train` or server show as failed rather than running forever.
  await manager.recoverInterrupted();
  const onSignal = () => void manager.stopAll('cancel');
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
          ...(searchSpace ? { searchSpace } : {}),
          ...(opts.trials !== undefined ? { searchTrials: opts.trials } : {}),
        })
      ).id;
    } catch (err) {
      if (err instanceof DomainError) {
        process.stderr.write(`error: ${cliMessage(err)}\n`);
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
        folds: number;
        best: {
          params: Record<string, unknown>;
          values?: Record<string, unknown>;
          accuracy: Summary;
        };
        trials: unknown[];
      } | null;
      timings?: { fitSeconds: number };
    };
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ runId: String(runId), status: run.status, error: run.error, evaluation: m.evaluation, test: m.test ? { accuracy: m.test.accuracy, macroF1: m.test.macroF1, top3Accuracy: m.test.top3Accuracy } : null, learningCurve: m.learningCurve ?? null, search: m.search ?? null, experiment: run.experiment ?? null, fitSeconds: m.timings?.fitSeconds ?? null }, null, 2)}\n`,
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
          `  ${m.search.kind} search, ${m.search.trials.length} configurations by ${m.search.folds}-fold CV: best ${JSON.stringify(m.search.best.values ?? m.search.best.params)} (CV accuracy ${fmt(m.search.best.accuracy)})`,
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

/** Input errors of the training service, with its field names put as the CLI's flags. */
const FLAGS: Record<string, string> = {
  datasetId: 'DATASET',
  testDatasetId: '--test',
  cvFolds: '--cv',
  learningCurve: '--learning-curve',
  searchSpace: '--search-space',
  searchTrials: '--trials',
  experiment: '--experiment',
  model: '--model',
  preset: '--preset',
  search: '--search',
};

function cliMessage(err: DomainError): string {
  if (!(err instanceof InputError)) return err.message;
  return err.issues
    .map((i) => {
      const flag = FLAGS[i.path.split('.')[0] ?? ''];
      return flag ? `${flag}: ${i.message}` : i.path ? `${i.path}: ${i.message}` : i.message;
    })
    .join('; ');
}

const figure = (x: number | null | undefined) =>
  x === null || x === undefined ? '' : x.toFixed(4);

/** `genesis experiments`: every experiment with its run count, best run and last run date. */
export async function runExperiments(server: Config, opts: { json?: boolean }): Promise<number> {
  const services = await initORM(server.db);
  try {
    const list = await listExperiments(services.em.fork());
    const rows = list.map((e) => ({
      name: e.name,
      runCount: e.runCount,
      completedRuns: e.completedRuns,
      bestRunId: e.bestRun ? String(e.bestRun.id) : null,
      bestMetric: e.bestMetric,
      bestValue: e.bestValue,
      lastRunAt: e.lastRunAt.toISOString(),
    }));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ experiments: rows }, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write(
        'No experiments yet. Group runs with `genesis train DATASET --experiment NAME`.\n',
      );
      return 0;
    }
    const table = new Table({
      head: ['experiment', 'runs', 'completed', 'best run', 'metric', 'value', 'last run'],
    });
    for (const r of rows) {
      table.push([
        r.name,
        r.runCount,
        r.completedRuns,
        r.bestRunId ?? '',
        r.bestMetric ?? '',
        figure(r.bestValue),
        r.lastRunAt.slice(0, 16).replace('T', ' '),
      ]);
    }
    process.stdout.write(
      `${table.toString()}\nSee the runs of one: genesis runs --experiment NAME\n`,
    );
    return 0;
  } finally {
    await services.close();
  }
}

/** `genesis runs [--experiment NAME]`: training runs, newest first. */
export async function runRuns(
  server: Config,
  opts: { experiment?: string; limit: number; json?: boolean },
): Promise<number> {
  const services = await initORM(server.db);
  try {
    await new TrainingManager(services, createAppPubSub(), {
      leaseSeconds: server.leaseSeconds,
    }).recoverInterrupted();
    const em = services.em.fork();
    const where = opts.experiment ? { experiment: opts.experiment } : {};
    const [runs, total] = await em.findAndCount(TrainingRunSchema, where, {
      orderBy: { id: 'desc' },
      limit: opts.limit,
    });
    const rows = runs.map((r) => {
      const config = r.config as { model?: { kind?: string } };
      const headline = headlineMetric(r);
      return {
        id: String(r.id),
        status: r.status,
        experiment: r.experiment ?? null,
        preset: r.preset ?? null,
        model: config.model?.kind ?? null,
        datasetId: (r.dataset as { id: number } | null)?.id ?? null,
        testDatasetId: (r.testDataset as { id: number } | null)?.id ?? null,
        metric: headline?.name ?? null,
        accuracy: headline?.value ?? null,
        error: r.error ?? null,
        createdAt: r.createdAt.toISOString(),
      };
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ totalCount: total, runs: rows }, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write(
        opts.experiment
          ? `No runs in experiment "${opts.experiment}" (see \`genesis experiments\`).\n`
          : 'No training runs yet. Start one with `genesis train DATASET`.\n',
      );
      return 0;
    }
    const table = new Table({
      head: [
        'id',
        'status',
        'experiment',
        'preset',
        'model',
        'data',
        'test',
        'accuracy',
        'created',
      ],
    });
    for (const r of rows) {
      table.push([
        r.id,
        r.status,
        r.experiment ?? '',
        r.preset ?? '',
        r.model ?? '',
        r.datasetId ?? '',
        r.testDatasetId ?? '',
        r.accuracy === null
          ? ''
          : `${figure(r.accuracy)} (${r.metric === 'test.accuracy' ? 'test' : 'eval'})`,
        r.createdAt.slice(0, 16).replace('T', ' '),
      ]);
    }
    const more = total - rows.length;
    process.stdout.write(`${table.toString()}${more > 0 ? `\n(${more} more; use --limit)` : ''}\n`);
    return 0;
  } finally {
    await services.close();
  }
}
