/**
 * Turns valibot issues into flat `{ path, message }` pairs that a user (or a model being re-asked) can
 * act on: `turns[2].speaker: the first turn must be the customer's`.
 */
import type * as v from 'valibot';
import { issueCode, type MessageCode, type MessageParams } from './messages.ts';

/**
 * One validation error. `path` is like `turns[2].speaker`, `target[17]`, `intent`, or '' for the root;
 * `code` and `params` are the message's code (see `messages.ts`) when the check gave it one.
 */
export interface FieldError {
  path: string;
  message: string;
  code?: MessageCode;
  params?: MessageParams;
}

/** How {@link formatIssues} writes an error. */
export interface FormatOptions {
  /** Give each error its message's code and parameters when it has them (what the API sends). */
  codes?: boolean;
}

/**
 * Flattens valibot issues into field errors, in order. Nested issues (a union's per-option reasons)
 * follow their parent; exact duplicates (same path and message) are dropped.
 */
export function formatIssues(
  issues: readonly v.BaseIssue<unknown>[],
  options: FormatOptions = {},
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  // Nested issues (a union's per-option reasons) carry paths relative to their parent's position.
  const visit = (list: readonly v.BaseIssue<unknown>[], prefix: readonly v.IssuePathItem[]) => {
    for (const issue of list) {
      const path = [...prefix, ...(issue.path ?? [])];
      const coded = options.codes ? issueCode(issue) : null;
      const error: FieldError = {
        path: formatPath(path),
        message: issue.message,
        ...(coded ? { code: coded.code, params: coded.params } : {}),
      };
      const key = `${error.path}\u0000${error.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        errors.push(error);
      }
      if (issue.issues) visit(issue.issues, path);
    }
  };
  visit(issues, []);
  return errors;
}

/** Builds `a.b[3].c` from a valibot issue path; '' for the root. */
export function formatPath(path: readonly v.IssuePathItem[] | undefined): string {
  let out = '';
  for (const item of path ?? []) {
    const key: unknown = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key !== 'string') out += '[?]';
    else if (!/^[A-Za-z_$][\w$]*$/.test(key)) out += `[${JSON.stringify(key)}]`;
    else out = out === '' ? key : `${out}.${key}`;
  }
  return out;
}
