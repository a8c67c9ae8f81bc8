import { createHash } from 'node:crypto';
import {
  type BedrockClient,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobCommandOutput,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Conversation } from '@genesis/schema/conversation';
import {
  type ConversationSlot,
  extractSlotRequest,
  type Slot,
  type SlotRequest,
} from '@genesis/schema/request';
import { costOf, type ModelPrice, priceOf } from '../../llm/prices.ts';
import type { ModelAnswer, TokenUsage } from '../../llm/provider.ts';
import { sleep } from '../pacing.ts';
import { parseConversationAnswer, type SlotOutcome } from '../parse.ts';
import {
  buildPrompt,
  CONVERSATION_EXAMPLES,
  CONVERSATION_SYSTEM_PROMPT,
  SERIES_SYSTEM_PROMPT,
} from '../prompts.ts';
import { maxOutputTokens } from '../slots.ts';

/** Bedrock's batch job statuses that end a job (docs/bedrock.md §6). */
const TERMINAL = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);

/** One Bedrock batch job as the engine tracks it. */
export interface BatchJobState {
  jobArn: string;
  jobName: string;
  status: string;
  message?: string;
  totalRecordCount: number;
  processedRecordCount: number;
  successRecordCount: number;
  errorRecordCount: number;
}

/** Published on every status change and poll. */
export interface BatchProgress {
  /** The least advanced job's status (`Submitted` while any is, ..., `Completed` once all ended). */
  status: string;
  jobs: BatchJobState[];
  recordsSubmitted: number;
  recordsCompleted: number;
  recordsFailed: number;
}

/** What one record's answer is turned into: one outcome per slot in the record. */
export type BatchParse<T> = (
  answer: ModelAnswer,
  slots: Slot[],
) => SlotOutcome<T>[] | Promise<SlotOutcome<T>[]>;

export interface BatchEngineOptions<T = Conversation> {
  bedrock: BedrockClient;
  s3: S3Client;
  modelId: string;
  /** The IAM role Bedrock assumes to read the input and write the output. */
  roleArn: string;
  /** `s3://bucket/prefix/`: each job's input goes to `<inputUri><jobName>/records.jsonl`. */
  inputUri: string;
  /** `s3://bucket/prefix/`: Bedrock writes `<outputUri><jobId>/records.jsonl.out` and the manifest. */
  outputUri: string;
  /**
   * Job names are `<jobNamePrefix>-<hash of the slots>-<n>`; make the prefix unique per generation job (e.g.
   * `genesis-job42`). Names and idempotency tokens derive from the content, so a process that dies between
   * creating the jobs and storing their ARNs gets the same jobs back when it runs the same slots again.
   */
  jobNamePrefix: string;
  /** Slots per record (per model request), at most; fewer when needed to reach the minimum records per job. */
  slotsPerRecord?: number;
  /** Bedrock's quota "Minimum number of records per batch inference job" (default 100). */
  minRecordsPerJob?: number;
  /** Bedrock's quota "Records per batch inference job" (default 50,000). */
  maxRecordsPerJob?: number;
  /** What the records ask for (default `conversations`); `timeseries` needs a `parse`. */
  task?: SlotRequest['task'];
  /** The system prompt (or one per record's slots) and few-shot block; default: the on-demand runner's. */
  system?: string | ((slots: Slot[]) => string);
  examples?: string;
  temperature?: number;
  /** Polling: first wait, growth factor and longest wait between GetModelInvocationJob rounds. */
  poll?: { initialMs?: number; factor?: number; maxMs?: number };
  /** GenerationMeta of an accepted slot (used by the default conversation parse). */
  meta?: (slot: ConversationSlot) => {
    model: string;
    provider: string;
    created_at: string;
    slot: string;
    conversationId: string;
  };
  /** Turns a record's answer into slot outcomes; default (conversations only): parseConversationAnswer with `meta`. */
  parse?: BatchParse<T>;
  /** On-demand prices (default: prices.ts); the batch cost is half of them. */
  price?: ModelPrice | null;
  onProgress?: (progress: BatchProgress) => void;
  /** Called once the job ARNs are known and before polling: store them to re-attach after a restart. */
  onJobs?: (jobArns: string[]) => void | Promise<void>;
  /** Aborting stops waiting (the Bedrock jobs keep running; re-attach later). `stop()` stops them. */
  signal?: AbortSignal;
}

/** Everything a batch produced: each slot appears exactly once, in `outcomes` (ok or not) or `failed`. */
export interface BatchResult<T = Conversation> {
  jobArns: string[];
  jobs: BatchJobState[];
  /** Parsed slots: accepted items and rejections (with the reason, to pass back as feedback on a re-ask). */
  outcomes: SlotOutcome<T>[];
  /** Slots whose record got no answer (failed record, failed or stopped job, missing output). Retry them. */
  failed: { slot: Slot; reason: string }[];
  /** Slots to retry on demand: the rejected ones and the failed ones. */
  retry: Slot[];
  usage: TokenUsage;
  /** US dollars at batch price (half of on-demand). */
  cost: number;
}

/** Bad input to the engine (too few slots for a batch, bad URIs, ...). */
export class BatchError extends Error {
  override name = 'BatchError';
}

interface RecordPlan {
  recordId: string;
  slots: Slot[];
}

interface OutputLine {
  recordId?: string;
  modelInput?: unknown;
  modelOutput?: {
    output?: { message?: { content?: { text?: string; toolUse?: { input?: unknown } }[] } };
    stopReason?: string;
    usage?: { inputTokens?: number; outputTokens?: number };
  };
  error?: { errorCode?: number; errorMessage?: string };
}

function s3Location(uri: string, what: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match)
    throw new BatchError(`${what} must be an S3 URI like s3://bucket/prefix/, got "${uri}"`);
  const key = match[2] ?? '';
  return { bucket: match[1]!, key: key && !key.endsWith('/') ? `${key}/` : key };
}

/**
 * How many jobs of how many records: as few jobs as the maximum allows, records spread evenly. When no split
 * keeps every job at or above the minimum, the last records are left out (returned for on-demand calls).
 */
export function splitIntoJobs(records: number, min: number, max: number): number[] {
  if (records < min) return [];
  let jobs = Math.ceil(records / max);
  if (jobs * min > records) jobs = Math.floor(records / max);
  const used = Math.min(records, jobs * max);
  return Array.from(
    { length: jobs },
    (_, i) => Math.floor(used / jobs) + (i < used % jobs ? 1 : 0),
  );
}

/**
 * Groups slots into records of at most `slotsPerRecord`, using fewer slots per record when that is what it
 * takes to reach `minRecords` (a batch job needs at least that many).
 */
export function splitIntoRecords<S>(
  slots: readonly S[],
  slotsPerRecord: number,
  minRecords: number,
): S[][] {
  const per = Math.max(1, Math.min(slotsPerRecord, Math.floor(slots.length / minRecords)));
  const records: S[][] = [];
  for (let i = 0; i < slots.length; i += per) records.push(slots.slice(i, i + per));
  return records;
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as unknown];
      } catch {
        return [];
      }
    });
}

/**
 * Runs planned slots through Bedrock batch inference (docs/bedrock.md §6): slots → records (request-contract prompts) →
 * jobs within the record limits → input JSONL on S3 → CreateModelInvocationJob → GetModelInvocationJob polls with
 * backoff → outputs and manifest read back → every record's answer parsed like an on-demand answer. Failed
 * records and rejected slots come back for on-demand retry, so nothing is lost.
 */
export class BatchEngine<T = Conversation> {
  readonly #o: BatchEngineOptions<T>;
  #jobArns: string[] = [];
  /** Records per job this engine submitted: progress shows them before Bedrock has counted them. */
  readonly #submitted = new Map<string, number>();
  #stopping = false;

  constructor(options: BatchEngineOptions<T>) {
    if (options.task === 'timeseries' && !options.parse)
      throw new BatchError(
        'a time-series batch needs a parse function (the runner renders scenarios)',
      );
    this.#o = options;
    s3Location(options.inputUri, 'inputUri');
    s3Location(options.outputUri, 'outputUri');
  }

  /** The ARNs of the jobs this engine created or attached to. */
  get jobArns(): string[] {
    return [...this.#jobArns];
  }

  /**
   * Writes the input, submits the jobs and waits for them.
   *
   * @throws BatchError when there are fewer slots than the minimum records per job (use on-demand instead).
   */
  async run(slots: readonly Slot[]): Promise<BatchResult<T>> {
    const o = this.#o;
    const min = o.minRecordsPerJob ?? 100;
    const max = o.maxRecordsPerJob ?? 50_000;
    if (slots.length < min) {
      throw new BatchError(
        `a batch needs at least ${min} records, and ${slots.length} slot${slots.length === 1 ? '' : 's'} make at most ${slots.length}; generate them on demand`,
      );
    }
    // One language per record where possible, so a record gets the system prompt of its language.
    const ordered = [...slots].sort((a, b) =>
      'language' in a && 'language' in b && 'turns' in a ? a.language.localeCompare(b.language) : 0,
    );
    const groups = splitIntoRecords(ordered, o.slotsPerRecord ?? 5, min);
    const sizes = splitIntoJobs(groups.length, min, max);
    const input = s3Location(o.inputUri, 'inputUri');
    const arns: string[] = [];
    const runTag = createHash('sha256')
      .update(slots.map((s) => s.slot).join('\u0000'))
      .digest('hex')
      .slice(0, 10);
    let at = 0;
    for (const [j, size] of sizes.entries()) {
      o.signal?.throwIfAborted();
      const jobName = `${o.jobNamePrefix}-${runTag}-${j + 1}`;
      const records = groups.slice(at, at + size).map(
        (g, i): RecordPlan => ({
          recordId: `R${String(at + i + 1).padStart(10, '0')}`,
          slots: g,
        }),
      );
      at += size;
      const key = `${input.key}${jobName}/records.jsonl`;
      const body = records
        .map((r) => JSON.stringify({ recordId: r.recordId, modelInput: this.#modelInput(r.slots) }))
        .join('\n');
      await o.s3.send(
        new PutObjectCommand({
          Bucket: input.bucket,
          Key: key,
          Body: `${body}\n`,
          ContentType: 'application/jsonl',
        }),
      );
      const created = await o.bedrock.send(
        new CreateModelInvocationJobCommand({
          jobName,
          roleArn: o.roleArn,
          // Deterministic: re-running after a crash between create and onJobs gets the same job back.
          clientRequestToken: createHash('sha256')
            .update(`${jobName}\u0000${key}\u0000${body}`)
            .digest('hex')
            .slice(0, 64),
          modelId: o.modelId,
          modelInvocationType: 'Converse',
          inputDataConfig: {
            s3InputDataConfig: {
              s3Uri: `s3://${input.bucket}/${input.key}${jobName}/`,
              s3InputFormat: 'JSONL',
            },
          },
          outputDataConfig: { s3OutputDataConfig: { s3Uri: o.outputUri } },
          timeoutDurationInHours: 24,
        }),
        { abortSignal: o.signal },
      );
      if (!created.jobArn)
        throw new BatchError(`CreateModelInvocationJob for ${jobName} returned no jobArn`);
      arns.push(created.jobArn);
      this.#submitted.set(created.jobArn, records.length);
    }
    const leftover = groups.slice(at).flat();
    return this.#follow(arns, slots, leftover);
  }

  /**
   * Re-attaches to jobs submitted earlier (by this or a previous process) instead of submitting new ones.
   * `slots` are the planned slots of those jobs; each record's slots are found again from its input file.
   */
  attach(jobArns: readonly string[], slots: readonly Slot[]): Promise<BatchResult<T>> {
    return this.#follow([...jobArns], slots, []);
  }

  /** Stops the jobs still running; `run` / `attach` then return what they produced, the rest for retry. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const arn of this.#jobArns) {
      try {
        await this.#o.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: arn }));
      } catch {
        // Already ended, or the stop raced its end: either way nothing more to stop.
      }
    }
  }

  #modelInput(slots: Slot[]) {
    const o = this.#o;
    const task = o.task ?? 'conversations';
    const conversations = task === 'conversations';
    const examples = o.examples ?? (conversations ? CONVERSATION_EXAMPLES : '');
    const request = { task, slots } as SlotRequest;
    // The same prompt parts as the on-demand runner, without cache points: batch has no prompt cache.
    return {
      system: [
        {
          text:
            typeof o.system === 'function'
              ? o.system(slots)
              : (o.system ?? (conversations ? CONVERSATION_SYSTEM_PROMPT : SERIES_SYSTEM_PROMPT)),
        },
      ],
      messages: [
        {
          role: 'user',
          content: [...(examples ? [{ text: examples }] : []), { text: buildPrompt(request) }],
        },
      ],
      inferenceConfig: {
        // What the on-demand runner allows for the same slots.
        maxTokens: maxOutputTokens(task, slots),
        temperature: o.temperature ?? 0.9,
      },
    };
  }

  async #follow(arns: string[], slots: readonly Slot[], leftover: Slot[]): Promise<BatchResult<T>> {
    const o = this.#o;
    this.#jobArns = arns;
    await o.onJobs?.([...arns]);
    if (this.#stopping) await this.stop();
    const states = new Map<string, GetModelInvocationJobCommandOutput>();
    let wait = o.poll?.initialMs ?? 30_000;
    for (;;) {
      // The signal's own reason, not the SDK's generic "Request aborted", tells the caller why.
      o.signal?.throwIfAborted();
      for (const arn of arns) {
        const known = states.get(arn);
        if (known && TERMINAL.has(known.status ?? '')) continue;
        states.set(
          arn,
          await o.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }), {
            abortSignal: o.signal,
          }),
        );
      }
      const jobs = arns.map((a) => {
        const job = toState(states.get(a)!);
        return { ...job, totalRecordCount: job.totalRecordCount || (this.#submitted.get(a) ?? 0) };
      });
      o.onProgress?.(progressOf(jobs));
      if (jobs.every((j) => TERMINAL.has(j.status))) break;
      await sleep(wait, o.signal);
      wait = Math.min(o.poll?.maxMs ?? 300_000, wait * (o.poll?.factor ?? 1.5));
    }
    return this.#collect(arns, states, slots, leftover);
  }

  async #collect(
    arns: string[],
    states: Map<string, GetModelInvocationJobCommandOutput>,
    slots: readonly Slot[],
    leftover: Slot[],
  ): Promise<BatchResult<T>> {
    const o = this.#o;
    const bySlot = new Map(slots.map((s) => [s.slot, s]));
    const seen = new Set<string>();
    const outcomes: SlotOutcome<T>[] = [];
    const failed: BatchResult<T>['failed'] = [];
    const usage: TokenUsage = {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    };
    const settle = (slotIds: string[], fn: (slot: Slot) => void) => {
      for (const id of slotIds) {
        const slot = bySlot.get(id);
        if (!slot || seen.has(id)) continue;
        seen.add(id);
        fn(slot);
      }
    };
    const parse: BatchParse<T> =
      o.parse ??
      ((answer, recordSlots) =>
        parseConversationAnswer(answer, recordSlots as ConversationSlot[], (slot) =>
          o.meta
            ? o.meta(slot)
            : {
                model: answer.model,
                provider: 'bedrock-batch',
                created_at: new Date().toISOString(),
                slot: slot.slot,
                conversationId: slot.slot,
              },
        ) as SlotOutcome<T>[]);

    for (const arn of arns) {
      const job = states.get(arn)!;
      const jobId = arn.split('/').at(-1)!;
      const records = await this.#readInput(job);
      const out = s3Location(
        job.outputDataConfig?.s3OutputDataConfig?.s3Uri ?? o.outputUri,
        'outputUri',
      );
      const prefix = `${out.key}${jobId}/`;
      const keys = await listKeys(o.s3, out.bucket, prefix);
      const lines = new Map<string, OutputLine>();
      for (const key of keys.filter((k) => k.endsWith('.jsonl.out'))) {
        for (const line of jsonLines(await readText(o.s3, out.bucket, key)) as OutputLine[]) {
          if (typeof line.recordId === 'string' && !lines.has(line.recordId))
            lines.set(line.recordId, line);
        }
      }
      let manifestTokens: { input: number; output: number } | null = null;
      if (keys.includes(`${prefix}manifest.json.out`)) {
        try {
          const m = JSON.parse(await readText(o.s3, out.bucket, `${prefix}manifest.json.out`)) as {
            inputTokenCount?: number;
            outputTokenCount?: number;
          };
          manifestTokens = { input: m.inputTokenCount ?? 0, output: m.outputTokenCount ?? 0 };
        } catch {
          // A bad manifest only loses the token totals: the records are summed instead.
        }
      }
      let recordIn = 0;
      let recordOut = 0;
      for (const record of records) {
        const line = lines.get(record.recordId);
        const ids = record.slots.map((s) => s.slot);
        if (!line || line.error || !line.modelOutput) {
          const reason = line?.error
            ? `the batch record failed (${line.error.errorCode ?? '?'}): ${line.error.errorMessage ?? 'no message'}`
            : `the batch job ended ${job.status}${job.message ? ` (${job.message})` : ''} without an answer for this record`;
          settle(ids, (slot) => failed.push({ slot, reason }));
          continue;
        }
        const content = line.modelOutput.output?.message?.content ?? [];
        const answer: ModelAnswer = {
          text: content.map((c) => c.text ?? '').join(''),
          toolInput: content.find((c) => c.toolUse)?.toolUse?.input,
          stopReason: line.modelOutput.stopReason ?? 'end_turn',
          model: o.modelId,
          latencyMs: 0,
          usage: {
            inputTokens: line.modelOutput.usage?.inputTokens ?? 0,
            outputTokens: line.modelOutput.usage?.outputTokens ?? 0,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
          },
        };
        recordIn += answer.usage.inputTokens;
        recordOut += answer.usage.outputTokens;
        const recordSlots = ids.flatMap((id) =>
          bySlot.has(id) && !seen.has(id) ? [bySlot.get(id)!] : [],
        );
        for (const outcome of await parse(answer, recordSlots)) {
          settle([outcome.slot], () => outcomes.push(outcome));
        }
      }
      usage.inputTokens += manifestTokens?.input ?? recordIn;
      usage.outputTokens += manifestTokens?.output ?? recordOut;
    }
    settle(
      leftover.map((s) => s.slot),
      (slot) => failed.push({ slot, reason: 'left out of the batch by the per-job record limits' }),
    );
    // Any planned slot no record mentions (e.g. attach() with a wider plan) is returned too, never dropped.
    settle([...bySlot.keys()], (slot) =>
      failed.push({ slot, reason: 'no batch record carried this slot' }),
    );
    const onDemand = o.price === undefined ? priceOf(o.modelId) : o.price;
    const cost = onDemand ? costOf(onDemand, usage) * 0.5 : 0;
    const rejected = new Set(outcomes.filter((x) => !x.ok).map((x) => x.slot));
    return {
      jobArns: arns,
      jobs: arns.map((a) => toState(states.get(a)!)),
      outcomes,
      failed,
      retry: [...failed.map((f) => f.slot), ...slots.filter((s) => rejected.has(s.slot))],
      usage,
      cost,
    };
  }

  /** The records of a job, from its input file(s): record id and the slot ids of its prompt. */
  async #readInput(job: GetModelInvocationJobCommandOutput): Promise<RecordPlan[]> {
    const uri = job.inputDataConfig?.s3InputDataConfig?.s3Uri;
    if (!uri) return [];
    const { bucket, key } = s3Location(uri, 'the job input URI');
    const keys = (await listKeys(this.#o.s3, bucket, key)).filter((k) => k.endsWith('.jsonl'));
    const records: RecordPlan[] = [];
    for (const k of keys) {
      for (const line of jsonLines(await readText(this.#o.s3, bucket, k)) as {
        recordId?: string;
        modelInput?: { messages?: { content?: { text?: string }[] }[] };
      }[]) {
        const text = (line.modelInput?.messages?.at(-1)?.content ?? [])
          .map((c) => c.text ?? '')
          .join('\n');
        const request = extractSlotRequest(text);
        if (typeof line.recordId !== 'string' || !request) continue;
        records.push({
          recordId: line.recordId,
          slots: request.slots.map((s) => ({ slot: s.slot }) as Slot),
        });
      }
    }
    return records;
  }
}

function toState(job: GetModelInvocationJobCommandOutput): BatchJobState {
  return {
    jobArn: job.jobArn ?? '',
    jobName: job.jobName ?? '',
    status: job.status ?? 'Submitted',
    ...(job.message ? { message: job.message } : {}),
    totalRecordCount: job.totalRecordCount ?? 0,
    processedRecordCount: job.processedRecordCount ?? 0,
    successRecordCount: job.successRecordCount ?? 0,
    errorRecordCount: job.errorRecordCount ?? 0,
  };
}

const ORDER = ['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Stopping'];

function progressOf(jobs: BatchJobState[]): BatchProgress {
  const running = jobs.filter((j) => !TERMINAL.has(j.status));
  const status =
    running.length > 0
      ? (ORDER.find((s) => running.some((j) => j.status === s)) ?? running[0]!.status)
      : jobs.some((j) => j.status !== 'Completed')
        ? 'PartiallyCompleted'
        : 'Completed';
  return {
    status,
    jobs,
    recordsSubmitted: jobs.reduce((n, j) => n + j.totalRecordCount, 0),
    recordsCompleted: jobs.reduce((n, j) => n + j.successRecordCount, 0),
    recordsFailed: jobs.reduce((n, j) => n + j.errorRecordCount, 0),
  };
}

/** One-shot helper: `new BatchEngine(options).run(slots)`. */
export function runBatch<T = Conversation>(
  slots: readonly Slot[],
  options: BatchEngineOptions<T>,
): Promise<BatchResult<T>> {
  return new BatchEngine(options).run(slots);
}
