/**
 * Why a generation job paused, stopped or ended short, as a message code plus parameters (docs/generation.md,
 * "Job status text"): the runner stores the English sentence (`error`, `message`) and this message beside it, so
 * the web app says it in the reader's language (`job.message.<code>` in its catalogues). A provider's own error
 * stays a plain string parameter, as the provider sent it.
 *
 * The hint of a configuration problem is a nested message whose code is one of the `check.bedrock.*` /
 * `check.openai.*` codes of `messages.ts`: its text is that template's part in parentheses ({@link hintOfTemplate}),
 * the same words the doctor says.
 */
import { MESSAGES } from './messages.ts';
import { formatMessage, type Message, type MessageParam } from './report-message.ts';

/** Every code of a job's status text, with its English template (`{n:,}`: a count with thousands separators). */
export const JOB_MESSAGES = {
  'paused.config':
    'Paused: {provider} cannot be used as configured ({error}): {hint}. Fix it and resume the job.',
  'paused.failures':
    'Paused after {n} failed calls in a row (last: {error}). Check the provider and resume.',
  'paused.budget':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a dollar sign before a `{name:N}` placeholder, not a JS template.
    'Stopped before exceeding the budget of ${budget:2}: ${spent:4} spent, the next call would cost about ${next:4}. Raise the budget and resume.',
  'paused.store':
    'Could not store results in the database; see the server log. Resume to try again.',
  'queued.takenOver': 'Another server process took this job over.',
  'queued.elsewhere': 'Another server process is running this job.',
  'queued.shutdown': 'Interrupted by a shutdown; resumes on the next start.',
  cancelled: 'Cancelled; the items generated so far are kept.',
  failed: 'The job failed: {error}',
  'completed_short.line':
    'Completed short: {accepted:,} of {requested:,} items ({missing:,} missing); {rejected:,} {slots} rejected after every attempt ({reasons}). Resume the job to ask for {them} again with fresh attempts.',
  'completed_short.slot': 'slot was',
  'completed_short.slots': 'slots were',
  'completed_short.it': 'it',
  'completed_short.them': 'them',
  'completed_short.reason': '{n}x {reason}',
  'provider.bedrock': 'Bedrock',
  'provider.openai': 'the OpenAI-compatible server',
} as const satisfies Record<string, string>;

export type JobMessageCode = keyof typeof JOB_MESSAGES;

/** Every code a job's status text can carry (the web app checks that its catalogues say each one). */
export const JOB_MESSAGE_CODES = Object.keys(JOB_MESSAGES) as JobMessageCode[];

/** The start of every `check.bedrock.*` / `check.openai.*` template: the subject, the provider's error, then the hint. */
const QUOTED_ERROR = '{subject}: {error} (';

/** The hint inside a `check.*` template (`{subject}: {error} (HINT)`), null for a template of another shape. */
export function hintOfTemplate(template: string): string | null {
  return template.startsWith(QUOTED_ERROR) && template.endsWith(')')
    ? template.slice(QUOTED_ERROR.length, -1)
    : null;
}

/** The English template of a job message code, or of a nested `check.*` hint; undefined when unknown. */
export function jobTemplate(code: string): string | undefined {
  if (Object.hasOwn(JOB_MESSAGES, code)) return JOB_MESSAGES[code as JobMessageCode];
  if (code.startsWith('check.') && Object.hasOwn(MESSAGES, code)) {
    return hintOfTemplate(MESSAGES[code as keyof typeof MESSAGES]) ?? undefined;
  }
  return undefined;
}

/** A job's status text: the English sentence and the message a client can say in its language. */
export interface JobText {
  text: string;
  message: Message;
}

/** The status text `code` with `params`, in English and as a message. */
export function jobText(code: JobMessageCode, params?: Record<string, MessageParam>): JobText {
  const message: Message = params ? { code, params } : { code };
  const text = formatMessage(message, jobTemplate, 'en');
  if (text === null) throw new Error(`job message ${code} uses an unknown code`);
  return { text, message };
}
