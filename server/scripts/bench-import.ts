/**
 * pnpm bench:import [--mb 60] [--unique 5000] [--seed 7] [--rounds 1] [--file PATH] [--keep]
 *
 * Peak memory and speed of importing a large conversations JSONL file.
 *
 * 1. Makes the file: `--unique` conversations from the local writer (the path a `local` generation job takes,
 *    minus the database), repeated with renumbered conversation ids until the file holds `--mb` megabytes
 *    (default 60, about 67,000 conversations). `--file` imports an existing file instead.
 * 2. Imports it into a fresh SQLite registry, each run in its own Node process (peak RSS is per process:
 *    `process.resourceUsage().maxRSS`, what `/usr/bin/time -v` reports as "Maximum resident set size"):
 *    - `stream`: ours, through the CLI code path: `genesis import FILE --kind conversations --db DB --json`
 *      run by the CLI's own `main()`: the file is read as a stream, each record validated as it comes and
 *      stored in chunks in one transaction.
 *    - `in-memory`: the previous path as a baseline: the whole file read into a string, every record parsed
 *      into an item (`parseDatasetFile`), then all items inserted in one transaction.
 *    - `idle`: a process that loads the same modules and imports nothing: what the CLI costs before any file.
 *    Every process loads the same modules, so the figures differ only by the import. Printed: peak RSS, its
 *    excess over `idle`, seconds, items/s, and stream / in-memory ratios. `--rounds N` alternates the two
 *    imports N times (each row is one run).
 *
 * The same absolute figure for the real CLI from a shell (root of the repository):
 *   /usr/bin/time -v node --import tsx server/src/cli/main.ts import FILE --kind conversations --db /tmp/x.sqlite
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SCRIPT = fileURLToPath(import.meta.url);
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

interface ChildResult {
  mode: string;
  maxRssKb: number;
  seconds: number;
  items: number;
}

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '60' },
    unique: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '7' },
    rounds: { type: 'string', default: '1' },
    file: { type: 'string' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
    db: { type: 'string' },
  },
  allowPositionals: true,
});

if (values.child) await child(values.child, values.file!, values.db!);
else await parent();

// ---------------------------------------------------------------------------------------------

async function child(mode: string, file: string, db: string): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The CLI's modules, loaded in every mode so that the processes differ only by the import.
  const { main } = await import('../src/cli/program.ts');
  const { parseDatasetFile } = await import('../src/registry/import.ts');
  const { initORM } = await import('../src/platform/db/orm.ts');
  const started = performance.now();
  let items = 0;
  if (mode === 'stream') {
    // What `genesis import` does; its --json line goes to a pipe the parent reads.
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      out.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const code = await main([
      'node',
      'genesis',
      'import',
      file,
      '--kind',
      'conversations',
      '--db',
      db,
      '--json',
    ]);
    process.stdout.write = write;
    if (code !== 0) throw new Error(`genesis import exited ${code}: ${out.join('')}`);
    items = JSON.parse(out.join('')).itemCount;
  } else if (mode === 'in-memory') {
    const content = readFileSync(file, 'utf8');
    const result = parseDatasetFile(content, { kind: 'conversations', filename: file });
    if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
    const services = await initORM({ type: 'sqlite', path: db });
    try {
      const dataset = await services.datasets(services.em.fork()).createWithItems(
        {
          name: 'bench',
          kind: 'conversations',
          origin: 'imported',
          source: { file, format: result.format },
        },
        result.items,
      );
      items = dataset.itemCount;
    } finally {
      await services.close();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const result: ChildResult = { mode, maxRssKb: process.resourceUsage().maxRSS, seconds, items };
  process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
}

function runChild(mode: string, file: string, db: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', SCRIPT, '--child', mode, '--file', file, '--db', db],
      { cwd: SERVER_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH '));
      if (code !== 0 || !line) reject(new Error(`${mode} run failed (exit ${code}): ${out}`));
      else resolve(JSON.parse(line.slice(6)) as ChildResult);
    });
  });
}

// ---------------------------------------------------------------------------------------------

async function makeFile(path: string, megabytes: number, unique: number, seed: number) {
  const { loadConfig } = await import('../src/platform/config.ts');
  const { resolveConfig } = await import('../src/generation/config.ts');
  const { planConversations } = await import('../src/generation/plan.ts');
  const { answerConversations } = await import('../src/llm/local/conversations/answer.ts');
  const config = resolveConfig(
    { kind: 'conversations', count: unique, provider: 'local', seed, targets: {} },
    loadConfig({}),
  );
  const slots = planConversations(config);
  const lines: Record<string, unknown>[] = [];
  for (let i = 0; i < slots.length; i += 1000) {
    for (const { slot: _slot, ...c } of answerConversations(slots.slice(i, i + 1000), String(seed))
      .conversations) {
      lines.push(c as Record<string, unknown>);
    }
  }
  const out = createWriteStream(path);
  const target = megabytes * 1_000_000;
  let bytes = 0;
  let count = 0;
  for (let copy = 0; bytes < target; copy++) {
    for (const c of lines) {
      const line = `${JSON.stringify({ ...c, conversation_id: `${c.conversation_id}-r${copy}` })}\n`;
      bytes += Buffer.byteLength(line);
      count++;
      if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
      if (bytes >= target) break;
    }
  }
  out.end();
  await new Promise<void>((r) => out.once('finish', () => r()));
  return count;
}

async function parent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'genesis-bench-import-'));
  try {
    let file = values.file;
    if (!file) {
      file = join(dir, 'conversations.jsonl');
      const t = performance.now();
      const count = await makeFile(
        file,
        Number(values.mb),
        Number(values.unique),
        Number(values.seed),
      );
      console.log(
        `made ${file}: ${count} conversations (${values.unique} unique from the local writer, renumbered), ${(statSync(file).size / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    const size = statSync(file).size;
    console.log(
      `import bench: ${(size / 1e6).toFixed(1)} MB JSONL, SQLite; node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const idle = await runChild('idle', file, join(dir, 'idle.sqlite'));
    const runs: ChildResult[] = [];
    for (let round = 0; round < Math.max(1, Number(values.rounds)); round++) {
      for (const mode of ['in-memory', 'stream']) {
        const db = join(dir, `${mode}-${round}.sqlite`);
        runs.push(await runChild(mode, file, db));
        rmSync(db, { force: true });
        rmSync(`${db}-wal`, { force: true });
        rmSync(`${db}-shm`, { force: true });
      }
    }
    const mb = (kb: number) => kb / 1024;
    console.log(`\nmode        peak RSS   over idle   time     items/s   items`);
    console.log(`idle        ${mb(idle.maxRssKb).toFixed(0).padStart(5)} MB`);
    for (const r of runs) {
      console.log(
        `${r.mode.padEnd(10)}  ${mb(r.maxRssKb).toFixed(0).padStart(5)} MB  ${mb(
          r.maxRssKb - idle.maxRssKb,
        )
          .toFixed(0)
          .padStart(6)} MB  ${r.seconds.toFixed(1).padStart(5)} s  ${Math.round(r.items / r.seconds)
          .toString()
          .padStart(8)}   ${r.items}`,
      );
    }
    const best = (mode: string, pick: (r: ChildResult) => number) =>
      Math.min(...runs.filter((r) => r.mode === mode).map(pick));
    const rss = best('stream', (r) => r.maxRssKb) / best('in-memory', (r) => r.maxRssKb);
    const over =
      (best('stream', (r) => r.maxRssKb) - idle.maxRssKb) /
      (best('in-memory', (r) => r.maxRssKb) - idle.maxRssKb);
    const speed = best('in-memory', (r) => r.seconds) / best('stream', (r) => r.seconds);
    console.log(
      `\nstream / in-memory: peak RSS ${rss.toFixed(2)}, RSS over idle ${over.toFixed(2)}, items/s ${speed.toFixed(2)}`,
    );
    if (values.keep) console.log(`kept ${file}`);
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}
