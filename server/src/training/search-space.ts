import { type CodedMessage, codedMessage } from '@genesis/schema/messages';
import { type SearchParamSpec, SearchSpecError } from '@genesis/schema/search-space';
import { NGRAM_ORDER, type TrainingConfig, TrainingConfigError } from './config.ts';
import {
  applyParams,
  type ParamValue,
  type SearchGrid,
  type SearchSpace,
  UnknownParamError,
} from './search.ts';

/** Short names of the searchable parameters and the config paths they set. */
export const SEARCH_PARAMS: Readonly<
  Record<string, { path: string; integer?: boolean; description: string }>
> = {
  C: { path: 'model.C', description: 'inverse regularisation, svm and logreg' },
  alpha: { path: 'model.alpha', description: 'smoothing, nb' },
  tol: { path: 'model.tol', description: 'solver tolerance, svm and logreg' },
  maxIter: {
    path: 'model.maxIter',
    integer: true,
    description: 'solver iterations, svm and logreg',
  },
  norm: { path: 'model.norm', description: 'per-class weight normalisation, nb: true or false' },
  model: { path: 'model', description: 'the classifier: svm, logreg or nb' },
  maxFeatures: {
    path: 'features.blocks.*.maxFeatures',
    integer: true,
    description: 'most terms kept per TF-IDF block; "all" keeps all',
  },
  minDf: {
    path: 'features.blocks.*.minDf',
    integer: true,
    description: 'least documents a term must occur in',
  },
  sublinearTf: {
    path: 'features.blocks.*.sublinearTf',
    description: '1 + ln(tf) instead of tf: true or false',
  },
  maxExamplesPerClass: {
    path: 'maxExamplesPerClass',
    integer: true,
    description: 'train on at most this many examples per intent',
  },
};

/** Most configurations a search may score (each is fitted once per CV fold). */
export const MAX_SEARCH_TRIALS = 100;
export const DEFAULT_RANDOM_TRIALS = 10;
/** Folds of the search's cross-validation when the run does not say (`cvFolds`). */
export const DEFAULT_SEARCH_FOLDS = 3;

/** What a worker's search job needs, with what to record in the run's metrics. */
export interface ResolvedSearch {
  readonly kind: 'grid' | 'random';
  readonly search:
    | { kind: 'grid'; grid: SearchGrid }
    | { kind: 'random'; space: SearchSpace; iterations: number; seed?: number };
  readonly folds: number;
  /** The space by parameter name, as given (for the run's metrics and the CLI's summary). */
  readonly space: Readonly<Record<string, unknown>>;
  /** Config path → parameter name. */
  readonly names: Readonly<Record<string, string>>;
  /** Configurations to score. */
  readonly trials: number;
}

const NAMES = Object.keys(SEARCH_PARAMS).join(', ');

/** The config path of a parameter name (a short name, or a dotted config path as is). */
function pathOf(name: string): { path: string; integer: boolean } {
  const known = SEARCH_PARAMS[name];
  if (known) return { path: known.path, integer: known.integer ?? false };
  if (/^[A-Za-z]\w*(\.(\w+|\*))+$/.test(name)) {
    const last = name.split('.').at(-1)!;
    const integer = Object.values(SEARCH_PARAMS).some(
      (p) => p.integer && p.path.split('.').at(-1) === last,
    );
    return { path: name, integer };
  }
  throw new SearchSpecError(
    name,
    codedMessage('training.search.unknownParam', { name, names: NAMES }),
  );
}

/** A value as the config wants it: `model=svm` means the svm model with its defaults. */
function configValue(path: string, value: unknown): ParamValue {
  if (path === 'model' && typeof value === 'string') return { kind: value };
  if (value === 'all' && path.endsWith('maxFeatures')) return null;
  return value as ParamValue;
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Why `base` with `params` is not a valid config, in a sentence about `name=value`. */
function tryApply(
  base: TrainingConfig,
  params: Record<string, ParamValue>,
  name: string,
  value: unknown,
): void {
  try {
    applyParams(base, params);
  } catch (err) {
    throw new SearchSpecError(name, whyInvalid(err, base, params, name, value));
  }
}

/** The message of a value `applyParams` refused: a parameter the config lacks, or a value it does not take. */
function whyInvalid(
  err: unknown,
  base: TrainingConfig,
  params: Record<string, ParamValue>,
  name: string,
  value: unknown,
): CodedMessage | string {
  const shown = show(value);
  if (err instanceof UnknownParamError) {
    if (!pathOf(name).path.startsWith('model.')) {
      return codedMessage('training.search.notConfigParam', { name, value: shown });
    }
    const model = (params.model as { kind?: string } | undefined)?.kind ?? base.model.kind;
    return model === 'nb'
      ? codedMessage('training.search.notModelParamNb', { name, value: shown })
      : codedMessage('training.search.notModelParam', { name, value: shown, model });
  }
  const issue = err instanceof TrainingConfigError ? err.issues[0] : undefined;
  if (issue?.type === 'integer') {
    return codedMessage('training.search.notWholeNumber', {
      name,
      value: shown,
      path: issue.path,
      received: issue.received,
    });
  }
  if (issue?.message === NGRAM_ORDER) {
    return codedMessage('training.search.ngramOrder', { name, value: shown, path: issue.path });
  }
  if (issue?.expected != null) {
    return codedMessage('training.search.invalidValue', {
      name,
      value: shown,
      path: issue.path,
      expected: issue.expected,
      received: issue.received,
    });
  }
  // A custom check of the config (e.g. an n-gram range whose minimum exceeds its maximum): English only.
  return `${name}=${shown} is not valid: ${(err as Error).message.replace(/^Invalid training config: /, '')}`;
}

/**
 * Checks a search spec against the run's config and turns it into the worker's grid or random space. Every
 * value is tried on the config (with each searched model, if `model` is searched too), so a value the config
 * refuses, or a parameter the model does not have, is an error naming the parameter before anything runs.
 * No spec searches the model's regularisation (C, or alpha for naive Bayes) over 0.1 to 10.
 */
export function resolveSearch(
  kind: 'grid' | 'random',
  specs: readonly SearchParamSpec[] | undefined,
  base: TrainingConfig,
  options: { trials?: number; folds?: number; seed?: number } = {},
): ResolvedSearch {
  if (kind === 'grid' && options.trials !== undefined) {
    throw new SearchSpecError('searchTrials', codedMessage('training.search.trialsForRandom'));
  }
  const given =
    specs && specs.length > 0
      ? specs
      : base.model.kind === 'nb'
        ? [{ name: 'alpha', values: [0.1, 0.3, 1, 3] }]
        : [{ name: 'C', values: [0.1, 0.3, 1, 3, 10] }];
  const seen = new Set<string>();
  const entries: { name: string; path: string; integer: boolean; spec: SearchParamSpec }[] = [];
  for (const spec of given) {
    const name = spec.name.trim();
    if (!name) throw new SearchSpecError(null, codedMessage('training.search.noName'));
    const { path: p, integer } = pathOf(name);
    if (seen.has(p))
      throw new SearchSpecError(name, codedMessage('training.search.twice', { name }));
    seen.add(p);
    entries.push({ name, path: p, integer, spec });
  }
  // Each value is checked with each searched model, since C only exists on svm and logreg, alpha on nb.
  const modelEntry = entries.find((e) => e.path === 'model');
  const models: (ParamValue | undefined)[] = modelEntry?.spec.values?.length
    ? modelEntry.spec.values.map((m) => configValue('model', m))
    : [undefined];
  const check = (e: (typeof entries)[number], value: unknown) => {
    for (const model of e.path === 'model' ? [undefined] : models) {
      tryApply(
        base,
        {
          ...(model !== undefined ? { model } : {}),
          [e.path]: configValue(e.path, value),
        },
        e.name,
        value,
      );
    }
  };

  const grid: Record<string, ParamValue[]> = {};
  const space: Record<string, SearchSpace[string]> = {};
  const shown: Record<string, unknown> = {};
  for (const e of entries) {
    const { values, min, max } = e.spec;
    const hasRange = (min ?? null) !== null || (max ?? null) !== null;
    const hasValues = values !== undefined && values !== null;
    if (hasRange && hasValues) {
      throw new SearchSpecError(
        e.name,
        codedMessage('training.search.valuesAndRange', { name: e.name }),
      );
    }
    if (hasValues) {
      if (values.length === 0)
        throw new SearchSpecError(
          e.name,
          codedMessage('training.search.noValues', { name: e.name }),
        );
      if (values.length > MAX_SEARCH_TRIALS) {
        throw new SearchSpecError(
          e.name,
          codedMessage('training.search.tooManyValues', {
            name: e.name,
            count: values.length,
            max: MAX_SEARCH_TRIALS,
          }),
        );
      }
      for (const value of values) check(e, value);
      const converted = values.map((value) => configValue(e.path, value));
      if (kind === 'grid') grid[e.path] = converted;
      else space[e.path] = converted;
      shown[e.name] = values;
      continue;
    }
    if (!hasRange) {
      throw new SearchSpecError(
        e.name,
        codedMessage('training.search.needsValues', { name: e.name }),
      );
    }
    if (kind === 'grid') {
      throw new SearchSpecError(
        e.name,
        codedMessage('training.search.rangeNeedsRandom', {
          name: e.name,
          min: min ?? '?',
          max: max ?? '?',
        }),
      );
    }
    if (typeof min !== 'number' || typeof max !== 'number' || !(min > 0) || !(max >= min)) {
      throw new SearchSpecError(
        e.name,
        codedMessage('training.search.rangeBounds', {
          name: e.name,
          min: min ?? '?',
          max: max ?? '?',
        }),
      );
    }
    check(e, e.integer ? Math.round(min) : min);
    check(e, e.integer ? Math.round(max) : max);
    space[e.path] = { min, max, log: true, ...(e.integer ? { integer: true } : {}) };
    shown[e.name] = { min, max };
  }

  const folds = options.folds ?? DEFAULT_SEARCH_FOLDS;
  const names = Object.fromEntries(entries.map((e) => [e.path, e.name]));
  if (kind === 'grid') {
    const trials = Object.values(grid).reduce((n, values) => n * values.length, 1);
    if (trials > MAX_SEARCH_TRIALS) {
      throw new SearchSpecError(
        null,
        codedMessage('training.search.gridTooLarge', {
          trials,
          sizes: entries.map((e) => `${e.name}: ${grid[e.path]!.length}`).join(' × '),
          max: MAX_SEARCH_TRIALS,
        }),
      );
    }
    // Combinations of models and model parameters must be valid together too (checked above per value).
    return { kind, search: { kind, grid }, folds, space: shown, names, trials };
  }
  const trials = options.trials ?? DEFAULT_RANDOM_TRIALS;
  if (!Number.isInteger(trials) || trials < 1 || trials > MAX_SEARCH_TRIALS) {
    throw new SearchSpecError(
      'searchTrials',
      codedMessage('training.search.trialsRange', { max: MAX_SEARCH_TRIALS }),
    );
  }
  return {
    kind,
    search: {
      kind,
      space,
      iterations: trials,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    },
    folds,
    space: shown,
    names,
    trials,
  };
}

export {
  parseSearchSpace,
  type SearchParamSpec,
  SearchSpecError,
} from '@genesis/schema/search-space';
