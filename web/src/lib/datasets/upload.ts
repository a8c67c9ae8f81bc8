import { print } from '@0no-co/graphql.web';
import { DatasetNameSchema } from '@genesis/schema/common';
import type { ResultOf } from 'gql.tada';
import * as v from 'valibot';
import {
  type FieldErrors,
  type FieldMessage,
  type FormFailure,
  issueErrors,
  textField,
} from '../forms.ts';
import { fieldOfPath } from '../generation/form.ts';
import {
  formatGraphQLErrors,
  GraphQLRequestError,
  GraphQLResponseSchema,
} from '../graphql/client.ts';
import { FileIssueFields, RefusalFields } from '../graphql/fragments.ts';
import { type DatasetKind, graphql } from '../graphql/graphql.ts';
import { errorOf } from '../i18n/api-messages.ts';

/** Imports one file as a dataset; the file travels as a GraphQL multipart request. */
export const ImportDatasetMutation = graphql(
  `
    mutation ImportDataset(
      $file: File!
      $kind: DatasetKind!
      $name: String
      $allowDuplicate: Boolean
    ) {
      importDataset(file: $file, kind: $kind, name: $name, allowDuplicate: $allowDuplicate) {
        __typename
        ... on MutationImportDatasetSuccess {
          data {
            id
            name
            kind
            itemCount
          }
        }
        ... on ImportFailedError {
          message
          errorCount
          fileName
          issues {
            ...FileIssueFields
          }
        }
        ... on DuplicateImportError {
          message
          existingDatasetId
          existingDatasetName
        }
        ...RefusalFields
      }
    }
  `,
  [RefusalFields, FileIssueFields],
);

/** What `importDataset` answered: the new dataset or why the file was refused. */
export type ImportOutcome = ResultOf<typeof ImportDatasetMutation>['importDataset'];
/** A refused file: its problems, located by line, record and field. */
export type ImportRefusal = Extract<ImportOutcome, { __typename: 'ImportFailedError' }>;
/** The same file was imported before: the dataset that holds it (nothing was stored). */
export interface ImportDuplicate {
  id: string;
  name: string;
}

/** The upload form's fields, under which their issues are shown. */
const FORM_FIELDS = new Set(['file', 'kind', 'name']);

/**
 * What the form says about a refusal besides the messages under its fields: nothing when every
 * issue of a `ValidationError` is shown under its field (the summary would repeat them, in
 * English), else the refusal as a message (a `NotFoundError` from its fields).
 */
export function refusalMessage(
  outcome: Exclude<
    ImportOutcome,
    { __typename: 'MutationImportDatasetSuccess' | 'ImportFailedError' | 'DuplicateImportError' }
  >,
): FieldMessage | null {
  if (outcome.__typename === 'ValidationError') {
    return outcome.issues.every((issue) => FORM_FIELDS.has(fieldOfPath(issue.path)))
      ? null
      : outcome.message;
  }
  return errorOf(outcome);
}

/** The dataset a `DuplicateImportError` names, or null for any other outcome. */
export function duplicateOf(outcome: ImportOutcome): ImportDuplicate | null {
  return outcome.__typename === 'DuplicateImportError'
    ? { id: outcome.existingDatasetId, name: outcome.existingDatasetName }
    : null;
}

const IMPORT_KIND_VALUES = [
  'CONVERSATIONS',
  'UTTERANCES',
  'TIMESERIES',
] as const satisfies readonly DatasetKind[];

/** The kinds a file can be imported as, in the order the upload form offers them. */
export const IMPORT_KINDS: readonly { value: DatasetKind; label: string }[] = [
  { value: 'CONVERSATIONS', label: 'Conversations' },
  { value: 'UTTERANCES', label: 'Utterances' },
  { value: 'TIMESERIES', label: 'Time series' },
];

/** The kind the upload form starts with. */
export const DEFAULT_IMPORT_KIND: DatasetKind = 'UTTERANCES';

/**
 * A valibot message for a check only this form makes: the English text, with the code the
 * catalogues render it from (`error.<code>`) set on the issue, as the schema package's
 * `issueMessage` does for the API's codes.
 */
function webMessage(code: string, text: string): (issue: object) => string {
  return (issue) => {
    Object.assign(issue, { code, params: {} });
    return text;
  };
}

/**
 * What the upload form sends, checked in the browser before the upload and again by the form
 * action: a chosen file, what it holds, and an optional name (the API's `DatasetNameSchema`).
 * A form posted without a chosen file still carries a `file` part, nameless and empty.
 */
export const ImportFormSchema = v.object({
  file: v.pipe(
    v.file(webMessage('upload.chooseFile', 'Choose a file to upload.')),
    v.check(
      (file) => file.name !== '' || file.size > 0,
      webMessage('upload.chooseFile', 'Choose a file to upload.'),
    ),
  ),
  kind: v.picklist(
    IMPORT_KIND_VALUES,
    webMessage(
      'upload.chooseKind',
      'Choose what the file holds: conversations, utterances or time series.',
    ),
  ),
  name: v.optional(DatasetNameSchema),
  /** Import even when the same file was imported before (the answer to the duplicate question). */
  allowDuplicate: v.optional(v.boolean()),
});

/** The upload form's text fields as typed (a file cannot be handed back to a file input). */
export interface ImportValues {
  kind: string;
  name: string;
}

/**
 * What the import action answers to a refused upload; `refusal` lists the file's problems,
 * `duplicate` names the dataset that already holds the same file.
 */
export interface ImportFailure extends FormFailure<ImportValues> {
  refusal: ImportRefusal | null;
  duplicate?: ImportDuplicate | null;
}

/** The outcome of checking the upload form with {@link ImportFormSchema}. */
export type ImportCheck =
  | {
      success: true;
      input: { file: File; kind: DatasetKind; name: string | null; allowDuplicate: boolean };
    }
  | { success: false; errors: FieldErrors };

/** The upload form's text fields from its posted data. */
export function importValuesFromData(data: FormData): ImportValues {
  return { kind: textField(data, 'kind'), name: textField(data, 'name') };
}

/** Checks a posted upload form (`file`, `kind`, `name`); a blank name means "the file name". */
export function checkImportForm(data: FormData): ImportCheck {
  const { kind, name } = importValuesFromData(data);
  const parsed = v.safeParse(ImportFormSchema, {
    file: data.get('file'),
    kind,
    ...(name.trim() ? { name } : {}),
    allowDuplicate: textField(data, 'allowDuplicate') === 'true',
  });
  if (!parsed.success) return { success: false, errors: issueErrors(parsed.issues) };
  const { file, kind: checkedKind, name: checkedName, allowDuplicate } = parsed.output;
  return {
    success: true,
    input: {
      file,
      kind: checkedKind,
      name: checkedName ?? null,
      allowDuplicate: allowDuplicate ?? false,
    },
  };
}

/** Options for {@link importDatasetFile}. */
export interface UploadOptions {
  /** The fetch to use; defaults to the global one. */
  fetch?: typeof fetch;
  /** Endpoint URL; relative because the API and the app share one origin. */
  endpoint?: string;
  /** Bearer token, when GENESIS_API_TOKEN is set. */
  token?: string;
  /** Import even when the same file was imported before (otherwise a `DuplicateImportError`). */
  allowDuplicate?: boolean;
}

/**
 * Uploads a file through `importDataset` as a GraphQL multipart request
 * (`operations`, `map`, the file under `"0"`).
 * @returns the mutation's result union (an `ImportFailedError` lists the file's problems)
 * @throws {GraphQLRequestError} when the API is unreachable or answers with errors
 */
export async function importDatasetFile(
  file: File,
  kind: DatasetKind,
  name: string | null,
  options: UploadOptions = {},
): Promise<ImportOutcome> {
  const endpoint = options.endpoint ?? '/graphql';
  const body = new FormData();
  body.set(
    'operations',
    JSON.stringify({
      query: print(ImportDatasetMutation),
      variables: {
        file: null,
        kind,
        name: name?.trim() || null,
        allowDuplicate: options.allowDuplicate ?? false,
      },
    }),
  );
  body.set('map', JSON.stringify({ 0: ['variables.file'] }));
  body.set('0', file, file.name);
  // Yoga's CSRF prevention refuses multipart requests without this header.
  const headers: Record<string, string> = { 'x-graphql-yoga-csrf': '1' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(endpoint, {
      method: 'POST',
      headers,
      body,
    });
  } catch (cause) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    throw new GraphQLRequestError(`Could not reach the API at ${endpoint}${detail}`, 'network');
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  const parsed = v.safeParse(GraphQLResponseSchema, json);
  if (!parsed.success) {
    throw new GraphQLRequestError(
      `The API answered HTTP ${response.status} to the upload.`,
      'http',
      response.status,
    );
  }
  const { data, errors } = parsed.output;
  if (errors && errors.length > 0) {
    throw new GraphQLRequestError(formatGraphQLErrors(errors), 'graphql', response.status, errors);
  }
  const outcome = data?.importDataset;
  if (!outcome) throw new GraphQLRequestError('The API returned no data.', 'response');
  // The document's type is the contract: the server checked the result against the same schema.
  return outcome as ImportOutcome;
}
