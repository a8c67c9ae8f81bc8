/**
 * `pnpm hub:emulator`: runs the local Hub-compatible test server until Ctrl-C, to try `genesis push` and the
 * dataset page's "Push to the Hub" without the real Hub (README.md, "Push to the Hub"). It accepts one write token
 * for one user, keeps repos in memory, and prints every commit with its files.
 *
 *   pnpm hub:emulator --port 4020 --user alice
 *   HF_ENDPOINT=http://127.0.0.1:4020 HF_TOKEN=hf_local_emulator_token pnpm genesis push 1 --repo alice/demo
 */
import { parseArgs } from 'node:util';
import { HubServer } from '../test/support/hub-server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4020' },
    host: { type: 'string', default: '127.0.0.1' },
    user: { type: 'string', default: 'alice' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: pnpm hub:emulator [--port 4020] [--host 127.0.0.1] [--user alice]\n  The write token is HF_TOKEN if set (it must start with hf_), else hf_local_emulator_token.\n',
  );
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be a port number (0-65535); got ${values.port}\n`);
  process.exit(2);
}
const token = process.env.HF_TOKEN?.startsWith('hf_')
  ? process.env.HF_TOKEN
  : 'hf_local_emulator_token';
const hub = new HubServer(
  { [token]: { user: values.user, write: true } },
  {
    onCommit: (repo, commit) => {
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
