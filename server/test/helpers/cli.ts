import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server package's folder: the CLI runs from here, as `pnpm genesis` does. */
export const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `genesis <args>` from source in a child process (no DATABASE_URL from the environment, no colours) and
 * answers its exit code and output, whatever the code.
 */
export function genesis(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(SERVER_DIR, 'node_modules/.bin/tsx'),
      ['src/cli/main.ts', ...args],
      { cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
