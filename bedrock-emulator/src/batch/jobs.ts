import { createHash } from 'node:crypto';
import { Random } from '@genesis/schema/random';
import { estimateTokens, extractSlotRequest } from '@genesis/schema/request';
import * as v from 'valibot';
import { describeRequest, parseConverseRequest, RequestValidationError } from '../converse.ts';
import type { AnswerFunction } from '../options.ts';
import type { JobFate, ResolvedBatchEmulatorOptions } from './options.ts';
import { type ObjectStore, parseS3Uri } from './s3.ts';

/** Bedrock's batch job statuses (docs/bedrock.md §6). */
export type BatchJobStatus =
  | 'Submitted'
  | 'Validating'
  | 'Scheduled'
  | 'InProgress'
  | 'Completed'
  | 'PartiallyCompleted'
  | 'Failed'
  | 'Stopping'
  | 'Stopped'
  | 'Expired';

const TERMINAL: ReadonlySet<BatchJobStatus> = new Set([
  'Completed',
  'PartiallyCompleted',
  'Failed',
  'Stopped',
  'Expired',
]);

/** An error the control plane answers with: restJson1 status + `x-amzn-ErrorType`. */
export class BedrockError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const S3_URI = v.pipe(
  v.string(),
  v.regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be an s3:// URI'),
);

const CreateJobSchema = v.object({
  jobName: v.pipe(
    v.string('jobName is required'),
    v.regex(
      /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/,
      'must satisfy regular expression pattern: [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}',
    ),
  ),
  roleArn: v.pipe(
    v.string('roleArn is required'),
    v.regex(
      /^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/,
      'must satisfy regular expression pattern: arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+',
    ),
  ),
  clientRequestToken: v.optional(v.string()),
  modelId: v.pipe(v.string('modelId is required'), v.minLength(1, 'must not be empty')),
  inputDataConfig: v.object({
    s3InputDataConfig: v.object({
      s3Uri: S3_URI,
      s3InputFormat: v.optional(v.literal('JSONL', 'must be JSONL')),
    }),
  }),
  outputDataConfig: v.object({ s3OutputDataConfig: v.object({ s3Uri: S3_URI }) }),
  timeoutDurationInHours: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(24, 'must be >= 24'),
      v.maxValue(168, 'must be <= 168'),
    ),
  ),
  modelInvocationType: v.optional(
    v.picklist(['InvokeModel', 'Converse'], 'must be InvokeModel or Converse'),
  ),
});
type CreateJob = v.InferOutput<typeof CreateJobSchema>;

interface InputFile {
  key: string;
  name: string;
  records: { recordId: string; modelInput: unknown }[];
}

interface OutputLine {
  recordId: string;
  modelInput: unknown;
  modelOutput?: unknown;
  error?: { errorCode: number; errorMessage: string };
  inputTokens: number;
  outputTokens: number;
}

interface Job {
  id: string;
  arn: string;
  request: CreateJob;
  status: BatchJobStatus;
  message?: string;
  submitTime: Date;
  lastModifiedTime: Date;
  endTime?: Date;
  fate: JobFate;
  files: InputFile[];
  /** Answers per input file, computed when the job starts running. */
  outputs: Promise<OutputLine[][]> | null;
  startedAt?: number;
  durationMs: number;
  timers: NodeJS.Timeout[];
  totalRecordCount?: number;
  /** Record counts once the job has ended. */
  counts?: { processed: number; ok: number; failed: number };
}

/** Counts of control-plane calls and jobs, for tests. */
export interface ControlPlaneStats {
  createCalls: number;
  /** Jobs really created (an idempotent retry of CreateModelInvocationJob creates none). */
  jobsCreated: number;
  getCalls: number;
  listCalls: number;
  stopCalls: number;
}

/**
 * The batch jobs: created by CreateModelInvocationJob, moved along Submitted → InProgress → Completed /
 * PartiallyCompleted / Failed (and Stopping → Stopped) by timers, reading input from and writing output to the
 * object store in Bedrock's layout.
 */
export class JobBoard {
  readonly #jobs = new Map<string, Job>();
  readonly #tokens = new Map<string, string>();
  readonly #random: Random;
  readonly #answer: AnswerFunction;
  #script: JobFate[];
  stats: ControlPlaneStats = {
    createCalls: 0,
    jobsCreated: 0,
    getCalls: 0,
    listCalls: 0,
    stopCalls: 0,
  };

  constructor(
    readonly options: ResolvedBatchEmulatorOptions,
    readonly store: ObjectStore,
    answer: AnswerFunction,
  ) {
    this.#random = new Random(`${options.seed}:batch`);
    this.#answer = answer;
    this.#script = [...options.jobScript];
  }

  create(body: unknown): { jobArn: string } {
    this.stats.createCalls++;
    const parsed = v.safeParse(CreateJobSchema, body);
    if (!parsed.success) {
      const errors = parsed.issues.map(
        (i) => `Value at '${v.getDotPath(i) ?? ''}' failed to satisfy constraint: ${i.message}`,
      );
      throw new BedrockError(
        400,
        'ValidationException',
        `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`,
      );
    }
    const request = parsed.output;
    // Idempotency: a retried create with the same token gets the same job back, as Bedrock does.
    const token = request.clientRequestToken;
    const known = token ? this.#tokens.get(token) : undefined;
    if (known) return { jobArn: this.#jobs.get(known)!.arn };
    const id = this.#newId();
    const arn = `arn:aws:bedrock:${this.options.region}:${this.options.accountId}:model-invocation-job/${id}`;
    const fate =
      this.#script.shift() ??
      (this.#random.chance(this.options.faults.failedJob)
        ? 'fail'
        : this.#random.chance(this.options.faults.slowJob)
          ? 'slow'
          : 'ok');
    const now = new Date();
    const job: Job = {
      id,
      arn,
      request,
      status: 'Submitted',
      submitTime: now,
      lastModifiedTime: now,
      fate,
      files: [],
      outputs: null,
      durationMs: this.options.inProgressMs * (fate === 'slow' ? this.options.slowFactor : 1),
      timers: [],
    };
    this.#jobs.set(id, job);
    if (token) this.#tokens.set(token, id);
    this.stats.jobsCreated++;
    this.#after(job, this.options.submittedMs, () => this.#start(job));
    return { jobArn: arn };
  }

  get(identifier: string): Record<string, unknown> {
    this.stats.getCalls++;
    return this.#view(this.#find(identifier));
  }

  list(query: URLSearchParams): Record<string, unknown> {
    this.stats.listCalls++;
    const status = query.get('statusEquals');
    const name = query.get('nameContains');
    const after = query.get('submitTimeAfter');
    const before = query.get('submitTimeBefore');
    const maxResults = Number(query.get('maxResults') ?? 1000);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw new BedrockError(
        400,
        'ValidationException',
        `1 validation error detected: Value '${query.get('maxResults')}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000`,
      );
    }
    const descending = query.get('sortOrder') !== 'Ascending';
    const jobs = [...this.#jobs.values()]
      .filter((j) => !status || j.status === status)
      .filter((j) => !name || j.request.jobName.includes(name))
      .filter((j) => !after || j.submitTime > new Date(after))
      .filter((j) => !before || j.submitTime < new Date(before))
      .sort((a, b) => (a.submitTime.getTime() - b.submitTime.getTime()) * (descending ? -1 : 1));
    const start = Number(query.get('nextToken') ?? 0) || 0;
    const page = jobs.slice(start, start + maxResults);
    const next = start + maxResults < jobs.length ? String(start + maxResults) : undefined;
    return {
      invocationJobSummaries: page.map((j) => this.#view(j)),
      ...(next ? { nextToken: next } : {}),
    };
  }

  stop(identifier: string): void {
    this.stats.stopCalls++;
    const job = this.#find(identifier);
    if (TERMINAL.has(job.status) || job.status === 'Stopping') {
      throw new BedrockError(
        400,
        'ValidationException',
        `The job ${job.arn} can't be stopped: its status is ${job.status}.`,
      );
    }
    for (const t of job.timers) clearTimeout(t);
    job.timers = [];
    const processed = this.#processed(job);
    this.#set(job, 'Stopping');
    this.#after(job, this.options.stoppingMs, async () => {
      // What was processed before the stop is written out, like Bedrock's partial results.
      await this.#finish(job, 'Stopped', processed, 'The job was stopped by the user.');
    });
  }

  /** Stops every timer: used when the emulator stops. */
  close(): void {
    for (const job of this.#jobs.values()) for (const t of job.timers) clearTimeout(t);
  }

  clear(): void {
    this.close();
    this.#jobs.clear();
    this.#tokens.clear();
    this.#script = [...this.options.jobScript];
    this.stats = { createCalls: 0, jobsCreated: 0, getCalls: 0, listCalls: 0, stopCalls: 0 };
  }

  #newId(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    for (;;) {
      const id = Array.from({ length: 12 }, () => this.#random.pick([...alphabet])).join('');
      if (!this.#jobs.has(id)) return id;
    }
  }

  #find(identifier: string): Job {
    const id = identifier.split('/').at(-1) ?? identifier;
    const job = this.#jobs.get(id);
    if (!job || (identifier.includes(':') && job.arn !== identifier)) {
      throw new BedrockError(
        404,
        'ResourceNotFoundException',
        `The model invocation job ${identifier} was not found.`,
      );
    }
    return job;
  }

  #after(job: Job, ms: number, fn: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      job.timers = job.timers.filter((t) => t !== timer);
      void Promise.resolve(fn()).catch((error: unknown) =>
        this.#set(
          job,
          'Failed',
          `Internal error: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }, ms);
    job.timers.push(timer);
  }

  #set(job: Job, status: BatchJobStatus, message?: string): void {
    job.status = status;
    if (message !== undefined) job.message = message;
    job.lastModifiedTime = new Date();
    if (TERMINAL.has(status)) job.endTime = job.lastModifiedTime;
  }

  /** Validates the input (as Bedrock's Validating step does) and starts answering the records. */
  #start(job: Job): void {
    const { bucket, key } = parseS3Uri(job.request.inputDataConfig.s3InputDataConfig.s3Uri);
    const keys = this.store.get(bucket, key)
      ? [key]
      : this.store
          .list(bucket, key.endsWith('/') || key === '' ? key : `${key}/`)
          .filter((k) => k.endsWith('.jsonl'));
    if (keys.length === 0) {
      this.#set(
        job,
        'Failed',
        `No .jsonl input files were found at ${job.request.inputDataConfig.s3InputDataConfig.s3Uri}.`,
      );
      return;
    }
    const files: InputFile[] = [];
    let counter = 0;
    for (const k of keys) {
      const lines = this.store.get(bucket, k)!.body.toString('utf8').split('\n');
      const records: InputFile['records'] = [];
      for (const [i, line] of lines.entries()) {
        if (!line.trim()) continue;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          this.#set(job, 'Failed', `Line ${i + 1} of ${k} is not valid JSON.`);
          return;
        }
        const record = json as { recordId?: unknown; modelInput?: unknown };
        if (!record || typeof record !== 'object' || record.modelInput === undefined) {
          this.#set(job, 'Failed', `Line ${i + 1} of ${k} has no modelInput.`);
          return;
        }
        counter++;
        records.push({
          recordId:
            typeof record.recordId === 'string'
              ? record.recordId
              : `RECORD${String(counter).padStart(5, '0')}`,
          modelInput: record.modelInput,
        });
      }
      files.push({ key: k, name: k.split('/').at(-1)!, records });
    }
    const total = files.reduce((n, f) => n + f.records.length, 0);
    const { minRecordsPerJob: min, maxRecordsPerJob: max } = this.options;
    if (total < min || total > max) {
      this.#set(
        job,
        'Failed',
        `The job has ${total} records; a batch inference job for ${job.request.modelId} needs between ${min} and ${max} records.`,
      );
      return;
    }
    job.files = files;
    job.totalRecordCount = total;
    job.startedAt = Date.now();
    job.outputs = Promise.all(
      files.map((f) => Promise.all(f.records.map((r) => this.#answerRecord(job, r)))),
    );
    this.#set(job, 'InProgress');
    this.#after(job, job.durationMs, async () => {
      if (job.fate === 'fail') {
        job.counts = { processed: 0, ok: 0, failed: 0 };
        this.#set(job, 'Failed', 'The job failed because of an internal error. Try again.');
        return;
      }
      await this.#finish(job, null, total);
    });
  }

  #processed(job: Job): number {
    if (job.startedAt === undefined || job.totalRecordCount === undefined) return 0;
    if (job.status !== 'InProgress') return job.status === 'Submitted' ? 0 : job.totalRecordCount;
    const share =
      job.durationMs > 0 ? Math.min(1, (Date.now() - job.startedAt) / job.durationMs) : 1;
    return Math.floor(share * job.totalRecordCount);
  }

  /** Writes `<file>.out` per input file (only the first `processed` records) and `manifest.json.out`. */
  async #finish(job: Job, status: BatchJobStatus | null, processed: number, message?: string) {
    const outputs = job.outputs ? await job.outputs : [];
    const { bucket, key } = parseS3Uri(job.request.outputDataConfig.s3OutputDataConfig.s3Uri);
    const prefix = `${key && !key.endsWith('/') ? `${key}/` : key}${job.id}/`;
    let left = processed;
    let ok = 0;
    let failed = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    for (const [i, file] of job.files.entries()) {
      const lines = (outputs[i] ?? []).slice(0, Math.max(0, left));
      left -= lines.length;
      if (lines.length === 0 && status === 'Stopped') continue;
      for (const line of lines) {
        if (line.error) failed++;
        else ok++;
        inputTokens += line.inputTokens;
        outputTokens += line.outputTokens;
      }
      const text = lines
        .map(({ inputTokens: _i, outputTokens: _o, ...line }) => JSON.stringify(line))
        .join('\n');
      this.store.put(
        bucket,
        `${prefix}${file.name}.out`,
        text ? `${text}\n` : '',
        'application/jsonl',
      );
    }
    const manifest = {
      totalRecordCount: job.totalRecordCount ?? 0,
      processedRecordCount: ok + failed,
      successRecordCount: ok,
      errorRecordCount: failed,
      inputTokenCount: inputTokens,
      outputTokenCount: outputTokens,
    };
    this.store.put(
      bucket,
      `${prefix}manifest.json.out`,
      JSON.stringify(manifest),
      'application/json',
    );
    job.counts = { processed: ok + failed, ok, failed };
    const final = status ?? (failed > 0 ? 'PartiallyCompleted' : 'Completed');
    this.#set(job, final, message);
  }

  async #answerRecord(
    job: Job,
    record: { recordId: string; modelInput: unknown },
  ): Promise<OutputLine> {
    const { recordId, modelInput } = record;
    const fail = (errorCode: number, errorMessage: string, inputTokens = 0): OutputLine => ({
      recordId,
      modelInput,
      error: { errorCode, errorMessage },
      inputTokens,
      outputTokens: 0,
    });
    const converse = job.request.modelInvocationType === 'Converse';
    let system: string;
    let lastUserText: string;
    let messages: unknown[];
    let maxTokens: number;
    let inputTokens: number;
    try {
      if (converse) {
        const request = parseConverseRequest(JSON.stringify(modelInput));
        const facts = describeRequest(request);
        system = facts.system;
        lastUserText = facts.lastUserText;
        messages = request.messages;
        maxTokens = request.inferenceConfig?.maxTokens ?? 4096;
        inputTokens = facts.inputTokens;
      } else {
        ({ system, lastUserText, messages, maxTokens, inputTokens } =
          readAnthropicBody(modelInput));
      }
    } catch (error) {
      return fail(400, error instanceof Error ? error.message : String(error));
    }
    if (this.#random.chance(this.options.faults.failedRecords)) {
      return fail(500, 'The model failed to process this record. Retry it.', inputTokens);
    }
    const modelId = job.request.modelId;
    const promptHash = createHash('sha256')
      .update(`${modelId}\u0000${system}\u0000${lastUserText}`)
      .digest('hex')
      .slice(0, 16);
    let text: string;
    try {
      text = await this.#answer({
        modelId,
        system,
        messages,
        slotRequest: extractSlotRequest(lastUserText),
        seed: `${this.options.seed}:${promptHash}`,
      });
    } catch (error) {
      return fail(
        424,
        `The model could not answer: ${error instanceof Error ? error.message : String(error)}`,
        inputTokens,
      );
    }
    let stopReason = 'end_turn';
    if (estimateTokens(text) > maxTokens) {
      text = Array.from(text)
        .slice(0, maxTokens * 4)
        .join('');
      stopReason = 'max_tokens';
    }
    const outputTokens = estimateTokens(text);
    const modelOutput = converse
      ? {
          output: { message: { role: 'assistant', content: [{ text }] } },
          stopReason,
          usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
          metrics: { latencyMs: 0 },
        }
      : {
          id: `msg_bdrk_${promptHash}`,
          type: 'message',
          role: 'assistant',
          model: modelId,
          content: [{ type: 'text', text }],
          stop_reason: stopReason,
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        };
    return { recordId, modelInput, modelOutput, inputTokens, outputTokens };
  }

  #view(job: Job): Record<string, unknown> {
    const processed = this.#processed(job);
    const done = TERMINAL.has(job.status);
    return {
      jobArn: job.arn,
      jobName: job.request.jobName,
      modelId: job.request.modelId,
      ...(job.request.clientRequestToken
        ? { clientRequestToken: job.request.clientRequestToken }
        : {}),
      roleArn: job.request.roleArn,
      status: job.status,
      ...(job.message ? { message: job.message } : {}),
      submitTime: job.submitTime.toISOString(),
      lastModifiedTime: job.lastModifiedTime.toISOString(),
      ...(job.endTime ? { endTime: job.endTime.toISOString() } : {}),
      inputDataConfig: job.request.inputDataConfig,
      outputDataConfig: job.request.outputDataConfig,
      timeoutDurationInHours: job.request.timeoutDurationInHours ?? 24,
      jobExpirationTime: new Date(
        job.submitTime.getTime() + (job.request.timeoutDurationInHours ?? 24) * 3_600_000,
      ).toISOString(),
      modelInvocationType: job.request.modelInvocationType ?? 'InvokeModel',
      ...(job.totalRecordCount !== undefined
        ? {
            totalRecordCount: job.totalRecordCount,
            processedRecordCount: done ? (job.counts?.processed ?? processed) : processed,
            successRecordCount: done ? (job.counts?.ok ?? 0) : 0,
            errorRecordCount: done ? (job.counts?.failed ?? 0) : 0,
          }
        : {}),
    };
  }
}

/** The parts of a native Anthropic InvokeModel body (Anthropic's Messages API body, as Bedrock batch records may carry it) the answer needs. */
function readAnthropicBody(body: unknown) {
  const b = body as {
    system?: unknown;
    messages?: { role: string; content: unknown }[];
    max_tokens?: unknown;
  };
  if (!b || typeof b !== 'object' || !Array.isArray(b.messages) || b.messages.length === 0) {
    throw new RequestValidationError('Malformed input request: messages is required.');
  }
  if (typeof b.max_tokens !== 'number' || b.max_tokens < 1) {
    throw new RequestValidationError('Malformed input request: max_tokens is required.');
  }
  const textOf = (content: unknown): string =>
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content
            .map((c) => (c && typeof c === 'object' && 'text' in c ? String(c.text) : ''))
            .join('\n')
        : '';
  const system = textOf(b.system);
  const lastUser = b.messages.findLast((m) => m.role === 'user');
  const lastUserText = textOf(lastUser?.content);
  return {
    system,
    lastUserText,
    messages: b.messages as unknown[],
    maxTokens: b.max_tokens,
    inputTokens: estimateTokens(system + b.messages.map((m) => textOf(m.content)).join('')),
  };
}
