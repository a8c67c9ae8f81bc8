import { PROVIDERS } from '@genesis/schema/generation';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { GenerationManager } from '../generation/service.ts';
import { commandConfig, parseMoney } from '../platform/cli.ts';
import type { Config } from '../platform/config.ts';
import { initORM } from '../platform/db/orm.ts';
import { DomainError, InputError } from '../platform/errors.ts';
import { createAppPubSub } from '../platform/pubsub.ts';
import { TrainingManager } from '../training/service.ts';
import { AugmentationSchema } from './augmentation.entity.ts';
import { type AugmentationLift, AugmentationManager } from './service.ts';

export interface AugmentOptions {
  count: number;
  provider?: (typeof PROVIDERS)[number];
  model?: string;
  curate?: boolean;
  seeds?: boolean;
  weight?: number;
  computeCv?: boolean;
  floor?: number;
  budget?: number;
  seed?: number;
  json?: boolean;
}

/** The flag each input path came from, for error messages. */
const FLAGS: Record<string, string> = {
  runId: 'RUN',
  count: '--count',
  weight: '--weight',
  floor: '--floor',
  provider: '--provider',
  model: '--model',
  budgetUsd: '--budget',
  seed: '--seed',
};

/** Any number: the service's schema says what is wrong with it (count 0, a weight <= 0), located at the flag. */
function number(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${flag} must be a number; got '${value}'.`);
    }
    return n;
  };
}

function parseRunId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(
      'RUN is a training run id, a positive whole number (see `genesis runs`).',
    );
  }
  return Number(value);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

function humanLift(lift: AugmentationLift): string[] {
  const lines = [
    `  ${lift.folds}-fold CV on the real data: accuracy ${pct(lift.accuracy.before)}% -> ${pct(lift.accuracy.after)}% (${signed(lift.accuracy.delta)} points), macro-F1 ${pct(lift.macroF1.before)}% -> ${pct(lift.macroF1.after)}% (${signed(lift.macroF1.delta)})`,
  ];
  if (lift.seeded) {
    lines.push(
      `  seeded: ${lift.seeded.rows} synthetic items came from real texts; the CV left out of each fold those seeded from its test texts (${lift.seeded.excludedPerFold.join(', ')} per fold)`,
    );
  }
  lines.push('  weakest intents (F1 before -> after, synthetic items):');
  for (const i of lift.perIntent.slice(0, 10)) {
    lines.push(
      `    ${i.intent}: ${pct(i.before)} -> ${pct(i.after)} (${signed(i.delta)}), ${i.planned} items${i.notIntents.length ? `, not ${i.notIntents.join(', ')}` : ''}`,
    );
  }
  return lines;
}

/** `genesis augment RUN --count N`: runs every step in this process and prints the lift. */
export async function runAugment(
  server: Config,
  runId: number,
  opts: AugmentOptions,
): Promise<number> {
  const services = await initORM(server.db);
  const pubsub = createAppPubSub();
  const { createLogger } = await import('../platform/logger.ts');
  const logger = createLogger(
    { logLevel: process.env.GENESIS_LOG_LEVEL ? server.logLevel : 'warn' },
    { stderr: true },
  );
  const generation = new GenerationManager(services, pubsub, server, undefined, { logger });
  const training = new TrainingManager(services, pubsub, {
    leaseSeconds: server.leaseSeconds,
    logger,
  });
  const manager = new AugmentationManager(services, pubsub, server, generation, training, {
    logger,
  });
  let started: number | null = null;
  const onSignal = () => {
    if (started !== null) void manager.cancel(started);
  };
  process.once('SIGINT', onSignal);
  try {
    try {
      started = (
        await manager.start({
          runId,
          count: opts.count,
          ...(opts.provider ? { provider: opts.provider } : {}),
          ...(opts.model ? { model: opts.model } : {}),
          ...(opts.curate ? { curate: true } : {}),
          ...(opts.seeds ? { seeds: true } : {}),
          ...(opts.weight !== undefined ? { weight: opts.weight } : {}),
          ...(opts.computeCv ? { computeCv: true } : {}),
          ...(opts.floor !== undefined ? { floor: opts.floor } : {}),
          ...(opts.budget !== undefined ? { budgetUsd: opts.budget } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        })
      ).id;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const message =
        err instanceof InputError
          ? err.issues.map((i) => `${FLAGS[i.path] ?? i.path}: ${i.message}`).join('; ')
          : err.message;
      process.stderr.write(`error: ${message}\n`);
      return err instanceof InputError ? 2 : 1;
    }
    const id = started;
    const events = pubsub.subscribe('augmentation:progress', id);
    let lastLine = '';
    const watching = (async () => {
      for await (const p of events) {
        if (opts.json) continue;
        const line = `augmentation ${id}: ${p.step.replace('_', ' ')}${p.message ? ` - ${p.message}` : ''}`;
        // One line per change of what is said, not per event: readable in a pipe or a log file.
        const said = line.replace(/\d+ of \d+/, '');
        if (said !== lastLine) process.stderr.write(`${line}\n`);
        lastLine = said;
      }
    })();
    await manager.wait(id);
    await events.return(undefined);
    await watching;
    const row = await services.em
      .fork()
      .findOneOrFail(AugmentationSchema, id, { populate: ['run', 'baselineRun'] });
    const lift = row.lift as unknown as AugmentationLift | null;
    const ref = (x: unknown) => {
      const n = (x as { id: number } | null)?.id;
      return n === undefined ? null : String(n);
    };
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify(
          {
            augmentationId: String(id),
            status: row.status,
            error: row.error ?? null,
            sourceRunId: String(runId),
            baselineRunId: ref(row.baselineRun),
            jobId: ref(row.job),
            syntheticDatasetId: ref(row.syntheticDataset),
            curatedDatasetId: ref(row.curatedDataset),
            runId: ref(row.run),
            plan: row.plan,
            lift,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const lines = [
        `Augmentation ${id} ${row.status}${row.error ? `: ${row.error}` : ''}`,
        `  synthetic dataset ${ref(row.syntheticDataset) ?? '-'}${row.curatedDataset ? `, curated ${ref(row.curatedDataset)}` : ''}; new run ${ref(row.run) ?? '-'} (baseline run ${ref(row.baselineRun) ?? '-'})`,
        ...(lift ? humanLift(lift) : []),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return row.status === 'completed' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    await manager.stopAll();
    await Promise.all([generation.stopAll(), training.stopAll()]);
    await services.close();
  }
}

/** Registers `genesis augment`. */
export function registerAugmentationCommands(program: Command): void {
  program
    .command('augment')
    .description(
      "generate synthetic data aimed at a run's weak intents and confusions (from its cross-validation), train on real + synthetic with the same preset, and report the lift",
    )
    .argument('<run>', 'training run id to improve', parseRunId)
    .requiredOption('--count <n>', 'synthetic items to generate', number('--count'))
    .addOption(new Option('--provider <name>', 'model provider').choices([...PROVIDERS]))
    .option('--model <id>', 'model id (bedrock) or name (openai)')
    .option('--curate', 'curate the synthetic data before training on it')
    .option(
      '--seeds',
      "seeded generation: each intent's slots get up to 20 of the run's own real texts of it as few-shot examples",
    )
    .option(
      '--weight <w>',
      'weight of the synthetic data relative to the real data (default 1)',
      number('--weight'),
    )
    .option(
      '--compute-cv',
      'cross-validate a run evaluated on a hold-out split first (the plan needs CV figures)',
    )
    .option(
      '--floor <f>',
      'how evenly items spread: 0 aims them all at the weak intents, larger values approach an even split',
      number('--floor'),
    )
    .option('--budget <usd>', 'stop the generation before it costs more', parseMoney)
    .option('--seed <n>', 'seed of the generation', number('--seed'))
    .option('--json', 'print the result as JSON')
    .action(async (run: number, opts: AugmentOptions) => {
      process.exitCode = await runAugment(commandConfig(program), run, opts);
    });
}
