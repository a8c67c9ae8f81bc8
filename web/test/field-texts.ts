import { type FieldMessage, textOf } from '../src/lib/i18n/api-messages.ts';

/**
 * A form check with its messages as their English texts (coded messages keep the English text the
 * API sends), so a test can compare them with plain strings.
 */
export function english<T extends { success: boolean }>(check: T): T {
  if (check.success || !('errors' in check)) return check;
  const errors = check.errors as Record<string, FieldMessage[]>;
  return {
    ...check,
    errors: Object.fromEntries(Object.entries(errors).map(([k, list]) => [k, list.map(textOf)])),
  };
}
