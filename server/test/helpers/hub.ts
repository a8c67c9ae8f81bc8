import { HubServer, type HubServerOptions } from '../support/hub-server.ts';
import { startTestServer, type TestServer } from './app.ts';
import type { DbKind } from './databases.ts';

/** The Hub tokens of the push tests' user `alice`: one that may write, one that may only read. */
export const WRITE = 'hf_write_alice_0123456789';
export const READ = 'hf_read_alice_0123456789';

/** A Hub-compatible test server and the app pushing to it. */
export interface HubApp {
  hub: HubServer;
  s: TestServer;
  close(): Promise<void>;
}

/**
 * Starts a Hub-compatible server (support/hub-server.ts) that knows {@link WRITE} and {@link READ}, and the app on
 * a fresh database of `kind` pushing to it with the write token (`HF_ENDPOINT`, `HF_TOKEN`; `env` adds or
 * overrides settings).
 */
export async function startHubApp(
  options: { kind?: DbKind; hub?: HubServerOptions; env?: Record<string, string> } = {},
): Promise<HubApp> {
  const hub = new HubServer(
    { [WRITE]: { user: 'alice', write: true }, [READ]: { user: 'alice', write: false } },
    options.hub,
  );
  await hub.start();
  try {
    const s = await startTestServer(options.kind ?? 'sqlite', {
      HF_ENDPOINT: hub.url,
      HF_TOKEN: WRITE,
      ...options.env,
    });
    return {
      hub,
      s,
      close: async () => {
        await s.close();
        await hub.stop();
      },
    };
  } catch (error) {
    await hub.stop();
    throw error;
  }
}

/**
 * Generates `count` conversations with the local provider (seeded: the same data each run) and waits for the job
 * on its own state, not a fixed sleep; returns the dataset's id.
 */
export async function generateConversations(
  s: TestServer,
  count: number,
  seed: number,
): Promise<string> {
  const started = await s.gql<any>(
    `mutation($input: GenerationInput!) { startGeneration(input: $input) {
      __typename ... on MutationStartGenerationSuccess { data { id dataset { id } } } } }`,
    { input: { kind: 'CONVERSATIONS', count, provider: 'LOCAL', seed } },
  );
  const job = started.data?.startGeneration.data;
  if (started.errors || !job) throw new Error(`startGeneration failed: ${JSON.stringify(started)}`);
  for (let i = 0; ; i++) {
    const status = (
      await s.gql<any>('query($id: ID!) { generationJob(id: $id) { status } }', { id: job.id })
    ).data.generationJob.status;
    if (status === 'COMPLETED') return job.dataset.id;
    if (!/QUEUED|RUNNING/.test(status) || i > 1200) throw new Error(`generation ended ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
