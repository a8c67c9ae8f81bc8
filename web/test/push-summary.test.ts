import { describe, expect, it } from 'vitest';
import { type PushDone, pushDone, pushSummary } from '../src/lib/datasets/push.ts';

/** A push that created the repo, added two files, changed one, made it private and grew the items. */
const answer = {
  url: 'https://huggingface.co/datasets/team/banking',
  repo: 'team/banking',
  revision: 'main',
  created: true,
  commitOid: 'abc123',
  private: true,
  visibilityChanged: true,
  itemCount: 12_500,
  previousItemCount: 1_000,
  files: [
    { change: 'ADDED' as const },
    { change: 'ADDED' as const },
    { change: 'CHANGED' as const },
    { change: 'UNCHANGED' as const },
  ],
};

describe('what a push did, in the reader’s language', () => {
  it('counts the files by how they changed', () => {
    expect(pushDone(answer).changes).toEqual({ added: 2, changed: 1, unchanged: 1, deleted: 0 });
  });

  it('says it in English and in Spanish, with the counts in the locale’s format', () => {
    const done = pushDone(answer);
    expect(pushSummary('en', done)).toBe(
      'team/banking@main: 2 added, 1 changed, 1 unchanged, 0 deleted · repo created · made private · items 1,000 → 12,500',
    );
    const es = pushSummary('es', done);
    expect(es).toContain('team/banking@main: 2 añadidos, 1 cambiados');
    expect(es).toContain('repositorio creado · hecho privado');
    expect(es).toContain('elementos: 1000 → 12.500');
    expect(es).not.toMatch(/\b(added|changed|created|private|items)\b/);
  });

  it('says that nothing changed when the push made no commit, and leaves out what did not happen', () => {
    const same: PushDone = {
      ...pushDone(answer),
      commitOid: null,
      created: false,
      visibilityChanged: false,
      previousItemCount: 12_500,
    };
    expect(pushSummary('en', same)).toBe('team/banking@main: no change, no commit');
    expect(pushSummary('es', same)).toBe('team/banking@main: sin cambios, sin commit');
  });
});
