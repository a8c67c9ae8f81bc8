import { defineConfig, devices } from '@playwright/test';

const CI = Boolean(process.env.CI);

/**
 * End-to-end tests against the real server (API + built web app on one origin) in Debian's
 * Chromium. `global-setup.ts` starts the server on a free port with a throw-away SQLite file and
 * exports its URL as GENESIS_E2E_URL, which the workers read as `baseURL`.
 */
export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.e2e-spec.ts',
  globalSetup: './global-setup.ts',
  forbidOnly: CI,
  retries: CI ? 2 : 0,
  // One server and one database: specs share the registry, so run them one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  reporter: CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: process.env.GENESIS_E2E_URL,
    trace: 'on-first-retry',
    screenshot: { mode: 'on', fullPage: true },
    launchOptions: {
      // Never `playwright install`: the machines have Debian's chromium package (docs/conventions.md, "Tests mirror the seams").
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
});
