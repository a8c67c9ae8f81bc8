/**
 * A sentence for people as a message code plus parameters, so that a client can say it in its own language
 * (docs/validation.md, "Report text in other languages"). The API keeps the English sentence beside it; a client
 * renders the code from its catalogue and falls back to that sentence for a code it does not know.
 *
 * A parameter is a string (a name, an id: never translated), a number (formatted in the reader's locale), a
 * nested message, or a list of messages joined by a separator.
 */
import * as v from 'valibot';

/** A list of messages, said one after the other with `separator` between them (`; ` or `, `). */
export interface MessageList {
  items: Message[];
  separator: string;
}

export type MessageParam = string | number | Message | MessageList;

export interface Message {
  /** Stable code, e.g. `verdict.fail`; a client's catalogue key. */
  code: string;
  /** Values for the template's `{name}` placeholders. */
  params?: Record<string, MessageParam>;
}

export const MessageSchema: v.GenericSchema<Message> = v.object({
  code: v.string(),
  params: v.optional(
    v.record(
      v.string(),
      v.union([
        v.string(),
        v.number(),
        v.lazy(() => MessageSchema),
        v.object({ items: v.array(v.lazy(() => MessageSchema)), separator: v.string() }),
      ]),
    ),
  ),
});

/**
 * Says `message` with the templates `lookup` gives for a code (null: unknown). A template's `{name}` takes
 * the parameter; `{name:N}` a number with exactly N decimals. Null when some code in it has no template.
 */
export function formatMessage(
  message: Message,
  lookup: (code: string) => string | null | undefined,
  locale: string,
): string | null {
  const template = lookup(message.code);
  if (template === null || template === undefined) return null;
  let unknown = false;
  const param = (value: MessageParam, digits: number | undefined): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return formatNumber(value, locale, digits);
    if ('items' in value) {
      const parts = value.items.map((m) => formatMessage(m, lookup, locale));
      if (parts.some((p) => p === null)) unknown = true;
      return parts.join(value.separator);
    }
    const text = formatMessage(value, lookup, locale);
    if (text === null) unknown = true;
    return text ?? '';
  };
  const params = message.params ?? {};
  const text = template.replace(/\{(\w+)(?::(\d))?\}/g, (whole, name: string, digits?: string) => {
    const value = params[name];
    return value === undefined ? whole : param(value, digits ? Number(digits) : undefined);
  });
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
