// Language identification on a second thread, for detectLanguages() in language.ts. Both threads take chunks
// of texts from one shared counter, so the work splits itself between them whatever else each thread is
// doing. Plain JavaScript, so the thread starts without a TypeScript loader; it must match language.ts
// (eld/small, subset en/es, codes 0 unknown, 1 en, 2 es). Shared layout: see language.ts.
import { workerData } from 'node:worker_threads';

const { shared, texts, chunk } = workerData;
const header = new Int32Array(shared, 0, 3);
const chunks = Math.ceil(texts.length / chunk);
const done = new Uint8Array(shared, 12, chunks);
const out = new Uint8Array(shared, 12 + chunks, texts.length);
try {
  const { eld } = await import('eld/small');
  const detector = eld.newInstance();
  detector.setLanguageSubset(['en', 'es']);
  for (let c = Atomics.add(header, 1, 1); c < chunks; c = Atomics.add(header, 1, 1)) {
    const end = Math.min(texts.length, (c + 1) * chunk);
    for (let i = c * chunk; i < end; i++) {
      const found = detector.detect(texts[i]).language;
      out[i] = found === 'en' ? 1 : found === 'es' ? 2 : 0;
    }
    Atomics.store(done, c, 1);
    Atomics.add(header, 2, 1);
    Atomics.notify(header, 2);
  }
  Atomics.store(header, 0, 1);
} catch {
  // The caller detects whatever this thread left unfinished.
  Atomics.store(header, 0, 2);
}
Atomics.notify(header, 2);
