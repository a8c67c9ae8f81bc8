import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Runs `genesis serve` from source and resolves with its exit code and output, or null if it did not exit. */
function serve(args: string[], dir: string, waitMs: number) {
  return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args, '--db', join(dir, 'g.sqlite')],
      { env: { ...process.env, GENESIS_LOG_LEVEL: 'silent' } },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, waitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('genesis serve', () => {
  let busy: Server;
  let port: number;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-serve-'));
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => busy.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('on a busy port says so and exits 1 instead of hanging', async () => {
    // Generous: starting tsx and opening the database takes seconds on a loaded machine; a hang never exits.
    const r = await serve(['--port', String(port)], dir, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(r.stdout).not.toContain('GENESIS-LAB is running');
  });
});
