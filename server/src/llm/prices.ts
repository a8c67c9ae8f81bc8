/**
 * On-demand Bedrock prices in US dollars per million tokens (us-east-1, standard tier), as listed in
 * docs/bedrock.md §9 on the date below. Cache writes are 1.25x input and reads 0.1x for Claude; Nova has no write
 * surcharge and ~75% off reads. Batch inference is half price. Override any entry with GENESIS_PRICES (JSON:
 * `{"<model id or profile>": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}}`).
 */
export const PRICES_AS_OF = '2026-11-25';

export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Claude Sonnet 4.5 through the US cross-region inference profile: a current, widely available default. */
export const DEFAULT_BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const claude = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheRead: input * 0.1,
  cacheWrite: input * 1.25,
});
const nova = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheRead: input * 0.25,
  cacheWrite: input,
});

const openai = (input: number, output: number, cached: number): ModelPrice => ({
  input,
  output,
  cacheRead: cached,
  cacheWrite: input,
});

/** Matched by substring of the model id, first match wins (so profiles `us.`, `eu.`, `global.` share a row). */
const TABLE: [pattern: string, price: ModelPrice][] = [
  ['claude-sonnet-4-5', claude(3, 15)],
  ['claude-sonnet-4', claude(3, 15)],
  ['claude-3-7-sonnet', claude(3, 15)],
  ['claude-3-5-sonnet', claude(3, 15)],
  ['claude-haiku-4-5', claude(1, 5)],
  ['claude-3-5-haiku', claude(0.8, 4)],
  ['nova-pro', nova(0.8, 3.2)],
  ['nova-lite', nova(0.06, 0.24)],
  ['nova-micro', nova(0.035, 0.14)],
  // OpenAI's Standard-tier list prices (provider `openai`; cached input is billed at the read price, no write
  // surcharge). Checked 2026-12-04: every figure (input, cached input, output) agrees with several dated copies of
  // OpenAI's pricing page (https://developers.openai.com/api/docs/pricing) from March to November 2026; the
  // official page itself could not be fetched from the build machine. Figures half these are the Batch tier, not
  // used here. Any other model on an OpenAI-compatible server (Ollama, vLLM, LM Studio) is not in the table and
  // costs nothing; price one with GENESIS_PRICES.
  ['gpt-4.1-nano', openai(0.1, 0.4, 0.025)],
  ['gpt-4.1-mini', openai(0.4, 1.6, 0.1)],
  ['gpt-4.1', openai(2, 8, 0.5)],
  ['gpt-4o-mini', openai(0.15, 0.6, 0.075)],
  ['gpt-4o', openai(2.5, 10, 1.25)],
  ['local', { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }],
];

/**
 * Models with Bedrock batch inference at half price (docs/bedrock.md §6 and §9: Claude 3.5+ and Nova Pro; Nova Lite and
 * Micro are not listed). `auto` mode picks batch only for these; an explicit `batch` is tried for any model.
 */
const BATCH_MODELS = ['anthropic.claude', 'nova-pro'];

export function supportsBatch(model: string): boolean {
  return BATCH_MODELS.some((p) => model.includes(p));
}

/** The models offered by name in the UI and CLI help. */
export const KNOWN_MODELS = [
  DEFAULT_BEDROCK_MODEL,
  'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  'us.amazon.nova-pro-v1:0',
  'us.amazon.nova-lite-v1:0',
] as const;

export function priceOf(
  model: string,
  overrides: Record<string, ModelPrice> = {},
): ModelPrice | null {
  if (overrides[model]) return overrides[model]!;
  for (const [pattern, price] of Object.entries(overrides))
    if (model.includes(pattern)) return price;
  for (const [pattern, price] of TABLE) if (model.includes(pattern)) return price;
  return null;
}

/** Cost in US dollars of one call's token usage. */
export function costOf(
  price: ModelPrice,
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
  },
): number {
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheReadTokens * price.cacheRead +
      usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000
  );
}

/**
 * How many quota tokens one output token burns (docs/bedrock.md §7): 5 for Claude 3.7 Sonnet and the Claude 4.x
 * family, 1 for other models. Bedrock reserves input + maxTokens x burndown when a call starts.
 */
export function outputBurndown(model: string): number {
  return /claude-(3-7|sonnet-4|opus-4|haiku-4)/.test(model) ? 5 : 1;
}
