import * as v from 'valibot';
import {
  type EvaluationConfig,
  type ModelConfig,
  type NgramBlock,
  parseTrainingConfig,
  type TrainingConfig,
} from './config.ts';

const WORD_1_2 = { analyzer: 'word', ngramRange: [1, 2] } as const satisfies Partial<NgramBlock>;
const CHAR_WB_2_5 = {
  analyzer: 'char_wb',
  ngramRange: [2, 5],
} as const satisfies Partial<NgramBlock>;
const CHAR_WB_3_5 = {
  analyzer: 'char_wb',
  ngramRange: [3, 5],
} as const satisfies Partial<NgramBlock>;
// liblinear's own default tolerance for its dual solvers; scikit-learn's 1e-4 costs ~40% more fit time
// for the same accuracy on Banking77 (0.9027 vs 0.9032 5-fold CV, within fold noise).
const SVM = { kind: 'svm', C: 1, tol: 0.1 } as const;

export const PresetNameSchema = v.picklist([
  'quick_test',
  'fast',
  'balanced',
  'best',
  'cross_validation',
]);
export type PresetName = v.InferOutput<typeof PresetNameSchema>;

/** A named, documented training configuration. */
export interface Preset {
  readonly name: PresetName;
  readonly description: string;
  readonly config: TrainingConfig;
}

/**
 * The presets. Figures are Banking77 (10,003 texts, 77 intents) on a 2-core machine; see BENCHMARKS.md.
 * Every preset folds case and accents and uses sublinear-tf, smooth-idf TF-IDF.
 */
export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  quick_test: preset(
    'quick_test',
    'Smoke test: at most 20 examples per intent, word unigrams, complement naive Bayes, 20% hold-out. ' +
      'Checks that a dataset trains end to end in about a second; its accuracy means little (0.60 on ' +
      'Banking77).',
    {
      features: { blocks: [{ analyzer: 'word', ngramRange: [1, 1] }] },
      model: { kind: 'nb', alpha: 1 },
      evaluation: { kind: 'holdout', testFraction: 0.2 },
      maxExamplesPerClass: 20,
    },
  ),
  fast: preset(
    'fast',
    'Word 1-2-grams + linear SVM (C=1), 20% hold-out. About a second to fit on 10k texts; 0.877 ' +
      'hold-out accuracy on Banking77 (0.881 by 5-fold CV).',
    {
      features: { blocks: [WORD_1_2] },
      model: SVM,
      evaluation: { kind: 'holdout', testFraction: 0.2 },
    },
  ),
  balanced: preset(
    'balanced',
    'Word 1-2-grams + character 3-5-grams within words + linear SVM (C=1), 20% hold-out. 0.899 ' +
      'hold-out accuracy on Banking77 (0.901 by 5-fold CV) for about three quarters of the fit time ' +
      'of `best`.',
    {
      features: { blocks: [WORD_1_2, CHAR_WB_3_5] },
      model: SVM,
      evaluation: { kind: 'holdout', testFraction: 0.2 },
    },
  ),
  best: preset(
    'best',
    'Word 1-2-grams + character 2-5-grams within words + linear SVM (C=1), 20% hold-out: the most ' +
      'accurate configuration found (0.903 5-fold CV accuracy on Banking77, as scikit-learn’s best ' +
      'pipeline, in less fit time; 0.899 on its own 20% hold-out, where one split is within noise ' +
      'of `balanced`).',
    {
      features: { blocks: [WORD_1_2, CHAR_WB_2_5] },
      model: SVM,
      evaluation: { kind: 'holdout', testFraction: 0.2 },
    },
  ),
  cross_validation: preset(
    'cross_validation',
    'The `best` model evaluated by stratified 5-fold cross-validation (mean ± std over folds, pooled ' +
      'per-intent metrics): the figure to compare datasets and configurations by (0.903 ± 0.003 on ' +
      'Banking77). Six fits.',
    {
      features: { blocks: [WORD_1_2, CHAR_WB_2_5] },
      model: SVM,
      evaluation: { kind: 'cv', folds: 5 },
    },
  ),
};

function preset(name: PresetName, description: string, config: unknown): Preset {
  return { name, description, config: parseTrainingConfig(config) };
}

/** Changes to a preset, as the CLI and API offer them. */
export interface PresetOverrides {
  /** Another model kind (with its default hyperparameters) or a full model config. */
  readonly model?: ModelConfig['kind'] | Partial<ModelConfig>;
  /** k-fold cross-validation with this k, instead of the preset's evaluation. */
  readonly cvFolds?: number;
  readonly evaluation?: EvaluationConfig;
  readonly seed?: number;
}

/** A preset's config with overrides applied, validated. */
export function presetConfig(name: string, overrides: PresetOverrides = {}): TrainingConfig {
  const parsedName = v.safeParse(PresetNameSchema, name);
  if (!parsedName.success) {
    throw new RangeError(
      `Unknown preset "${name}"; choose one of ${PresetNameSchema.options.join(', ')}`,
    );
  }
  return withOverrides(PRESETS[parsedName.output].config, overrides);
}

/**
 * `base` (a preset's config, or a stored run's, e.g. one tuned by a search) with overrides applied, validated.
 * A model override of the same kind keeps `base`'s hyperparameters (a tuned C stays tuned).
 */
export function withOverrides(
  base: TrainingConfig,
  overrides: PresetOverrides = {},
): TrainingConfig {
  const model =
    overrides.model === undefined
      ? base.model
      : typeof overrides.model === 'string'
        ? overrides.model === base.model.kind
          ? base.model
          : { kind: overrides.model }
        : overrides.model;
  const evaluation =
    overrides.cvFolds !== undefined
      ? { kind: 'cv', folds: overrides.cvFolds }
      : (overrides.evaluation ?? base.evaluation);
  return parseTrainingConfig({ ...base, model, evaluation, seed: overrides.seed ?? base.seed });
}
