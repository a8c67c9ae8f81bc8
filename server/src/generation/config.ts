import { randomInt } from 'node:crypto';
import {
  DEFAULT_COMPLEXITIES,
  DEFAULT_LANGUAGES,
  DEFAULT_RESOLUTIONS,
  DEFAULT_SENTIMENTS,
  type GenerationConfigInput,
  type GenerationKind,
  type ProviderName,
} from '@genesis/schema/generation';
import type { Frequency } from '@genesis/schema/timeseries';
import { DEFAULT_BEDROCK_MODEL } from '../llm/prices.ts';
import type { Config } from '../platform/config.ts';

/** A job's configuration with every default filled in: what is stored with the job and what resume reuses. */
export interface GenerationConfig {
  kind: GenerationKind;
  count: number;
  name: string;
  tags: string[];
  provider: ProviderName;
  model: string;
  seed: number;
  targets: {
    intents: Record<string, number> | null;
    languages: Record<string, number>;
    sentiments: Record<string, number>;
    complexities: Record<string, number>;
    resolutions: Record<string, number>;
    seriesTypes: Record<string, number> | null;
  };
  slotsPerCall: number;
  concurrency: number;
  rpm: number | null;
  tpm: number | null;
  budgetUsd: number | null;
  frequency: Frequency;
  start: string;
  length: number;
  maxConsecutiveFailures: number;
  maxAttemptsPerSlot: number;
  exampleDatasetId: string | null;
  mode: 'on_demand' | 'batch' | 'auto';
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
