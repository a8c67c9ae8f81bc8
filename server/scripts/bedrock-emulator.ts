/**
 * `pnpm bedrock:emulator`: runs the Bedrock emulator until Ctrl-C, answering through the local provider: the
 * runtime (Converse, ConverseStream) on --port, and the batch control plane (model invocation jobs) with an
 * S3-compatible object store on --batch-port.
 *
 *   pnpm bedrock:emulator --rpm 60 --tpm 60000 --latency 500-3000 --faults throttle=0.05,server=0.02
 *   pnpm bedrock:emulator --batch-job-seconds 60 --batch-faults failedRecords=0.05,failedJob=0.1
 *
 * Every flag also reads an environment variable (flags win): PORT, GENESIS_EMULATOR_RPM, _TPM, _LATENCY, _FAULTS,
 * _SCRIPT, _STORM, _SEED, _CACHE_MIN_TOKENS, _BURNDOWN.
 */
import { parseArgs } from 'node:util';
import {
  type BatchEmulatorOptions,
  BatchEmulatorOptionsError,
} from '@genesis/bedrock-emulator/batch/options';
import type { BatchEmulator } from '@genesis/bedrock-emulator/batch/server';
import {
  type EmulatorOptions,
  EmulatorOptionsError,
  parseFaults,
  parseLatency,
  parseScript,
} from '@genesis/bedrock-emulator/options';
import type { Emulator, EmulatorStats } from '@genesis/bedrock-emulator/server';
import { startLocalBatchEmulator, startLocalEmulator } from '../test/helpers/emulators.ts';

const HELP = `Usage: pnpm bedrock:emulator [options]

  --port N               port (env PORT; default 4010)
  --host H               interface (default 127.0.0.1)
  --rpm N                requests per minute per model (default unlimited)
  --tpm N                tokens per minute per model (default unlimited)
  --latency L            answer latency in ms: MIN-MAX uniform (500-3000), N fixed, or
                         lognormal:MEDIAN,SPREAD (lognormal:1200,0.6; a long right tail)
  --faults K=P,...       fault probabilities: throttle, server, malformed, truncated,
                         wrongIntent, wrongLanguage, stall, midStream
  --script K,K,...       faults for the first requests in order (none, server:503, ...)
  --storm N              consecutive 429s of a drawn throttle fault (default 3)
  --seed S               seed of the fault and latency draws
  --cache-min-tokens N   shortest cached prefix (default 1024)
  --burndown N           TPM cost of an output token (default 5 for Claude 3.7/4.x, else 1)

  Batch inference (control plane + S3 on one port):
  --batch-port N         port (default: --port + 1; 0 picks a free one)
  --batch-job-seconds N  how long a job stays InProgress (default 30)
  --batch-min-records N  Bedrock's minimum records per job (default 100)
  --batch-faults K=P,... failedRecords, failedJob, slowJob probabilities
  -h, --help`;

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new EmulatorOptionsError(`${flag} must be a number, got "${text}"`);
  }
  return n;
}

function parseBatchFaults(text: string): NonNullable<BatchEmulatorOptions['faults']> {
  const faults: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (!key || !['failedRecords', 'failedJob', 'slowJob'].includes(key))
      throw new EmulatorOptionsError(
        `--batch-faults: unknown fault "${key}"; known: failedRecords, failedJob, slowJob`,
      );
    const p = number(`--batch-faults ${key}`, value);
    if (p === undefined || p < 0 || p > 1)
      throw new EmulatorOptionsError(`--batch-faults ${key} must be a probability between 0 and 1`);
    faults[key] = p;
  }
  return faults;
}

function readBatchOptions(argv: string[], runtimePort: number): BatchEmulatorOptions {
  const { values } = parseArgs({ args: argv, strict: false });
  const text = (name: string) =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined;
  const seconds = number('--batch-job-seconds', text('batch-job-seconds')) ?? 30;
  const min = number('--batch-min-records', text('batch-min-records'));
  return {
    port: number('--batch-port', text('batch-port')) ?? (runtimePort === 0 ? 0 : runtimePort + 1),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    submittedMs: 1000,
    inProgressMs: seconds * 1000,
    ...(min !== undefined ? { minRecordsPerJob: min } : {}),
    ...(text('batch-faults') ? { faults: parseBatchFaults(text('batch-faults')!) } : {}),
  };
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      latency: { type: 'string' },
      faults: { type: 'string' },
      script: { type: 'string' },
      storm: { type: 'string' },
      seed: { type: 'string' },
      'cache-min-tokens': { type: 'string' },
      burndown: { type: 'string' },
      'batch-port': { type: 'string' },
      'batch-job-seconds': { type: 'string' },
      'batch-min-records': { type: 'string' },
      'batch-faults': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const pick = (flag: keyof typeof values, name: string) =>
    (values[flag] as string | undefined) ?? env[name];
  const latency = pick('latency', 'GENESIS_EMULATOR_LATENCY');
  const faults = pick('faults', 'GENESIS_EMULATOR_FAULTS');
  const script = pick('script', 'GENESIS_EMULATOR_SCRIPT');
  return {
    port: number('--port', pick('port', 'PORT')) ?? 4010,
    host: values.host ?? '127.0.0.1',
    rpm: number('--rpm', pick('rpm', 'GENESIS_EMULATOR_RPM')) ?? null,
    tpm: number('--tpm', pick('tpm', 'GENESIS_EMULATOR_TPM')) ?? null,
    ...(latency ? { latency: parseLatency(latency) } : {}),
    ...(faults ? { faults: parseFaults(faults) } : {}),
    ...(script ? { script: parseScript(script) } : {}),
    ...(pick('storm', 'GENESIS_EMULATOR_STORM')
      ? { throttleStorm: number('--storm', pick('storm', 'GENESIS_EMULATOR_STORM')) }
      : {}),
    ...(pick('burndown', 'GENESIS_EMULATOR_BURNDOWN')
      ? { outputBurndown: number('--burndown', pick('burndown', 'GENESIS_EMULATOR_BURNDOWN')) }
      : {}),
    ...(pick('seed', 'GENESIS_EMULATOR_SEED')
      ? { seed: pick('seed', 'GENESIS_EMULATOR_SEED') }
      : {}),
    ...(pick('cache-min-tokens', 'GENESIS_EMULATOR_CACHE_MIN_TOKENS')
      ? {
          cacheMinTokens: number(
            '--cache-min-tokens',
            pick('cache-min-tokens', 'GENESIS_EMULATOR_CACHE_MIN_TOKENS'),
          ),
        }
      : {}),
  };
}

function summary(stats: EmulatorStats): string {
  const faults = Object.entries(stats.faults)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind}=${n}`)
    .join(' ');
  const statuses = Object.entries(stats.byStatus)
    .map(([status, n]) => `${status}:${n}`)
    .join(' ');
  return `${stats.requests} requests (${statuses || 'none answered'}), quota 429s ${stats.throttled}, faults ${faults || 'none'}, tokens in ${stats.tokensIn} out ${stats.tokensOut} cache read ${stats.cacheReadTokens} write ${stats.cacheWriteTokens}`;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  let emulator: Emulator;
  let batch: BatchEmulator;
  try {
    options = readOptions(process.argv.slice(2), process.env);
    const batchOptions = readBatchOptions(process.argv.slice(2), options.port ?? 4010);
    emulator = await startLocalEmulator(options);
    batch = await startLocalBatchEmulator(batchOptions);
  } catch (error) {
    const badFlag = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (
      !(error instanceof EmulatorOptionsError) &&
      !(error instanceof BatchEmulatorOptionsError) &&
      !badFlag
    )
      throw error;
    console.error((error as Error).message);
    console.error(`\n${HELP}`);
    process.exit(2);
  }
  const latency =
    typeof options.latency === 'function'
      ? (process.argv.slice(2).find((a) => a.startsWith('lognormal')) ??
        process.env.GENESIS_EMULATOR_LATENCY ??
        'custom')
      : options.latency
        ? `${options.latency.minMs}-${options.latency.maxMs} ms`
        : '0 ms';
  const faults = Object.entries(options.faults ?? {})
    .map(([k, p]) => `${k}=${p}`)
    .join(',');
  console.log(`Bedrock emulator on ${emulator.url} (HTTP/1.1 and HTTP/2 cleartext)
  quota: ${options.rpm ?? 'unlimited'} requests/min, ${options.tpm ?? 'unlimited'} tokens/min per model; latency ${latency}; faults ${faults || 'none'}

Point GENESIS-LAB at it (any credentials work; the emulator doesn't check signatures):
  export GENESIS_PROVIDER=bedrock GENESIS_BEDROCK_ENDPOINT=${emulator.url}
  export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator
  pnpm genesis generate --kind conversations --count 50

Bedrock batch inference (control plane and S3) on ${batch.url}:
  export GENESIS_BATCH_ENDPOINT=${batch.url} GENESIS_BATCH_ROLE_ARN=arn:aws:iam::123456789012:role/genesis-batch
  export GENESIS_BATCH_INPUT_URI=s3://genesis-batch/input/ GENESIS_BATCH_OUTPUT_URI=s3://genesis-batch/output/
  pnpm genesis generate --kind conversations --count 1000 --mode batch

Ctrl-C stops it and prints the totals.`);

  let last = '';
  const timer = setInterval(() => {
    const line = summary(emulator.stats());
    if (line !== last) console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
    last = line;
  }, 10_000);
  const shutdown = async () => {
    clearInterval(timer);
    console.log(`\nTotals: ${summary(emulator.stats())}`);
    const b = batch.stats();
    console.log(`Batch: ${JSON.stringify(b.bedrock)}; S3: ${JSON.stringify(b.s3)}`);
    await Promise.all([emulator.stop(), batch.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
