/**
 * A labelled single text, such as a real Banking77 query. Utterances are imported, never generated:
 * they are reference data and real test sets for classifiers.
 */
import * as v from 'valibot';
import { IntentSchema, LanguageSchema, objectMessage, textField } from './common.ts';

/** `{ text, intent, language }`: text trimmed and 1 to 2000 characters, intent a Banking77 label. */
export const UtteranceSchema = v.object(
  {
    text: textField('text', 2000),
    intent: IntentSchema,
    language: LanguageSchema,
  },
  objectMessage('an utterance'),
);
export type Utterance = v.InferOutput<typeof UtteranceSchema>;
export type UtteranceInput = v.InferInput<typeof UtteranceSchema>;
