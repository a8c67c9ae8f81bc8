import * as v from 'valibot';

/** The message of an n-gram range whose minimum exceeds its maximum (a search names it by its text). */
export const NGRAM_ORDER = 'the minimum n must not exceed the maximum n';

const PositiveIntSchema = v.pipe(v.number(), v.integer(), v.minValue(1));
const PositiveNumberSchema = v.pipe(v.number(), v.gtValue(0));

/**
 * One TF-IDF block of the feature union. `word` takes tokens of two or more letters, digits or underscores
 * (scikit-learn's default token pattern) and joins consecutive tokens into n-grams; `char_wb` takes
 * character n-grams inside each whitespace-separated word padded with one space on each side (scikit-learn's
 * `char_wb`). Each block is L2-normalised on its own and then scaled by `weight`, like a scikit-learn
 * `FeatureUnion` with `transformer_weights`.
 */
export const NgramBlockSchema = v.object({
  analyzer: v.picklist(['word', 'char_wb']),
  ngramRange: v.pipe(
    v.tuple([PositiveIntSchema, PositiveIntSchema]),
    v.check(([lo, hi]) => lo <= hi, NGRAM_ORDER),
  ),
  /** Keep only terms that occur in at least this many training documents. */
  minDf: v.optional(PositiveIntSchema, 1),
  /** Keep only the most frequent terms (by total count in the training documents); null keeps all. */
  maxFeatures: v.optional(v.nullable(PositiveIntSchema), null),
  /** Use `1 + ln(tf)` instead of the raw count. */
  sublinearTf: v.optional(v.boolean(), true),
  weight: v.optional(PositiveNumberSchema, 1),
});
export type NgramBlock = v.InferOutput<typeof NgramBlockSchema>;

/** Text features: folding applied to every text, then the union of TF-IDF blocks. */
export const FeatureConfigSchema = v.object({
  /** Strip accents and other combining marks (NFD), so `¿Dónde está mi tarjeta?` matches `donde esta`. */
  foldAccents: v.optional(v.boolean(), true),
  lowercase: v.optional(v.boolean(), true),
  blocks: v.pipe(v.array(NgramBlockSchema), v.minLength(1, 'give at least one block')),
});
export type FeatureConfig = v.InferOutput<typeof FeatureConfigSchema>;

/** L2-regularised linear SVM, one-vs-rest, squared hinge loss, solved in the dual (liblinear's method). */
export const SvmConfigSchema = v.object({
  kind: v.literal('svm'),
  /** Inverse regularisation strength, as in scikit-learn's `LinearSVC(C=...)`. */
  C: v.optional(PositiveNumberSchema, 1),
  /** Stop when the projected-gradient spread of the dual falls below this. */
  tol: v.optional(PositiveNumberSchema, 1e-4),
  maxIter: v.optional(PositiveIntSchema, 1000),
});

/** Multinomial (softmax) logistic regression with an L2 penalty on the weights, fitted by L-BFGS. */
export const LogregConfigSchema = v.object({
  kind: v.literal('logreg'),
  /** Inverse regularisation strength, as in scikit-learn's `LogisticRegression(C=...)`. */
  C: v.optional(PositiveNumberSchema, 10),
  /** Stop when the largest absolute gradient component falls below this. */
  tol: v.optional(PositiveNumberSchema, 1e-5),
  maxIter: v.optional(PositiveIntSchema, 300),
});

/** Complement naive Bayes (Rennie et al. 2003), as scikit-learn's `ComplementNB`. */
export const NbConfigSchema = v.object({
  kind: v.literal('nb'),
  /** Additive (Laplace/Lidstone) smoothing. */
  alpha: v.optional(PositiveNumberSchema, 1),
  /** Normalise the weights per class (the paper's step 5); off in scikit-learn by default. */
  norm: v.optional(v.boolean(), false),
});

/** The classifier and its hyperparameters. */
export const ModelConfigSchema = v.variant('kind', [
  SvmConfigSchema,
  LogregConfigSchema,
  NbConfigSchema,
]);
export type ModelConfig = v.InferOutput<typeof ModelConfigSchema>;
export type ModelKind = ModelConfig['kind'];

/** How a training run measures itself: not at all, on a stratified held-out share, or by stratified k-fold CV. */
export const EvaluationConfigSchema = v.variant('kind', [
  v.object({ kind: v.literal('none') }),
  v.object({
    kind: v.literal('holdout'),
    testFraction: v.optional(v.pipe(v.number(), v.gtValue(0), v.ltValue(1)), 0.2),
  }),
  v.object({
    kind: v.literal('cv'),
    folds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2)), 5),
  }),
]);
export type EvaluationConfig = v.InferOutput<typeof EvaluationConfigSchema>;

/** Everything a training run needs besides its data. */
export const TrainingConfigSchema = v.object({
  features: FeatureConfigSchema,
  model: ModelConfigSchema,
  evaluation: v.optional(EvaluationConfigSchema, { kind: 'cv', folds: 5 }),
  /** Seeds the folds, the split, the subsampling and the solvers' visiting order. */
  seed: v.optional(v.pipe(v.number(), v.integer()), 42),
  /** Train on at most this many examples per intent (a quick look at a large dataset); null keeps all. */
  maxExamplesPerClass: v.optional(v.nullable(PositiveIntSchema), null),
});
export type TrainingConfig = v.InferOutput<typeof TrainingConfigSchema>;
export type TrainingConfigInput = v.InferInput<typeof TrainingConfigSchema>;

/** A problem of a training config: where (a dot path), what valibot expected and what it received. */
export interface TrainingConfigIssue {
  readonly path: string;
  /** valibot's issue type (`number`, `integer`, `gt_value`, `check`, ...). */
  readonly type: string;
  readonly message: string;
  /** valibot's `expected` (`>0`, `number`, `"svm" | "logreg" | "nb"`), or null for a custom check. */
  readonly expected: string | null;
  readonly received: string;
}

/** A training config that is not valid; `issues` name every bad field. */
export class TrainingConfigError extends TypeError {
  override name = 'TrainingConfigError';
  constructor(readonly issues: readonly TrainingConfigIssue[]) {
    super(
      `Invalid training config: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
    );
  }
}

/** Validates a training config, throwing a readable message that names every bad field. */
export function parseTrainingConfig(input: unknown): TrainingConfig {
  const result = v.safeParse(TrainingConfigSchema, input);
  if (result.success) return result.output;
  throw new TrainingConfigError(
    result.issues.map((issue) => ({
      path: v.getDotPath(issue) ?? '',
      type: issue.type,
      message: issue.message,
      expected: issue.expected,
      received: issue.received,
    })),
  );
}
