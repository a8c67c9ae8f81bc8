// The AWS SDK prints `NodeVersionSupportWarning` on Node < 22 when it creates its first client (@aws-sdk/core,
// emitWarningIfUnsupportedVersion). The clients are pinned to releases that support Node 20 (docs/deployment.md),
// so the warning says nothing actionable to a user of the CLI or `serve`. The SDK skips it when this variable is
// "true", read when a client is created, not when the SDK loads: set here, before any command runs (and before
// program.ts and its imports evaluate, hence the dynamic import), it covers every client of this process. An
// explicit other value (e.g. "false") brings the warning back.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await import('./program.ts');

// `pnpm genesis` runs this from the workspace root; pnpm keeps the caller's directory in INIT_CWD, and
// relative paths (FILE, --out, --db) mean the caller's directory, as with any command-line tool.
if (process.env.npm_lifecycle_event === 'genesis' && process.env.INIT_CWD) {
  process.chdir(process.env.INIT_CWD);
}

process.exitCode = await main(process.argv);
