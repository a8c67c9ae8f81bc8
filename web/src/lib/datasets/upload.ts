import { print } from '@0no-co/graphql.web';
import type { ResultOf } from 'gql.tada';
import * as v from 'valibot';
import {
  formatGraphQLErrors,
  GraphQLRequestError,
  GraphQLResponseSchema,
} from '../graphql/client.ts';
import { type DatasetKind, graphql } from '../graphql/graphql.ts';

/** Imports one file as a dataset; the file travels as a GraphQL multipart request. */
export const ImportDatasetMutation = graphql(`
  mutation ImportDataset($file: File!, $kind: DatasetKind!, $name: String) {
    importDataset(file: $file, kind: $kind, name: $name) {
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
        issues {
          line
          field
          message
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

/** What `importDataset` answered: the new dataset or why the file was refused. */
export type ImportOutcome = ResultOf<typeof ImportDatasetMutation>['importDataset'];

/** Options for {@link importDatasetFile}. */
export interface UploadOptions {
  /** The fetch to use; defaults to the global one. */
  fetch?: typeof fetch;
  /** Endpoint URL; relative because the API and the app share one origin. */
  endpoint?: string;
  /** Bearer token, when GENESIS_API_TOKEN is set. */
  token?: string;
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
      variables: { file: null, kind, name: name?.trim() || null },
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
