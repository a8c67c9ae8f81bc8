import { parseSearchSpace, SearchSpecError } from '@genesis/schema/search-space';
import type { VariablesOf } from 'gql.tada';
import * as v from 'valibot';
import { type FieldErrors, issueErrors, textField } from '../forms.ts';
import type { EnumOf, ModelKind, TrainingPreset } from '../graphql/graphql.ts';
import type { FieldMessage } from '../i18n/api-messages.ts';
import type { StartTrainingMutation } from './documents.ts';

/** The API's `TrainingInput`, as the `startTraining` document types it. */
export type TrainingInputGql = VariablesOf<typeof StartTrainingMutation>['input'];

// Every value of the API's enums, checked complete by the compiler against the schema.
const PRESETS = Object.keys({
  BALANCED: true,
  BEST: true,
  CROSS_VALIDATION: true,
  FAST: true,
  QUICK_TEST: true,
} satisfies Record<TrainingPreset, true>) as TrainingPreset[];
const MODEL_KINDS = Object.keys({ SVM: true, LOGREG: true, NB: true } satisfies Record<
  ModelKind,
  true
>) as ModelKind[];

type SearchKind = EnumOf<'SearchKind'>;
const SEARCH_KINDS = Object.keys({ GRID: true, RANDOM: true } satisfies Record<
  SearchKind,
  true
>) as SearchKind[];

/** The preset the Train form starts with. */
export const DEFAULT_PRESET: TrainingPreset = 'QUICK_TEST';

/**
 * The Train form's fields as posted: text, as the inputs hold it (an empty number means "the
 * preset's"). The same values refill the form when the action refuses them without JavaScript.
 */
export interface TrainFormValues {
  datasetId: string;
  testDatasetId: string;
  preset: string;
  model: string;
  cvFolds: string;
  learningCurve: boolean;
  experiment: string;
  seed: string;
  /** '' (no search), GRID or RANDOM. */
  search: string;
  /** The search space in the CLI's syntax (`C=0.1,1,10; alpha=0.1..3`); '' for the default. */
  searchSpace: string;
}

/** A fresh form: nothing chosen, the quick-test preset. */
export function defaultTrainForm(): TrainFormValues {
  return {
    datasetId: '',
    testDatasetId: '',
    preset: DEFAULT_PRESET,
    model: '',
    cvFolds: '',
    learningCurve: false,
    experiment: '',
    seed: '',
    search: '',
    searchSpace: '',
  };
}

/** The Train form's values from its posted data. */
export function trainFormFromData(data: FormData): TrainFormValues {
  return {
    datasetId: textField(data, 'datasetId'),
    testDatasetId: textField(data, 'testDatasetId'),
    preset: textField(data, 'preset'),
    model: textField(data, 'model'),
    cvFolds: textField(data, 'cvFolds'),
    learningCurve: data.has('learningCurve'),
    experiment: textField(data, 'experiment'),
    seed: textField(data, 'seed'),
    search: textField(data, 'search'),
    searchSpace: textField(data, 'searchSpace'),
  };
}

/**
 * What the Train form may ask for, with the API's messages (the server checks the same limits
 * again, and what only it can know: that the datasets exist, that a learning curve has a test
 * dataset). Empty optional fields are left out before the check.
 */
export const TrainFormSchema = v.object({
  datasetId: v.pipe(v.string(), v.nonEmpty('Choose a dataset to train on')),
  testDatasetId: v.optional(v.string()),
  preset: v.picklist(PRESETS, `preset must be one of ${PRESETS.join(', ')}`),
  model: v.optional(v.picklist(MODEL_KINDS, `model must be one of ${MODEL_KINDS.join(', ')}`)),
  cvFolds: v.optional(
    v.pipe(
      v.number('cvFolds must be a number'),
      v.integer('cvFolds must be a whole number'),
      v.minValue(2, 'cvFolds must be at least 2'),
      v.maxValue(20, 'cvFolds must be at most 20'),
    ),
  ),
  learningCurve: v.boolean(),
  experiment: v.optional(
    v.pipe(v.string(), v.trim(), v.maxLength(120, 'experiment must be at most 120 characters')),
  ),
  seed: v.optional(
    v.pipe(v.number('seed must be a number'), v.integer('seed must be a whole number')),
  ),
  search: v.optional(v.picklist(SEARCH_KINDS, `search must be one of ${SEARCH_KINDS.join(', ')}`)),
});

/** The outcome of checking the Train form. */
export type TrainCheck =
  | { success: true; input: TrainingInputGql }
  | { success: false; errors: FieldErrors };

const orUndefined = (text: string) => (text.trim() === '' ? undefined : text);
const numberOrUndefined = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** Checks the Train form with {@link TrainFormSchema} and spells it as the API's input. */
export function checkTrainForm(values: TrainFormValues): TrainCheck {
  const parsed = v.safeParse(TrainFormSchema, {
    datasetId: values.datasetId,
    testDatasetId: orUndefined(values.testDatasetId),
    preset: values.preset,
    model: orUndefined(values.model),
    cvFolds: numberOrUndefined(values.cvFolds),
    learningCurve: values.learningCurve,
    experiment: orUndefined(values.experiment),
    seed: numberOrUndefined(values.seed),
    search: orUndefined(values.search),
  });
  if (!parsed.success) return { success: false, errors: issueErrors(parsed.issues) };
  const input = parsed.output;
  // The search space is parsed as the CLI parses --search-space; the API checks its values.
  let space: ReturnType<typeof parseSearchSpace> | null = null;
  if (values.searchSpace.trim()) {
    try {
      space = parseSearchSpace(values.searchSpace);
    } catch (err) {
      if (!(err instanceof SearchSpecError)) throw err;
      const message: FieldMessage = err.coded ? { ...err.coded } : err.message;
      return { success: false, errors: { searchSpace: [message] } };
    }
  }
  return {
    success: true,
    input: {
      datasetId: input.datasetId,
      testDatasetId: input.testDatasetId ?? null,
      preset: input.preset,
      model: input.model ?? null,
      cvFolds: input.cvFolds ?? null,
      learningCurve: input.learningCurve,
      experiment: input.experiment ?? null,
      seed: input.seed ?? null,
      search: input.search ?? null,
      searchSpace:
        space?.map((p) => ({
          name: p.name,
          values: p.values ? [...p.values] : null,
          min: p.min ?? null,
          max: p.max ?? null,
        })) ?? null,
    },
  };
}

/** What the start action answers to a refused submission. */
export interface TrainFailure {
  values: TrainFormValues;
  errors: FieldErrors;
  message: FieldMessage | null;
}
