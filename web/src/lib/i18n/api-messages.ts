/*
 * Messages that come as data: a code and parameters beside the English text. The API sends them
 * with each `FieldIssue` and `FileIssue`, and the form checks get them from the schema package's
 * valibot messages (`@genesis/schema/messages`). They are rendered from the catalogues'
 * `error.<code>` entries in the reader's language; a code the catalogues do not know (or no code)
 * shows the English text the API sent. See docs/conventions.md, "Two error tiers".
 */
import { issueCode } from '@genesis/schema/messages';
import { isMessageKey, type Locale, type MessageValues, translate } from './messages.ts';

/** A message as data: its code (null when it has none), its parameters and its English text. */
export interface CodedText {
  code: string | null;
  params: MessageValues;
  message: string;
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

/**
 * A refusal (a member of a mutation's result union) as a message, rendered from its typed fields
 * where it has them: a `NotFoundError` from its entity and id, a `ValidationError` with one coded
 * issue from that issue (its English text is the issue's, without the `Invalid input: path:`
 * prefix). Any other member keeps its text.
 */
export function errorOf(refusal: {
  __typename: string;
  message: string;
  entity?: string;
  id?: string;
  issues?: readonly CodedIssue[];
}): FieldMessage {
  if (refusal.__typename === 'NotFoundError' && refusal.entity && refusal.id !== undefined) {
    return {
      code: `notFound.${refusal.entity}`,
      params: { id: refusal.id },
      message: refusal.message,
    };
  }
  const only = refusal.issues?.length === 1 ? refusal.issues[0] : undefined;
  if (refusal.__typename === 'ValidationError' && only?.code) return messageOf(only);
  return refusal.message;
}

/** The English text of a message (what the API said). */
export function textOf(message: FieldMessage): string {
  return typeof message === 'string' ? message : message.message;
}

/** The catalogue key of a code: `error.<code>`. */
export function errorKey(code: string): string {
  return `error.${code}`;
}

/** A message in `locale`: its code's catalogue entry with the parameters filled, or its English text. */
export function renderMessage(locale: Locale, message: FieldMessage): string {
  if (typeof message === 'string' || !message.code) return textOf(message);
  const key = errorKey(message.code);
  return isMessageKey(key) ? translate(locale, key, message.params) : message.message;
}
