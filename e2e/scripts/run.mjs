// Runs the Playwright suite in Debian's Chromium. Without a Chromium on this machine the suite cannot run:
// under CI that is a failure; on a developer's machine it is skipped with a notice saying how to install it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const how =
    'install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH';
  if (process.env.CI) {
    console.error(`e2e: Chromium not found at ${chromium}; ${how}.`);
    process.exit(1);
  }
  console.warn(`\n  e2e SKIPPED: Chromium not found at ${chromium}; ${how}.\n`);
  process.exit(0);
}
// The package's own bin folder first, so `node scripts/run.mjs` works outside `pnpm test` too.
const bin = join(import.meta.dirname, '..', 'node_modules', '.bin');
const result = spawnSync('playwright', ['test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  shell: false,
  env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
});
if (result.error) {
  console.error(`e2e: could not start Playwright: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
