import { formatPath } from '@genesis/schema/issues';
import type * as v from 'valibot';

/**
 * Expected failures a user can act on. The GraphQL layer maps each class to a schema type (Pothos errors plugin);
 * anything that is not a DomainError is unexpected and stays masked.
 */
export class DomainError extends Error {
  override name = 'DomainError';
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist`);
  }
}

/** One problem with one input value: `path` names the argument or field (`name`, `tags[2]`, `input.count`). */
export interface FieldIssue {
  path: string;
  message: string;
}

export class InputError extends DomainError {
  override name = 'InputError';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(
      issues.length === 1
        ? `Invalid input: ${issues[0]!.path ? `${issues[0]!.path}: ` : ''}${issues[0]!.message}`
        : `Invalid input (${issues.length} problems): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }

  /**
   * The one way schema issues become an InputError: valibot issues, or Standard Schema issues (Pothos'
   * validation plugin), with paths written by the schema package's `formatPath` (`targets.intents`, `tags[2]`).
   */
  static fromIssues(
    issues: readonly {
      message: string;
      path?: readonly (PropertyKey | { key: unknown })[] | undefined;
    }[],
  ): InputError {
    return new InputError(
      issues.map((issue) => ({
        path: formatPath(
          (issue.path ?? []).map((seg) =>
            typeof seg === 'object' && seg !== null ? seg : { key: seg },
          ) as v.IssuePathItem[],
        ),
        message: issue.message,
      })),
    );
  }

  /** The same problems located under an argument: `count` becomes `input.count`, `[2]` becomes `input[2]`. */
  under(argument: string): InputError {
    return new InputError(
      this.issues.map((issue) => ({
        ...issue,
        path: !issue.path
          ? argument
          : issue.path === argument || issue.path.startsWith(`${argument}.`)
            ? issue.path
            : issue.path.startsWith('[')
              ? `${argument}${issue.path}`
              : `${argument}.${issue.path}`,
      })),
    );
  }
}

/** One problem found in an uploaded file, located by line (1-based) or record number and field. */
export interface FileIssue {
  line: number | null;
  record: number | null;
  field: string | null;
  message: string;
}

export class ImportFailedError extends DomainError {
  override name = 'ImportFailedError';
  constructor(
    readonly issues: readonly FileIssue[],
    readonly errorCount: number,
    readonly fileName: string | null,
  ) {
    super(
      `${fileName ?? 'The file'} was not imported: ${errorCount} problem${errorCount === 1 ? '' : 's'} found; nothing was stored`,
    );
  }
}
