import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const STARTUP_MS = 90_000;

/** A port nobody listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, output: () => string) {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(
        `The server exited with code ${server.exitCode} before it was ready:\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `The server did not answer ${url}/healthz within ${STARTUP_MS / 1000} s:\n${output()}`,
  );
}

/**
 * Starts the real GENESIS-LAB server (API + built web app) on a free port with a temporary SQLite
 * file, and returns the teardown that stops it and deletes the file.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(join(REPO, 'web/build/handler.js'))) {
    throw new Error(
      'web/build/handler.js is missing: run `pnpm --filter @genesis/web build` before the e2e tests.',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'genesis-e2e-'));
  const db = join(dir, 'e2e.sqlite');
  const server = spawn(
    'pnpm',
    [
      '--filter',
      '@genesis/server',
      'exec',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--port',
      String(port),
      '--db',
      db,
    ],
    {
      cwd: REPO,
      env: { ...process.env, GENESIS_DB: db, PORT: String(port), HOST: '127.0.0.1' },
      // Its own process group, so teardown stops pnpm, tsx and node together.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  server.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  server.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null && server.pid) {
      const exited = new Promise((r) => server.once('exit', r));
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (server.exitCode === null) {
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, server, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  process.env.GENESIS_E2E_URL = url;
  return stop;
}
