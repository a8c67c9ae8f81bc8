import * as v from 'valibot';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { builder } from '../../platform/graphql/builder.ts';
import { CodedMessageRef, ErrorInterface, messageFields } from '../../platform/graphql/errors.ts';
import { parseId } from '../../platform/graphql/ids.ts';
import { progressStream } from '../../platform/graphql/progress-stream.ts';
import type { PushProgressEvent } from '../../platform/pubsub.ts';
import { type DatasetPush, DatasetPushSchema } from '../dataset-push.entity.ts';
import {
  HubPushError,
  HubRepoSchema,
  HubRevisionSchema,
  listPushes,
  type PushProgress,
  type PushResult,
  pushDataset,
} from '../push.ts';
import { DatasetRef } from './dataset.ts';

const PushFailureEnum = builder.enumType('HubPushFailure', {
  description: 'Why a push to the Hub failed',
  values: {
    NO_TOKEN: { description: 'HF_TOKEN is not set on the server, or is not a Hugging Face token' },
    UNAUTHORIZED: { description: 'The Hub refused the token (401)' },
    FORBIDDEN: { description: 'The token may not write to the repo (403)' },
    REPO_NOT_FOUND: { description: 'The repo does not exist and could not be created' },
    REVISION_NOT_FOUND: { description: 'The branch does not exist in the repo' },
    VISIBILITY: {
      description: "The Hub did not change the existing repo's visibility (private: true or false)",
    },
    NETWORK: { description: 'The Hub could not be reached (HF_ENDPOINT)' },
    HUB_ERROR: { description: 'The Hub answered with another error' },
  } as const,
});

builder.objectType(HubPushError, {
  name: 'HubPushError',
  description:
    'The dataset was not pushed: nothing was committed, a repo the push created was deleted again, a visibility it changed was put back (the message says if that failed), and nothing was recorded. The message says what to fix.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    ...messageFields(t),
    undone: t.field({
      type: CodedMessageRef,
      nullable: true,
      description:
        'What was put back after the failure, or what is left to do by hand; the message ends with it (after "; ")',
      resolve: (e) => e.undone,
    }),
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

const DatasetPushRef = builder.objectRef<DatasetPush>('DatasetPush').implement({
  description:
    'A recorded push of the dataset to a Hub dataset repo (every successful push, including those that changed nothing)',
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.expose('createdAt', { type: 'DateTime', description: 'When the push finished' }),
    host: t.exposeString('host', {
      description: "The Hub's host: huggingface.co, or the host:port of HF_ENDPOINT",
    }),
    repo: t.exposeString('repo'),
    revision: t.exposeString('revision'),
    url: t.exposeString('url', { description: "The repo's page" }),
    commitOid: t.exposeString('commitOid', {
      nullable: true,
      description: 'The commit made; null when the repo already held this content',
    }),
    commitUrl: t.exposeString('commitUrl', { nullable: true }),
    private: t.exposeBoolean('private', { description: "The repo's visibility after the push" }),
    created: t.exposeBoolean('created', { description: 'This push created the repo' }),
    visibilityChanged: t.exposeBoolean('visibilityChanged', {
      description: "This push changed the existing repo's visibility",
    }),
    filesAdded: t.exposeInt('filesAdded'),
    filesChanged: t.exposeInt('filesChanged'),
    filesUnchanged: t.exposeInt('filesUnchanged'),
    filesDeleted: t.exposeInt('filesDeleted'),
    files: t.field({ type: [PushedFileRef], resolve: (p) => p.files }),
    itemCount: t.exposeInt('itemCount'),
    summary: t.exposeString('summary', { description: 'What the push did, in one line' }),
  }),
});

builder.objectField(DatasetRef, 'pushes', (t) =>
  t.field({
    type: [DatasetPushRef],
    description: "The dataset's pushes to the Hub, newest first",
    args: {
      first: t.arg.int({
        required: false,
        defaultValue: 10,
        description: 'At most this many (1-100)',
        validate: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
      }),
    },
    resolve: (d, args, ctx) => listPushes(ctx.em, d.id, args.first ?? 10),
  }),
);

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
    private: t.exposeBoolean('private', { description: "The repo's visibility after the push" }),
    visibilityChanged: t.exposeBoolean('visibilityChanged', {
      description: "This push changed the existing repo's visibility",
    }),
    record: t.field({
      type: DatasetPushRef,
      description: "The registry's record of this push (also in Dataset.pushes)",
      resolve: (r, _args, ctx) => ctx.em.findOneOrFail(DatasetPushSchema, r.record.id),
    }),
  }),
});

const PushPhaseEnum = builder.enumType('HubPushPhase', {
  values: {
    PREPARING: { description: 'Building the Parquet, the card and the other files' },
    COMPARING: { description: 'Creating the repo if needed, comparing with what it holds' },
    UPLOADING: { description: 'Uploading the files that change (large files through LFS)' },
    COMMITTING: { description: 'Making the commit' },
    DONE: { description: 'Pushed; message is the summary' },
    FAILED: { description: 'Not pushed; message says why' },
  } as const,
});

const PushProgressRef = builder.objectRef<PushProgressEvent>('HubPushProgress').implement({
  description: 'How far a push of the dataset to the Hub is',
  fields: (t) => ({
    repo: t.exposeString('repo'),
    phase: t.field({
      type: PushPhaseEnum,
      resolve: (p) => p.phase.toUpperCase() as Uppercase<PushProgressEvent['phase']>,
    }),
    bytesSent: t.exposeFloat('bytesSent', {
      description: 'Bytes of the changed files sent so far',
    }),
    bytesTotal: t.exposeFloat('bytesTotal', {
      description: 'Bytes of the files that change (0 before uploading)',
    }),
    message: t.exposeString('message', {
      nullable: true,
      description: "DONE: the push's summary; FAILED: what went wrong",
    }),
  }),
});

/** Publishes a push's progress: every phase change, and at most 4 uploading events a second. */
function progressPublisher(
  publish: (event: PushProgressEvent) => void,
  repo: string,
): { onProgress: (p: PushProgress) => void; end: (ok: boolean, message: string) => void } {
  let last: PushProgress = { phase: 'preparing', bytesSent: 0, bytesTotal: 0 };
  let at = 0;
  return {
    onProgress: (p) => {
      const now = Date.now();
      const changed = p.phase !== last.phase || at === 0;
      last = p;
      if (!changed && now - at < 250) return;
      at = now;
      publish({ repo, ...p, message: null });
    },
    end: (ok, message) =>
      publish({
        repo,
        phase: ok ? 'done' : 'failed',
        bytesSent: ok ? last.bytesTotal : last.bytesSent,
        bytesTotal: last.bytesTotal,
        message,
      }),
  };
}

builder.subscriptionField('pushProgress', (t) =>
  t.field({
    type: PushProgressRef,
    description:
      'The progress of the next push of this dataset to the Hub, until it is DONE or FAILED: subscribe, then call pushDataset (a push is not resumable, so there is no current state to catch up on)',
    args: { datasetId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) =>
      progressStream<PushProgressEvent>({
        events: ctx.pubsub.subscribe('push:progress', parseId(args.datasetId, 'datasetId')),
        isTerminal: (event) => event.phase === 'done' || event.phase === 'failed',
      }),
    resolve: (p) => p,
  }),
);

builder.mutationField('pushDataset', (t) =>
  t.field({
    type: PushResultRef,
    description:
      "Pushes a dataset to a Hugging Face Hub dataset repo (the server's HF_ENDPOINT, with the server's HF_TOKEN): Parquet data, the dataset card, generation config, latest validation report and lineage. Creates the repo when missing; commits only the files that changed, so pushing unchanged content makes no commit. Every successful push is recorded (Dataset.pushes).",
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
        description:
          "The repo's visibility: true private, false public, on creation or on an existing repo (its settings); left out, a new repo is public and an existing one keeps its visibility",
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
    resolve: async (_root, args, ctx) => {
      const datasetId = parseId(args.id);
      // Progress goes to pushProgress subscribers of this dataset (a large push can take minutes).
      const publisher = progressPublisher(
        (event) => ctx.pubsub.publish('push:progress', datasetId, event),
        args.repo,
      );
      try {
        const result = await pushDataset(ctx.services, {
          datasetId,
          repo: args.repo,
          hub: ctx.config.hub,
          onProgress: publisher.onProgress,
          ...(args.private != null ? { private: args.private } : {}),
          ...(args.revision ? { revision: args.revision } : {}),
          ...(args.message ? { message: args.message } : {}),
          ...(args.license ? { license: args.license } : {}),
        });
        publisher.end(true, result.summary);
        return result;
      } catch (err) {
        publisher.end(
          false,
          err instanceof HubPushError || err instanceof NotFoundError || err instanceof InputError
            ? err.message
            : 'the push failed (see the server log)',
        );
        throw err;
      }
    },
  }),
);
