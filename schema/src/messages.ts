/**
 * The codes of the messages a user sees when a value or a file is refused, with their English
 * templates. A message is a code plus parameters (`{field}`, `{max}`); its English text, the one
 * the API returns as `message`, is the template with the parameters filled in. The API sends the
 * code and parameters beside the text (`FieldIssue`, `FileIssue`), and the web app renders them from
 * its catalogues (`error.<code>` in `web/src/lib/i18n/en.json` and `es.json`), so the same check
 * reads in the reader's language. See docs/conventions.md, "Two error tiers".
 *
 * Why not `@valibot/i18n`: it translates valibot's default messages (`Invalid type: ...`), and the
 * schemas here never use those: every check has its own message that names the field and the
 * allowed values, which no stock translation knows.
 */
import type * as v from 'valibot';

export const MESSAGES = {
  // Values of any field.
  'value.notString': '{field} must be a string',
  'value.notNumber': '{field} must be a number',
  'value.notInteger': '{field} must be a whole number',
  'value.atLeast': '{field} must be at least {min}',
  'value.atMost': '{field} must be at most {max}',
  'value.notNegative': '{field} must be >= 0',
  'value.share': '{field} must be within 0..1',
  'value.oneOf': '{field} must be one of {options}; got {received}',
  'value.eitherOf2': '{field} must be {a} or {b}',
  'value.eitherOf3': '{field} must be {a}, {b} or {c}',
  'value.notNumberGot': '{field} must be a number; got {received}',
  'value.notIntegerGot': '{field} must be an integer; got {received}',
  'value.atLeastGot': '{field} must be at least {min}; got {received}',
  'value.atMostGot': '{field} must be at most {max}; got {received}',
  'value.notStringGot': '{field} must be a string; got {received}',
  'value.notArrayGot': '{field} must be an array; got {received}',
  'conversation.emotionArc':
    '{field} must be snake_case like frustrated_to_satisfied; got {received}',
  'conversation.noTurns': 'a conversation needs at least 1 turn',
  'conversation.tooManyTurns': 'a conversation has at most {max} turns; got {count}',
  'conversation.category': "intent '{intent}' belongs to category '{expected}', not '{category}'",
  'conversation.customerFirst': "the first turn must be the customer's",
  'conversation.alternate': 'turn {index} repeats speaker {speaker}; speakers must alternate',
  'conversation.turnCount': 'turn_count is {turnCount} but there are {turns} turns',
  'value.notNegativeGot': '{field} must be >= 0; got {received}',
  'value.notFiniteGot': '{field} must be finite; got {received}',
  'value.shareGot': '{field} must be within 0..1; got {received}',
  'value.numbersGot': '{field} must be an array of numbers; got {received}',
  'value.stringsGot': '{field} must be an array of strings; got {received}',
  'value.isNaN': 'value is NaN',
  'value.isInfinite': 'value is {value}',
  'series.tooManyValues': 'target has {count} values; at most {max} are allowed',
  'series.domain': "series type '{type}' belongs to domain '{expected}', not '{domain}'",
  'series.lengthMismatch': 'length is {length} but target has {values} values',
  'series.outOfRange': '{type} must be within {min}..{max}, got {point}',
  'series.outOfBounds': '{type} must be {rule}, got {point}',
  'series.outOfRangeMore':
    '{count} values of {type} are not within {min}..{max}; only the first {listed} are listed',
  'series.outOfBoundsMore':
    '{count} values of {type} are not {rule}; only the first {listed} are listed',
  'series.anomalyIndex':
    'anomaly index {index} is out of range; the series has {length} points (0..{last})',
  'series.timestampsCount': 'timestamps has {count} entries but length is {length}',
  'series.firstTimestamp': 'the first timestamp must equal start {start}; got {received}',
  'series.notIncreasing':
    'timestamps must be strictly increasing; {received} is not after {previous}',
  'series.step': 'expected {expected} ({frequency} after the previous), got {received}',
  'series.misplacedMore': '{count} timestamps are misplaced; only the first {listed} are listed',
  'text.empty': '{field} must not be empty',
  'text.tooLong': '{field} must be at most {max} characters; got {received}',
  'text.longerThan': '{field} must be at most {max} characters',
  'text.unsafe':
    '{field} must not contain NUL characters or invalid Unicode (an unpaired surrogate)',
  'object.required': '{field} is required',
  'object.notObject': '{field} must be an object; got {received}',
  'timestamp.format':
    '{field} must be an ISO-8601 timestamp with a zone, like 2016-07-01T02:00:00Z; got {received}',
  'timestamp.notReal': '{field} is not a real date: {received}',
  'timestamp.range': '{field} must be between {earliest} and {latest}; got {received}',
  'intent.notString': 'intent must be a string; got {received}',
  'intent.unknown': "unknown intent '{intent}'",
  'name.length': 'name must be 1-120 characters',
  'search.tooLong': 'search must be at most {max} characters; got {length}',
  'tag.notString': 'a tag must be a string',
  'tag.length': 'a tag must be 1-40 characters',
  'tag.format':
    'tag {tag} must be lowercase letters, digits and _ . : - and start with a letter or digit',
  'tags.notArray': 'tags must be an array of strings',
  'tags.tooMany': 'at most {max} tags are allowed; got {count}',
  'tags.duplicate': 'duplicate tag "{tag}"',
  // The Generate form's fields.
  'weights.notNumber': '{field} weights must be numbers',
  'weights.notFinite': '{field} weights must be finite numbers',
  'weights.negative': '{field} weights must be >= 0',
  'weights.keys': '{field} keys must be among {allowed}; got {keys}',
  'weights.allZero': '{field} needs at least one weight above 0',
  'weights.sumTooLarge':
    '{field} weights are too large: their sum must be a finite number (they are shares; 1, 2, 3 will do)',
  'timeZone.unknown':
    'timeZone must be an IANA time zone such as Europe/Madrid or UTC; got {received}',
  'weights.keysMany': '{field} keys must be among the {count} known values; got {keys}',
  'intents.unknownKeys': '{field} keys must be intent ids; unknown: {keys}',
  'intentCounts.notNumber': 'intentCounts values must be numbers',
  'intentCounts.notInteger': 'intentCounts values must be whole numbers',
  'intentCounts.atLeast':
    'intentCounts values must be at least 1 (leave an intent out to give it none)',
  'intentCounts.atMost': 'intentCounts values must be at most {max}',
  'intentCounts.empty': 'intentCounts needs at least one intent',
  'intentCounts.sumTooLarge':
    'intentCounts add up to {sum}, over the most one job may hold ({max}): split them over several jobs',
  'series.endsTooLate':
    'a series of {length} points every {frequency} from {start} ends after {latest}: start earlier, or ask for fewer points or a shorter frequency',
  'intentCounts.sumNotCount':
    'intentCounts add up to {sum} but count is {count}: they must be equal',
  'intentCounts.withShares':
    'give either targets.intents (shares) or intentCounts (exact counts), not both',
  'intentCounts.notForSeries':
    'intentCounts, notIntents and intentExamples are for conversations (time series have no intents)',
  'generation.likeKind': 'likeDatasetId calibrates time series: use it with kind timeseries',
  'notIntents.notList': 'notIntents values must be lists of intent ids',
  'notIntents.tooMany': 'notIntents lists at most {max} intents per intent',
  'notIntents.unknown': 'notIntents values must be intent ids; unknown: {unknown}',
  'notIntents.self': 'an intent cannot be contrasted with itself: {intents}',
  'intentExamples.notText': 'intentExamples values must be lists of texts',
  'intentExamples.empty': 'intentExamples texts must not be empty',
  'intentExamples.tooLong': 'intentExamples texts must be at most {max} characters',
  'intentExamples.none': 'intentExamples lists need at least one text',
  'intentExamples.tooMany': 'intentExamples lists at most {max} texts per intent',
  // A file of real examples per intent (`genesis generate --intent-examples FILE`, the Generate page's examples
  // file; server/src/generation/intent-examples.ts): one code per problem and place (a CSV line, a JSON entry
  // of a list, a JSON key of an object).
  'examplesFile.notJson': '{file} is not valid JSON ({reason})',
  'examplesFile.notObject':
    '{file} must hold a JSON object of intent -> list of texts, or a list of { "intent", "examples" }',
  'examplesFile.notCsv': '{file} is neither JSON nor readable CSV ({reason})',
  'examplesFile.empty': '{file} holds no examples',
  'examplesFile.columns': 'line {line} of {file} has {count} columns; expected intent,text',
  'examplesFile.entryNotList': 'entry {entry} of {file} needs "examples": a list of texts',
  'examplesFile.keyNotList': '"{key}" of {file} needs a list of texts',
  'examplesFile.entryTwice': '{intent} is given more than once (entry {entry})',
  'examplesFile.keyTwice': '{intent} is given more than once ("{key}")',
  'examplesFile.lineNoIntent': 'line {line} has no intent',
  'examplesFile.entryNoIntent': 'entry {entry} has no intent',
  'examplesFile.keyNoIntent': '"{key}" of {file} is not an intent id',
  'examplesFile.lineEmpty': 'line {line} ({intent}) has an empty text',
  'examplesFile.entryEmpty': 'entry {entry}, example {example} ({intent}) has an empty text',
  'examplesFile.keyEmpty': '"{key}", example {example} ({intent}) has an empty text',
  'examplesFile.lineTooMany':
    'line {line}: {intent} has more than {max} examples (at most {max} per intent)',
  'examplesFile.entryTooMany':
    'entry {entry}, example {example}: {intent} has more than {max} examples (at most {max} per intent)',
  'examplesFile.keyTooMany':
    '"{key}", example {example}: {intent} has more than {max} examples (at most {max} per intent)',
  'datasetId.format': '{field} must be a dataset id (a positive whole number); got {received}',
  'datasetId.notString': '{field} must be a dataset id',
  // A push to the Hub.
  'hub.repoFormat':
    'must be OWNER/NAME (letters, digits, "-", "_" and "."), e.g. my-team/banking-conversations',
  'hub.repoDot': 'a part of OWNER/NAME cannot start or end with "."',
  'hub.revisionFormat': 'must be a branch name, e.g. main',
  'hub.messageEmpty': 'must not be empty',
  // Problems in an imported file (the importer locates each by line, record and field).
  'import.csvFieldCount': 'the row has {count} fields but the header has {header}',
  'import.csvUnclosedQuote': 'a quoted field is never closed',
  'import.missingColumn': 'missing column {missing}; found {found}; expected {expected}',
  'import.missingColumnOtherKind':
    'missing column {missing}; found {found}; expected {expected}. The columns look like {guess}: import the file as {guess}',
  'import.duplicateColumn': 'column {column} appears twice',
  'import.duplicateKeyLine': 'duplicate {field} "{key}", first used on line {line}',
  'import.duplicateKeyRecord': 'duplicate {field} "{key}", first used on record {record}',
  'import.noRecords': 'the file has no records',
  'import.seriesTypeMissing':
    'column series_type is missing; pass seriesType (e.g. residential_consumption)',
  'import.seriesNoType':
    'series {id} has no series_type; column series_type is missing; pass seriesType (e.g. residential_consumption)',
  'import.unknownSeriesType': 'unknown series type "{type}"',
  'import.lineNotJson': 'not valid JSON: {detail}',
  'import.timestampFormat':
    'timestamp "{received}" is not a date-time; write it like 2016-07-01 02:00:00 (UTC) or 2016-07-01T02:00:00+01:00',
  'import.valueNotNumber': 'value "{received}" is not a number',
  'import.timestampRepeats': 'timestamp {timestamp} repeats the one on line {line}',
  'import.timestampBefore':
    'timestamp {timestamp} is before the one on line {line}; the rows of a series must be in increasing time order',
  'import.tooLarge': 'the file is {size} MB; the limit is {limit} MB (GENESIS_MAX_UPLOAD_MB)',
  'tags.full':
    'a dataset carries at most {max} tags; it has {count}, so at most {more} more can be added',
  'import.notUtf8':
    'the text is not valid UTF-8 (the file holds bytes that are not UTF-8 text; save it as UTF-8)',
  'import.hasNul': 'the text holds a NUL character (U+0000), which a dataset cannot store',
  'import.loneSurrogate':
    'the text holds an unpaired surrogate (a lone \\uD800-\\uDFFF escape), which is not valid Unicode',
  'import.notJson': 'the file is not valid JSON: {detail}',
  'import.notJsonColumn': 'the file is not valid JSON: {detail} (column {column})',
  'import.lineNotJsonColumn': 'not valid JSON: {detail} (column {column})',
  // What the JSON array reader finds between the elements of a file (worded as JSON.parse words it).
  'import.jsonSeparator':
    "the file is not valid JSON: Expected ',' or ']' after array element (column {column})",
  'import.jsonElement':
    "the file is not valid JSON: Unexpected token '{token}', expected an array element (column {column})",
  'import.jsonAfterEnd':
    'the file is not valid JSON: Unexpected non-whitespace character after JSON (column {column})',
  'import.jsonEnd': 'the file is not valid JSON: Unexpected end of JSON input',
  'import.csvClosingQuote':
    'a closing quote is followed by other characters (write a quote inside a quoted field as "")',
  'import.csvOpeningQuote':
    'a quote appears inside an unquoted field (quote the whole field and write the quote as "")',
  'import.csvInvalid': 'invalid CSV: {detail}',
  // A JSON file that is not an array: one code per JSON type it holds instead.
  'import.notArrayObject': 'a JSON file must hold an array of records; found an object',
  'import.notArrayString': 'a JSON file must hold an array of records; found a string',
  'import.notArrayNumber': 'a JSON file must hold an array of records; found a number',
  'import.notArrayBoolean': 'a JSON file must hold an array of records; found a boolean',
  'import.notArrayNull': 'a JSON file must hold an array of records; found null',
  // A record of another kind than the file is imported as: one code per pair of kinds.
  'import.recordIsUtteranceNotConversation':
    'this record looks like an utterance, not a conversation; import the file as utterances',
  'import.recordIsUtteranceNotSeries':
    'this record looks like an utterance, not a time series; import the file as utterances',
  'import.recordIsConversationNotUtterance':
    'this record looks like a conversation, not an utterance; import the file as conversations',
  'import.recordIsConversationNotSeries':
    'this record looks like a conversation, not a time series; import the file as conversations',
  'import.recordIsSeriesNotUtterance':
    'this record looks like a time series, not an utterance; import the file as timeseries',
  'import.recordIsSeriesNotConversation':
    'this record looks like a time series, not a conversation; import the file as timeseries',
  // Cells of a conversation CSV.
  'import.cellNotWholeNumber': '{field} must be a whole number; got "{received}"',
  'import.turnsEmpty': 'turns is empty; it must be a JSON array of turns',
  'import.cellNotJson': '{field} must be JSON; {detail}',
  'import.cellNotJsonColumn': '{field} must be JSON; {detail} (column {column})',
  // Spacing of an imported series ({step}, {gap}: a duration in unit symbols, e.g. 15 min, 2 h, 1 d).
  'import.stepUnsupported':
    'series {id} steps by {step}, which is not a supported frequency ({frequencies})',
  'import.stepIrregular':
    'irregular spacing: {timestamp} comes {gap} after the row on line {line}, but series {id} steps by {step}',
  // Parquet files and the label names of their integer labels.
  'import.parquetUnreadable': 'the file is not readable Parquet: {detail}',
  'import.parquetNotStreamed':
    'a Parquet file is read through the streaming import (genesis import or the API)',
  'import.labelNoNames':
    'the label is the number {label}, and the file names no labels: give the label names in order with --labels FILE (one per line, or a JSON array)',
  'import.labelNotListed': 'label {label} is not in the label list ({count} names)',
  'import.turnsCellNotJson': 'the turns cell is text that is not JSON',
  'import.unknownRole':
    'unknown role "{role}": use user or assistant (system messages are dropped)',
  'labels.notArray': 'labels must be an array of strings',
  'labels.none': 'give at least one label name',
  'labels.tooMany': 'at most {max} labels; got {count}',
  'labels.notString': 'a label name must be a string',
  'labels.empty': 'a label name must not be empty',
  'labels.tooLong': 'a label name has at most {max} characters',
  'labels.repeated': '"{name}" is already label {index}: each label number needs its own name',
  // Refusals of the services (a job, a run, an id or a page the request asks for).
  'id.invalid': '"{id}" is not a valid id (a positive integer)',
  'page.firstAndLast': 'give first or last, not both',
  'page.size': '{argument} must be an integer between 0 and {max}, got {received}',
  'validation.unknownProfile':
    'unknown profile "{id}"; shipped: {shipped} (upload a profile file written by `pnpm genesis profile` as profileFile)',
  'validation.referenceKind':
    "dataset {id} holds {kind}; it can't be the reference of {datasetKind}",
  'validation.profileKind': 'the {id} profile describes {profileKind}, not {kind}',
  'validation.cannotCompare': "can't compare {a} with {b}",
  'validation.shippedPartDamaged':
    'a shipped profile combined in {id} ({files}) is damaged: {error}; rebuild it with `pnpm profiles:build`',
  'validation.shippedMissing':
    'the {id} profile is missing ({file}); rebuild it with `pnpm profiles:build`',
  'validation.shippedDamaged':
    'the shipped {id} profile ({files}) is damaged: {error}; rebuild it with `pnpm profiles:build`',
  'validation.referenceTwice': '{name} is given twice (also as {other}); give each reference once',
  'validation.noKnownDomain': '{name} holds no series of a known domain',
  'validation.noLanguageLabel':
    "{name} holds no items with a language label; with several references each covers the languages it holds, so give it alone or label its items' language",
  'validation.onePerDomain':
    '{name} holds domain {key}, as does {other} ({otherPath}); give one reference per domain',
  'validation.onePerLanguage':
    '{name} holds language {key}, as does {other} ({otherPath}); give one reference per language',
  'validation.earlierUpload':
    'the latest report (v{version}) of dataset {id} ({side}) was made against an uploaded profile ({name}), which is not kept; give a reference profile to compare both against',
  'validation.earlierFileUnreadable':
    'the latest report (v{version}) of dataset {id} ({side}) was made against the profile file {file}, which can no longer be read; give a reference profile to compare both against',
  'validation.earlierFileChanged':
    'the latest report (v{version}) of dataset {id} ({side}) was made against the profile file {file}, which has changed since; give a reference profile to compare both against',
  'validation.validatedAgainst':
    'dataset {id} was validated against {now}, not the expected {key}; give a reference profile to compare both against',
  // A profile read from a file (`--profile-file`) or uploaded: one code per source and problem.
  'validation.fileUnreadable':
    'cannot read the profile file {file}: no such file (write one with `pnpm genesis profile DATASET --out FILE.json`, or use a shipped profile: {shipped})',
  'validation.fileNotJson': 'the profile file {file} is not valid JSON ({error})',
  'validation.uploadNotJson': 'the uploaded profile {file} is not valid JSON ({error})',
  'validation.fileNotProfile':
    'the profile file {file} is not a reference profile (its "format" should be "genesis-lab/text-profile" or "genesis-lab/series-profile"); write one with `pnpm genesis profile DATASET --out FILE.json`',
  'validation.uploadNotProfile':
    'the uploaded profile {file} is not a reference profile (its "format" should be "genesis-lab/text-profile" or "genesis-lab/series-profile"); write one with `pnpm genesis profile DATASET --out FILE.json`',
  'validation.fileTextProfile':
    'the profile file {file} is a text profile, but dataset {id} holds {kind}',
  'validation.fileSeriesProfile':
    'the profile file {file} is a time-series profile, but dataset {id} holds {kind}',
  'validation.uploadTextProfile':
    'the uploaded profile {file} is a text profile, but dataset {id} holds {kind}',
  'validation.uploadSeriesProfile':
    'the uploaded profile {file} is a time-series profile, but dataset {id} holds {kind}',
  'validation.fileInvalid': 'the profile file {file}: {error}',
  'validation.uploadInvalid': 'the uploaded profile {file}: {error}',
  'validation.profileTooLarge':
    '{name} is {size} MB; the limit is {limit} MB (GENESIS_MAX_UPLOAD_MB)',
  'validation.profileTooLargeUnnamed':
    'the profile file is {size} MB; the limit is {limit} MB (GENESIS_MAX_UPLOAD_MB)',
  'curation.referenceTexts': 'the reference must hold labelled texts',
  'curation.oracleMissing':
    'the shipped Banking77 label oracle is missing (rebuild it with `pnpm profiles:build`), or give a reference dataset',
  'curation.oracleTexts': 'a label oracle trains on labelled texts',
  'curation.timeSeries':
    'dataset {id} holds time series; curation applies to conversations and utterances',
  'curation.openingOnly':
    'dataset {id} holds utterances, which have no turns to trim: openingOnly is for conversations',
  'curation.noJudgeScores':
    'dataset {id} has no LLM-judge scores: run `pnpm genesis judge {id}` (or judgeDataset) first',
  'curation.oracleUntrained': 'no label oracle could be trained on dataset {id}: {note}',
  // The LLM judge's refusals.
  'judge.localModel':
    'the local provider has one model, `local`; use provider bedrock or openai for other models',
  'judge.openaiModel': 'give a model for the openai provider (or set GENESIS_OPENAI_MODEL)',
  'judge.batchNeedsBedrock':
    'batch mode is Bedrock batch inference: use provider bedrock (the local judge is instant and free)',
  'judge.batchNotConfigured':
    'batch mode needs GENESIS_BATCH_ROLE_ARN, GENESIS_BATCH_INPUT_URI and GENESIS_BATCH_OUTPUT_URI on the server (see the README); use on_demand',
  'judge.timeSeries':
    'dataset {id} holds time series; the LLM judge scores conversations and utterances',
  'judge.overBudgetOne':
    'the estimate is {cost} for {count} item with {model}, over the budget of {budget}: raise the budget or judge a smaller sample',
  'judge.overBudget':
    'the estimate is {cost} for {count} items with {model}, over the budget of {budget}: raise the budget or judge a smaller sample',
  'judge.completed': 'judge run {id} is already completed',
  // The doctor's checks of a model provider (a check's detail).
  'check.credentialsFound': 'found by the standard credential chain',
  'check.credentialsNone':
    'none found ({error}): set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
  'check.modelAnswered': '{model} answered a one-token call',
  'check.serverAnswered': '{url} answered ({count} models)',
  'check.noModelList': '{url} has no /models list; the one-token call decides',
  'check.modelListed': '{model} is listed',
  'check.modelNotListed':
    "{model} is not among the server's models ({models}): set GENESIS_OPENAI_MODEL or --model",
  // A failed check that quotes the provider's own error ({error}, kept as sent): one code per hint.
  'check.bedrock.noCredentials':
    '{subject}: {error} (no AWS credentials found: set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
  'check.bedrock.expired':
    '{subject}: {error} (the AWS credentials have expired: refresh them (e.g. `aws sso login`))',
  'check.bedrock.invalidCredentials':
    '{subject}: {error} (the AWS credentials are not valid: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE)',
  'check.bedrock.accessDenied':
    '{subject}: {error} (access denied: enable the model in the Bedrock console (Model access) and check the IAM policy (bedrock:InvokeModel))',
  'check.bedrock.inferenceProfile':
    '{subject}: {error} (use an inference profile id (e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0))',
  'check.bedrock.modelId':
    '{subject}: {error} (check the model id (GENESIS_BEDROCK_MODEL or --model) and that it is offered in AWS_REGION)',
  'check.bedrock.throttled':
    '{subject}: {error} (throttled: the account may have a zero or exhausted quota for this model (Service Quotas console))',
  'check.bedrock.other': '{subject}: {error} (check GENESIS_BEDROCK_MODEL and the region)',
  'check.openai.apiKey':
    '{subject}: {error} (the server refused the API key: check GENESIS_OPENAI_API_KEY)',
  'check.openai.accessDenied':
    '{subject}: {error} (access denied: check the API key and its project permissions)',
  'check.openai.quota':
    '{subject}: {error} (the account has no quota left: check the plan and billing of the API key)',
  'check.openai.model':
    '{subject}: {error} (check GENESIS_OPENAI_MODEL (or --model) against the models the server lists (GET /v1/models; `ollama pull <model>` for Ollama))',
  'check.openai.unreachable':
    '{subject}: {error} (the server is not reachable: check GENESIS_OPENAI_BASE_URL and that the server is running)',
  'check.openai.other':
    '{subject}: {error} (check GENESIS_OPENAI_BASE_URL, GENESIS_OPENAI_API_KEY and GENESIS_OPENAI_MODEL)',
  'generation.tooLargeSeries':
    '{count} series x {length} points is {points} points (about {size}); the limit is {limit} points per job (GENESIS_MAX_JOB_POINTS): ask for fewer or shorter series, or split the work into several jobs',
  'generation.tooLargeConversations':
    '{count} conversations (about {size}); the limit is {limit} points per job (GENESIS_MAX_JOB_POINTS): ask for fewer or shorter series, or split the work into several jobs',
  'generation.tooLargeUtterances':
    '{count} utterances (about {size}); the limit is {limit} points per job (GENESIS_MAX_JOB_POINTS): ask for fewer or shorter series, or split the work into several jobs',
  'generation.openaiModel':
    'provider openai needs a model: give one (the name the server lists, e.g. llama3.1:8b for Ollama) or set GENESIS_OPENAI_MODEL on the server',
  'generation.intentTwice': '{field} lists {intents} more than once',
  'generation.countRequired': 'count is required (or give intentCounts: the job is their sum)',
  'generation.batchNeedsBedrock':
    'batch mode is Bedrock batch inference: use provider bedrock (the local provider is instant and free)',
  'generation.batchNotConfigured':
    'batch mode needs GENESIS_BATCH_ROLE_ARN, GENESIS_BATCH_INPUT_URI and GENESIS_BATCH_OUTPUT_URI on the server (see the README); use on_demand or auto',
  'generation.examplesKind': '{id} is not a conversations or utterances dataset',
  'generation.calibrationTypes':
    'dataset {id} ("{name}") has no fitted series of {missing}; it can calibrate {types}',
  'generation.alreadyCompleted': 'job {id} is already completed',
  'generation.likeMissing': 'dataset {id} does not exist',
  'generation.likeConversations':
    'dataset {id} ("{name}") holds conversations; --like needs a time-series dataset',
  'generation.likeUtterances':
    'dataset {id} ("{name}") holds utterances; --like needs a time-series dataset',
  'training.timeSeries':
    'dataset {id} holds time series; intent classifiers train on conversations or utterances',
  'training.fewIntents': 'dataset {id} needs items of at least 2 intents to train on',
  'training.curveNeedsTest': 'a learning curve needs testDatasetId (the real data to score on)',
  'training.searchNeeded': 'a search space or trial count needs search (grid or random)',
  'training.listedTwice': 'dataset {id} is listed twice',
  'training.searchOneDataset': 'a search runs on one dataset; train on several without it',
  'training.curveOneDataset': 'a learning curve runs on one dataset; train on several without it',
  'training.noModel': 'run {id} has no model (status {status})',
  'training.noRunIds': 'give at least one run id',
  // A training search space (`searchSpace`, `searchTrials`).
  'training.search.unknownParam':
    'unknown search parameter "{name}"; use {names}, or a config path such as model.C',
  'training.search.trialsForRandom':
    'searchTrials applies to random search; a grid tries every combination',
  'training.search.noName': 'a search parameter needs a name',
  'training.search.twice': '{name} is given twice',
  'training.search.valuesAndRange': '{name}: give either values or a min..max range, not both',
  'training.search.noValues': '{name}: no values given',
  'training.search.tooManyValues': '{name}: {count} values; at most {max}',
  'training.search.needsValues': '{name}: give values (a,b,c) or, for random search, a range',
  'training.search.rangeNeedsRandom':
    '{name}: a range ({min}..{max}) needs random search; a grid needs a list of values',
  'training.search.rangeBounds':
    '{name}: a range needs 0 < min <= max (it is sampled log-uniformly); got {min}..{max}',
  'training.search.gridTooLarge': 'the grid has {trials} combinations ({sizes}); at most {max}',
  'training.search.trialsRange': 'searchTrials must be a whole number from 1 to {max}',
  'training.search.emptyValue': '{name}: an empty value',
  'training.search.valueNotJson': '{name}: {raw} is not valid JSON',
  'training.search.empty': 'the search space is empty',
  'training.search.notJson': 'not valid JSON: {error}',
  'training.search.notNameValues': '"{part}" is not NAME=VALUES (e.g. C=0.1,1,10 or C=0.01..100)',
  'training.search.notRange': '{name}: {raw} is not a numeric range MIN..MAX',
  'augmentation.runMissing': 'training run {id} does not exist',
  'augmentation.runNotCompleted': 'training run {id} is {status}; augment a completed run',
  'augmentation.datasetDeleted': 'the dataset training run {id} was trained on has been deleted',
  // A dataset that is in use (DatasetInUseError): the summary, and each user as a part of {users}.
  'dataset.inUse':
    'Dataset {id} is in use by {users}; wait for them or cancel them, or delete with force to cancel them and delete the dataset',
  'dataset.usedByJob': 'generation job {id} ({status})',
  'dataset.usedByJobExamples': 'generation job {id} ({status}, as its examples)',
  'dataset.usedByJobCalibration': 'generation job {id} ({status}, calibrated on it)',
  'dataset.usedByRun': 'training run {id} ({status})',
  'dataset.usedByRunTest': 'training run {id} ({status}, as its test dataset)',
  'dataset.validationsOne': '{count} validation in progress',
  'dataset.validationsMany': '{count} validations in progress',
  'dataset.exportsOne': '{count} export in progress',
  'dataset.exportsMany': '{count} exports in progress',
  // A model provider that cannot be used (ProviderConfigError): {checks} lists the failed checks.
  'provider.unusableBedrock':
    'Bedrock cannot be used as configured: {checks}. Fix this and try again (`pnpm genesis doctor` runs the same checks).',
  'provider.unusableBedrockModel':
    'Bedrock ({model}) cannot be used as configured: {checks}. Fix this and try again (`pnpm genesis doctor` runs the same checks).',
  'provider.unusableOpenai':
    'The OpenAI-compatible server cannot be used as configured: {checks}. Fix this and try again (`pnpm genesis doctor` runs the same checks).',
  'provider.unusableOpenaiModel':
    'The OpenAI-compatible server ({model}) cannot be used as configured: {checks}. Fix this and try again (`pnpm genesis doctor` runs the same checks).',
  'provider.unusable':
    '{provider} cannot be used as configured: {checks}. Fix this and try again (`pnpm genesis doctor` runs the same checks).',
  'provider.unusableModel':
    '{provider} ({model}) cannot be used as configured: {checks}. Fix this and try again (`pnpm genesis doctor` runs the same checks).',
  'provider.failedCheck': '{name}: {detail}',
  // A search value the training config refuses ({path}, {expected} and {received} are valibot's, as symbols).
  'training.search.notModelParamNb':
    '{name}={value} is not valid: not a parameter of this config (the nb model has alpha and norm)',
  'training.search.notModelParam':
    '{name}={value} is not valid: not a parameter of this config (the {model} model has C, tol and maxIter)',
  'training.search.notConfigParam': '{name}={value} is not valid: not a parameter of this config',
  'training.search.invalidValue':
    '{name}={value} is not valid: {path} must be {expected}; got {received}',
  'training.search.notWholeNumber':
    '{name}={value} is not valid: {path} must be a whole number; got {received}',
  'training.search.ngramOrder':
    '{name}={value} is not valid: {path}: the minimum n must not exceed the maximum n',
  'training.search.listOrRange': '{name}: give a list of values or {"min": x, "max": y}',
  'training.configInvalid':
    'the training config is not valid: {path} must be {expected}; got {received}',
  // A dataset a time-series job is calibrated on (likeDatasetId, --like) that yields no fit.
  'generation.likeNoneFitted':
    'no series of dataset {id} ("{name}") could be fitted ({count} series): {unknownType} of an unknown type, {frequency} not hourly, sub-hourly or daily, {intradayPrices} intraday prices (prices are fitted on daily series), {unfit} too short (under 48 hourly or 60 daily points), constant or out of their type\'s range',
  // A push to the Hub that failed (HubPushError), and what was put back.
  'hub.noToken':
    'HF_TOKEN is not set: create a token with write access at {endpoint}/settings/tokens and set HF_TOKEN to it',
  'hub.notHfToken': 'HF_TOKEN is not a Hugging Face token: tokens start with "hf_"',
  'hub.unauthorized':
    'the Hub at {endpoint} refused HF_TOKEN (401): check that the token is valid and not expired ({endpoint}/settings/tokens)',
  'hub.forbidden':
    'HF_TOKEN may not write to {repo} (403): use a token with write access to the "{namespace}" namespace',
  'hub.revisionNotFound':
    'the branch "{revision}" does not exist in {repo}: create it on the Hub first, or push to main',
  'hub.repoNotFound':
    'the dataset repo {repo} was not found on {endpoint} (404), or HF_TOKEN cannot see it',
  'hub.answered': 'the Hub answered {status}: {error}',
  'hub.unreachable': 'cannot reach the Hub at {endpoint}: check the network and HF_ENDPOINT',
  'hub.unreachableCode':
    'cannot reach the Hub at {endpoint} ({cause}): check the network and HF_ENDPOINT',
  'hub.repoHidden':
    'the dataset repo {repo} exists but HF_TOKEN cannot see it: use a token of its owner',
  'hub.cannotCreate':
    'the dataset repo {repo} does not exist and HF_TOKEN may not create it ({status}): create it on the Hub, or use a token with write access to "{namespace}"',
  'hub.visibilityDeniedPrivate':
    'HF_TOKEN may not change the visibility of {repo} ({status}): use a token of its owner or an admin of "{namespace}", or push without --private',
  'hub.visibilityDeniedPublic':
    'HF_TOKEN may not change the visibility of {repo} ({status}): use a token of its owner or an admin of "{namespace}", or push without --public',
  'hub.visibilityFailedPrivate':
    'the Hub at {endpoint} did not make {repo} private ({status}): change its visibility on the Hub, or push without --private; nothing was committed',
  'hub.visibilityFailedPublic':
    'the Hub at {endpoint} did not make {repo} public ({status}): change its visibility on the Hub, or push without --public; nothing was committed',
  'hub.visibilityFailedPrivateDetail':
    'the Hub at {endpoint} did not make {repo} private ({status}: {detail}): change its visibility on the Hub, or push without --private; nothing was committed',
  'hub.visibilityFailedPublicDetail':
    'the Hub at {endpoint} did not make {repo} public ({status}: {detail}): change its visibility on the Hub, or push without --public; nothing was committed',
  'hub.undoDeleted': 'the repo {repo} this push created was deleted again',
  'hub.undoNotDeleted':
    'the empty repo {repo} this push created could not be deleted: delete it on the Hub',
  'hub.undoPrivate': '{repo} is private again',
  'hub.undoPublic': '{repo} is public again',
  'hub.undoNotPrivate': '{repo} could not be made private again: change its visibility on the Hub',
  'hub.undoNotPublic': '{repo} could not be made public again: change its visibility on the Hub',
  'augmentation.noCv':
    "training run {id} has no cross-validated figures (it was evaluated on a hold-out split), and the plan reads only out-of-fold figures on the run's own training data: set computeCv (genesis augment --compute-cv) to cross-validate it first with the same preset, or train it with --cv 5",
} as const;

/** A message's code: a key of {@link MESSAGES}. */
export type MessageCode = keyof typeof MESSAGES;

/** The values of a message's `{name}` placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** A message as data: its code, its parameters and its English text. */
export interface CodedMessage {
  code: MessageCode;
  params: MessageParams;
  message: string;
}

/** Whether `code` is one of {@link MESSAGES} (for codes read back from the wire). */
export function isMessageCode(code: string): code is MessageCode {
  return Object.hasOwn(MESSAGES, code);
}

/** Fills a template's `{name}` placeholders; a placeholder without a value stays as written. */
export function fillTemplate(template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The message with `code` and `params`, English text included. */
export function codedMessage(code: MessageCode, params: MessageParams = {}): CodedMessage {
  return { code, params, message: fillTemplate(MESSAGES[code], params) };
}

/** The code and parameters a valibot issue was given by {@link issueMessage}. */
interface CodedIssue {
  code?: MessageCode;
  params?: MessageParams;
}

/**
 * A valibot message (the `message` argument of a schema or an action) that gives the issue a code:
 * the English text, with `code` and `params` set on the issue valibot is building. They ride on the
 * issue object itself, so they survive what consumers do with issues: Pothos' validation plugin
 * re-paths an issue with `Object.create(issue)`, `{ ...issue }` copies it, a worker clones it.
 */
export function issueMessage<TIssue extends v.BaseIssue<unknown> = v.BaseIssue<unknown>>(
  code: MessageCode,
  params: MessageParams | ((issue: TIssue) => MessageParams) = {},
): (issue: TIssue) => string {
  return (issue) => {
    const values = typeof params === 'function' ? params(issue) : params;
    const coded = issue as TIssue & CodedIssue;
    coded.code = code;
    coded.params = values;
    return fillTemplate(MESSAGES[code], values);
  };
}

/** The parameters of a "{field} ...; got {received}" message: the field, `more`, and what valibot received. */
export function gotParams(field: string, more: MessageParams = {}) {
  return (issue: v.BaseIssue<unknown>): MessageParams => ({
    field,
    ...more,
    received: issue.received,
  });
}

/** The code and parameters of an issue made with {@link issueMessage}; null for any other. */
export function issueCode(issue: object): { code: MessageCode; params: MessageParams } | null {
  const { code, params } = issue as CodedIssue;
  return code !== undefined ? { code, params: params ?? {} } : null;
}
