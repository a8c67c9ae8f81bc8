import { DomainError, ImportFailedError, InputError, NotFoundError } from '../errors.ts';
import { builder } from './builder.ts';

const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description:
    'An expected failure, returned as data: the message says what went wrong and how to fix it',
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(DomainError, {
  name: 'BaseError',
  interfaces: [ErrorInterface],
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    entity: t.exposeString('entity'),
    id: t.exposeID('id'),
  }),
});

const FieldIssueRef = builder.objectRef<{ path: string; message: string }>('FieldIssue').implement({
  description: 'A problem with one argument or input field; path names it (e.g. "name", "tags[2]")',
  fields: (t) => ({ path: t.exposeString('path'), message: t.exposeString('message') }),
});

builder.objectType(InputError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ issues: t.field({ type: [FieldIssueRef], resolve: (e) => [...e.issues] }) }),
});

const FileIssueRef = builder.objectRef<ImportFailedError['issues'][number]>('FileIssue').implement({
  description:
    'A problem in an uploaded file, located by 1-based line and/or record number and field',
  fields: (t) => ({
    line: t.exposeInt('line', { nullable: true }),
    record: t.exposeInt('record', { nullable: true }),
    field: t.exposeString('field', { nullable: true }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ImportFailedError, {
  name: 'ImportFailedError',
  description: 'The upload was rejected as a whole; nothing was stored',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({
      type: [FileIssueRef],
      description: 'The first problems found (at most 50)',
      resolve: (e) => [...e.issues],
    }),
    errorCount: t.exposeInt('errorCount', { description: 'How many problems in total' }),
    fileName: t.exposeString('fileName', { nullable: true }),
  }),
});
