import type { RunStatus } from '../graphql/graphql.ts';
import { isMessageKey, type Locale, translate } from '../i18n/messages.ts';

/** A preset's catalogue id from its enum value or stored name ("QUICK_TEST" or "quick_test" → "quick_test"). */
function presetId(name: string): string {
  return name.toLowerCase();
}

/**
 * A preset's human name in `locale` from its enum value or stored name ("QUICK_TEST" or "quick_test" →
 * "Quick test" / "Prueba rápida"); a preset the catalogues do not know yet reads as its id in words.
 */
export function presetLabel(name: string | null | undefined, locale: Locale = 'en'): string {
  if (!name) return translate(locale, 'preset.custom');
  const key = `preset.${presetId(name)}.name`;
  if (isMessageKey(key)) return translate(locale, key);
  const words = presetId(name).replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A preset's description in `locale`: the catalogue's, or the API's own text (`fallback`, English) for a
 * preset the catalogues do not know yet.
 */
export function presetDescription(
  name: string,
  fallback: string | null | undefined,
  locale: Locale = 'en',
): string | null {
  const key = `preset.${presetId(name)}.description`;
  return isMessageKey(key) ? translate(locale, key) : (fallback ?? null);
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
