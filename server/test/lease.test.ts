import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { Lease } from '../src/platform/lease.ts';
import { createLogger } from '../src/platform/logger.ts';
import { type TrainingRun, TrainingRunSchema } from '../src/training/training-run.entity.ts';
import { createTempDatabase, TEST_DATABASES } from './helpers/databases.ts';

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ logLevel: 'info' }, { pretty: false, destination }) };
}

describe.each(TEST_DATABASES)('one lease for leased work (%s)', (kind) => {
  let services: Services;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const temp = await createTempDatabase(kind);
    drop = temp.drop;
    services = await initORM(temp.db);
  });
  afterAll(async () => {
    await services.close();
    await drop();
  });

  async function newRun(owner: string | null, expiresInMs: number): Promise<number> {
    const em = services.em.fork();
    const run = em.create(TrainingRunSchema, {
      status: 'running',
      preset: 'fast',
      config: {},
      leaseOwner: owner,
      leaseExpiresAt: owner ? new Date(Date.now() + expiresInMs) : null,
    } as never);
    await em.flush();
    return (run as TrainingRun).id;
  }

  const lease = (leaseMs = 30_000) =>
    new Lease<TrainingRun>({
      entity: TrainingRunSchema,
      em: () => services.em.fork(),
      leaseMs,
      what: 'a training run',
    });

  it('lets exactly one of two processes claim a free row, and neither a live one', async () => {
    const a = lease();
    const b = lease();
    const free = await newRun(null, 0);
    const results = await Promise.all([a.claim(free), b.claim(free)]);
    expect(results.filter(Boolean)).toHaveLength(1);

    const live = await newRun('some-other-host:1:abcdef', 60_000);
    expect(await a.claim(live)).toBe(false);
    expect(
      a.takeable({
        leaseOwner: 'some-other-host:1:abcdef',
        leaseExpiresAt: new Date(Date.now() + 60_000),
      }),
    ).toBe(false);
  });

  it('takes over an expired lease, and a dead local holder at once', async () => {
    const a = lease();
    const expired = await newRun('some-other-host:1:abcdef', -1000);
    expect(await a.claim(expired)).toBe(true);
    // A pid that cannot exist on this machine: its holder is dead, the lease may be taken before it runs out.
    const { hostname } = await import('node:os');
    const dead = await newRun(`${hostname()}:4194303:abcdef`, 60_000);
    expect(await a.claim(dead)).toBe(true);
  });

  it('renews only its own lease, and reports a lease taken over', async () => {
    const a = lease();
    const b = lease(1);
    const id = await newRun(null, 0);
    expect(await b.claim(id)).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    // b's 1 ms lease ran out: a takes the row, and b learns it lost it at its next renewal.
    expect(await a.claim(id)).toBe(true);
    expect(await b.renew(id)).toBe(false);
    expect(await a.renew(id)).toBe(true);
  });

  it('logs a sweep that fails and keeps sweeping', async () => {
    const { lines, logger } = capturingLogger();
    const a = new Lease<TrainingRun>({
      entity: TrainingRunSchema,
      em: () => services.em.fork(),
      leaseMs: 30_000,
      what: 'a training run',
      logger,
    });
    let calls = 0;
    const stop = a.every(
      20,
      async () => {
        calls++;
        throw new Error('database unreachable');
      },
      'recovering interrupted training runs',
    );
    await expect.poll(() => calls, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    stop();
    const failures = lines.filter((l) =>
      String(l.msg).startsWith('recovering interrupted training runs failed'),
    );
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect((failures[0]!.err as { message: string }).message).toBe('database unreachable');
  });
});
