import { fillTemplate, isMessageCode, MESSAGES } from '@genesis/schema/messages';
import { describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { startTestServer, useTestServer } from './helpers/app.ts';

const IMPORT = /* GraphQL */ `
  mutation Import($file: File!, $kind: DatasetKind!, $name: String, $tags: [String!]) {
    importDataset(file: $file, kind: $kind, name: $name, tags: $tags, allowDuplicate: true) {
      __typename
      ... on ImportFailedError { message issues { line record field message code params { name value } } }
      ... on ValidationError { message issues { path message code params { name value } } }
    }
  }
`;

const START = /* GraphQL */ `
  mutation Start($input: GenerationInput!) {
    startGeneration(input: $input) {
      __typename
      ... on ValidationError { issues { path message code params { name value } } }
    }
  }
`;

interface WireIssue {
  message: string;
  code: string | null;
  params: { name: string; value: string }[];
}

/** The English text a client renders from an issue's code and params: it must be the API's message. */
function rendered(issue: WireIssue): string {
  expect(issue.code).not.toBeNull();
  const code = issue.code as string;
  expect(isMessageCode(code)).toBe(true);
  return fillTemplate(
    MESSAGES[code as keyof typeof MESSAGES],
    Object.fromEntries(issue.params.map((p) => [p.name, p.value])),
  );
}

describe('error messages as codes and parameters', () => {
  const s = useTestServer('sqlite');

  it('gives each located problem of a refused file its code and parameters', async () => {
    const r = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES' },
      {
        name: 'short-row.csv',
        content: 'text,intent\nWhere is my card?,card_arrival\nno intent\n',
      },
    );
    const outcome = r.body.data.importDataset;
    expect(outcome.__typename).toBe('ImportFailedError');
    expect(outcome.issues).toEqual([
      {
        line: 3,
        record: null,
        field: null,
        message: 'the row has 1 fields but the header has 2',
        code: 'import.csvFieldCount',
        params: [
          { name: 'count', value: '1' },
          { name: 'header', value: '2' },
        ],
      },
    ]);
    expect(rendered(outcome.issues[0])).toBe(outcome.issues[0].message);
  });

  it("codes the importer's own problems in every format, each located by line, record or field", async () => {
    const refused = async (kind: string, name: string, content: string | Uint8Array) => {
      const r = await s.upload<any>(IMPORT, { kind }, { name, content });
      const outcome = r.body.data.importDataset;
      expect(outcome.__typename, JSON.stringify(r.body)).toBe('ImportFailedError');
      for (const issue of outcome.issues) expect(rendered(issue)).toBe(issue.message);
      return outcome.issues as (WireIssue & {
        line: number | null;
        record: number | null;
        field: string | null;
      })[];
    };
    const located = (issues: Awaited<ReturnType<typeof refused>>) =>
      issues.map(({ line, record, field, code }) => ({ line, record, field, code }));
    const params = (issue: WireIssue) =>
      Object.fromEntries(issue.params.map((p) => [p.name, p.value]));

    // A Parquet file that is not readable inside: hyparquet's words are its detail.
    const parquet = await refused(
      'UTTERANCES',
      'broken.parquet',
      new Uint8Array([...Buffer.from('PAR1'), 1, 2, 3]),
    );
    expect(located(parquet)).toEqual([
      { line: null, record: null, field: null, code: 'import.parquetUnreadable' },
    ]);
    expect(params(parquet[0]!).detail).toBeTruthy();

    // A .json file holding one object instead of an array of records.
    const object = await refused(
      'UTTERANCES',
      'one.json',
      '{"text": "hi", "intent": "card_arrival"}',
    );
    expect(located(object)).toEqual([
      { line: 1, record: null, field: null, code: 'import.notArrayObject' },
    ]);
    expect(object[0]!.message).toBe('a JSON file must hold an array of records; found an object');

    // A JSON line that does not parse: the parser's words, our line and column.
    const badLine = await refused(
      'UTTERANCES',
      'bad.jsonl',
      '{"text": "where is my card", "intent": "card_arrival"}\n{"text" "hi"}\n{"text": oops}\n',
    );
    expect(located(badLine)).toEqual([
      { line: 2, record: 2, field: null, code: 'import.lineNotJsonColumn' },
      // V8 names no position for an unexpected token: no column then.
      { line: 3, record: 3, field: null, code: 'import.lineNotJson' },
    ]);
    expect(params(badLine[0]!)).toMatchObject({ column: '9' });

    // Records of another kind than the file is imported as.
    const otherKind = await refused(
      'CONVERSATIONS',
      'u.jsonl',
      '{"text": "where is my card", "intent": "card_arrival"}\n',
    );
    expect(located(otherKind)).toEqual([
      { line: 1, record: 1, field: null, code: 'import.recordIsUtteranceNotConversation' },
    ]);

    // Broken CSV quoting, on the column where the quote is.
    const closing = await refused(
      'UTTERANCES',
      'q.csv',
      'text,intent\nok,card_arrival\n"where" is my card,card_arrival\n',
    );
    expect(located(closing)).toEqual([
      { line: 3, record: null, field: 'text', code: 'import.csvClosingQuote' },
    ]);
    const opening = await refused(
      'UTTERANCES',
      'q.csv',
      'text,intent\nwhere is my card,card "arrival"\n',
    );
    expect(located(opening)).toEqual([
      { line: 2, record: null, field: 'intent', code: 'import.csvOpeningQuote' },
    ]);

    // Cells of a conversation CSV that cannot be read.
    const header =
      'conversation_id,intent,category,sentiment,complexity,language,turn_count,resolution_status,turns';
    const cells = await refused(
      'CONVERSATIONS',
      'c.csv',
      `${header}\nc-1,card_arrival,card_management,neutral,simple,en,two,resolved,\n` +
        'c-2,card_arrival,card_management,neutral,simple,en,2,resolved,[{oops}]\n',
    );
    expect(located(cells)).toEqual([
      { line: 2, record: 1, field: 'turn_count', code: 'import.cellNotWholeNumber' },
      { line: 2, record: 1, field: 'turns', code: 'import.turnsEmpty' },
      { line: 3, record: 2, field: 'turns', code: 'import.cellNotJsonColumn' },
    ]);
    expect(params(cells[0]!)).toEqual({ field: 'turn_count', received: 'two' });
    expect(params(cells[2]!)).toMatchObject({ field: 'turns', column: '3' });

    // Series whose rows are not evenly spaced, or spaced by a step that is not a frequency.
    const series = (stamps: string[]) =>
      `series_id,timestamp,value,series_type\n${stamps
        .map((t) => `s,2024-03-01 ${t},1,residential_consumption`)
        .join('\n')}\n`;
    const irregular = await refused(
      'TIMESERIES',
      'irregular.csv',
      series(['00:00:00', '01:00:00', '03:00:00']),
    );
    expect(located(irregular)).toEqual([
      { line: 4, record: 1, field: 'timestamp', code: 'import.stepIrregular' },
    ]);
    expect(irregular[0]!.message).toBe(
      'irregular spacing: 2024-03-01T03:00:00Z comes 2 h after the row on line 3, but series s steps by 1 h',
    );
    const unsupported = await refused(
      'TIMESERIES',
      'two-hourly.csv',
      series(['00:00:00', '02:00:00', '04:00:00']),
    );
    expect(located(unsupported)).toEqual([
      { line: 3, record: 1, field: 'timestamp', code: 'import.stepUnsupported' },
    ]);
    expect(params(unsupported[0]!)).toMatchObject({ id: 's', step: '2 h' });
  });

  it('codes the schema checks of arguments (Pothos validation) and of records in a file', async () => {
    for (const [variables, code] of [
      [{ name: ' ' }, 'name.length'],
      [{ tags: ['Gold'] }, 'tag.format'],
    ] as const) {
      const r = await s.upload<any>(
        IMPORT,
        { kind: 'UTTERANCES', ...variables },
        { name: 'ok.csv', content: 'text,intent\nWhere is my card?,card_arrival\n' },
      );
      const refused = r.body.data.importDataset;
      expect(refused.__typename).toBe('ValidationError');
      expect(refused.issues.map((i: WireIssue) => i.code)).toEqual([code]);
      expect(rendered(refused.issues[0])).toBe(refused.issues[0].message);
    }

    const badIntent = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES' },
      { name: 'bad-intent.csv', content: 'text,intent\nWhere is my card?,no_such_intent\n' },
    );
    const issue = badIntent.body.data.importDataset.issues[0];
    expect(issue).toMatchObject({ line: 2, field: 'intent', code: 'intent.unknown' });
    expect(rendered(issue)).toBe("unknown intent 'no_such_intent'");
    expect(rendered(issue)).toBe(issue.message);
  });

  it('codes the checks of a service input, located under the argument', async () => {
    const r = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count: 0,
        targets: { languages: [{ key: 'en', weight: -1 }] },
      },
    });
    const issues: (WireIssue & { path: string })[] = r.data.startGeneration.issues;
    expect(issues.map((i) => [i.path, i.code])).toEqual(
      expect.arrayContaining([
        ['input.count', 'value.atLeast'],
        ['input.targets.languages.en', 'weights.negative'],
      ]),
    );
    for (const issue of issues.filter((i) => i.code !== null)) {
      expect(rendered(issue)).toBe(issue.message);
    }
    expect(issues.find((i) => i.path === 'input.count')?.message).toBe('count must be at least 1');
  });
  it('codes the refusals of the services, each located at its argument', async () => {
    const refusals: { path: string; code: string; message: string }[] = [];
    const refused = async (field: string, query: string, variables: Record<string, unknown>) => {
      const r = await s.gql<any>(query, variables);
      const outcome = r.data?.[field];
      expect(outcome?.__typename, JSON.stringify(r)).toBe('ValidationError');
      for (const issue of outcome.issues as (WireIssue & { path: string })[]) {
        expect(rendered(issue)).toBe(issue.message);
        refusals.push({ path: issue.path, code: issue.code as string, message: issue.message });
      }
    };
    const issues = '... on ValidationError { issues { path message code params { name value } } }';

    await refused('startGeneration', START, {
      input: {
        kind: 'CONVERSATIONS',
        intentCounts: [
          { intent: 'card_arrival', count: 2 },
          { intent: 'card_arrival', count: 3 },
        ],
      },
    });
    await refused(
      'startTraining',
      `mutation T($input: TrainingInput!) { startTraining(input: $input) { __typename ${issues} } }`,
      { input: { datasetId: '1', learningCurve: true } },
    );
    await refused(
      'startAugmentation',
      `mutation A($input: AugmentationInput!) { startAugmentation(input: $input) { __typename ${issues} } }`,
      { input: { runId: 987654, count: 10 } },
    );
    await refused(
      'resumeGeneration',
      `mutation R { resumeGeneration(id: "abc") { __typename ${issues} } }`,
      {},
    );
    expect(refusals).toEqual([
      {
        path: 'input.intentCounts',
        code: 'generation.intentTwice',
        message: 'intentCounts lists card_arrival more than once',
      },
      {
        path: 'input.learningCurve',
        code: 'training.curveNeedsTest',
        message: 'a learning curve needs testDatasetId (the real data to score on)',
      },
      {
        path: 'input.runId',
        code: 'augmentation.runMissing',
        message: 'training run 987654 does not exist',
      },
      { path: 'id', code: 'id.invalid', message: '"abc" is not a valid id (a positive integer)' },
    ]);

    const unknown = await s.gql<any>(START, {
      input: { kind: 'CONVERSATIONS', intentCounts: [{ intent: 'no_such_intent', count: 2 }] },
    });
    const [unknownIssue] = unknown.data.startGeneration.issues;
    expect(unknownIssue).toMatchObject({
      path: 'input.intentCounts',
      code: 'intents.unknownKeys',
      message: 'intentCounts keys must be intent ids; unknown: "no_such_intent"',
    });
    expect(rendered(unknownIssue)).toBe(unknownIssue.message);

    const imported = await s.upload<any>(
      `mutation Ok($file: File!) {
        importDataset(file: $file, kind: UTTERANCES, allowDuplicate: true) {
          __typename
          ... on MutationImportDatasetSuccess { data { id } }
        }
      }`,
      {},
      { name: 'ok.csv', content: 'text,intent\nWhere is my card?,card_arrival\n' },
    );
    const datasetId = imported.body.data.importDataset.data.id;
    const profile = await s.gql<any>(
      `mutation V($input: ValidateInput!) { validateDataset(input: $input) { __typename ${issues} } }`,
      { input: { datasetId, profile: 'no_such_profile' } },
    );
    const [profileIssue] = profile.data.validateDataset.issues;
    expect(profileIssue).toMatchObject({
      path: 'profile',
      code: 'validation.unknownProfile',
    });
    expect(profileIssue.message).toMatch(/^unknown profile "no_such_profile"; shipped: /);
    expect(rendered(profileIssue)).toBe(profileIssue.message);

    const notProfile = await s.upload<any>(
      `mutation V($file: File!) {
        validateDataset(input: { datasetId: "${datasetId}", profileFile: $file }) { __typename ${issues} }
      }`,
      {},
      { name: 'notes.json', content: '{"format":"my-notes"}' },
    );
    const [uploadIssue] = notProfile.body.data.validateDataset.issues;
    expect(uploadIssue).toMatchObject({
      path: 'profileFile',
      code: 'validation.uploadNotProfile',
      params: [{ name: 'file', value: 'notes.json' }],
    });
    expect(uploadIssue.message).toMatch(
      /^the uploaded profile notes\.json is not a reference profile/,
    );
    expect(rendered(uploadIssue)).toBe(uploadIssue.message);

    const batch = await s.gql<any>(
      `mutation J($id: ID!) {
        judgeDataset(id: $id, rubric: { provider: LOCAL, mode: BATCH }) { __typename ${issues} }
      }`,
      { id: datasetId },
    );
    const [judgeIssue] = batch.data.judgeDataset.issues;
    expect(judgeIssue).toMatchObject({
      path: 'rubric.mode',
      code: 'judge.batchNeedsBedrock',
      message:
        'batch mode is Bedrock batch inference: use provider bedrock (the local judge is instant and free)',
    });
    expect(rendered(judgeIssue)).toBe(judgeIssue.message);

    const search = await s.gql<any>(
      `mutation T($input: TrainingInput!) { startTraining(input: $input) { __typename ${issues} } }`,
      {
        input: {
          datasetId,
          preset: 'FAST',
          search: 'GRID',
          searchSpace: [{ name: 'C', min: 0.1, max: 10 }],
        },
      },
    );
    const [searchIssue] = search.data.startTraining.issues;
    expect(searchIssue).toMatchObject({
      path: 'input.searchSpace.0',
      code: 'training.search.rangeNeedsRandom',
      message: 'C: a range (0.1..10) needs random search; a grid needs a list of values',
    });
    expect(rendered(searchIssue)).toBe(searchIssue.message);

    const nul = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES' },
      {
        name: 'nul.jsonl',
        content: '{"text":"Where is my card?\u0000","intent":"card_arrival"}\n',
      },
    );
    const fileIssue = nul.body.data.importDataset.issues[0];
    expect(fileIssue).toMatchObject({ line: 1, field: 'text', code: 'import.hasNul' });
    expect(rendered(fileIssue)).toBe(fileIssue.message);
  });

  it("codes a refused provider's failed check, keeping the provider's own error as a parameter", async () => {
    const down = await startTestServer('sqlite', {
      GENESIS_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      GENESIS_OPENAI_MODEL: 'llama3.1:8b',
    });
    try {
      const r = await down.gql<any>(
        `mutation Start($input: GenerationInput!) {
          startGeneration(input: $input) {
            __typename
            ... on ProviderConfigError { provider checks { name ok detail code params { name value } } }
          }
        }`,
        { input: { kind: 'CONVERSATIONS', count: 2, provider: 'OPENAI' } },
      );
      const outcome = r.data?.startGeneration;
      expect(outcome?.__typename, JSON.stringify(r)).toBe('ProviderConfigError');
      const [check] = outcome.checks;
      expect(check).toMatchObject({ name: 'server', ok: false, code: 'check.openai.unreachable' });
      const params = Object.fromEntries(
        (check.params as { name: string; value: string }[]).map((p) => [p.name, p.value]),
      );
      expect(params.subject).toBe('http://127.0.0.1:9/v1');
      expect(check.detail).toBe(
        `http://127.0.0.1:9/v1: ${params.error} (the server is not reachable: check GENESIS_OPENAI_BASE_URL and that the server is running)`,
      );
      expect(rendered({ message: check.detail, code: check.code, params: check.params })).toBe(
        check.detail,
      );
    } finally {
      await down.close();
    }
  });
});

/** The coded message of a typed error (or a part of one), as the API sends it. */
interface WireMessage {
  message: string;
  code: string | null;
  params: { name: string; value: string }[];
}
const param = (m: WireMessage, name: string) => m.params.find((p) => p.name === name)?.value;
const CODED = 'message code params { name value }';

describe('typed refusals as codes and parameters', () => {
  const s = useTestServer('sqlite');

  async function importOk(kind: string, name: string, content: string): Promise<string> {
    const r = await s.upload<any>(
      `mutation Ok($file: File!, $kind: DatasetKind!) {
        importDataset(file: $file, kind: $kind, allowDuplicate: true) {
          __typename
          ... on MutationImportDatasetSuccess { data { id } }
          ... on ImportFailedError { issues { line field message } }
        }
      }`,
      { kind },
      { name, content },
    );
    expect(r.body.data?.importDataset?.__typename, JSON.stringify(r.body)).toBe(
      'MutationImportDatasetSuccess',
    );
    return r.body.data.importDataset.data.id;
  }

  it('codes a dataset in use and each of its users', async () => {
    const id = await importOk(
      'UTTERANCES',
      'used.csv',
      'text,intent\nWhere is my card?,card_arrival\n',
    );
    const em = s.app.services.em.fork();
    const job = em.create(GenerationJobSchema, {
      kind: 'conversations',
      status: 'paused',
      provider: 'local',
      model: 'local',
      config: {},
      dataset: Number(id),
      requested: 1,
    } as never);
    await em.flush();
    const r = await s.gql<any>(
      `mutation D($id: ID!) { deleteDataset(id: $id) {
        __typename ... on DatasetInUseError { ${CODED} parts { ${CODED} } }
      } }`,
      { id },
    );
    const refused = r.data?.deleteDataset;
    expect(refused?.__typename, JSON.stringify(r)).toBe('DatasetInUseError');
    expect(refused.code).toBe('dataset.inUse');
    expect(refused.parts).toEqual([
      {
        message: `generation job ${job.id} (paused)`,
        code: 'dataset.usedByJob',
        params: [
          { name: 'id', value: String(job.id) },
          { name: 'status', value: 'paused' },
        ],
      },
    ]);
    expect(param(refused, 'users')).toBe(refused.parts[0].message);
    expect(rendered(refused)).toBe(refused.message);
    expect(refused.message).toMatch(new RegExp(`^Dataset ${id} is in use by generation job`));
  });

  it('codes the search values a training config refuses, and a parameter the model lacks', async () => {
    const id = await importOk(
      'UTTERANCES',
      'train.csv',
      'text,intent\nWhere is my card?,card_arrival\n',
    );
    const start = (searchSpace: unknown[], model?: string) =>
      s.gql<any>(
        `mutation T($input: TrainingInput!) { startTraining(input: $input) {
          __typename ... on ValidationError { issues { path ${CODED} } }
        } }`,
        { input: { datasetId: id, search: 'GRID', searchSpace, ...(model ? { model } : {}) } },
      );
    const cases = [
      [[{ name: 'C', values: ['big'] }], undefined, 'training.search.invalidValue'],
      [[{ name: 'C', values: [-1] }], undefined, 'training.search.invalidValue'],
      [[{ name: 'minDf', values: [1.5] }], undefined, 'training.search.notWholeNumber'],
      [[{ name: 'C', values: [1] }], 'NB', 'training.search.notModelParamNb'],
      [[{ name: 'alpha', values: [1] }], 'SVM', 'training.search.notModelParam'],
      [[{ name: 'features.foo', values: [1] }], undefined, 'training.search.notConfigParam'],
    ] as const;
    const messages: string[] = [];
    for (const [space, model, code] of cases) {
      const r = await start([...space], model);
      const [issue] = r.data?.startTraining?.issues ?? [];
      expect(issue, JSON.stringify(r)).toMatchObject({ path: 'input.searchSpace.0', code });
      expect(rendered(issue)).toBe(issue.message);
      messages.push(issue.message);
    }
    expect(messages.slice(0, 4)).toEqual([
      'C=big is not valid: model.C must be number; got "big"',
      'C=-1 is not valid: model.C must be >0; got -1',
      'minDf=1.5 is not valid: features.blocks.0.minDf must be a whole number; got 1.5',
      'C=1 is not valid: not a parameter of this config (the nb model has alpha and norm)',
    ]);
  });

  it('codes a --like dataset none of whose series can be fitted', async () => {
    const series = (n: number) =>
      JSON.stringify({
        series_id: `s-${n}`,
        domain: 'electricity',
        series_type: 'residential_consumption',
        frequency: '1H',
        start: '2024-01-01T00:00:00Z',
        length: 10,
        target: Array.from({ length: 10 }, (_, i) => 100 + i + n),
        unit: 'kWh',
        seasonality_types: ['daily'],
        trend_type: 'none',
        noise_level: 0.1,
      });
    const id = await importOk('TIMESERIES', 'short.jsonl', [series(1), series(2)].join('\n'));
    const r = await s.gql<any>(
      `mutation G($input: GenerationInput!) { startGeneration(input: $input) {
        __typename ... on ValidationError { issues { path ${CODED} } }
      } }`,
      { input: { kind: 'TIMESERIES', count: 2, likeDatasetId: id } },
    );
    const [issue] = r.data?.startGeneration?.issues ?? [];
    expect(issue, JSON.stringify(r)).toMatchObject({
      path: 'input.likeDatasetId',
      code: 'generation.likeNoneFitted',
    });
    expect(param(issue, 'count')).toBe('2');
    expect(param(issue, 'unfit')).toBe('2');
    expect(rendered(issue)).toBe(issue.message);
  });

  it('codes a refused push to the Hub: no token, not a Hub token, the Hub out of reach', async () => {
    const push = `mutation P($id: ID!) { pushDataset(id: $id, repo: "alice/cards") {
      __typename ... on HubPushError { reason ${CODED} undone { ${CODED} } }
    } }`;
    for (const [env, code] of [
      [{ HF_TOKEN: '' }, 'hub.noToken'],
      [{ HF_TOKEN: 'not-a-token' }, 'hub.notHfToken'],
      [{ HF_TOKEN: 'hf_test', HF_ENDPOINT: 'http://127.0.0.1:9' }, 'hub.unreachable'],
    ] as const) {
      const server = await startTestServer('sqlite', env);
      try {
        const mine = await server.upload<any>(
          `mutation Ok($file: File!) { importDataset(file: $file, kind: UTTERANCES) {
            ... on MutationImportDatasetSuccess { data { id } } } }`,
          {},
          { name: 'push.csv', content: 'text,intent\nWhere is my card?,card_arrival\n' },
        );
        const r = await server.gql<any>(push, { id: mine.body.data.importDataset.data.id });
        const refused = r.data?.pushDataset;
        expect(refused?.__typename, JSON.stringify(r)).toBe('HubPushError');
        // The network error's cause may carry a code (ECONNREFUSED) or not, depending on the runtime.
        expect(refused.code).toMatch(new RegExp(`^${code.replace('.', '\\.')}`));
        expect(refused.undone).toBeNull();
        expect(rendered(refused)).toBe(refused.message);
      } finally {
        await server.close();
      }
    }
  });

  it("codes a refused provider's summary, its {checks} being the failed checks", async () => {
    const down = await startTestServer('sqlite', {
      GENESIS_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      GENESIS_OPENAI_MODEL: 'llama3.1:8b',
    });
    try {
      const r = await down.gql<any>(
        `mutation Start($input: GenerationInput!) { startGeneration(input: $input) {
          __typename ... on ProviderConfigError { ${CODED} checks { name ok detail } }
        } }`,
        { input: { kind: 'CONVERSATIONS', count: 2, provider: 'OPENAI' } },
      );
      const refused = r.data?.startGeneration;
      expect(refused?.__typename, JSON.stringify(r)).toBe('ProviderConfigError');
      expect(refused.code).toBe('provider.unusableOpenaiModel');
      expect(param(refused, 'model')).toBe('llama3.1:8b');
      const failed = (refused.checks as { name: string; ok: boolean; detail: string }[]).filter(
        (c) => !c.ok,
      );
      expect(param(refused, 'checks')).toBe(failed.map((c) => `${c.name}: ${c.detail}`).join('; '));
      expect(rendered(refused)).toBe(refused.message);
    } finally {
      await down.close();
    }
  });
});
