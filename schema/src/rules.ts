/**
 * Helpers for cross-field rules written with `v.rawCheck`. A raw check runs even when parts of the
 * object failed, so that one parse reports every problem at once; these helpers let a rule run only on
 * the fields that parsed, and attach its issue to the exact field (`turns[3].speaker`), not the root.
 */
import type * as v from 'valibot';

/** A path into the parsed value: object keys and array indexes. */
export type RulePath = readonly [string | number, ...(string | number)[]];

/** A rule's message: text, or a function of the issue (valibot calls it as it builds the issue). */
export type RuleMessage = string | ((issue: v.BaseIssue<unknown>) => string);

/** An `addIssue` argument with a path, ready for a raw check. */
export interface RuleIssue {
  /** Text, or a valibot message (`issueMessage`) that gives the issue its code. */
  message: RuleMessage;
  input: unknown;
  path: [v.IssuePathItem, ...v.IssuePathItem[]];
}

/** Narrows to a plain object record. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when the dataset has no issue at `path` or below it, and none at the root (a root issue means
 * the value is not even an object, so nothing under it can be trusted). Issues on an ancestor (say
 * `turns` being too long) do not count: the items below still parsed. Callers still check types.
 */
export function parsedAt(
  issues: readonly v.BaseIssue<unknown>[] | undefined,
  ...path: RulePath
): boolean {
  if (!issues) return true;
  return !issues.some((issue) => {
    const keys = issue.path?.map((item) => item.key) ?? [];
    if (keys.length === 0) return true;
    return keys.length >= path.length && path.every((key, index) => keys[index] === key);
  });
}

/** Builds an issue for `path` inside `root`, with the valibot path items a formatter needs. */
export function issueAt(root: unknown, path: RulePath, message: RuleMessage): RuleIssue {
  const items: v.IssuePathItem[] = [];
  let current: unknown = root;
  for (const key of path) {
    const value: unknown =
      typeof key === 'number'
        ? Array.isArray(current)
          ? current[key]
          : undefined
        : isRecord(current)
          ? current[key]
          : undefined;
    if (typeof key === 'number') {
      items.push({
        type: 'array',
        origin: 'value',
        input: Array.isArray(current) ? current : [],
        key,
        value,
      });
    } else {
      items.push({
        type: 'object',
        origin: 'value',
        input: isRecord(current) ? current : {},
        key,
        value,
      });
    }
    current = value;
  }
  const [first, ...rest] = items;
  // RulePath is non-empty, so `first` exists.
  return { message, input: current, path: [first!, ...rest] };
}
