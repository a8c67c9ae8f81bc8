import { formatPath } from '@genesis/schema/issues';
import {
  type CodedMessage,
  codedMessage,
  issueCode,
  type MessageCode,
  type MessageParams,
} from '@genesis/schema/messages';
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

/**
 * One problem with one input value: `path` names the argument or field (`name`, `tags[2]`, `input.count`).
 * `code` and `params` say the message as data (`@genesis/schema/messages`), so a client can show it in
 * its reader's language; `message` is its English text. Messages without a code are English only.
 */
export interface FieldIssue {
  path: string;
  message: string;
  code?: MessageCode | null;
  params?: MessageParams;
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
      issues.map((issue) => {
        const coded = issueCode(issue);
        return {
          path: formatPath(
            (issue.path ?? []).map((seg) =>
              typeof seg === 'object' && seg !== null ? seg : { key: seg },
            ) as v.IssuePathItem[],
          ),
          message: issue.message,
          ...(coded ? { code: coded.code, params: coded.params } : {}),
        };
      }),
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

/**
 * One problem found in an uploaded file, located by line (1-based) or record number and field; `code` and
 * `params` as in {@link FieldIssue}.
 */
export interface FileIssue {
  line: number | null;
  record: number | null;
  field: string | null;
  message: string;
  code?: MessageCode | null;
  params?: MessageParams;
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

/** What keeps a dataset in use: active generation jobs and training runs, validations and exports in progress. */
export interface DatasetUsers {
  /** Generation jobs writing into it (or reading it as their examples) while queued, running or paused. */
  jobs: readonly { id: number; status: string; role: 'dataset' | 'examples' | 'calibration' }[];
  /** Training runs reading it while queued or running, as their dataset or their test dataset. */
  runs: readonly { id: number; status: string; role: 'dataset' | 'testDataset' }[];
  /** Validations reading it in this process (as the dataset validated or as the reference). */
  validations: number;
  /** Exports streaming it from this process. */
  exports: number;
}

/** One user of a dataset as a message (a part of {@link DatasetInUseError}'s `{users}`). */
function usePart(users: DatasetUsers): CodedMessage[] {
  return [
    ...users.jobs.map((j) =>
      codedMessage(
        j.role === 'examples'
          ? 'dataset.usedByJobExamples'
          : j.role === 'calibration'
            ? 'dataset.usedByJobCalibration'
            : 'dataset.usedByJob',
        { id: j.id, status: j.status },
      ),
    ),
    ...users.runs.map((r) =>
      codedMessage(r.role === 'testDataset' ? 'dataset.usedByRunTest' : 'dataset.usedByRun', {
        id: r.id,
        status: r.status,
      }),
    ),
    ...(users.validations
      ? [
          codedMessage(
            users.validations === 1 ? 'dataset.validationsOne' : 'dataset.validationsMany',
            { count: users.validations },
          ),
        ]
      : []),
    ...(users.exports
      ? [
          codedMessage(users.exports === 1 ? 'dataset.exportsOne' : 'dataset.exportsMany', {
            count: users.exports,
          }),
        ]
      : []),
  ];
}

/**
 * A dataset can't be deleted while something uses it (unless the caller forces it, cancelling those users).
 * The message is `dataset.inUse`; its `{users}` are `parts` joined by ", " (docs/conventions.md).
 */
export class DatasetInUseError extends DomainError {
  override name = 'DatasetInUseError';
  readonly code: MessageCode = 'dataset.inUse';
  readonly params: MessageParams;
  /** Each user as a message, in the order `{users}` lists them. */
  readonly parts: readonly CodedMessage[];
  constructor(
    readonly datasetId: number,
    readonly users: DatasetUsers,
  ) {
    const parts = usePart(users);
    const coded = codedMessage('dataset.inUse', {
      id: datasetId,
      users: parts.map((p) => p.message).join(', '),
    });
    super(coded.message);
    this.params = coded.params;
    this.parts = parts;
  }
}

/**
 * The file was imported before (the same bytes, as the same kind): nothing was stored. Importing it again is
 * allowed when asked for explicitly (`allowDuplicate`, `--allow-duplicate`).
 */
export class DuplicateImportError extends DomainError {
  override name = 'DuplicateImportError';
  constructor(readonly existing: { id: number; name: string }) {
    super(
      `This file was already imported as dataset ${existing.id} ("${existing.name}"); nothing was stored. Use that dataset, or import it again with allowDuplicate (CLI: --allow-duplicate) to keep a second copy`,
    );
  }
}

/**
 * A dataset changed while it was being read (deleted, most likely): what was read is not the dataset as it was
 * when reading started, so it is not handed out as if it were.
 */
export class DatasetChangedError extends DomainError {
  override name = 'DatasetChangedError';
  constructor(
    readonly datasetId: number,
    readonly expected: number,
    readonly read: number,
    reason?: string,
  ) {
    super(
      `Dataset ${datasetId} changed while it was being read (${reason ?? `${read} of the ${expected} items it held when reading started were found; it was deleted or changed meanwhile`}); the result would be incomplete, so it is not given out`,
    );
  }
}

/** One check of a model provider's configuration, as the doctor reports it. */
export interface ConfigCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** The detail as a code and parameters, as in {@link FieldIssue}. */
  code?: MessageCode | null;
  params?: MessageParams;
}

/** The summary's code per provider, without and with a model. */
const UNUSABLE: Readonly<Record<string, readonly [MessageCode, MessageCode]>> = {
  bedrock: ['provider.unusableBedrock', 'provider.unusableBedrockModel'],
  openai: ['provider.unusableOpenai', 'provider.unusableOpenaiModel'],
};
const UNUSABLE_OTHER = ['provider.unusable', 'provider.unusableModel'] as const;

/**
 * The model provider cannot be used as configured (no or expired AWS credentials, access denied, an unknown
 * model): nothing was created. The failing checks say what to fix; `genesis doctor` runs the same checks.
 */
export class ProviderConfigError extends DomainError {
  override name = 'ProviderConfigError';
  /** The summary as a code and parameters; `{checks}` are the failed checks as `provider.failedCheck`, by "; ". */
  readonly code: MessageCode;
  readonly params: MessageParams;
  constructor(
    readonly provider: string,
    readonly model: string | null,
    readonly checks: readonly ConfigCheck[],
  ) {
    const failed = checks
      .filter((c) => !c.ok)
      .map((c) => codedMessage('provider.failedCheck', { name: c.name, detail: c.detail }).message);
    const codes = UNUSABLE[provider];
    const coded = codedMessage((codes ?? UNUSABLE_OTHER)[model ? 1 : 0], {
      ...(codes ? {} : { provider }),
      ...(model ? { model } : {}),
      checks: failed.join('; '),
    });
    super(coded.message);
    this.code = coded.code;
    this.params = coded.params;
  }
}
