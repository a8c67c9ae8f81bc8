/**
 * Language identification for the language check, with ELD (Efficient Language Detector, `eld` on npm): an
 * n-gram detector in plain JavaScript, offline, one of the fastest non-compiled ones at accuracy close to
 * CLD3. The `small` database is used: on this project's texts it was as accurate as `large` (no error on the
 * 10k Banking77 queries and 20k generated conversations) and loads in a third of the time.
 *
 * ELD costs about 30 µs a text, the largest single cost of a report, so big datasets are detected on a second
 * thread (language-worker.mjs) while the report computes everything else, and joined synchronously.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LANGUAGES, type Language } from '@genesis/schema/common';
import { eld } from 'eld/small';

// An instance of our own, so another user of eld in the process can keep its own language subset.
const detector = eld.newInstance();
// Only the labels a conversation can carry compete: the question is "English or Spanish, as labelled?".
detector.setLanguageSubset([...LANGUAGES]);

/**
 * The language (`en` or `es`) a text is written in, or null when it can't tell (no letters, or no n-gram of
 * either language).
 */
export function detectLanguage(text: string): Language | null {
  const found = detector.detect(text).language;
  return found === 'en' || found === 'es' ? found : null;
}

/**
 * The language of a text only when it is clear: enough letters, ELD reliable, and one language scoring well
 * above the other. The generation runner rejects an answer in the wrong language with it, so a doubtful text
 * (short, mixed, full of names) is never held against the model.
 */
export function clearLanguage(text: string): Language | null {
  if ((text.match(/\p{L}/gu)?.length ?? 0) < 12) return null;
  const result = detector.detect(text);
  if (!result.isReliable()) return null;
  const scores = result.getScores() as Partial<Record<Language, number>>;
  const en = scores.en ?? 0;
  const es = scores.es ?? 0;
  if (en > es * 1.5) return 'en';
  if (es > en * 1.5) return 'es';
  return null;
}

/** Below this many texts a second thread costs more (start-up, loading ELD) than it saves. */
export const PARALLEL_LANGUAGE_MIN = 5_000;
/** Texts per chunk the two threads take turns on. */
const CHUNK = 256;
const CODES: readonly (Language | null)[] = [null, 'en', 'es'];

/**
 * Starts detecting the language of every text and returns `join`, which returns the results (in order). Large
 * inputs start at once on a worker thread; `join` then takes the remaining chunks on the calling thread too
 * (both draw from one shared counter, so the split balances itself) and waits for the worker's last chunk.
 * Chunks a failed or stalled worker left undone are detected by the caller, so the result never depends on
 * the thread.
 *
 * Shared memory: int32 status (0 running, 1 done, 2 failed), int32 next chunk, int32 chunks done; then one
 * done-flag byte per chunk; then one result byte per text (0 unknown, 1 en, 2 es).
 */
export function detectLanguages(
  texts: readonly string[],
  options: { parallel?: boolean } = {},
): () => (Language | null)[] {
  const parallel =
    options.parallel ?? (texts.length >= PARALLEL_LANGUAGE_MIN && availableParallelism() > 1);
  if (!parallel) return () => texts.map(detectLanguage);
  const chunks = Math.ceil(texts.length / CHUNK);
  const shared = new SharedArrayBuffer(12 + chunks + texts.length);
  const header = new Int32Array(shared, 0, 3);
  const done = new Uint8Array(shared, 12, chunks);
  const out = new Uint8Array(shared, 12 + chunks, texts.length);
  const run = (c: number) => {
    const end = Math.min(texts.length, (c + 1) * CHUNK);
    for (let i = c * CHUNK; i < end; i++) {
      const found = detectLanguage(texts[i]!);
      out[i] = found === 'en' ? 1 : found === 'es' ? 2 : 0;
    }
    Atomics.store(done, c, 1);
    Atomics.add(header, 2, 1);
  };
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL('./language-worker.mjs', import.meta.url), {
      workerData: { texts, shared, chunk: CHUNK },
    });
    // The thread ends by itself when the chunks run out; it must not keep the process alive.
    worker.unref();
    // Failures are reported through shared memory; an unhandled 'error' event would crash the process.
    worker.on('error', () => {});
  } catch {
    // No thread: join does every chunk.
  }
  return () => {
    for (let c = Atomics.add(header, 1, 1); c < chunks; c = Atomics.add(header, 1, 1)) run(c);
    // Generous: a stalled thread (not a slow one) is what this guards against.
    const deadline = Date.now() + 10_000 + CHUNK;
    for (;;) {
      const finished = Atomics.load(header, 2);
      const left = deadline - Date.now();
      if (finished >= chunks || Atomics.load(header, 0) === 2 || left <= 0) break;
      Atomics.wait(header, 2, finished, left);
    }
    let redone = false;
    for (let c = 0; c < chunks; c++) {
      if (!Atomics.load(done, c)) {
        run(c);
        redone = true;
      }
    }
    if (redone) void worker?.terminate();
    return Array.from(out, (code) => CODES[code] ?? null);
  };
}
