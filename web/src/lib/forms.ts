import { issueCode } from '@genesis/schema/messages';
import * as v from 'valibot';
import { type FieldErrors, fieldErrors } from './generation/form.ts';
import type { FieldMessage } from './i18n/api-messages.ts';

export type { FieldErrors, FieldMessage };

/**
 * Messages per form field from a valibot check's issues, keyed like the API keys its
 * `ValidationError` issues (`name`, `cvFolds`; `input.` prefixes are dropped), so a form shows
 * its own check and the server's answer the same way.
 */
export function issueErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  return fieldErrors(
    issues.map((issue) => ({
      path: v.getDotPath(issue) ?? '',
      message: issue.message,
      ...issueCode(issue),
    })),
  );
}

/** A posted text field as a string: '' when it is absent or a file. */
export function textField(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * What a form action answers to a refused submission: what was typed (to fill the form again
 * without JavaScript), the messages per field, and a message about the whole submission.
 */
export interface FormFailure<Values> {
  values: Values;
  errors: FieldErrors;
  message: FieldMessage | null;
}
