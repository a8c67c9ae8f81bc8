import { DatasetNameSchema, TagsSchema } from '@genesis/schema/common';
import * as v from 'valibot';
import { type FieldErrors, type FieldMessage, issueErrors } from '../forms.ts';
import { messageOfIssue } from '../i18n/api-messages.ts';
import { type Locale, translate } from '../i18n/messages.ts';
import { parseTags } from './lineage.ts';

/** The three forms of a dataset's Manage panel, each a form action of the dataset page. */
export type ManageForm = 'rename' | 'tag' | 'delete';

/**
 * A new name: the API's `DatasetNameSchema`, with a plainer message for a blank one (the field
 * says "Name", so "must not be empty" is all there is to say).
 */
export const RenameFormSchema = v.object({
  name: v.pipe(v.string(), v.trim(), v.nonEmpty('The name must not be empty.'), DatasetNameSchema),
});

/** The wanted tags, from the comma-separated field: the API's `TagsSchema`. */
export const TagFormSchema = v.object({ tags: TagsSchema });

/** The outcome of checking one Manage form. */
export type ManageCheck<T> = { success: true; output: T } | { success: false; errors: FieldErrors };

/** Checks the rename form's `name`; a blank one is refused in `locale`. */
export function checkRename(name: string, locale: Locale = 'en'): ManageCheck<{ name: string }> {
  if (name.trim() === '')
    return { success: false, errors: { name: [translate(locale, 'manage.nameEmpty')] } };
  const parsed = v.safeParse(RenameFormSchema, { name });
  return parsed.success
    ? { success: true, output: parsed.output }
    : { success: false, errors: issueErrors(parsed.issues) };
}

/** Checks the tag form's comma-separated `tags`; every problem is the field's. */
export function checkTags(text: string): ManageCheck<{ tags: string[] }> {
  const parsed = v.safeParse(TagFormSchema, { tags: parseTags(text) });
  if (parsed.success) return { success: true, output: parsed.output };
  const seen = new Set<string>();
  const tags = parsed.issues.filter((i) => !seen.has(i.message) && seen.add(i.message));
  return { success: false, errors: { tags: tags.map(messageOfIssue) } };
}

/**
 * What a Manage action answers, refused (`fail`) or done: which form it was, what was typed in its
 * field, the messages per field, a message about the whole request, and what was done.
 */
export interface ManageResult {
  form: ManageForm;
  value: string;
  errors: FieldErrors;
  message: FieldMessage | null;
  done: string | null;
}
