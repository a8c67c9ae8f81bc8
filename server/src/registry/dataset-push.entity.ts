import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DatasetSchema } from './dataset.entity.ts';

/** One file of a push and how it compared with what the repo held. */
export interface PushedFile {
  path: string;
  bytes: number;
  change: 'added' | 'changed' | 'unchanged' | 'deleted';
}

/**
 * A successful push of a dataset to a Hub dataset repo (`registry/push.ts`), kept so the dataset shows where and
 * when it was published and what each push changed. A push of unchanged content is recorded too, with no commit.
 * Failed pushes leave no row. The token is never stored.
 */
export const DatasetPushSchema = defineEntity({
  name: 'DatasetPush',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** Indexed: a dataset's pushes are read by dataset, newest first. */
    dataset: () => p.manyToOne(DatasetSchema).deleteRule('cascade').index(),
    /** The Hub's host (`huggingface.co`, or a Hub-compatible server's `host:port`). */
    host: p.string().length(255),
    /** `owner/name`. */
    repo: p.string().length(200),
    /** The branch committed to. */
    revision: p.string().length(200),
    /** The repo's page. */
    url: p.text(),
    /** The commit made; null when the repo already held this content. */
    commitOid: p.string().length(64).nullable(),
    commitUrl: p.text().nullable(),
    /** The repo's visibility after the push. */
    private: p.boolean(),
    /** This push created the repo. */
    created: p.boolean(),
    /** This push changed the repo's visibility (`--private` / `--public` on an existing repo). */
    visibilityChanged: p.boolean(),
    filesAdded: p.integer(),
    filesChanged: p.integer(),
    filesUnchanged: p.integer(),
    filesDeleted: p.integer(),
    files: p.json<PushedFile[]>(),
    itemCount: p.integer(),
    summary: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export interface DatasetPush extends InferEntity<typeof DatasetPushSchema> {}
