import { COMPLEXITIES, LANGUAGES, RESOLUTIONS, SENTIMENTS } from '@genesis/schema/common';
import {
  DEFAULT_COMPLEXITIES,
  DEFAULT_LANGUAGES,
  DEFAULT_RESOLUTIONS,
  DEFAULT_SENTIMENTS,
  GENERATION_KINDS,
  type GenerationConfigInput,
  type GenerationInput,
  GenerationInputSchema,
  type GenerationKind,
  PROVIDERS,
  type ProviderName,
} from '@genesis/schema/generation';
import { issueCode } from '@genesis/schema/messages';
import { FREQUENCIES, type Frequency } from '@genesis/schema/timeseries';
import * as v from 'valibot';
import type { graphql } from '../graphql/graphql.ts';
import { type CodedIssue, type FieldMessage, messageOf, textOf } from '../i18n/api-messages.ts';
import {
  EXAMPLES_FILE_FIELD,
  EXAMPLES_JSON_FIELD,
  examplesFromJson,
  examplesList,
  type IntentExamples,
} from './examples.ts';

/** The API's `GenerationInput`, as the GraphQL documents type it. */
export type GenerationInputGql = ReturnType<typeof graphql.scalar<'GenerationInput'>>;

/** A number field as `bind:value` leaves it: a number, or empty. */
type NumberField = number | null | undefined;

/** The weight dimensions the form edits one number per value of. */
export const WEIGHT_FIELDS = {
  languages: LANGUAGES,
  sentiments: SENTIMENTS,
  complexities: COMPLEXITIES,
  resolutions: RESOLUTIONS,
} as const;
export type WeightField = keyof typeof WEIGHT_FIELDS;

/** How a Bedrock job makes its items (the schema's `mode`). */
export type GenerationMode = NonNullable<GenerationInput['mode']>;

/** The Bedrock generation modes, in the order the form offers them, each explained in a line. */
export const GENERATION_MODES: readonly { value: GenerationMode; label: string; hint: string }[] = [
  {
    value: 'on_demand',
    label: 'On demand',
    hint: 'Converse calls paced to your quota; items arrive as they are made.',
  },
  {
    value: 'batch',
    label: 'Batch',
    hint: 'Bedrock batch inference: half price, no per-minute quota; results within hours.',
  },
  {
    value: 'auto',
    label: 'Auto',
    hint: 'Batch for large jobs when the server has batch inference set up, otherwise on demand.',
  },
];

const GRAPHQL_MODES = { on_demand: 'ON_DEMAND', batch: 'BATCH', auto: 'AUTO' } as const;

/** Everything the Generate form holds, as its inputs hold it (numbers may be empty). */
export interface GenerationForm {
  kind: GenerationKind;
  count: NumberField;
  name: string;
  provider: ProviderName;
  model: string;
  /** Bedrock only; the local provider always answers on demand. */
  mode: GenerationMode;
  languages: Record<string, NumberField>;
  sentiments: Record<string, NumberField>;
  complexities: Record<string, NumberField>;
  resolutions: Record<string, NumberField>;
  /** Chosen intents (conversations); none means every intent, equally. */
  intents: string[];
  /** Chosen series types (time series); none means the catalog's domain shares. */
  seriesTypes: string[];
  /** Conversations: real examples per intent read from a file (`intentExamples`), or null for none. */
  intentExamples: IntentExamples | null;
  /** Time series: points per series, frequency ('' = each type's default), start, time zone, anomalies. */
  length: NumberField;
  frequency: Frequency | '';
  start: string;
  timeZone: string;
  anomalyShare: NumberField;
  /** Time series: the id of an imported time-series dataset to calibrate on ('' = the shipped parameters). */
  likeDatasetId: string;
  concurrency: NumberField;
  rpm: NumberField;
  tpm: NumberField;
  budgetUsd: NumberField;
  seed: NumberField;
}

/** A fresh form: 100 conversations with the schema's default target shares. */
export function defaultGenerationForm(): GenerationForm {
  return {
    kind: 'conversations',
    count: 100,
    name: '',
    provider: 'local',
    model: '',
    mode: 'on_demand',
    languages: { ...DEFAULT_LANGUAGES },
    sentiments: { ...DEFAULT_SENTIMENTS },
    complexities: { ...DEFAULT_COMPLEXITIES },
    resolutions: { ...DEFAULT_RESOLUTIONS },
    intents: [],
    seriesTypes: [],
    intentExamples: null,
    length: undefined,
    frequency: '',
    start: '',
    timeZone: '',
    anomalyShare: undefined,
    likeDatasetId: '',
    concurrency: undefined,
    rpm: undefined,
    tpm: undefined,
    budgetUsd: undefined,
    seed: undefined,
  };
}

const present = (n: NumberField): n is number => n !== null && n !== undefined;

/** The weights the user filled in; undefined when all are empty (the server default applies). */
function weightsOf(values: Record<string, NumberField>): Record<string, number> | undefined {
  const entries = Object.entries(values).filter((e): e is [string, number] => present(e[1]));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Equal weights for a chosen set; undefined for none chosen (the server default applies). */
function chosen(ids: readonly string[]): Record<string, number> | undefined {
  return ids.length > 0 ? Object.fromEntries(ids.map((id) => [id, 1])) : undefined;
}

/**
 * The form as `GenerationInputSchema` input: empty optional numbers are left out, an empty count
 * becomes NaN so the schema reports "count must be a number", and fields that do not apply to
 * the kind or provider (resolutions for series, a model or mode for the local provider) are
 * dropped.
 */
export function formToSchemaInput(form: GenerationForm): GenerationInput {
  const conversations = form.kind === 'conversations';
  const targets: NonNullable<GenerationInput['targets']> = {};
  const languages = weightsOf(form.languages);
  if (languages) targets.languages = languages;
  if (conversations) {
    const sentiments = weightsOf(form.sentiments);
    const complexities = weightsOf(form.complexities);
    const resolutions = weightsOf(form.resolutions);
    const intents = chosen(form.intents);
    if (sentiments) targets.sentiments = sentiments;
    if (complexities) targets.complexities = complexities;
    if (resolutions) targets.resolutions = resolutions;
    if (intents) targets.intents = intents;
  } else {
    const seriesTypes = chosen(form.seriesTypes);
    if (seriesTypes) targets.seriesTypes = seriesTypes;
  }

  const input: GenerationInput = {
    kind: form.kind,
    count: present(form.count) ? form.count : Number.NaN,
    provider: form.provider,
    targets,
  };
  const name = form.name.trim();
  if (name) input.name = name;
  if (form.provider === 'bedrock') {
    if (form.model.trim()) input.model = form.model.trim();
    input.mode = form.mode;
  }
  for (const key of ['concurrency', 'rpm', 'tpm', 'budgetUsd', 'seed'] as const) {
    const value = form[key];
    if (present(value)) input[key] = value;
  }
  if (conversations && form.intentExamples) input.intentExamples = form.intentExamples;
  if (!conversations) {
    if (present(form.length)) input.length = form.length;
    if (present(form.anomalyShare)) input.anomalyShare = form.anomalyShare;
    if (form.frequency) input.frequency = form.frequency;
    for (const key of ['start', 'timeZone', 'likeDatasetId'] as const) {
      const value = form[key].trim();
      if (value) input[key] = value;
    }
  }
  return input;
}

/** A frequency in the API's spelling: `1H` is `F_1H`. */
function frequencyEnum(f: Frequency): NonNullable<GenerationInputGql['frequency']> {
  return `F_${f.toUpperCase()}` as NonNullable<GenerationInputGql['frequency']>;
}

const toList = (weights: Record<string, number> | undefined) =>
  weights ? Object.entries(weights).map(([key, weight]) => ({ key, weight })) : undefined;

/** A validated input in the API's spelling: upper-case enums and weight lists instead of maps. */
export function toGraphQLInput(config: GenerationConfigInput): GenerationInputGql {
  const { targets } = config;
  return {
    kind: config.kind === 'conversations' ? 'CONVERSATIONS' : 'TIMESERIES',
    count: config.count,
    name: config.name ?? null,
    provider:
      config.provider === 'bedrock' ? 'BEDROCK' : config.provider === 'local' ? 'LOCAL' : null,
    model: config.model ?? null,
    mode: config.mode ? GRAPHQL_MODES[config.mode] : null,
    concurrency: config.concurrency ?? null,
    rpm: config.rpm ?? null,
    tpm: config.tpm ?? null,
    budgetUsd: config.budgetUsd ?? null,
    seed: config.seed ?? null,
    length: config.length ?? null,
    frequency: config.frequency ? frequencyEnum(config.frequency) : null,
    start: config.start ?? null,
    timeZone: config.timeZone ?? null,
    anomalyShare: config.anomalyShare ?? null,
    likeDatasetId: config.likeDatasetId ?? null,
    intentExamples: config.intentExamples ? examplesList(config.intentExamples) : null,
    targets: {
      languages: toList(targets.languages) ?? null,
      sentiments: toList(targets.sentiments) ?? null,
      complexities: toList(targets.complexities) ?? null,
      resolutions: toList(targets.resolutions) ?? null,
      intents: toList(targets.intents) ?? null,
      seriesTypes: toList(targets.seriesTypes) ?? null,
    },
  };
}

/**
 * Messages per form field, keyed like `count` or `targets.languages`; a coded message shows in the
 * reader's language (`$lib/i18n/api-messages.ts`).
 */
export type FieldErrors = Record<string, FieldMessage[]>;

/**
 * The form field an issue path belongs to. Server paths start with `input.`; weights are reported
 * per key (`targets.languages.fr`) but shown beside their group (`targets.languages`).
 */
export function fieldOfPath(path: string): string {
  const parts = path.split('.').filter(Boolean);
  if (parts[0] === 'input') parts.shift();
  if (parts[0] === 'targets' && parts[1]) return `targets.${parts[1]}`;
  // The examples file input's messages are the examples' (what the file held).
  if (parts[0] === EXAMPLES_FILE_FIELD) return 'intentExamples';
  return parts[0] ?? '';
}

/**
 * Groups `{ path, message }` issues by form field ('' for issues about the whole input), keeping
 * each message's code and parameters when it has them.
 */
export function fieldErrors(issues: readonly (CodedIssue & { path: string })[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOfPath(issue.path);
    const list = errors[field] ?? [];
    if (!list.some((m) => textOf(m) === issue.message)) list.push(messageOf(issue));
    errors[field] = list;
  }
  return errors;
}

/** The outcome of checking the form with the API's own schema. */
export type FormCheck =
  | { success: true; input: GenerationInputGql }
  | { success: false; errors: FieldErrors };

/**
 * Checks the form with `GenerationInputSchema`, the schema the API validates with, so the form
 * shows the same messages the server would send, before anything is sent.
 */
export function checkGenerationForm(form: GenerationForm): FormCheck {
  const parsed = v.safeParse(GenerationInputSchema, formToSchemaInput(form));
  if (parsed.success) return { success: true, input: toGraphQLInput(parsed.output) };
  return {
    success: false,
    errors: fieldErrors(
      parsed.issues.map((issue) => ({
        path: (issue.path ?? []).map((p) => String(p.key)).join('.'),
        message: issue.message,
        ...issueCode(issue),
      })),
    ),
  };
}

/** The id of a field's error list (`err-count`, `err-targets-languages`), for `aria-describedby`. */
export function errorId(field: string): string {
  return `err-${field.replace('.', '-')}`;
}

/** The name of the input holding one weight, e.g. `targets.languages.en`. */
export function weightInputName(field: WeightField, value: string): string {
  return `targets.${field}.${value}`;
}

/** A number input's value: undefined when empty, NaN when not a number (the schema says so). */
function numberOf(value: FormDataEntryValue | null): NumberField {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return Number(value);
}

function oneOf<T extends string>(
  value: FormDataEntryValue | null,
  options: readonly T[],
  fallback: T,
): T {
  return options.find((o) => o === value) ?? fallback;
}

function stringsOf(data: FormData, name: string): string[] {
  return data.getAll(name).filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * The form as a posted `FormData` holds it (the Generate form without JavaScript): the inverse of
 * the inputs' names. Fields the form did not show keep their defaults.
 */
export function generationFormFromData(data: FormData): GenerationForm {
  const form = defaultGenerationForm();
  form.kind = oneOf(data.get('kind'), GENERATION_KINDS, form.kind);
  form.count = numberOf(data.get('count'));
  form.name = String(data.get('name') ?? '');
  form.provider = oneOf(data.get('provider'), PROVIDERS, form.provider);
  form.model = String(data.get('model') ?? '');
  form.mode = oneOf(
    data.get('mode'),
    GENERATION_MODES.map((m) => m.value),
    form.mode,
  );
  for (const field of Object.keys(WEIGHT_FIELDS) as WeightField[]) {
    for (const value of WEIGHT_FIELDS[field]) {
      const name = weightInputName(field, value);
      if (data.has(name)) form[field][value] = numberOf(data.get(name));
    }
  }
  form.intents = stringsOf(data, 'targets.intents');
  form.seriesTypes = stringsOf(data, 'targets.seriesTypes');
  form.intentExamples = examplesFromJson(data.get(EXAMPLES_JSON_FIELD));
  form.length = numberOf(data.get('length'));
  form.anomalyShare = numberOf(data.get('anomalyShare'));
  form.frequency = oneOf(data.get('frequency'), ['', ...FREQUENCIES] as const, '');
  for (const key of ['start', 'timeZone', 'likeDatasetId'] as const) {
    form[key] = String(data.get(key) ?? '');
  }
  for (const key of ['concurrency', 'rpm', 'tpm', 'budgetUsd', 'seed'] as const) {
    form[key] = numberOf(data.get(key));
  }
  return form;
}
