import { main } from './program.ts';

// `pnpm genesis` runs this from the workspace root; pnpm keeps the caller's directory in INIT_CWD, and
// relative paths (FILE, --out, --db) mean the caller's directory, as with any command-line tool.
if (process.env.npm_lifecycle_event === 'genesis' && process.env.INIT_CWD) {
  process.chdir(process.env.INIT_CWD);
}

process.exitCode = await main(process.argv);
