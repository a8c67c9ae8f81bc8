/*
 * The UI's messages, in catalogue files (en.json, es.json), looked up by key.
 *
 * A small module of our own rather than an i18n library: Paraglide 2 (the well-kept option for
 * SvelteKit 2) compiles the catalogues into generated modules through its own Vite plugin and
 * project folder, a second code-generation step beside gql.tada's that svelte-check, Biome and the
 * build would all have to know about; two languages with plain `{name}` placeholders need none of
 * that. The types still hold: a key is `keyof` the English catalogue, and the Spanish one must have
 * every key (checked below at compile time and by web/test/i18n.test.ts).
 */
import en from './en.json';
import es from './es.json';

/** The languages the UI speaks. */
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** A message's key: every key of the English catalogue. */
export type MessageKey = keyof typeof en;

/** Values for a message's `{name}` placeholders. */
export type MessageValues = Record<string, string | number>;

/** The cookie that remembers the choice (read on the server, so the first render is right). */
export const LOCALE_COOKIE = 'genesis-lang';

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = {
  en,
  // Fails to compile when the Spanish catalogue misses a key.
  es: es satisfies Record<MessageKey, string>,
};

/** The locale a cookie (or an `Accept-Language` header) asks for; English otherwise. */
export function parseLocale(value: string | null | undefined): Locale {
  const v = value?.trim().toLowerCase() ?? '';
  return v === 'es' || v.startsWith('es-') ? 'es' : 'en';
}

/** Whether `key` is a message of the catalogues (for keys built from API values). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(CATALOGUES.en, key);
}

/** The message for `key` in `locale`, with its `{name}` placeholders filled from `values`. */
export function translate(locale: Locale, key: MessageKey, values?: MessageValues): string {
  const message = CATALOGUES[locale][key] ?? CATALOGUES.en[key] ?? key;
  if (!values) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/**
 * A load's 404 for `error()`: the English message (logs, API clients) plus its key and values, which the
 * error page shows in the reader's language.
 */
export function notFound(key: MessageKey, id: string): App.Error {
  return { message: translate('en', key, { id }), key, values: { id } };
}
