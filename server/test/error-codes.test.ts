import { fillTemplate, isMessageCode, MESSAGES } from '@genesis/schema/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/app.ts';

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
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await s?.close();
  });

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
