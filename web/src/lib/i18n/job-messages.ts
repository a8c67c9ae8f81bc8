/*
 * A generation job's status text (why it paused, stopped or ended short) in the reader's language.
 * The API sends the English sentence and, for jobs stopped since these were kept, a message code
 * and parameters (`JobMessage`); the catalogues say each code as `job.message.<code>`, and a
 * configuration problem's hint (a `check.bedrock.*` / `check.openai.*` code) as the part in
 * parentheses of its `error.check.*` entry, the words the doctor says. An older job, or a code this
 * build does not know, shows the API's English (docs/generation.md, "Job status text").
 */
import { hintOfTemplate } from '@genesis/schema/job-messages';
import { formatMessage, type Message } from '@genesis/schema/report-message';
import { isMessageKey, type Locale, translate } from './messages.ts';

/** A status text as the API sends it: a code and its parameters (JSON). */
export interface JobMessageLike {
  code: string;
  params?: unknown;
}

/** The catalogue key of a job message code. */
export function jobMessageKey(code: string): string {
  return `job.message.${code}`;
}

function lookup(locale: Locale) {
  return (code: string): string | null => {
    const key = code.startsWith('check.') ? `error.${code}` : jobMessageKey(code);
    if (!isMessageKey(key)) return null;
    const template = translate(locale, key);
    return code.startsWith('check.') ? hintOfTemplate(template) : template;
  };
}

/**
 * `text` (the API's English) in `locale`: from the catalogue when it came with a message whose
 * codes it knows, the English otherwise. English is always the API's text, word for word.
 */
export function jobMessageText(
  locale: Locale,
  text: string,
  message: JobMessageLike | null | undefined,
): string {
  if (locale === 'en' || !message) return text;
  const params = message.params && typeof message.params === 'object' ? message.params : {};
  const said = { code: message.code, params: params as Message['params'] };
  return formatMessage(said, lookup(locale), locale) ?? text;
}
