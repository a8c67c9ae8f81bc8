// Builds the server for production into server/dist/bin/ (git-ignored): `node server/dist/bin/genesis.js serve`.
// Development (tsx) and the tests (vitest) run the TypeScript sources and do not use this.
//
// Why esbuild: the sources are ESM TypeScript with `.ts` import specifiers and the workspace package
// @genesis/schema exports `.ts` files, which plain Node 20 cannot load; a bundler that inlines our own code and
// schema/ and leaves every node_modules package as a bare import is the smallest step that runs on plain Node.
// esbuild does exactly that in one call (about a second here), is already in the tree (vite's dependency, pinned
// in the lockfile), and needs no config file. tsc cannot do it alone (it would not compile schema/ and does not
// rewrite the `.ts` specifiers of package exports); tsdown/rolldown would add a new dependency for the same result.
//
// Layout, which the sources rely on:
// - Every output file sits in dist/bin/, two folders below server/ as the sources sit in src/<domain>/, so
//   REPO_ROOT in platform/config.ts (`new URL('../../..', import.meta.url)`) still names the repository root:
//   the built server finds web/build, data/reference/*.json and the default data/genesis.sqlite.
// - Each worker thread is its own bundle beside the CLI; workerModule() in training/threads.ts picks these file
//   names when it runs from the build (from source it takes the `.ts` files). Keep WORKERS and those calls equal.
// - The MikroORM migrations are classes imported by platform/db/migrations/*/list.ts, so they are bundled with
//   the rest; nothing reads the migrations folder at run time.
// - Packages stay external and resolve from server/node_modules, exactly as under tsx (one copy of graphql,
//   native libsql binaries untouched). Only the workspace's own @genesis/* packages are inlined.
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const server = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/bin', import.meta.url));

/** Bundle name (dist/bin/<name>.js) → source. The names are the ones the sources' workerModule() calls use. */
const ENTRIES = {
  genesis: 'src/cli/main.ts',
};
const WORKERS = {
  'training-worker': 'src/training/worker.ts', // training/run.ts
  'validation-worker': 'src/validation/worker.ts', // validation/run-worker.ts
  'svm-worker': 'src/training/models/svm-worker.ts', // training/models/svm-pool.ts
};
/** Plain JavaScript workers started as `new URL('./<file>', import.meta.url)`: copied as they are. */
const COPIED = [];

/** Bare imports (`graphql`, `node:fs`) stay imports, except the workspace's own TypeScript packages. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('@genesis/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const started = Date.now();
rmSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true, force: true });
await build({
  absWorkingDir: server,
  entryPoints: { ...ENTRIES, ...WORKERS },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // Error and migration class names survive bundling (two dialects define the same migration class names).
  keepNames: true,
  sourcemap: true,
  plugins: [externalPackages],
  logLevel: 'warning',
});
for (const file of COPIED) {
  copyFileSync(new URL(`../${file}`, import.meta.url), `${outdir}/${file.split('/').pop()}`);
}
const files = readdirSync(outdir).filter((f) => !f.endsWith('.map'));
console.log(`server built in ${Date.now() - started} ms: dist/bin/{${files.join(',')}}`);
