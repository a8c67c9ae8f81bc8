import type { DestinationStream } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../src/platform/errors.ts';
import { createLogger, yogaLogger } from '../src/platform/logger.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

/** A pino destination that keeps what is written, line by line. */
function capture() {
  const lines: string[] = [];
  let bytes = 0;
  const destination: DestinationStream = {
    write(chunk: string) {
      bytes += Buffer.byteLength(chunk);
      lines.push(...chunk.split('\n').filter(Boolean));
    },
  };
  return {
    destination,
    lines,
    get bytes() {
      return bytes;
    },
    levels: () => lines.map((l) => (JSON.parse(l) as { level: number }).level),
  };
}

const SEARCH = `query($f: DatasetFilter) { datasets(filter: $f) { totalCount } }`;

describe.each(['info', 'warn'] as const)('what a request writes to the log (level %s)', (level) => {
  let s: TestServer;
  const log = capture();
  beforeAll(async () => {
    const logger = createLogger(
      { logLevel: level },
      { destination: log.destination, pretty: false },
    );
    s = await startTestServer('sqlite', { GENESIS_LOG_LEVEL: level }, { logger });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('grows by a few KB for a 1 MB or 5 MB search, not by 3 or 15 MB', async () => {
    // With a NUL, such a search used to fail in SQL and log the statement, its message and stack whole.
    for (const search of [
      `${'a'.repeat(1 << 20)}'\u0000`,
      `${'a'.repeat(5 << 20)}'\u0000`,
      'a'.repeat(1 << 20),
    ]) {
      const before = log.bytes;
      const r = await s.gql(SEARCH, { f: { search } });
      expect(log.bytes - before).toBeLessThan(20_000);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('logs bad input as expected, never at error level and without a stack', async () => {
    const start = log.lines.length;
    const bad = [
      s.gql(SEARCH, { f: { search: 'a\u0000' } }),
      s.gql(`{ datasets(first: 100000) { totalCount } }`),
      s.gql(`{ generationJobs(first: 1, last: 1) { totalCount } }`),
      s.gql(`{ nosuchfield }`),
    ];
    const answers = await Promise.all(bad);
    const lines = log.lines.slice(start).map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => JSON.stringify(l).includes('"stack"'))).toEqual([]);
    for (const r of answers) expect(r.errors).toBeDefined();
    if (level === 'info') {
      const inputErrors = lines.filter((l) => l.level === 30 && l.expected === 'InputError');
      expect(inputErrors.map((l) => l.msg).sort()).toEqual([
        'Invalid input: filter.search: search must not contain NUL characters or invalid Unicode (an unpaired surrogate)',
        'Invalid input: last: give first or last, not both',
      ]);
    } else {
      expect(lines).toEqual([]);
    }
  });
});

describe('the logger', () => {
  it('bounds every line, whoever logs what', () => {
    const log = capture();
    const logger = createLogger(
      { logLevel: 'info' },
      { destination: log.destination, pretty: false },
    );
    const huge = 'x'.repeat(1 << 20);
    logger.error(new Error(`select ... like '${huge}' - LIKE or GLOB pattern too complex`));
    logger.error({ err: new Error(huge), sql: huge, list: Array(10_000).fill(huge) }, huge);
    logger.info(huge);
    yogaLogger(logger).error(
      Object.assign(new Error(huge), { name: 'GraphQLError', originalError: new Error(huge) }),
    );
    expect(log.lines).toHaveLength(4);
    for (const line of log.lines) expect(line.length).toBeLessThan(20_000);
    const [first, second] = log.lines.map((l) => JSON.parse(l));
    // Unexpected errors keep their level, type and (bounded) stack.
    expect(first).toMatchObject({ level: 50, err: { type: 'Error' } });
    expect(first.err.stack).toMatch(/^Error: select \.\.\. like 'x+\.\.\. \[\d+ more characters\]/);
    expect(second.err.message).toMatch(/\[1046576 more characters\]$/);
  });

  it('logs an expected error yoga reports at info, with its type and path, and no stack', () => {
    const log = capture();
    const logger = createLogger(
      { logLevel: 'info' },
      { destination: log.destination, pretty: false },
    );
    const located = Object.assign(new Error('Dataset 7 does not exist'), {
      name: 'GraphQLError',
      originalError: new NotFoundError('Dataset', '7'),
      path: ['dataset'],
    });
    yogaLogger(logger).error(located);
    const [line] = log.lines.map((l) => JSON.parse(l));
    expect(line).toMatchObject({
      level: 30,
      expected: 'NotFoundError',
      path: ['dataset'],
      msg: 'Dataset 7 does not exist',
    });
    expect(line.err).toBeUndefined();
  });
});
