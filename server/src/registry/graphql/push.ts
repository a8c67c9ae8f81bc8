import * as v from 'valibot';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { builder } from '../../platform/graphql/builder.ts';
import { ErrorInterface } from '../../platform/graphql/errors.ts';
import { parseId } from '../../platform/graphql/ids.ts';
import {
  HubPushError,
  HubRepoSchema,
  HubRevisionSchema,
  type PushResult,
  pushDataset,
} from '../push.ts';

const PushFailureEnum = builder.enumType('HubPushFailure', {
  description: 'Why a push to the Hub failed',
  values: {
    NO_TOKEN: { description: 'HF_TOKEN is not set on the server, or is not a Hugging Face token' },
    UNAUTHORIZED: { description: 'The Hub refused the token (401)' },
    FORBIDDEN: { description: 'The token may not write to the repo (403)' },
    REPO_NOT_FOUND: { description: 'The repo does not exist and could not be created' },
    REVISION_NOT_FOUND: { description: 'The branch does not exist in the repo' },
    NETWORK: { description: 'The Hub could not be reached (HF_ENDPOINT)' },
    HUB_ERROR: { description: 'The Hub answered with another error' },
  } as const,
});

builder.objectType(HubPushError, {
  name: 'HubPushError',
  description:
    'The dataset was not pushed: nothing was committed to the repo. The message says what to fix.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    reason: t.field({ type: PushFailureEnum, resolve: (e) => e.reason }),
    status: t.int({
      nullable: true,
      description: "The Hub's HTTP status, when it answered",
      resolve: (e) => e.status,
    }),
  }),
});

const FileChangeEnum = builder.enumType('HubFileChange', {
  values: ['ADDED', 'CHANGED', 'UNCHANGED', 'DELETED'] as const,
});

const PushedFileRef = builder.objectRef<PushResult['files'][number]>('HubPushedFile').implement({
  description: 'One file of the push and how it compares with what the repo held',
  fields: (t) => ({
    path: t.exposeString('path'),
    bytes: t.exposeInt('bytes'),
    change: t.field({
      type: FileChangeEnum,
      resolve: (f) => f.change.toUpperCase() as 'ADDED' | 'CHANGED' | 'UNCHANGED' | 'DELETED',
    }),
  }),
});

const PushResultRef = builder.objectRef<PushResult>('HubPush').implement({
  description: 'A dataset pushed to a Hub dataset repo',
  fields: (t) => ({
    repo: t.exposeString('repo'),
    revision: t.exposeString('revision'),
    url: t.exposeString('url', { description: "The repo's page" }),
    created: t.exposeBoolean('created', { description: 'This push created the repo' }),
    commitOid: t.string({
      nullable: true,
      description: 'The commit made; null when the repo already held this content',
      resolve: (r) => r.commit?.oid ?? null,
    }),
    commitUrl: t.string({ nullable: true, resolve: (r) => r.commit?.url ?? null }),
    files: t.field({ type: [PushedFileRef], resolve: (r) => r.files }),
    itemCount: t.exposeInt('itemCount'),
    previousItemCount: t.exposeInt('previousItemCount', {
      nullable: true,
      description: 'The item count of the previous push to this branch (from its lineage file)',
    }),
    summary: t.exposeString('summary', { description: 'What the push did, in one line' }),
  }),
});

builder.mutationField('pushDataset', (t) =>
  t.field({
    type: PushResultRef,
    description:
      "Pushes a dataset to a Hugging Face Hub dataset repo (the server's HF_ENDPOINT, with the server's HF_TOKEN): Parquet data, the dataset card, generation config, latest validation report and lineage. Creates the repo when missing; commits only the files that changed, so pushing unchanged content makes no commit.",
    errors: { types: [HubPushError, NotFoundError, InputError] },
    args: {
      id: t.arg.id({ required: true }),
      repo: t.arg.string({
        required: true,
        description: 'OWNER/NAME',
        validate: HubRepoSchema,
      }),
      private: t.arg.boolean({
        required: false,
        description: 'Create the repo private (only when this push creates it)',
      }),
      revision: t.arg.string({
        required: false,
        description: 'The branch to commit to (default main)',
        validate: v.optional(HubRevisionSchema),
      }),
      message: t.arg.string({
        required: false,
        description: 'The commit title',
        validate: v.optional(
          v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(200)),
        ),
      }),
      license: t.arg.string({
        required: false,
        description: "A license id for the card's license field, e.g. cc-by-4.0",
        validate: v.optional(
          v.pipe(v.string(), v.regex(/^[\w.+-]{1,64}$/, 'must be a license id such as cc-by-4.0')),
        ),
      }),
    },
    resolve: (_root, args, ctx) =>
      pushDataset(ctx.services, {
        datasetId: parseId(args.id),
        repo: args.repo,
        hub: ctx.config.hub,
        ...(args.private != null ? { private: args.private } : {}),
        ...(args.revision ? { revision: args.revision } : {}),
        ...(args.message ? { message: args.message } : {}),
        ...(args.license ? { license: args.license } : {}),
      }),
  }),
);
