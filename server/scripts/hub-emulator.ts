/**
 * `pnpm hub:emulator`: runs the local Hub-compatible test server until Ctrl-C, to try `genesis push` and the
 * dataset page's "Push to the Hub" without the real Hub (README.md, "Push to the Hub"). It accepts one write token
 * for one user, keeps repos in memory, and prints every commit with its files and every LFS upload (single or in
 * parts). The LFS thresholds can be lowered to try the large-file path with a small dataset.
 *
 *   pnpm hub:emulator --port 4020 --user alice
 *   pnpm hub:emulator --multipart-threshold-kib 64 --chunk-size-kib 16
 *   HF_ENDPOINT=http://127.0.0.1:4020 HF_TOKEN=hf_local_emulator_token pnpm genesis push 1 --repo alice/demo
 */
import { parseArgs } from 'node:util';
import { HubServer } from '../test/support/hub-server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4020' },
    host: { type: 'string', default: '127.0.0.1' },
    user: { type: 'string', default: 'alice' },
    'lfs-threshold-kib': { type: 'string', default: String(10 * 1024) },
    'multipart-threshold-kib': { type: 'string', default: String(20 * 1024) },
    'chunk-size-kib': { type: 'string', default: String(8 * 1024) },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    [
      'Usage: pnpm hub:emulator [--port 4020] [--host 127.0.0.1] [--user alice]',
      '         [--lfs-threshold-kib 10240] [--multipart-threshold-kib 20480] [--chunk-size-kib 8192]',
      '  The write token is HF_TOKEN if set (it must start with hf_), else hf_local_emulator_token.',
      '  Files over --lfs-threshold-kib (and every .parquet) go through LFS; LFS objects of at least',
      '  --multipart-threshold-kib are uploaded in parts of --chunk-size-kib.',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be a port number (0-65535); got ${values.port}\n`);
  process.exit(2);
}
/** A size option in KiB, as bytes; exits with a message when it is not a positive whole number. */
function kib(name: 'lfs-threshold-kib' | 'multipart-threshold-kib' | 'chunk-size-kib'): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(
      `--${name} must be a whole number of KiB, at least 1; got ${values[name]}\n`,
    );
    process.exit(2);
  }
  return n * 1024;
}
const sizes = {
  lfsThreshold: kib('lfs-threshold-kib'),
  multipartThreshold: kib('multipart-threshold-kib'),
  chunkSize: kib('chunk-size-kib'),
};
const token = process.env.HF_TOKEN?.startsWith('hf_')
  ? process.env.HF_TOKEN
  : 'hf_local_emulator_token';
const hub = new HubServer(
  { [token]: { user: values.user, write: true } },
  {
    ...sizes,
    onCommit: (repo, commit) => {
      for (const u of hub.lfsUploads.splice(0))
        process.stdout.write(
          `  LFS ${u.oid.slice(0, 10)}: ${u.size} bytes, ${u.transfer}${u.transfer === 'multipart' ? ` in ${u.parts} parts` : ''}\n`,
        );
      const ops = commit.operations.map((o) => `${o.op} ${o.path}`).join(', ');
      process.stdout.write(
        `commit ${commit.oid.slice(0, 10)} on ${repo}@${commit.branch}: "${commit.title}" (${ops})\n`,
      );
    },
  },
);
const url = await hub.start(port, values.host);
process.stdout.write(
  `Hub emulator on ${url} for user "${values.user}"${token === process.env.HF_TOKEN ? ' with HF_TOKEN' : ''}\n  HF_ENDPOINT=${url} HF_TOKEN=${token === process.env.HF_TOKEN ? '$HF_TOKEN' : token}\n`,
);
const stop = async () => {
  await hub.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
