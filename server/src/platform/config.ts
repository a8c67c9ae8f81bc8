import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';

/** Repository root, resolved from this file so commands work from any working directory. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const PortSchema = v.pipe(
  v.string(),
  v.regex(/^\d+$/, 'must be a whole number'),
  v.transform(Number),
  v.number(),
  v.minValue(0, 'must be between 0 and 65535'),
  v.maxValue(65535, 'must be between 0 and 65535'),
);

const PositiveIntSchema = v.pipe(
  v.string(),
  v.regex(/^\d+$/, 'must be a positive whole number'),
  v.transform(Number),
  v.number(),
  v.minValue(1, 'must be at least 1'),
);

/**
 * A comma-separated list, each entry checked and normalised by `entry` (which returns null for a bad one);
 * the first bad entry is named in the message, with `hint`.
 */
function listOf(entry: (value: string) => string | null, what: string, hint: string) {
  return v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const out: string[] = [];
      for (const raw of dataset.value.split(',')) {
        const value = raw.trim();
        if (!value) continue;
        const normalised = entry(value);
        if (normalised === null) {
          addIssue({ message: `"${value}" is not ${what}: ${hint}` });
          return NEVER;
        }
        out.push(normalised);
      }
      return out;
    }),
  );
}

/** `scheme://host[:port]` of an http(s) origin, normalised like a browser's `Origin`; null otherwise. */
function originEntry(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const bare =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    !url.username &&
    !url.password &&
    !url.search &&
    !url.hash &&
    url.pathname === '/' &&
    // `new URL` adds the root path; anything written after the host is refused, a lone `/` excepted.
    /^https?:\/\/[^/?#]+\/?$/i.test(value);
  return bare ? url.origin : null;
}

/** A host name or IP address without scheme or port (IPv6 in brackets or bare), lower-case. */
function hostEntry(value: string): string | null {
  const v6 = /^\[?([\da-f:.]+)\]?$/i.exec(value);
  if (v6?.[1]?.includes(':')) return isIP(v6[1]) === 6 ? v6[1].toLowerCase() : null;
  return /^(?=.{1,253}$)([a-z\d_]([a-z\d_-]{0,61}[a-z\d])?)(\.[a-z\d_]([a-z\d_-]{0,61}[a-z\d])?)*\.?$/i.test(
    value,
  )
    ? value.toLowerCase().replace(/\.$/, '')
    : null;
}

/**
 * Every environment variable the server reads, in one place. Unknown variables are ignored; a set variable
 * with a bad value is a startup error that names it.
 */
export const EnvSchema = v.object({
  GENESIS_DB: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  DATABASE_URL: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^postgres(ql)?:\/\//,
        'must be a postgres:// URL (use GENESIS_DB for a SQLite file)',
      ),
    ),
  ),
  GENESIS_REDIS_URL: v.optional(
    v.pipe(v.string(), v.regex(/^rediss?:\/\//, 'must be a redis:// URL')),
  ),
  /** How long a process holds a job without renewing before another may take it over. */
  GENESIS_LEASE_SECONDS: v.optional(PositiveIntSchema, '30'),
  HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  PORT: v.optional(PortSchema, '4000'),
  GENESIS_API_TOKEN: v.optional(
    v.pipe(v.string(), v.minLength(16, 'must be at least 16 characters when set')),
  ),
  /** Origins of other front ends that may call the API from a browser (the server's own is always allowed). */
  GENESIS_ALLOWED_ORIGINS: v.optional(
    listOf(
      originEntry,
      'an origin',
      'give comma-separated origins as scheme://host[:port], e.g. https://lab.example.com (no path, no *)',
    ),
  ),
  /** Names besides its addresses and localhost that the server answers for (the Host header). */
  GENESIS_PUBLIC_HOSTS: v.optional(
    listOf(
      hostEntry,
      'a host name',
      'give comma-separated names or addresses, e.g. lab.example.com,10.0.0.7 (no scheme, port or *)',
    ),
  ),
  GENESIS_PROVIDER: v.optional(v.picklist(['local', 'bedrock', 'openai']), 'local'),
  /** An OpenAI-compatible server's API root (OpenAI, Ollama, vLLM, LM Studio), e.g. http://127.0.0.1:11434/v1. */
  GENESIS_OPENAI_BASE_URL: v.optional(
    v.pipe(v.string(), v.url('must be a URL')),
    'https://api.openai.com/v1',
  ),
  GENESIS_OPENAI_API_KEY: v.optional(v.string()),
  GENESIS_OPENAI_MODEL: v.optional(v.string()),
  /**
   * A Hugging Face access token with write access, for pushing datasets to the Hub (never stored or logged). Its
   * shape is checked by the push, not here: a configuration error quotes the value, and a token must never be.
   */
  HF_TOKEN: v.optional(v.string()),
  /** The Hub to push to: the public Hub, or a self-hosted or test one. */
  HF_ENDPOINT: v.optional(v.pipe(v.string(), v.url('must be a URL')), 'https://huggingface.co'),
  AWS_REGION: v.optional(v.string()),
  GENESIS_BEDROCK_MODEL: v.optional(v.string()),
  GENESIS_BEDROCK_ENDPOINT: v.optional(v.pipe(v.string(), v.url('must be a URL'))),
  GENESIS_BATCH_ROLE_ARN: v.optional(
    v.pipe(v.string(), v.regex(/^arn:aws[\w-]*:iam::/, 'must be an IAM role ARN')),
  ),
  GENESIS_BATCH_INPUT_URI: v.optional(
    v.pipe(v.string(), v.regex(/^s3:\/\/[^/]+\/.*/, 'must be an s3://bucket/prefix/ URI')),
  ),
  GENESIS_BATCH_OUTPUT_URI: v.optional(
    v.pipe(v.string(), v.regex(/^s3:\/\/[^/]+\/.*/, 'must be an s3://bucket/prefix/ URI')),
  ),
  /** Endpoint of the Bedrock control plane and S3 for batch (the batch emulator in tests). */
  GENESIS_BATCH_ENDPOINT: v.optional(v.pipe(v.string(), v.url('must be a URL'))),
  GENESIS_BATCH_AUTO_MIN: v.optional(PositiveIntSchema, '1000'),
  GENESIS_BATCH_MIN_RECORDS: v.optional(PositiveIntSchema, '100'),
  GENESIS_BATCH_POLL_MS: v.optional(PositiveIntSchema, '30000'),
  GENESIS_BEDROCK_STREAM: v.optional(
    v.picklist(['true', 'false', '1', '0'], 'must be true or false'),
    'false',
  ),
  GENESIS_BEDROCK_TIMEOUT_MS: v.optional(PositiveIntSchema, '120000'),
  GENESIS_MAX_UPLOAD_MB: v.optional(PositiveIntSchema, '50'),
  /** Largest generation job: items x points per item (time-series points; a conversation counts as one). */
  GENESIS_MAX_JOB_POINTS: v.optional(PositiveIntSchema, '20000000'),
  GENESIS_LOG_LEVEL: v.optional(v.picklist(['silent', 'error', 'warn', 'info', 'debug']), 'info'),
  /** Price overrides, JSON: {"<model id or part of it>": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}} (USD per 1M tokens). */
  GENESIS_PRICES: v.optional(
    v.pipe(
      v.string(),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        try {
          return JSON.parse(dataset.value) as unknown;
        } catch {
          addIssue({ message: 'must be a JSON object' });
          return NEVER;
        }
      }),
      v.record(
        v.string(),
        v.object(
          {
            input: v.pipe(v.number(), v.minValue(0)),
            output: v.pipe(v.number(), v.minValue(0)),
            cacheRead: v.pipe(v.number(), v.minValue(0)),
            cacheWrite: v.pipe(v.number(), v.minValue(0)),
          },
          'each price needs input, output, cacheRead and cacheWrite in USD per million tokens',
        ),
        'must map model ids to prices',
      ),
    ),
  ),
});

export type Env = v.InferOutput<typeof EnvSchema>;

export interface Config {
  db: DbConfig;
  /** Shared event bus for several server processes (yoga's Redis event target). */
  redisUrl: string | undefined;
  leaseSeconds: number;
  host: string;
  port: number;
  apiToken: string | undefined;
  /** Exact origins (normalised) of other front ends allowed to call the API; the server's own always is. */
  allowedOrigins: string[];
  /** Host names the server answers for besides loopback names and its bind or interface addresses. */
  publicHosts: string[];
  provider: 'local' | 'bedrock' | 'openai';
  /** The OpenAI-compatible server (provider `openai`); the key is never logged or stored. */
  openai: { baseURL: string; apiKey: string | undefined; model: string | undefined };
  /** The Hugging Face Hub that `pushDataset` / `genesis push` write to; the token is never logged or stored. */
  hub: { endpoint: string; token: string | undefined };
  awsRegion: string | undefined;
  bedrockModel: string | undefined;
  bedrockEndpoint: string | undefined;
  /** Bedrock batch inference; null when not configured (a `batch` job is then refused at start, `auto` runs on demand). */
  batch: {
    roleArn: string;
    inputUri: string;
    outputUri: string;
    endpoint: string | undefined;
    autoMin: number;
    minRecords: number;
    pollMs: number;
  } | null;
  /** Use ConverseStream instead of Converse. */
  bedrockStream: boolean;
  /** Per-call timeout for Bedrock. */
  bedrockTimeoutMs: number;
  maxUploadBytes: number;
  /** Largest generation job accepted, in points: series x length for time series, items for conversations. */
  maxJobPoints: number;
  logLevel: Env['GENESIS_LOG_LEVEL'];
  /** Per-model price overrides (USD per 1M tokens). */
  prices: Record<string, { input: number; output: number; cacheRead: number; cacheWrite: number }>;
}

export type DbConfig = { type: 'sqlite'; path: string } | { type: 'postgresql'; url: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The default SQLite file, `data/genesis.sqlite` at the repository root (git-ignored). */
export const DEFAULT_SQLITE_PATH = resolve(REPO_ROOT, 'data/genesis.sqlite');

/** Reads and validates the configuration from environment variables. Throws ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(EnvSchema.entries)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const result = v.safeParse(EnvSchema, picked);
  if (!result.success) {
    const lines = result.issues.map((i) => {
      const key = i.path?.map((p) => String(p.key)).join('.') ?? '?';
      return `  ${key}=${JSON.stringify(picked[key] ?? '')}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.output;
  return {
    db: e.DATABASE_URL
      ? { type: 'postgresql', url: e.DATABASE_URL }
      : { type: 'sqlite', path: e.GENESIS_DB ? resolve(e.GENESIS_DB) : DEFAULT_SQLITE_PATH },
    redisUrl: e.GENESIS_REDIS_URL,
    leaseSeconds: e.GENESIS_LEASE_SECONDS,
    host: e.HOST,
    port: e.PORT,
    apiToken: e.GENESIS_API_TOKEN,
    allowedOrigins: e.GENESIS_ALLOWED_ORIGINS ?? [],
    publicHosts: e.GENESIS_PUBLIC_HOSTS ?? [],
    provider: e.GENESIS_PROVIDER,
    openai: {
      baseURL: e.GENESIS_OPENAI_BASE_URL,
      apiKey: e.GENESIS_OPENAI_API_KEY,
      model: e.GENESIS_OPENAI_MODEL,
    },
    hub: { endpoint: e.HF_ENDPOINT.replace(/\/+$/, ''), token: e.HF_TOKEN },
    awsRegion: e.AWS_REGION,
    bedrockModel: e.GENESIS_BEDROCK_MODEL,
    bedrockEndpoint: e.GENESIS_BEDROCK_ENDPOINT,
    batch:
      e.GENESIS_BATCH_ROLE_ARN && e.GENESIS_BATCH_INPUT_URI && e.GENESIS_BATCH_OUTPUT_URI
        ? {
            roleArn: e.GENESIS_BATCH_ROLE_ARN,
            inputUri: e.GENESIS_BATCH_INPUT_URI,
            outputUri: e.GENESIS_BATCH_OUTPUT_URI,
            endpoint: e.GENESIS_BATCH_ENDPOINT,
            autoMin: e.GENESIS_BATCH_AUTO_MIN,
            minRecords: e.GENESIS_BATCH_MIN_RECORDS,
            pollMs: e.GENESIS_BATCH_POLL_MS,
          }
        : null,
    bedrockStream: e.GENESIS_BEDROCK_STREAM === 'true' || e.GENESIS_BEDROCK_STREAM === '1',
    bedrockTimeoutMs: e.GENESIS_BEDROCK_TIMEOUT_MS,
    maxUploadBytes: e.GENESIS_MAX_UPLOAD_MB * 1024 * 1024,
    maxJobPoints: e.GENESIS_MAX_JOB_POINTS,
    logLevel: e.GENESIS_LOG_LEVEL,
    prices: e.GENESIS_PRICES ?? {},
  };
}
