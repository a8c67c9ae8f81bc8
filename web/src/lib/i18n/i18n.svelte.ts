import { getContext, setContext } from 'svelte';
import {
  formatCount,
  formatDate,
  formatDecimal,
  formatDuration,
  formatFixed,
  formatNumber,
  formatPercent,
  formatUsd,
} from '../format.ts';
import { type FieldMessage, renderMessage } from './api-messages.ts';
import {
  isMessageKey,
  LOCALE_COOKIE,
  type Locale,
  type MessageKey,
  type MessageValues,
  translate,
} from './messages.ts';

/**
 * The UI language of one page view: the messages and the number and date formats in it. The root
 * layout makes one from the cookie the server read and hands it down as context (never module
 * state: on the server one module serves every visitor). Every method reads `locale`, so what
 * they render follows a switch.
 */
export class I18n {
  locale = $state<Locale>('en');

  constructor(locale: Locale) {
    this.locale = locale;
  }

  /** The message for `key`, with `{name}` placeholders filled. */
  t = (key: MessageKey, values?: MessageValues): string => translate(this.locale, key, values);
  /** The message for a key built from an API value (`status.running`); `fallback` when there is none. */
  tk = (key: string, fallback: string): string =>
    isMessageKey(key) ? translate(this.locale, key) : fallback;
  /** A message that may be coded (an API issue, a form check): in this language when its code is known. */
  msg = (message: FieldMessage): string => renderMessage(this.locale, message);
  /** A count with thousands separators. */
  count = (n: number): string => formatCount(n, this.locale);
  /** A number with at most `digits` decimals, fewer for big numbers. */
  number = (n: number, digits = 2): string => formatNumber(n, this.locale, digits);
  /** A score with exactly `digits` decimals. */
  fixed = (n: number, digits = 3): string => formatFixed(n, this.locale, digits);
  /** A number with at most one decimal. */
  decimal = (n: number): string => formatDecimal(n, this.locale);
  /** A share 0..1 as a percentage. */
  percent = (fraction: number, digits = 1): string => formatPercent(fraction, digits, this.locale);
  /** A dollar amount. */
  usd = (amount: number): string => formatUsd(amount, this.locale);
  /** A date and time from an ISO timestamp. */
  date = (iso: string): string => formatDate(iso, this.locale);
  /** A duration in seconds. */
  duration = (seconds: number): string => formatDuration(seconds, this.locale);

  /** Switches the language and remembers it for a year (browser only). */
  set(next: Locale): void {
    this.locale = next;
    document.documentElement.lang = next;
    // biome-ignore lint/suspicious/noDocumentCookie: a plain cookie the server reads on the next request; the Cookie Store API is not in every browser.
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
  }
}

const KEY = Symbol('i18n');

/** Gives the page's language to every component below (the root layout calls it). */
export function provideI18n(i18n: I18n): I18n {
  return setContext(KEY, i18n);
}

/** The page's language; outside the layout (a component test), English. */
export function useI18n(): I18n {
  return getContext<I18n | undefined>(KEY) ?? new I18n('en');
}
