import * as v from 'valibot';
import type { AnswerFunction } from '../options.ts';

/** What happens to one job, in order of creation; once the script is used up, the probabilities apply. */
export const JOB_FATES = ['ok', 'fail', 'slow'] as const;
export type JobFate = (typeof JOB_FATES)[number];

const ms = (what: string) =>
  v.pipe(v.number(`${what} must be a number`), v.minValue(0, `${what} must be >= 0`));
const probability = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.minValue(0, `${what} must be between 0 and 1`),
    v.maxValue(1, `${what} must be between 0 and 1`),
  );
const count = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be an integer`),
    v.minValue(1, `${what} must be >= 1`),
  );

/**
 * Options of the batch emulator (Bedrock batch control plane + S3). Every field has a default: jobs take 0 ms,
 * Bedrock's default record limits (docs/bedrock.md §6: 100 to 50,000 records per job), no faults.
 */
export const BatchEmulatorOptionsSchema = v.pipe(
  v.object({
    /** Port to listen on; 0 (the default) picks a free one. */
    port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 0),
    host: v.optional(v.string(), '127.0.0.1'),
    region: v.optional(v.string(), 'us-east-1'),
    accountId: v.optional(
      v.pipe(v.string(), v.regex(/^\d{12}$/, 'accountId must be 12 digits')),
      '123456789012',
    ),
    /** Writes each record's answer, as for the on-demand emulator (default: `defaultAnswer`, which needs injection). */
    answer: v.optional(
      v.custom<AnswerFunction>((x) => typeof x === 'function', 'answer must be a function'),
    ),
    /** Time a job stays Submitted before it is validated and starts (InProgress). */
    submittedMs: v.optional(ms('submittedMs'), 0),
    /** Time a job stays InProgress; processedRecordCount grows linearly over it. */
    inProgressMs: v.optional(ms('inProgressMs'), 0),
    /** A slow job stays InProgress this many times longer. */
    slowFactor: v.optional(v.pipe(v.number(), v.minValue(1, 'slowFactor must be >= 1')), 10),
    /** Time between StopModelInvocationJob (Stopping) and Stopped. */
    stoppingMs: v.optional(ms('stoppingMs'), 0),
    minRecordsPerJob: v.optional(count('minRecordsPerJob'), 100),
    maxRecordsPerJob: v.optional(count('maxRecordsPerJob'), 50_000),
    faults: v.optional(
      v.strictObject(
        {
          /** Probability that a record gets an error line instead of an answer. */
          failedRecords: v.optional(probability('faults.failedRecords'), 0),
          /** Probability that a job ends Failed with no output. */
          failedJob: v.optional(probability('faults.failedJob'), 0),
          /** Probability that a job is slow (see slowFactor). */
          slowJob: v.optional(probability('faults.slowJob'), 0),
        },
        'faults may only name failedRecords, failedJob and slowJob',
      ),
      {},
    ),
    /** Fates of the next jobs in creation order (`ok`, `fail`, `slow`), before `faults` applies. */
    jobScript: v.optional(
      v.array(v.picklist(JOB_FATES, `a job fate must be one of ${JOB_FATES.join(', ')}`)),
      [],
    ),
    seed: v.optional(v.union([v.string(), v.number()]), 'genesis-batch-emulator'),
  }),
  v.check(
    (o) => o.minRecordsPerJob <= o.maxRecordsPerJob,
    'minRecordsPerJob must not exceed maxRecordsPerJob',
  ),
);
export type BatchEmulatorOptions = v.InferInput<typeof BatchEmulatorOptionsSchema>;
export type ResolvedBatchEmulatorOptions = v.InferOutput<typeof BatchEmulatorOptionsSchema>;

/** Options the batch emulator refuses; the message names every bad field. */
export class BatchEmulatorOptionsError extends Error {
  override name = 'BatchEmulatorOptionsError';
}

/** Validates options and fills the defaults. */
export function resolveBatchEmulatorOptions(
  options: BatchEmulatorOptions = {},
): ResolvedBatchEmulatorOptions {
  const result = v.safeParse(BatchEmulatorOptionsSchema, options);
  if (!result.success) {
    const messages = result.issues.map((issue) => {
      const path = v.getDotPath(issue);
      return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
    });
    throw new BatchEmulatorOptionsError(`Invalid batch emulator options: ${messages.join('; ')}`);
  }
  return result.output;
}
