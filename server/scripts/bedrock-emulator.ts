/**
 * `pnpm bedrock:emulator`: runs the Bedrock emulator until Ctrl-C, answering through the local provider.
 *
 *   pnpm bedrock:emulator --rpm 60 --tpm 60000 --latency 500-3000 --faults throttle=0.05,server=0.02
 *
 * Every flag also reads an environment variable (flags win): PORT, GENESIS_EMULATOR_RPM, _TPM, _LATENCY, _FAULTS,
 * _SCRIPT, _STORM, _SEED, _CACHE_MIN_TOKENS, _BURNDOWN.
 */
import { parseArgs } from 'node:util';
import {
  type EmulatorOptions,
  EmulatorOptionsError,
  parseFaults,
  parseLatency,
  parseScript,
} from '../src/llm/emulator/options.ts';
import { type Emulator, type EmulatorStats, startEmulator } from '../src/llm/emulator/server.ts';

const HELP = `Usage: pnpm bedrock:emulator [options]

  --port N               port (env PORT; default 4010)
  --host H               interface (default 127.0.0.1)
  --rpm N                requests per minute per model (default unlimited)
  --tpm N                tokens per minute per model (default unlimited)
  --latency MIN-MAX      answer latency in ms, uniform (e.g. 500-3000; default 0)
  --faults K=P,...       fault probabilities: throttle, server, malformed, truncated,
                         wrongIntent, wrongLanguage, stall, midStream
  --script K,K,...       faults for the first requests in order (none, server:503, ...)
  --storm N              consecutive 429s of a drawn throttle fault (default 3)
  --seed S               seed of the fault and latency draws
  --cache-min-tokens N   shortest cached prefix (default 1024)
  --burndown N           TPM cost of an output token (default 5 for Claude 3.7/4.x, else 1)
  -h, --help`;

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new EmulatorOptionsError(`${flag} must be a number, got "${text}"`);
  }
  return n;
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
  try {
    options = readOptions(process.argv.slice(2), process.env);
    emulator = await startEmulator(options);
  } catch (error) {
    const badFlag = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof EmulatorOptionsError) && !badFlag) throw error;
    console.error((error as Error).message);
    console.error(`\n${HELP}`);
    process.exit(2);
  }
  const latency =
    options.latency && typeof options.latency === 'object'
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
    await emulator.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
