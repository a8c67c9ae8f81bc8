import { isSafeText, UNSAFE_TEXT_MESSAGE } from '@genesis/schema/common';
import { formatPath } from '@genesis/schema/issues';
import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type * as v from 'valibot';
import { type FieldIssue, InputError } from '../errors.ts';

/** Issues reported for one request at most: a list of 10,000 bad strings needs one page of them, not all. */
const MAX_ISSUES = 20;

/**
 * Every string in a field's arguments, at any depth (input objects, lists, JSON values and their keys), must
 * be safe text (`isSafeText` in `@genesis/schema/common`: no NUL, no unpaired surrogate). Checked once here for
 * every field, query, mutation and subscription alike, before the argument schemas and the resolver, so no
 * such value reaches SQL, a log line or a stored record; the error names each bad value's argument path
 * (`filter.search`, `input.tags[2]`). Uploaded files are not arguments' strings: the importer checks those.
 */
export function unsafeTextIssues(args: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const path: v.IssuePathItem[] = [];
  const at = (key: string | number) => ({ key }) as unknown as v.IssuePathItem;
  const report = (what: string) => {
    const last = path.at(-1)?.key;
    issues.push({
      path: formatPath(path),
      message: `${what === 'key' ? 'a key' : typeof last === 'string' ? last : 'text'} ${UNSAFE_TEXT_MESSAGE}`,
    });
  };
  const visit = (value: unknown) => {
    if (issues.length >= MAX_ISSUES) return;
    if (typeof value === 'string') {
      if (!isSafeText(value)) report('value');
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        path.push(at(i));
        visit(item);
        path.pop();
      });
    } else if (value !== null && typeof value === 'object') {
      const proto = Object.getPrototypeOf(value);
      // Plain objects only: input objects and JSON values. A File or a Date is not text.
      if (proto !== Object.prototype && proto !== null) return;
      for (const [key, item] of Object.entries(value)) {
        path.push(at(key));
        if (!isSafeText(key)) report('key');
        else visit(item);
        path.pop();
      }
    }
  };
  for (const [name, value] of Object.entries(args)) {
    path.push(at(name));
    visit(value);
    path.pop();
  }
  return issues;
}

export class SafeTextPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> {
    if (Object.keys(fieldConfig.args).length === 0) return fieldConfig;
    return {
      ...fieldConfig,
      // An argument mapper runs before the resolver (and subscribe); the errors plugin turns what it throws
      // into a ValidationError result on fields with an error union, yoga's maskError into BAD_USER_INPUT elsewhere.
      argMappers: [
        ...fieldConfig.argMappers,
        (args) => {
          const issues = unsafeTextIssues(args);
          if (issues.length > 0) throw new InputError(issues);
          return args;
        },
      ],
    };
  }
}

const pluginName = 'safeText';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      safeText: SafeTextPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, SafeTextPlugin);

export default pluginName;
