import type { RunStatus } from '../graphql/graphql.ts';

/**
 * A preset's human name from its enum value or stored name ("QUICK_TEST" or "quick_test" →
 * "Quick test", "CROSS_VALIDATION" → "Cross validation").
 */
export function presetLabel(name: string | null | undefined): string {
  if (!name) return 'Custom';
  const words = name.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const MODEL_NAMES: Record<string, string> = {
  svm: 'Linear SVM',
  logreg: 'Logistic regression',
  nb: 'Naive Bayes',
};

/** The model kind a run's stored config names (`svm`, `logreg`, `nb`), or null when it names none. */
export function modelKindOfConfig(config: unknown): string | null {
  if (typeof config !== 'object' || config === null || !('model' in config)) return null;
  const model = config.model;
  if (typeof model !== 'object' || model === null || !('kind' in model)) return null;
  return String(model.kind);
}

/** The model family a run's stored config names ("Linear SVM"), or null when it names none. */
export function modelOfConfig(config: unknown): string | null {
  const kind = modelKindOfConfig(config);
  return kind === null ? null : (MODEL_NAMES[kind] ?? kind);
}

/** Whether a run is still queued or running (sends progress, can be cancelled). */
export function isRunActive(status: RunStatus): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/** A training stage's human name ("cross_validation" → "Cross validation"). */
export function stageLabel(stage: string): string {
  const words = stage.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
