import { randomInt } from 'node:crypto';
import {
  DEFAULT_COMPLEXITIES,
  DEFAULT_LANGUAGES,
  DEFAULT_RESOLUTIONS,
  DEFAULT_SENTIMENTS,
  GENERATION_KINDS,
  type GenerationConfigInput,
  GenerationInputSchema,
  PROVIDERS,
} from '@genesis/schema/generation';
import { formatIssues } from '@genesis/schema/issues';
import { FREQUENCIES } from '@genesis/schema/timeseries';
import * as v from 'valibot';
import { DEFAULT_BEDROCK_MODEL } from '../llm/prices.ts';
import type { Config } from '../platform/config.ts';
import { InputError } from '../platform/errors.ts';

const Weights = v.record(v.string(), v.pipe(v.number(), v.finite(), v.minValue(0)));
const Count = v.pipe(v.number(), v.integer(), v.minValue(1));
const Nullable = <T extends v.GenericSchema>(schema: T) => v.nullable(schema);

/**
 * A job's configuration with every default filled in: what is stored with the job and what resume reuses. It is
 * re-validated whenever a stored job is read (`readStoredConfig`), so a row written by an older version or
 * edited by hand fails with a message instead of running with a wrong shape.
 */
export const GenerationConfigSchema = v.object({
  kind: v.picklist(GENERATION_KINDS),
  count: Count,
  name: v.string(),
  tags: v.array(v.string()),
  provider: v.picklist(PROVIDERS),
  model: v.string(),
  seed: v.pipe(v.number(), v.integer()),
  targets: v.object({
    intents: Nullable(Weights),
    languages: Weights,
    sentiments: Weights,
    complexities: Weights,
    resolutions: Weights,
    seriesTypes: Nullable(Weights),
  }),
  slotsPerCall: Count,
  concurrency: Count,
  rpm: Nullable(Count),
  tpm: Nullable(Count),
  budgetUsd: Nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
  frequency: v.picklist(FREQUENCIES),
  start: v.string(),
  length: Count,
  maxConsecutiveFailures: Count,
  maxAttemptsPerSlot: Count,
  exampleDatasetId: Nullable(v.string()),
  mode: v.picklist(['on_demand', 'batch', 'auto']),
});
export type GenerationConfig = v.InferOutput<typeof GenerationConfigSchema>;

/** A stored job's configuration, checked against the schema; throws a readable error naming the fields. */
export function readStoredConfig(jobId: number, stored: unknown): GenerationConfig {
  const result = v.safeParse(GenerationConfigSchema, stored);
  if (result.success) return result.output;
  const problems = formatIssues(result.issues)
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`);
  throw new Error(
    `generation job ${jobId} has an invalid stored configuration (${problems.join('; ')})`,
  );
}

/**
 * Checks a generation request against the schema: the one check every entry point (GraphQL, CLI) goes through.
 * Throws an InputError naming each bad field.
 */
export function parseGenerationInput(raw: unknown): GenerationConfigInput {
  const parsed = v.safeParse(GenerationInputSchema, raw);
  if (!parsed.success) throw InputError.fromIssues(parsed.issues);
  return parsed.output;
}

/** Fills the defaults of a validated input. Provider and model default from the server's configuration. */
export function resolveConfig(input: GenerationConfigInput, server: Config): GenerationConfig {
  const provider = input.provider ?? server.provider;
  const t = input.targets ?? {};
  return {
    kind: input.kind,
    count: input.count,
    name: input.name ?? `${input.kind} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    tags: input.tags ?? [],
    provider,
    model:
      provider === 'local'
        ? 'local'
        : (input.model ?? server.bedrockModel ?? DEFAULT_BEDROCK_MODEL),
    seed: input.seed ?? randomInt(0, 2 ** 31 - 1),
    targets: {
      intents: t.intents ?? null,
      languages: t.languages ?? { ...DEFAULT_LANGUAGES },
      sentiments: t.sentiments ?? { ...DEFAULT_SENTIMENTS },
      complexities: t.complexities ?? { ...DEFAULT_COMPLEXITIES },
      resolutions: t.resolutions ?? { ...DEFAULT_RESOLUTIONS },
      seriesTypes: t.seriesTypes ?? null,
    },
    // Local answers are instant, so bigger calls only cut overhead; LLM answers must fit maxTokens.
    slotsPerCall:
      input.slotsPerCall ?? (provider === 'local' ? 10 : input.kind === 'conversations' ? 4 : 8),
    concurrency: input.concurrency ?? (provider === 'local' ? 4 : 8),
    rpm: input.rpm ?? null,
    tpm: input.tpm ?? null,
    budgetUsd: input.budgetUsd ?? null,
    frequency: input.frequency ?? '1H',
    start: input.start ?? '2025-01-06T00:00:00Z',
    length: input.length ?? 24 * 14,
    maxConsecutiveFailures: input.maxConsecutiveFailures ?? 25,
    maxAttemptsPerSlot: input.maxAttemptsPerSlot ?? 4,
    exampleDatasetId: input.exampleDatasetId ?? null,
    mode: input.mode ?? 'on_demand',
  };
}
