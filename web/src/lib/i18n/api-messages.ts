/*
 * Messages that come as data: a code and parameters beside the English text. The API sends them
 * with each `FieldIssue` and `FileIssue`, and the form checks get them from the schema package's
 * valibot messages (`@genesis/schema/messages`). They are rendered from the catalogues'
 * `error.<code>` entries in the reader's language; a code the catalogues do not know (or no code)
 * shows the English text the API sent. See docs/conventions.md, "Two error tiers".
 */
import { issueCode } from '@genesis/schema/messages';
import { withEnumNames } from './enum-names.ts';
import { isMessageKey, type Locale, type MessageValues, translate } from './messages.ts';

/** A message as data: its code (null when it has none), its parameters and its English text. */
export interface CodedText {
  code: string | null;
  params: MessageValues;
  message: string;
  /**
   * Parameters that are messages themselves, rendered in the same language and joined by `separator`
   * (a dataset's users in `{users}`, a provider's failed checks in `{checks}`); they replace `params`'.
   */
  nested?: Readonly<Record<string, { messages: readonly FieldMessage[]; separator: string }>>;
  /** A message that follows this one after "; " (what a failed push put back); part of `message`. */
  followedBy?: FieldMessage | null;
}

/** A message under a form field or about a whole submission: plain text, or coded. */
export type FieldMessage = string | CodedText;

/** The parameters as the API lists them (`params { name value }`) or as a record. */
export type WireParams = readonly { name: string; value: string }[] | MessageValues;

/** An issue as the API or a valibot check gives it: a message, maybe with a code and parameters. */
export interface CodedIssue {
  message: string;
  code?: string | null | undefined;
  params?: WireParams | undefined;
}

/** The parameters as a record. */
export function paramValues(params: WireParams | undefined): MessageValues {
  if (!params) return {};
  if (Array.isArray(params)) {
    return Object.fromEntries(
      (params as readonly { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
  }
  return params as MessageValues;
}

/** An API issue's message: coded when it has a code, else its text. */
export function messageOf(issue: CodedIssue): FieldMessage {
  return issue.code
    ? { code: issue.code, params: paramValues(issue.params), message: issue.message }
    : issue.message;
}

/** A valibot issue's message, with the code the schema package's check gave it. */
export function messageOfIssue(issue: { message: string }): FieldMessage {
  const coded = issueCode(issue);
  return coded
    ? { code: coded.code, params: { ...coded.params }, message: issue.message }
    : issue.message;
}

/** The entities a `NotFoundError` names (`error.notFound.<entity>` in the catalogues). */
export const NOT_FOUND_ENTITIES = [
  'Dataset',
  'GenerationJob',
  'TrainingRun',
  'JudgeRun',
  'Augmentation',
] as const;

/** The statuses a dataset's user can have, each rendered from `error.jobStatus.<status>`. */
const USER_STATUSES = new Set(['queued', 'running', 'paused']);

/** A part of `DatasetInUseError.users`, its `{status}` in the reader's language. */
function userPart(part: CodedIssue): FieldMessage {
  const message = messageOf(part);
  if (typeof message === 'string') return message;
  const status = String(message.params.status ?? '');
  if (!USER_STATUSES.has(status)) return message;
  const statusText: CodedText = { code: `jobStatus.${status}`, params: {}, message: status };
  return { ...message, nested: { status: { messages: [statusText], separator: '' } } };
}

/** The typed errors' fields `errorOf` reads besides the message. */
export interface TypedRefusal {
  __typename: string;
  message: string;
  entity?: string;
  id?: string;
  issues?: readonly (CodedIssue & { path?: string })[];
  /** The code of a typed error that has one (`DatasetInUseError`, `ProviderConfigError`, `HubPushError`). */
  code?: string | null;
  params?: WireParams;
  /** A `DatasetInUseError`'s users, in the order its `{users}` lists them. */
  parts?: readonly CodedIssue[];
  /** A `ProviderConfigError`'s checks (the failed ones are its `{checks}`). */
  checks?: readonly {
    name: string;
    ok: boolean;
    detail: string;
    code?: string | null;
    params?: WireParams;
  }[];
  /** What a failed push put back (`HubPushError`). */
  undone?: CodedIssue | null;
}

/**
 * A refusal (a member of a mutation's result union) as a message, rendered from its typed fields
 * where it has them: a `NotFoundError` from its entity and id, a `ValidationError` with one coded
 * issue from that issue (its English text is the issue's, without the `Invalid input: path:`
 * prefix), a `DatasetInUseError` from its code and its users, a `ProviderConfigError` from its code
 * and failed checks, a `HubPushError` from its code and what was put back. Any other member keeps
 * its text.
 */
export function errorOf(refusal: TypedRefusal): FieldMessage {
  if (refusal.__typename === 'NotFoundError' && refusal.entity && refusal.id !== undefined) {
    return {
      code: `notFound.${refusal.entity}`,
      params: { id: refusal.id },
      message: refusal.message,
    };
  }
  const only = refusal.issues?.length === 1 ? refusal.issues[0] : undefined;
  if (refusal.__typename === 'ValidationError' && only?.code) return messageOf(only);
  if (!refusal.code) return refusal.message;
  const coded: CodedText = {
    code: refusal.code,
    params: paramValues(refusal.params),
    message: refusal.message,
  };
  if (refusal.__typename === 'DatasetInUseError' && refusal.parts) {
    return {
      ...coded,
      nested: { users: { messages: refusal.parts.map(userPart), separator: ', ' } },
    };
  }
  if (refusal.__typename === 'ProviderConfigError' && refusal.checks) {
    const failed = refusal.checks
      .filter((c) => !c.ok)
      .map(
        (c): CodedText => ({
          code: 'provider.failedCheck',
          params: { name: c.name },
          message: `${c.name}: ${c.detail}`,
          nested: { detail: { messages: [messageOf({ ...c, message: c.detail })], separator: '' } },
        }),
      );
    return { ...coded, nested: { checks: { messages: failed, separator: '; ' } } };
  }
  if (refusal.__typename === 'HubPushError') {
    return { ...coded, followedBy: refusal.undone ? messageOf(refusal.undone) : null };
  }
  return coded;
}

/**
 * The message of a refusal for the alert of a form that shows the API's issues under its fields
 * (`fieldErrors`), so none is said twice: null when `placed` says every issue of a
 * `ValidationError` is shown under a field; the one left over, or the whole message when several
 * are; any other refusal as {@link errorOf} says it.
 */
export function alertOf(
  refusal: TypedRefusal,
  placed: (path: string) => boolean,
): FieldMessage | null {
  if (refusal.__typename !== 'ValidationError' || !refusal.issues?.length) return errorOf(refusal);
  const left = refusal.issues.filter((issue) => !placed(issue.path ?? ''));
  if (left.length === 0) return null;
  if (left.length === 1 && left.length < refusal.issues.length) return messageOf(left[0]!);
  return errorOf(refusal);
}

/** The English text of a message (what the API said). */
export function textOf(message: FieldMessage): string {
  return typeof message === 'string' ? message : message.message;
}

/** The catalogue key of a code: `error.<code>`. */
export function errorKey(code: string): string {
  return `error.${code}`;
}

/**
 * A message in `locale`: its code's catalogue entry with the parameters filled (the nested ones
 * rendered in `locale` too, and what follows it after "; "), or its English text.
 */
export function renderMessage(locale: Locale, message: FieldMessage): string {
  if (typeof message === 'string' || !message.code) return textOf(message);
  const key = errorKey(message.code);
  if (!isMessageKey(key)) return message.message;
  // A status or a kind of dataset (`completed`, `utterances`) in the reader's words.
  const params = withEnumNames(locale, message.params);
  for (const [name, { messages, separator }] of Object.entries(message.nested ?? {})) {
    params[name] = messages.map((m) => renderMessage(locale, m)).join(separator);
  }
  const text = translate(locale, key, params);
  return message.followedBy ? `${text}; ${renderMessage(locale, message.followedBy)}` : text;
}
