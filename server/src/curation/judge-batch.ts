/**
 * A judge run's Bedrock batch phase (docs/bedrock.md §6, docs/curation.md "LLM judge"): the pending items go
 * to S3 as JSONL records (the same prompts as on demand), one or more CreateModelInvocationJob calls run them
 * at half price, and the answers are read back from the output files. Job names and idempotency tokens derive
 * from the run and its items, and the job ARNs are saved on the run before polling, so a process that dies
 * re-attaches to the same jobs instead of paying twice. Items the batch did not score go on demand.
 *
 * Written beside generation's BatchEngine rather than through it: that engine speaks the generation request
 * contract (slots), while a judge record carries items and is matched back by the item ids in its answer.
 */
import { createHash } from 'node:crypto';
import {
  BedrockClient,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobCommandOutput,
} from '@aws-sdk/client-bedrock';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { JudgedItem, JudgeItem } from '@genesis/schema/judge';
import { sleep } from '../generation/pacing.ts';
import type { Config } from '../platform/config.ts';
import { parseJudgeAnswer } from './judge.ts';
import type { JudgeRun } from './judge-run.entity.ts';

const TERMINAL = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);
/** Bedrock's quota "Records per batch inference job". */
const MAX_RECORDS_PER_JOB = 50_000;

export interface JudgeBatchOptions {
  run: JudgeRun;
  items: { key: string; item: JudgeItem }[];
  batch: NonNullable<Config['batch']>;
  region: string | undefined;
  system: string;
  prompt: (items: { key: string; item: JudgeItem }[]) => string;
  maxTokens: (items: number) => number;
  /** Stores the job ARNs on the run (before polling), or clears them. */
  saveJobs: (arns: string[]) => Promise<void>;
  onProgress: (status: string, records: number) => void;
  signal: AbortSignal;
}

export interface JudgeBatchResult {
  scores: Map<string, JudgedItem>;
  usage: { inputTokens: number; outputTokens: number };
  /** Records answered. */
  records: number;
}

function s3Location(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match) throw new Error(`not an S3 URI: "${uri}"`);
  const key = match[2] ?? '';
  return { bucket: match[1]!, key: key && !key.endsWith('/') ? `${key}/` : key };
}

/** Runs (or re-attaches to) the batch jobs of a judge run and returns the scores they produced. */
export async function runJudgeBatch(o: JudgeBatchOptions): Promise<JudgeBatchResult> {
  const region = o.region ?? 'us-east-1';
  const endpoint = o.batch.endpoint ? { endpoint: o.batch.endpoint } : {};
  const bedrock = new BedrockClient({ region, ...endpoint });
  const s3 = new S3Client({ region, ...endpoint, forcePathStyle: !!o.batch.endpoint });
  try {
    let arns = o.run.batchJobs ?? [];
    if (arns.length === 0) arns = await submit(o, bedrock, s3);
    // Poll until every job ended.
    const states = new Map<string, GetModelInvocationJobCommandOutput>();
    let wait = o.batch.pollMs;
    for (;;) {
      o.signal.throwIfAborted();
      for (const arn of arns) {
        if (TERMINAL.has(states.get(arn)?.status ?? '')) continue;
        states.set(
          arn,
          await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: arn }), {
            abortSignal: o.signal,
          }),
        );
      }
      const jobs = [...states.values()];
      const running = jobs.filter((j) => !TERMINAL.has(j.status ?? ''));
      o.onProgress(
        running[0]?.status ??
          (jobs.every((j) => j.status === 'Completed') ? 'Completed' : 'PartiallyCompleted'),
        jobs.reduce((n, j) => n + (j.totalRecordCount ?? 0), 0),
      );
      if (running.length === 0) break;
      await sleep(wait, o.signal);
      wait = Math.min(Math.max(o.batch.pollMs, 300_000), wait * 1.5);
    }
    // Collect: every record's answer, matched back by the item ids it carries.
    const asked = new Set(o.items.map((p) => p.key));
    const scores = new Map<string, JudgedItem>();
    const usage = { inputTokens: 0, outputTokens: 0 };
    let records = 0;
    for (const arn of arns) {
      const job = states.get(arn)!;
      const jobId = arn.split('/').at(-1)!;
      const out = s3Location(job.outputDataConfig?.s3OutputDataConfig?.s3Uri ?? o.batch.outputUri);
      const prefix = `${out.key}${jobId}/`;
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: out.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        );
        for (const c of page.Contents ?? []) if (c.Key) keys.push(c.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      for (const key of keys.filter((k) => k.endsWith('.jsonl.out'))) {
        const object = await s3.send(new GetObjectCommand({ Bucket: out.bucket, Key: key }));
        const text = (await object.Body?.transformToString('utf8')) ?? '';
        for (const raw of text.split('\n')) {
          if (!raw.trim()) continue;
          let line: {
            modelOutput?: {
              output?: { message?: { content?: { text?: string }[] } };
              usage?: { inputTokens?: number; outputTokens?: number };
            };
            error?: unknown;
          };
          try {
            line = JSON.parse(raw);
          } catch {
            continue;
          }
          if (line.error || !line.modelOutput) continue;
          records++;
          usage.inputTokens += line.modelOutput.usage?.inputTokens ?? 0;
          usage.outputTokens += line.modelOutput.usage?.outputTokens ?? 0;
          const answer = (line.modelOutput.output?.message?.content ?? [])
            .map((c) => c.text ?? '')
            .join('');
          for (const [id, s] of parseJudgeAnswer({ text: answer }, asked)) {
            if (!scores.has(id)) scores.set(id, s);
          }
        }
      }
    }
    return { scores, usage, records };
  } finally {
    bedrock.destroy();
    s3.destroy();
  }
}

/** Writes the records and submits the jobs; returns their ARNs (saved on the run before returning). */
async function submit(
  o: JudgeBatchOptions,
  bedrock: BedrockClient,
  s3: S3Client,
): Promise<string[]> {
  const min = o.batch.minRecords;
  const perRecord = Math.max(
    1,
    Math.min(o.run.config.itemsPerCall, Math.floor(o.items.length / min)),
  );
  const groups: JudgeBatchOptions['items'][] = [];
  for (let i = 0; i < o.items.length; i += perRecord) groups.push(o.items.slice(i, i + perRecord));
  const jobs = Math.ceil(groups.length / MAX_RECORDS_PER_JOB);
  const input = s3Location(o.batch.inputUri);
  const tag = createHash('sha256')
    .update(o.items.map((p) => p.key).join('\u0000'))
    .digest('hex')
    .slice(0, 10);
  const arns: string[] = [];
  for (let j = 0; j < jobs; j++) {
    const part = groups.slice(j * MAX_RECORDS_PER_JOB, (j + 1) * MAX_RECORDS_PER_JOB);
    const jobName = `genesis-judge${o.run.id}-${tag}-${j + 1}`;
    const key = `${input.key}${jobName}/records.jsonl`;
    const body = part
      .map((items, i) =>
        JSON.stringify({
          recordId: `R${String(j * MAX_RECORDS_PER_JOB + i + 1).padStart(10, '0')}`,
          modelInput: {
            system: [{ text: o.system }],
            messages: [{ role: 'user', content: [{ text: o.prompt(items) }] }],
            inferenceConfig: { maxTokens: o.maxTokens(items.length), temperature: 0 },
          },
        }),
      )
      .join('\n');
    await s3.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: key,
        Body: `${body}\n`,
        ContentType: 'application/jsonl',
      }),
    );
    const created = await bedrock.send(
      new CreateModelInvocationJobCommand({
        jobName,
        roleArn: o.batch.roleArn,
        // Deterministic: a process that dies between create and save gets the same job back.
        clientRequestToken: createHash('sha256')
          .update(`${jobName}\u0000${body}`)
          .digest('hex')
          .slice(0, 64),
        modelId: o.run.model,
        modelInvocationType: 'Converse',
        inputDataConfig: {
          s3InputDataConfig: {
            s3Uri: `s3://${input.bucket}/${input.key}${jobName}/`,
            s3InputFormat: 'JSONL',
          },
        },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: o.batch.outputUri } },
        timeoutDurationInHours: 24,
      }),
      { abortSignal: o.signal },
    );
    if (!created.jobArn)
      throw new Error(`CreateModelInvocationJob for ${jobName} returned no jobArn`);
    arns.push(created.jobArn);
  }
  await o.saveJobs(arns);
  return arns;
}
