import type { CodedMessage, MessageParams } from '@genesis/schema/messages';
import {
  DatasetInUseError,
  DomainError,
  DuplicateImportError,
  type FieldIssue,
  ImportFailedError,
  InputError,
  NotFoundError,
  ProviderConfigError,
} from '../errors.ts';
import { builder } from './builder.ts';

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
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

export const MessageParamRef = builder
  .objectRef<{ name: string; value: string }>('MessageParam')
  .implement({
    description: "A value of a message's placeholder: {name} in the message's template",
    fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
  });

export function paramList(params: MessageParams | undefined): { name: string; value: string }[] {
  return Object.entries(params ?? {}).map(([name, value]) => ({ name, value: String(value) }));
}

export const CODE_DESCRIPTION =
  "The message's code (a client shows it in its reader's language from error.<code> in its catalogue, with params filling {name}); null when the message is English only";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The code and params fields of an object carrying a catalogue message (docs/conventions.md). */
export function messageFields<
  T extends { code?: string | null | undefined; params?: MessageParams | undefined },
>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>) {
  return {
    code: t.string({
      nullable: true,
      description: CODE_DESCRIPTION,
      resolve: (message) => message.code ?? null,
    }),
    params: t.field({ type: [MessageParamRef], resolve: (message) => paramList(message.params) }),
  };
}

/** A message as data, for a typed error's parts (`DatasetInUseError.parts`, `HubPushError.undone`). */
export const CodedMessageRef = builder.objectRef<CodedMessage>('CodedMessage').implement({
  description:
    "A message as data: its English text, and its code and params for a client's own language",
  fields: (t) => ({
    message: t.exposeString('message', { description: 'The English text' }),
    ...messageFields(t),
  }),
});

const FieldIssueRef = builder.objectRef<FieldIssue>('FieldIssue').implement({
  description: 'A problem with one argument or input field; path names it (e.g. "name", "tags[2]")',
  fields: (t) => ({
    path: t.exposeString('path'),
    message: t.exposeString('message', { description: 'The English text' }),
    ...messageFields(t),
  }),
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
    message: t.exposeString('message', { description: 'The English text' }),
    ...messageFields(t),
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

const DatasetUserRef = builder
  .objectRef<{ kind: 'GENERATION_JOB' | 'TRAINING_RUN'; id: number; status: string; role: string }>(
    'DatasetUser',
  )
  .implement({
    description: 'A generation job or training run that uses a dataset',
    fields: (t) => ({
      kind: t.exposeString('kind', { description: 'GENERATION_JOB or TRAINING_RUN' }),
      id: t.exposeID('id'),
      status: t.exposeString('status'),
      role: t.exposeString('role', {
        description:
          'dataset (a job writing into it, a run training on it), examples (a job taking examples from it) or testDataset',
      }),
    }),
  });

builder.objectType(DuplicateImportError, {
  name: 'DuplicateImportError',
  description:
    'The same file (same bytes, same kind) was imported before; nothing was stored. Import again with allowDuplicate: true to keep a second copy.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    existingDatasetId: t.id({ resolve: (e) => String(e.existing.id) }),
    existingDatasetName: t.string({ resolve: (e) => e.existing.name }),
  }),
});

builder.objectType(DatasetInUseError, {
  name: 'DatasetInUseError',
  description:
    'The dataset is in use and was not deleted; the message names what uses it. Delete with force: true to cancel those users and delete it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    ...messageFields(t),
    parts: t.field({
      type: [CodedMessageRef],
      description:
        'Each user as a message, in the order the message\'s {users} lists them (joined by ", ")',
      resolve: (e) => [...e.parts],
    }),
    datasetId: t.id({ resolve: (e) => String(e.datasetId) }),
    jobIds: t.idList({
      description: 'Generation jobs queued, running or paused on it',
      resolve: (e) => e.users.jobs.map((j) => String(j.id)),
    }),
    runIds: t.idList({
      description: 'Training runs queued or running on it (as dataset or test dataset)',
      resolve: (e) => e.users.runs.map((r) => String(r.id)),
    }),
    users: t.field({
      type: [DatasetUserRef],
      resolve: (e) => [
        ...e.users.jobs.map((j) => ({ kind: 'GENERATION_JOB' as const, ...j })),
        ...e.users.runs.map((r) => ({ kind: 'TRAINING_RUN' as const, ...r })),
      ],
    }),
    validationsInProgress: t.int({
      description: 'Validations reading it in this server process',
      resolve: (e) => e.users.validations,
    }),
    exportsInProgress: t.int({
      description: 'Exports streaming it from this server process',
      resolve: (e) => e.users.exports,
    }),
  }),
});

const ConfigCheckRef = builder
  .objectRef<ProviderConfigError['checks'][number]>('ProviderConfigCheck')
  .implement({
    description: "One of the doctor's checks of a model provider: what was found, or what to fix",
    fields: (t) => ({
      name: t.exposeString('name'),
      ok: t.exposeBoolean('ok'),
      detail: t.exposeString('detail', { description: 'The English text' }),
      ...messageFields(t),
    }),
  });

builder.objectType(ProviderConfigError, {
  name: 'ProviderConfigError',
  description:
    'The model provider cannot be used as configured (credentials, region, model access); nothing was created. The failing checks say what to fix.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    ...messageFields(t),
    provider: t.exposeString('provider'),
    model: t.exposeString('model', { nullable: true }),
    checks: t.field({ type: [ConfigCheckRef], resolve: (e) => [...e.checks] }),
  }),
});
