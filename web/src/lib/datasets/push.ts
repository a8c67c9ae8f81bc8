/*
 * What a push to the Hub did, said in the reader's language from the push's fields (the API's own
 * `summary` says it in English only).
 */
import { formatCount } from '../format.ts';
import { type Locale, translate } from '../i18n/messages.ts';

/** What a push did, as the push form says it (`pushSummary`). */
export interface PushDone {
  url: string;
  repo: string;
  revision: string;
  created: boolean;
  commitOid: string | null;
  private: boolean;
  visibilityChanged: boolean;
  itemCount: number;
  previousItemCount: number | null;
  changes: { added: number; changed: number; unchanged: number; deleted: number };
}

/** A push's answer as `PushDone`: its files counted by how they changed. */
export function pushDone(
  data: Omit<PushDone, 'changes'> & {
    files: readonly { change: 'ADDED' | 'CHANGED' | 'UNCHANGED' | 'DELETED' }[];
  },
): PushDone {
  const changes = { added: 0, changed: 0, unchanged: 0, deleted: 0 };
  for (const f of data.files) changes[f.change.toLowerCase() as keyof typeof changes]++;
  const { files: _files, ...rest } = data;
  return { ...rest, changes };
}

/**
 * What a push did, in one line in the reader's language: the repo and branch, the files it changed (or that
 * nothing changed and no commit was made), and whether it created the repo, changed its visibility or the
 * item count. The API's own `summary` says the same in English; this is built from its fields so it reads
 * in Spanish too.
 */
export function pushSummary(locale: Locale, done: PushDone): string {
  const parts = [
    `${done.repo}@${done.revision}: ${
      done.commitOid
        ? translate(locale, 'dd.push.changes', done.changes)
        : translate(locale, 'dd.push.noChange')
    }`,
  ];
  if (done.created) parts.push(translate(locale, 'dd.push.createdRepo'));
  if (done.visibilityChanged)
    parts.push(translate(locale, done.private ? 'dd.push.madePrivate' : 'dd.push.madePublic'));
  if (done.previousItemCount !== null && done.previousItemCount !== done.itemCount)
    parts.push(
      translate(locale, 'dd.push.items', {
        from: formatCount(done.previousItemCount, locale),
        to: formatCount(done.itemCount, locale),
      }),
    );
  return parts.join(' · ');
}
