/*
 * Raw enum values inside a sentence (a run's status, a dataset's kind, a judge's mode), said in
 * the reader's language: `enum.status.<value>`, `enum.kind.<value>` and `job.mode.<value>` in the
 * catalogues. The API's coded errors carry them as plain parameters (`{status}`, `{kind}`,
 * `{datasetKind}`, `{profileKind}`), so they are named by the parameter; a value the catalogue does
 * not know (an HTTP status, a new status) stays as sent (docs/conventions.md, "Two error tiers").
 */
import { isMessageKey, type Locale, type MessageValues, translate } from './messages.ts';

/** The groups of enum values the catalogues name. */
export type EnumGroup = 'status' | 'kind' | 'mode';

/** The parameters of a coded error that hold an enum value, and their group. */
const ENUM_PARAMS: Readonly<Record<string, EnumGroup>> = {
  status: 'status',
  kind: 'kind',
  datasetKind: 'kind',
  profileKind: 'kind',
};

/** An enum value's words in `locale` (`completed`, `completado`); null when the catalogue has none. */
export function enumName(locale: Locale, group: EnumGroup, value: string): string | null {
  const id = value.toLowerCase();
  const key = group === 'mode' ? `job.mode.${id}` : `enum.${group}.${id}`;
  return isMessageKey(key) ? translate(locale, key) : null;
}

/** `params` with the enum values of the known enum parameters in `locale`. */
export function withEnumNames(locale: Locale, params: MessageValues): MessageValues {
  const out: MessageValues = { ...params };
  for (const [name, group] of Object.entries(ENUM_PARAMS)) {
    const value = out[name];
    if (typeof value !== 'string') continue;
    out[name] = enumName(locale, group, value) ?? value;
  }
  return out;
}
