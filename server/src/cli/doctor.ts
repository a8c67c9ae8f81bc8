import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { classifyBedrockError } from '../llm/bedrock.ts';
import { DEFAULT_BEDROCK_MODEL } from '../llm/prices.ts';
import type { Config } from '../platform/config.ts';
import { initORM } from '../platform/db/orm.ts';

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, or what to do about it. */
  detail: string;
  /** Failing optional checks warn instead of failing the whole doctor. */
  optional?: boolean;
}

const MIN_NODE = [20, 19];

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0]! || (major === MIN_NODE[0] && minor >= MIN_NODE[1]!);
  return {
    name: 'Node.js',
    ok,
    detail: ok
      ? `v${process.versions.node}`
      : `v${process.versions.node}: install Node ${MIN_NODE.join('.')} or newer`,
  };
}

async function databaseChecks(config: Config): Promise<Check[]> {
  const where = config.db.type === 'sqlite' ? config.db.path : 'PostgreSQL (DATABASE_URL)';
  try {
    const services = await initORM(config.db, { migrate: false });
    try {
      await services.em.getConnection().execute('select 1');
      const pending = await services.orm.getMigrator().getPendingMigrations();
      return [
        { name: 'database', ok: true, detail: `${where} answers` },
        {
          name: 'migrations',
          ok: pending.length === 0,
          detail:
            pending.length === 0
              ? 'all applied'
              : `${pending.length} not applied yet (${pending.map((m) => m.name).join(', ')}): they run on the next \`genesis serve\``,
          optional: true,
        },
      ];
    } finally {
      await services.close();
    }
  } catch (err) {
    return [
      {
        name: 'database',
        ok: false,
        detail: `${where}: ${(err as Error).message}. Check GENESIS_DB or DATABASE_URL, and that the server runs.`,
      },
    ];
  }
}

function diskCheck(config: Config): Check {
  const dir = config.db.type === 'sqlite' ? dirname(config.db.path) : process.cwd();
  try {
    const s = statfsSync(dir);
    const freeGb = (s.bavail * s.bsize) / 1024 ** 3;
    return {
      name: 'disk space',
      ok: freeGb >= 1,
      detail: `${freeGb.toFixed(1)} GB free at ${dir}${freeGb < 1 ? ': free some space (datasets and models need room)' : ''}`,
    };
  } catch {
    return {
      name: 'disk space',
      ok: true,
      detail: `${dir} does not exist yet (created on first start)`,
      optional: true,
    };
  }
}

async function bedrockChecks(config: Config): Promise<Check[]> {
  const region = config.awsRegion ?? process.env.AWS_REGION;
  const model = config.bedrockModel ?? DEFAULT_BEDROCK_MODEL;
  const checks: Check[] = [
    {
      name: 'AWS region',
      ok: !!region,
      detail: region ?? 'AWS_REGION is not set: export AWS_REGION=us-east-1 (or your region)',
    },
  ];
  const client = new BedrockRuntimeClient({
    region: region ?? 'us-east-1',
    maxAttempts: 1,
    ...(config.bedrockEndpoint ? { endpoint: config.bedrockEndpoint } : {}),
  });
  try {
    await client.config.credentials();
    checks.push({
      name: 'AWS credentials',
      ok: true,
      detail: 'found by the standard credential chain',
    });
  } catch {
    checks.push({
      name: 'AWS credentials',
      ok: false,
      detail:
        'none found: set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    });
    client.destroy();
    return checks;
  }
  try {
    await client.send(
      new ConverseCommand({
        modelId: model,
        messages: [{ role: 'user', content: [{ text: 'Reply with OK.' }] }],
        inferenceConfig: { maxTokens: 1 },
      }),
    );
    checks.push({ name: 'model access', ok: true, detail: `${model} answered a one-token call` });
  } catch (err) {
    const e = classifyBedrockError(err);
    const hint =
      e.kind === 'throttled'
        ? 'throttled: the account may have a zero or exhausted quota for this model'
        : /AccessDenied/.test(e.message)
          ? 'access denied: enable the model in the Bedrock console (Model access) and check the IAM policy'
          : /on-demand throughput|ValidationException/.test(e.message)
            ? 'use an inference profile id (e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0)'
            : 'check GENESIS_BEDROCK_MODEL and the region';
    checks.push({ name: 'model access', ok: false, detail: `${model}: ${e.message} (${hint})` });
  } finally {
    client.destroy();
  }
  if (!config.bedrockEndpoint) {
    const quotas = new ServiceQuotasClient({ region: region ?? 'us-east-1', maxAttempts: 1 });
    try {
      const out = await quotas.send(
        new ListServiceQuotasCommand({ ServiceCode: 'bedrock', MaxResults: 100 }),
      );
      const family = model
        .replace(/^(us|eu|apac|global)\./, '')
        .split('-v')[0]!
        .split('.')
        .pop()!;
      const relevant = (out.Quotas ?? []).filter((q) =>
        (q.QuotaName ?? '').toLowerCase().includes(family.split('-').slice(0, 3).join(' ')),
      );
      checks.push({
        name: 'quotas',
        ok: true,
        optional: true,
        detail: relevant.length
          ? relevant.map((q) => `${q.QuotaName}: ${q.Value}`).join('; ')
          : 'no quota named after this model in the first page; check the Service Quotas console',
      });
    } catch (err) {
      checks.push({
        name: 'quotas',
        ok: false,
        optional: true,
        detail: `not readable (${(err as Error).name}); needs servicequotas:ListServiceQuotas`,
      });
    } finally {
      quotas.destroy();
    }
  }
  return checks;
}

/** `genesis doctor`: what is wrong with this installation, and how to fix it. Exit 1 when a required check fails. */
export async function runDoctor(config: Config, opts: { json?: boolean }): Promise<number> {
  const checks: Check[] = [nodeCheck(), ...(await databaseChecks(config)), diskCheck(config)];
  checks.push({ name: 'provider', ok: true, detail: config.provider });
  if (config.provider === 'bedrock' || config.bedrockEndpoint)
    checks.push(...(await bedrockChecks(config)));
  const failed = checks.filter((c) => !c.ok && !c.optional);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, checks }, null, 2)}\n`);
  } else {
    for (const c of checks)
      process.stdout.write(
        `${c.ok ? 'ok  ' : c.optional ? 'warn' : 'FAIL'}  ${c.name.padEnd(16)} ${c.detail}\n`,
      );
    process.stdout.write(
      failed.length === 0
        ? '\nAll required checks passed.\n'
        : `\n${failed.length} check(s) failed.\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}
