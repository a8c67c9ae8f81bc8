import { describe, expect, it } from 'vitest';
import {
  checkImportForm,
  duplicateOf,
  importDatasetFile,
  refusalMessage,
} from '../src/lib/datasets/upload.ts';
import { GraphQLRequestError } from '../src/lib/graphql/client.ts';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(body: unknown, calls: Call[], status = 200): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
}

const file = () => new File(['text,intent\nhi,card_arrival\n'], 'mini.csv', { type: 'text/csv' });

describe('importDatasetFile', () => {
  it('sends a GraphQL multipart request with the CSRF header and the file under "0"', async () => {
    const calls: Call[] = [];
    const success = {
      __typename: 'MutationImportDatasetSuccess',
      data: { id: '7', name: 'Mini', kind: 'UTTERANCES', itemCount: 1 },
    };
    const outcome = await importDatasetFile(file(), 'UTTERANCES', '  Mini ', {
      fetch: fakeFetch({ data: { importDataset: success } }, calls),
      token: 'secret',
    });
    expect(outcome).toEqual(success);
    const call = calls[0];
    expect(call?.url).toBe('/graphql');
    expect(call?.init.headers).toEqual({
      'x-graphql-yoga-csrf': '1',
      authorization: 'Bearer secret',
    });
    const form = call?.init.body as FormData;
    const operations = JSON.parse(String(form.get('operations')));
    expect(operations.query).toMatch(
      /importDataset\(\s*file: \$file\s*kind: \$kind\s*name: \$name\s*allowDuplicate: \$allowDuplicate\s*\)/,
    );
    expect(operations.variables).toEqual({
      file: null,
      kind: 'UTTERANCES',
      name: 'Mini',
      allowDuplicate: false,
    });
    expect(JSON.parse(String(form.get('map')))).toEqual({ 0: ['variables.file'] });
    const sent = form.get('0') as File;
    expect(sent.name).toBe('mini.csv');
    expect(await sent.text()).toBe('text,intent\nhi,card_arrival\n');
  });

  it('returns the import errors as data, and sends a blank name as null', async () => {
    const calls: Call[] = [];
    const failed = {
      __typename: 'ImportFailedError',
      message: 'The file has 1 problem.',
      errorCount: 1,
      issues: [{ line: 2, field: 'intent', message: 'unknown intent "x"' }],
    };
    const outcome = await importDatasetFile(file(), 'UTTERANCES', '   ', {
      fetch: fakeFetch({ data: { importDataset: failed } }, calls),
    });
    expect(outcome).toEqual(failed);
    const form = calls[0]?.init.body as FormData;
    expect(JSON.parse(String(form.get('operations'))).variables.name).toBeNull();
  });

  it('names the dataset holding the same file, and asks again with allowDuplicate', async () => {
    const calls: Call[] = [];
    const duplicate = {
      __typename: 'DuplicateImportError',
      message: 'This file was already imported as dataset 3 ("Mini")',
      existingDatasetId: '3',
      existingDatasetName: 'Mini',
    };
    const outcome = await importDatasetFile(file(), 'UTTERANCES', null, {
      fetch: fakeFetch({ data: { importDataset: duplicate } }, calls),
    });
    expect(duplicateOf(outcome)).toEqual({ id: '3', name: 'Mini' });
    await importDatasetFile(file(), 'UTTERANCES', null, {
      fetch: fakeFetch({ data: { importDataset: duplicate } }, calls),
      allowDuplicate: true,
    });
    const body = calls[1]?.init.body as FormData | undefined;
    const sent = JSON.parse(String(body?.get('operations')));
    expect(sent.variables.allowDuplicate).toBe(true);

    // The form's answer to the question: a posted `allowDuplicate=true`.
    const form = new FormData();
    form.set('file', file());
    form.set('kind', 'UTTERANCES');
    form.set('allowDuplicate', 'true');
    const checked = checkImportForm(form);
    expect(checked.success && checked.input.allowDuplicate).toBe(true);
    form.delete('allowDuplicate');
    const plain = checkImportForm(form);
    expect(plain.success && plain.input.allowDuplicate).toBe(false);
  });

  it('throws readable errors for GraphQL errors and non-GraphQL answers', async () => {
    const graphqlError = await importDatasetFile(file(), 'UTTERANCES', null, {
      fetch: fakeFetch({ errors: [{ message: 'File too large' }] }, [], 413),
    }).catch((e: unknown) => e);
    expect(graphqlError).toBeInstanceOf(GraphQLRequestError);
    expect((graphqlError as Error).message).toBe('File too large');

    const httpError = await importDatasetFile(file(), 'UTTERANCES', null, {
      fetch: (async () => new Response('nope', { status: 403 })) as unknown as typeof fetch,
    }).catch((e: unknown) => e);
    expect((httpError as Error).message).toBe('The API answered HTTP 403 to the upload.');
  });
});

describe('refusalMessage', () => {
  it("adds nothing when every issue is shown under its field, else the API's summary", () => {
    const issue = (path: string) => ({
      path,
      message: 'name must be 1-120 characters',
      code: 'name.length',
      params: [],
    });
    expect(
      refusalMessage({
        __typename: 'ValidationError',
        message: 'Invalid input: name: name must be 1-120 characters',
        issues: [issue('name')],
      }),
    ).toBeNull();
    expect(
      refusalMessage({
        __typename: 'ValidationError',
        message: 'Invalid input: tags: at most 20 tags are allowed; got 21',
        issues: [issue('tags')],
      }),
    ).toBe('Invalid input: tags: at most 20 tags are allowed; got 21');
  });
});
