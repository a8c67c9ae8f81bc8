import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import OpenAI from 'openai';
import { checkBedrockAccess } from '../llm/bedrock.ts';
import { checkOpenAIAccess } from '../llm/openai.ts';
import { DEFAULT_BEDROCK_MODEL } from '../llm/prices.ts';
import type { ProviderCheck } from '../llm/provider.ts';
import type { Config } from '../platform/config.ts';
import { initORM } from '../platform/db/orm.ts';

/** One check; failing optional checks warn instead of failing the whole doctor. */
export type Check = ProviderCheck;

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
              : `${pending.length} not applied yet (${pending.map((m) => m.name).join(', ')}): they run on the next \`pnpm genesis serve\``,
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
    const access = await checkBedrockAccess(client, model);
    checks.push(...access.map(({ config: _config, ...c }) => c));
    if (access.some((c) => c.name === 'AWS credentials' && !c.ok)) return checks;
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

/**
 * The OpenAI-compatible server (GENESIS_OPENAI_*): it answers, lists the model, and answers a one-token call.
 * Only the base URL and model are shown; the key never is.
 */
async function openaiChecks(config: Config): Promise<Check[]> {
  const { baseURL, apiKey, model } = config.openai;
  if (!model) {
    return [
      {
        name: 'OpenAI model',
        ok: false,
        detail:
          'GENESIS_OPENAI_MODEL is not set: set it to a model the server lists (e.g. llama3.1:8b for Ollama, gpt-4.1-mini for OpenAI)',
      },
    ];
  }
  const client = new OpenAI({ baseURL, apiKey: apiKey || 'none', maxRetries: 0, timeout: 15_000 });
  return (await checkOpenAIAccess(client, model, baseURL)).map(({ config: _c, ...c }) => ({
    ...c,
    name: `OpenAI ${c.name}`,
  }));
}

/** `genesis doctor`: what is wrong with this installation, and how to fix it. Exit 1 when a required check fails. */
export async function runDoctor(config: Config, opts: { json?: boolean }): Promise<number> {
  const checks: Check[] = [nodeCheck(), ...(await databaseChecks(config)), diskCheck(config)];
  checks.push({ name: 'provider', ok: true, detail: config.provider });
  if (config.provider === 'bedrock' || config.bedrockEndpoint)
    checks.push(...(await bedrockChecks(config)));
  if (config.provider === 'openai' || config.openai.model)
    checks.push(...(await openaiChecks(config)));
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
