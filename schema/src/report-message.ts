/**
 * A sentence for people as a message code plus parameters, so that a client can say it in its own language
 * (docs/validation.md, "Report text in other languages"). The API keeps the English sentence beside it; a client
 * renders the code from its catalogue and falls back to that sentence for a code it does not know.
 *
 * A parameter is a string (a name, an id: never translated), a number (formatted in the reader's locale), a
 * term (a domain, a series type, a kind of dataset: named from the client's catalogue), a nested message, or a
 * list of messages or terms joined by a separator.
 */
import * as v from 'valibot';

/** The kinds of {@link Term}: each a list of ids a client has names for. */
export const TERM_KINDS = ['domain', 'seriesType', 'datasetKind', 'value', 'pii'] as const;
export type TermKind = (typeof TERM_KINDS)[number];

/**
 * A name with an id a client names in its own language: a domain (`electricity`), a series type
 * (`solar_generation`), a kind of dataset (`conversations`), a label value (`positive`), a kind of personal
 * data (`email`). `text` is what the English sentence says (the id, or the English name); a client that
 * has no name for the id says `text`.
 */
export interface Term {
  term: TermKind;
  id: string;
  text: string;
}

/** A list of messages or terms, said one after the other with `separator` between them (`; ` or `, `). */
export interface MessageList {
  items: (Message | Term)[];
  separator: string;
}

export type MessageParam = string | number | Term | Message | MessageList;

/** A term of `kind` whose English is `text` (the id by default). */
export function term(kind: TermKind, id: string, text: string = id): Term {
  return { term: kind, id, text };
}

/** How a client names a term; `null` says the term's English `text`. */
export type TermNamer = (term: Term) => string | null | undefined;

export interface Message {
  /** Stable code, e.g. `verdict.fail`; a client's catalogue key. */
  code: string;
  /** Values for the template's `{name}` placeholders. */
  params?: Record<string, MessageParam>;
}

const TermSchema = v.object({ term: v.picklist(TERM_KINDS), id: v.string(), text: v.string() });

export const MessageSchema: v.GenericSchema<Message> = v.object({
  code: v.string(),
  params: v.optional(
    v.record(
      v.string(),
      v.union([
        v.string(),
        v.number(),
        TermSchema,
        v.lazy(() => MessageSchema),
        v.object({
          items: v.array(v.union([TermSchema, v.lazy(() => MessageSchema)])),
          separator: v.string(),
        }),
      ]),
    ),
  ),
});

function isTerm(value: object): value is Term {
  return 'term' in value && 'id' in value;
}

/**
 * Says `message` with the templates `lookup` gives for a code (null: unknown). A template's `{name}` takes
 * the parameter; `{name:N}` a number with exactly N decimals; `{name:,}` a whole number with the locale's
 * thousands separators. A term is named by `name` (its English `text` without one, or when `name` has no
 * name for it). Null when some code in it has no template.
 */
export function formatMessage(
  message: Message,
  lookup: (code: string) => string | null | undefined,
  locale: string,
  name?: TermNamer,
): string | null {
  const template = lookup(message.code);
  if (template === null || template === undefined) return null;
  let unknown = false;
  const param = (value: MessageParam, digits: number | 'grouped' | undefined): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') {
      return digits === 'grouped'
        ? new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value)
        : formatNumber(value, locale, digits);
    }
    if (isTerm(value)) return name?.(value) ?? value.text;
    if ('items' in value) {
      const parts = value.items.map((m) =>
        isTerm(m) ? (name?.(m) ?? m.text) : formatMessage(m, lookup, locale, name),
      );
      if (parts.some((p) => p === null)) unknown = true;
      return parts.join(value.separator);
    }
    const text = formatMessage(value, lookup, locale, name);
    if (text === null) unknown = true;
    return text ?? '';
  };
  const params = message.params ?? {};
  const text = template.replace(
    /\{(\w+)(?::(\d|,))?\}/g,
    (whole, name: string, digits?: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return param(value, digits === ',' ? 'grouped' : digits ? Number(digits) : undefined);
    },
  );
  return unknown ? null : text;
}

/**
 * A number in `locale` without thousands separators: the digits `String(n)` gives (so English reads exactly as
 * the server wrote it) with the locale's decimal mark, or exactly `digits` decimals when given.
 */
export function formatNumber(n: number, locale: string, digits?: number): string {
  if (digits !== undefined || !/^-?\d+(\.\d+)?$/.test(String(n))) {
    return new Intl.NumberFormat(locale, {
      useGrouping: false,
      minimumFractionDigits: digits ?? 0,
      maximumFractionDigits: digits ?? 6,
    }).format(n);
  }
  const mark =
    new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ??
    '.';
  return String(n).replace('.', mark);
}
