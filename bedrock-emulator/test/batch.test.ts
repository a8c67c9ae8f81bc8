import {
  BedrockClient,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  ResourceNotFoundException,
  StopModelInvocationJobCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchEmulatorOptions } from '../src/batch/options.ts';
import { type BatchEmulator, startBatchEmulator } from '../src/batch/server.ts';
import type { AnswerRequest } from '../src/options.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatchRole';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let emulator: BatchEmulator | null = null;

/** A batch emulator and the real SDK clients pointed at it (S3 path-style, as the emulator serves it). */
async function setup(options: BatchEmulatorOptions = {}) {
  emulator = await startBatchEmulator(options);
  const bedrock = new BedrockClient({ region: 'us-east-1', endpoint: emulator.url, credentials });
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials,
    forcePathStyle: true,
  });
  return { emulator, bedrock, s3 };
}

afterEach(async () => {
  await emulator?.stop();
  emulator = null;
});

describe('batch emulator wire format', () => {
  it('serves Create, Get, List and Stop as @aws-sdk/client-bedrock expects', async () => {
    const { bedrock, s3 } = await setup({ minRecordsPerJob: 1, submittedMs: 60_000 });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'in-bucket',
        Key: 'a/records.jsonl',
        Body: `${JSON.stringify({ recordId: 'CALL0000001', modelInput: { messages: [] } })}\n`,
      }),
    );
    const base = {
      roleArn: ROLE,
      modelId: MODEL,
      modelInvocationType: 'Converse' as const,
      inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/a/' } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://out-bucket/r/' } },
    };
    const a = await bedrock.send(
      new CreateModelInvocationJobCommand({
        ...base,
        jobName: 'alpha-1',
        clientRequestToken: 't1',
      }),
    );
    const again = await bedrock.send(
      new CreateModelInvocationJobCommand({
        ...base,
        jobName: 'alpha-1',
        clientRequestToken: 't1',
      }),
    );
    expect(again.jobArn).toBe(a.jobArn);
    await bedrock.send(new CreateModelInvocationJobCommand({ ...base, jobName: 'beta-1' }));

    const got = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: a.jobArn }));
    expect(got).toMatchObject({ jobName: 'alpha-1', status: 'Submitted', roleArn: ROLE });
    expect(got.submitTime).toBeInstanceOf(Date);
    const byId = await bedrock.send(
      new GetModelInvocationJobCommand({ jobIdentifier: a.jobArn!.split('/').at(-1) }),
    );
    expect(byId.jobArn).toBe(a.jobArn);

    const listed = await bedrock.send(
      new ListModelInvocationJobsCommand({ nameContains: 'alpha' }),
    );
    expect(listed.invocationJobSummaries?.map((j) => j.jobName)).toEqual(['alpha-1']);
    const page = await bedrock.send(new ListModelInvocationJobsCommand({ maxResults: 1 }));
    expect(page.invocationJobSummaries).toHaveLength(1);
    expect(page.nextToken).toBe('1');

    await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: a.jobArn }));
    await expect
      .poll(
        async () =>
          (await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: a.jobArn })))
            .status,
      )
      .toBe('Stopped');
    const stopped = await bedrock.send(
      new ListModelInvocationJobsCommand({ statusEquals: 'Stopped' }),
    );
    expect(stopped.invocationJobSummaries?.map((j) => j.jobName)).toEqual(['alpha-1']);
  });

  it('answers bad requests with the SDK error types and messages', async () => {
    const { bedrock } = await setup();
    const error = await bedrock
      .send(
        new CreateModelInvocationJobCommand({
          jobName: 'bad name!',
          roleArn: ROLE,
          modelId: MODEL,
          inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/a/' } },
          outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://out-bucket/r/' } },
          timeoutDurationInHours: 12,
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      "2 validation errors detected: Value at 'jobName' failed to satisfy constraint: must satisfy regular expression pattern: [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}; Value at 'timeoutDurationInHours' failed to satisfy constraint: must be >= 24",
    );
    await expect(
      bedrock.send(
        new GetModelInvocationJobCommand({
          jobIdentifier: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz',
        }),
      ),
    ).rejects.toThrow(ResourceNotFoundException);
  });

  it('fails a job whose record count is outside the limits, naming them', async () => {
    const { bedrock, s3 } = await setup({ minRecordsPerJob: 3 });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'in-bucket',
        Key: 'small/records.jsonl',
        Body: '{"recordId":"A","modelInput":{}}\n{"recordId":"B","modelInput":{}}\n',
      }),
    );
    const { jobArn } = await bedrock.send(
      new CreateModelInvocationJobCommand({
        jobName: 'small',
        roleArn: ROLE,
        modelId: MODEL,
        inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/small/' } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://out-bucket/r/' } },
      }),
    );
    await expect
      .poll(
        async () =>
          (await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }))).message,
      )
      .toBe(
        `The job has 2 records; a batch inference job for ${MODEL} needs between 3 and 50000 records.`,
      );
  });

  it('serves PutObject, GetObject, HeadObject and paginated ListObjectsV2 to @aws-sdk/client-s3', async () => {
    const { s3 } = await setup();
    for (const key of ['p/a.jsonl', 'p/b c.jsonl', 'p/ñ.jsonl', 'q/x']) {
      await s3.send(new PutObjectCommand({ Bucket: 'bk', Key: key, Body: `body of ${key}` }));
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bk', Key: 'p/b c.jsonl' }));
    expect(await got.Body?.transformToString()).toBe('body of p/b c.jsonl');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bk', Key: 'p/ñ.jsonl' }));
    expect(head.ContentLength).toBe(Buffer.byteLength('body of p/ñ.jsonl'));

    const first = await s3.send(
      new ListObjectsV2Command({ Bucket: 'bk', Prefix: 'p/', MaxKeys: 2 }),
    );
    expect(first.Contents?.map((c) => c.Key)).toEqual(['p/a.jsonl', 'p/b c.jsonl']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'bk',
        Prefix: 'p/',
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(second.Contents?.map((c) => c.Key)).toEqual(['p/ñ.jsonl']);
    expect(second.IsTruncated).toBe(false);

    await expect(s3.send(new GetObjectCommand({ Bucket: 'bk', Key: 'nope' }))).rejects.toThrow(
      NoSuchKey,
    );
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'bk', Key: 'nope' }))).rejects.toThrow(
      NotFound,
    );
  });

  it('refuses invalid options with a message naming the field', async () => {
    await expect(
      startBatchEmulator({
        minRecordsPerJob: 10,
        maxRecordsPerJob: 5,
        faults: { failedRecords: 2 },
      }),
    ).rejects.toThrow(
      'Invalid batch emulator options: faults.failedRecords must be between 0 and 1; minRecordsPerJob must not exceed maxRecordsPerJob',
    );
  });

  it('answers each record with the answer function and writes Bedrock-shaped output lines', async () => {
    const asked: AnswerRequest[] = [];
    const stub = (request: AnswerRequest) => {
      asked.push(request);
      if (request.system.includes('refuse')) throw new Error('stub refuses');
      return JSON.stringify({ slots: request.slotRequest?.slots.map((s) => s.slot) ?? [] });
    };
    const { bedrock, s3 } = await setup({ minRecordsPerJob: 3, answer: stub });
    const record = (recordId: string, system: string, text: string) =>
      JSON.stringify({
        recordId,
        modelInput: {
          system: [{ text: system }],
          messages: [{ role: 'user', content: [{ text }] }],
          inferenceConfig: { maxTokens: 500 },
        },
      });
    const slotPrompt = (ids: string[]) =>
      `Write one scenario for each slot.\n\`\`\`json\n${JSON.stringify({
        task: 'timeseries',
        slots: ids.map((slot) => ({ slot })),
      })}\n\`\`\``;
    await s3.send(
      new PutObjectCommand({
        Bucket: 'in-bucket',
        Key: 'stub/records.jsonl',
        Body: [
          record('R1', 'answer', slotPrompt(['a', 'b'])),
          record('R2', 'answer', 'No slots here.'),
          record('R3', 'refuse', slotPrompt(['c'])),
        ].join('\n'),
      }),
    );
    const { jobArn } = await bedrock.send(
      new CreateModelInvocationJobCommand({
        jobName: 'stub-1',
        roleArn: ROLE,
        modelId: MODEL,
        modelInvocationType: 'Converse',
        inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/stub/' } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://out-bucket/r/' } },
      }),
    );
    await expect
      .poll(
        async () =>
          (await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }))).status,
      )
      .toBe('PartiallyCompleted');

    expect(asked.map((a) => [a.modelId, a.system, a.slotRequest?.task ?? null])).toEqual([
      [MODEL, 'answer', 'timeseries'],
      [MODEL, 'answer', null],
      [MODEL, 'refuse', 'timeseries'],
    ]);
    const jobId = jobArn!.split('/').at(-1)!;
    const out = await s3.send(
      new GetObjectCommand({ Bucket: 'out-bucket', Key: `r/${jobId}/records.jsonl.out` }),
    );
    const lines = (await out.Body!.transformToString())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.recordId)).toEqual(['R1', 'R2', 'R3']);
    expect(lines[0]).toMatchObject({
      modelOutput: {
        output: { message: { role: 'assistant', content: [{ text: '{"slots":["a","b"]}' }] } },
        stopReason: 'end_turn',
        usage: { outputTokens: Math.ceil('{"slots":["a","b"]}'.length / 4) },
      },
    });
    expect(lines[1].modelOutput.output.message.content[0].text).toBe('{"slots":[]}');
    expect(lines[2]).toMatchObject({
      error: { errorCode: 424, errorMessage: 'The model could not answer: stub refuses' },
    });
    expect(lines[2].modelOutput).toBeUndefined();
    const manifest = JSON.parse(
      emulator!.store.get('out-bucket', `r/${jobId}/manifest.json.out`)!.body.toString(),
    );
    expect(manifest).toMatchObject({
      totalRecordCount: 3,
      processedRecordCount: 3,
      successRecordCount: 2,
      errorRecordCount: 1,
    });
  });
});
