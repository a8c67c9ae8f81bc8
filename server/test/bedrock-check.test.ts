import type { Emulator } from '@genesis/bedrock-emulator/server';
import { fillTemplate, MESSAGES } from '@genesis/schema/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { startLocalEmulator } from './helpers/emulators.ts';

const CHECK = `query($model: String) { bedrockCheck(model: $model) {
  __typename
  ... on QueryBedrockCheckSuccess {
    data { model ok checkedAt checks { name ok detail code params { name value } optional } }
  }
  ... on Error { message }
} }`;

/**
 * The Generate page's Bedrock check: the doctor's checks (credentials, then a one-token call through the real
 * SDK to the emulator), answered over GraphQL and reused briefly.
 */
describe('bedrockCheck', () => {
  let emulator: Emulator;
  let s: TestServer;
  let calls = 0;
  beforeAll(async () => {
    emulator = await startLocalEmulator({ seed: 5 });
    s = await startTestServer('sqlite', {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      GENESIS_BEDROCK_ENDPOINT: emulator.url,
    });
  });
  afterAll(async () => {
    await s?.close();
    await emulator?.stop();
  });

  it('reports the checks of a reachable model, and reuses the result briefly', async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';
    const model = 'us.amazon.nova-pro-v1:0';
    const before = emulator.stats().requests;
    const first = (await s.gql<any>(CHECK, { model })).data.bedrockCheck;
    expect(first.__typename).toBe('QueryBedrockCheckSuccess');
    expect(first.data).toMatchObject({ model, ok: true });
    expect(first.data.checks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['AWS credentials', 'model access']),
    );
    // Each detail comes as a code and parameters too, so the page can show it in Spanish.
    expect(
      first.data.checks.map((c: { code: string; params: { name: string; value: string }[] }) => [
        c.code,
        c.params,
      ]),
    ).toEqual([
      ['check.credentialsFound', []],
      ['check.modelAnswered', [{ name: 'model', value: model }]],
    ]);
    for (const c of first.data.checks) {
      const params = Object.fromEntries(
        c.params.map((p: { name: string; value: string }) => [p.name, p.value]),
      );
      expect(fillTemplate(MESSAGES[c.code as keyof typeof MESSAGES], params)).toBe(c.detail);
    }
    calls = emulator.stats().requests - before;
    expect(calls).toBeGreaterThan(0);
    // Asked again within the minute: the same result, no new call to the model.
    const again = (await s.gql<any>(CHECK, { model })).data.bedrockCheck;
    expect(again.data.checkedAt).toBe(first.data.checkedAt);
    expect(emulator.stats().requests - before).toBe(calls);
  });
});
