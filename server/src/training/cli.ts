import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { commandConfig, newTable, parseDatasetId, parseIntArg } from '../platform/cli.ts';
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
  /** Other datasets to train on too (`--add DATASET[:WEIGHT]`, repeatable). */
  add?: { id: number; weight: number }[];
  json?: boolean;
}

/** `--add DATASET[:WEIGHT]`: a dataset id and an optional weight > 0 (default 1), collected over repeats. */
export function parseWeightedDataset(
  value: string,
  previous: { id: number; weight: number }[] = [],
): { id: number; weight: number }[] {
  const [idText = '', weightText] = value.split(':');
  const id = parseDatasetId(idText);
  const weight = weightText === undefined ? 1 : Number(weightText);
  if (weightText !== undefined && (!/^\d*\.?\d+$/.test(weightText) || !(weight > 0))) {
    throw new InvalidArgumentError(
      `the weight after ":" must be a number greater than 0 (e.g. --add ${id}:2), got "${weightText}".`,
    );
  }
  return [...previous, { id, weight }];
}

type Summary = { mean: number; std: number } | number;
const fmt = (x: Summary | undefined | null) =>
  x === undefined || x === null
    ? 'n/a'
    : typeof x === 'number'
      ? x.toFixed(4)
      : `${x.mean.toFixed(4)} ± ${x.std.toFixed(4)}`;

/** `pnpm genesis train DATASET`: trains in a worker thread with a progress bar; prints the metrics and the run id. */
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
  // Runs left by a killed `pnpm genesis train` or server show as failed rather than running forever.
  await manager.recoverInterrupted();
  const onSignal = () => void manager.stopAll('cancel');
  process.once('SIGINT', onSignal);
  try {
    let runId: number;
    try {
      runId = (
        await manager.start({
          datasetId,
          ...(opts.add?.length ? { datasets: [{ id: datasetId, weight: 1 }, ...opts.add] } : {}),
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
      evaluation?:
        | { kind: 'cv'; accuracy: Summary; macroF1: Summary }
        | { kind: 'holdout'; testFraction: number; metrics: { accuracy: number; macroF1: number } }
        | null;
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
      if (m.evaluation?.kind === 'cv')
        lines.push(
          `  cross-validation: accuracy ${fmt(m.evaluation.accuracy)}, macro-F1 ${fmt(m.evaluation.macroF1)}`,
        );
      else if (m.evaluation?.kind === 'holdout')
        // The hold-out split's figures live in its metrics (one split: no mean and spread).
        lines.push(
          `  hold-out (${Math.round(m.evaluation.testFraction * 100)}% of the data): accuracy ${fmt(m.evaluation.metrics.accuracy)}, macro-F1 ${fmt(m.evaluation.metrics.macroF1)}`,
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
        lines.push(`Try it: pnpm genesis predict ${runId} "my card hasn't arrived"`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return run.status === 'completed' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    await manager.stopAll();
    await services.close();
  }
}

/** `pnpm genesis predict RUN "text"`. */
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

/** `pnpm genesis experiments`: every experiment with its run count, best run and last run date. */
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
        'No experiments yet. Group runs with `pnpm genesis train DATASET --experiment NAME`.\n',
      );
      return 0;
    }
    const table = newTable({
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
      `${table.toString()}\nSee the runs of one: pnpm genesis runs --experiment NAME\n`,
    );
    return 0;
  } finally {
    await services.close();
  }
}

/** `pnpm genesis runs [--experiment NAME]`: training runs, newest first. */
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
        // From the lineage recorded at creation: still there once a dataset is deleted.
        datasetId: r.lineage?.dataset.id ?? (r.dataset as { id: number } | null)?.id ?? null,
        datasetName: r.lineage?.dataset.name ?? null,
        testDatasetId:
          r.lineage?.testDataset?.id ?? (r.testDataset as { id: number } | null)?.id ?? null,
        testDatasetName: r.lineage?.testDataset?.name ?? null,
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
          ? `No runs in experiment "${opts.experiment}" (see \`pnpm genesis experiments\`).\n`
          : 'No training runs yet. Start one with `pnpm genesis train DATASET`.\n',
      );
      return 0;
    }
    const table = newTable({
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

/** Registers the training commands on the `genesis` program. */
export function registerTrainingCommands(program: Command): void {
  program
    .command('train')
    .description('train an intent classifier on a dataset (in a worker thread, with progress)')
    .argument('<dataset>', 'dataset id to train on', parseDatasetId)
    .addOption(
      new Option('--preset <name>', 'training preset')
        .choices(['quick_test', 'fast', 'balanced', 'best', 'cross_validation'])
        .default('best'),
    )
    .addOption(new Option('--model <kind>', 'classifier').choices(['svm', 'logreg', 'nb']))
    .option(
      '--cv <k>',
      'evaluate by stratified k-fold cross-validation',
      parseIntArg('--cv', 2, 20),
    )
    .option(
      '--test <dataset>',
      'also score on this dataset (train on synthetic, test on real)',
      parseDatasetId,
    )
    .option(
      '--learning-curve',
      'also train on 1, 3, 10, 30 and all examples per intent (needs --test)',
    )
    .addOption(
      new Option(
        '--search <kind>',
        'tune first: score configurations by stratified CV (--cv K folds, default 3), then train the best',
      ).choices(['grid', 'random']),
    )
    .option(
      '--search-space <spec>',
      'what --search tries: NAME=VALUES;NAME=VALUES (default C=0.1,0.3,1,3,10, or alpha for nb)',
    )
    .option(
      '--trials <n>',
      'random search: configurations to score (default 10)',
      parseIntArg('--trials', 1, 100),
    )
    .option('--experiment <name>', 'group the run with others to compare them')
    .option(
      '--add <dataset[:weight]>',
      'also train on this dataset (repeatable), weighted relative to DATASET (default 1); the run is still evaluated on DATASET only',
      parseWeightedDataset,
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Search space (--search-space): parameters separated by ";", each NAME=VALUES where VALUES is a
comma-separated list (grid search tries every combination, at most 100; random search draws from
it) or, for random search only, a range MIN..MAX sampled log-uniformly.
  NAME: C (svm, logreg), alpha, norm (nb), tol, maxIter, model (svm,logreg,nb), maxFeatures
        (every TF-IDF block; "all" keeps all), minDf, sublinearTf, maxExamplesPerClass, or a
        config path such as features.blocks.1.ngramRange with JSON values.
  Or JSON: '{"C": [0.1, 1, 10], "minDf": {"min": 1, "max": 5}}'.
Examples:
  genesis train 3 --search grid --search-space "C=0.1,1,10;maxFeatures=50000,100000" --cv 5
  genesis train 3 --search random --search-space "C=0.01..100;minDf=1,2,3" --trials 20
  genesis train 3 --model nb --search grid --search-space "alpha=0.1,0.3,1;norm=true,false"`,
    )
    .action(async (dataset: number, opts: TrainOptions) => {
      process.exitCode = await runTrain(commandConfig(program), dataset, opts);
    });

  program
    .command('predict')
    .description('the most likely intents of a text under a trained run')
    .argument('<run>', 'training run id', parseDatasetId)
    .argument('<text>', 'the text to classify')
    .option('--top <n>', 'how many intents', parseIntArg('--top', 1, 20), 5)
    .option('--json', 'print the result as JSON')
    .action(async (run: number, text: string, opts: { top: number; json?: boolean }) => {
      process.exitCode = await runPredict(commandConfig(program), run, text, opts);
    });

  program
    .command('experiments')
    .description('list experiments: run count, best run and its metric, last run')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      process.exitCode = await runExperiments(commandConfig(program), opts);
    });

  program
    .command('runs')
    .description('list training runs, newest first')
    .option('--experiment <name>', 'only the runs of this experiment')
    .option('--limit <n>', 'at most this many (default 50)', parseIntArg('--limit', 1, 500), 50)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { experiment?: string; limit: number; json?: boolean }) => {
      process.exitCode = await runRuns(commandConfig(program), opts);
    });
}
