/**
 * A validation report's sentences in the reader's language. The API sends each sentence as English text
 * and, in reports made since, as a message code plus parameters (`ReportMessage`); the catalogues say
 * each code as `report.reason.<code>`. An older report, or a code this build does not know, shows the
 * API's English text (docs/validation.md, "Report text in other languages").
 */
import { getDomain, getSeriesType } from '@genesis/schema/catalog/series';
import { formatMessage, type Message } from '@genesis/schema/report-message';
import { isMessageKey, type Locale, translate } from '../i18n/messages.ts';
import { splitReason } from './report.ts';

/** A sentence as the API sends it: a code, its parameters (JSON) and the English text. */
export interface ReportMessageLike {
  code: string;
  params: unknown;
}

/** The catalogue key of a report message code. */
export function reportMessageKey(code: string): string {
  return `report.reason.${code}`;
}

function lookup(locale: Locale) {
  return (code: string): string | null => {
    const key = reportMessageKey(code);
    return isMessageKey(key) ? translate(locale, key) : null;
  };
}

function asMessage(m: ReportMessageLike): Message {
  const params = m.params && typeof m.params === 'object' ? m.params : {};
  return { code: m.code, params: params as Message['params'] };
}

/**
 * `text` in `locale`: from the catalogue when the sentence came with a message whose codes it knows,
 * the API's (English) text otherwise. English is always the API's text, word for word.
 */
export function reportText(
  locale: Locale,
  text: string,
  message: ReportMessageLike | null | undefined,
): string {
  if (locale === 'en' || !message) return text;
  return formatMessage(asMessage(message), lookup(locale), locale) ?? text;
}

/**
 * Why a report got its verdict, without the verdict word (shown as a badge beside it): `fail: PII 0.05
 * (gate)` gives `PII 0.05 (gate)`, in `locale` when the reason came with its message.
 */
export function reasonWhy(
  locale: Locale,
  reason: string,
  message: ReportMessageLike | null | undefined,
): string {
  const english = splitReason(reason).why;
  if (locale === 'en' || !message || message.code !== 'verdict.line') return english;
  const why = asMessage(message).params?.why;
  if (!why || typeof why !== 'object' || !('code' in why)) return english;
  return formatMessage(why, lookup(locale), locale) ?? english;
}

/** A domain's or series type's name in `locale` (the catalogue's), or its id. */
function domainName(locale: Locale, id: string): string {
  const info = getDomain(id) ?? getSeriesType(id);
  if (!info) return id;
  return locale === 'es' ? info.name_es : info.name_en;
}

/**
 * A chart's name in `locale`, keyed by the distribution's (or overlay's) id: `report.distribution.<id>`
 * for the text charts (with a reference's `[es]` tag kept), `report.distribution.acf` and the like with
 * the domain's name for time series. The API's English name otherwise.
 */
export function distributionName(locale: Locale, id: string, name: string): string {
  if (locale === 'en') return name;
  const direct = `report.distribution.${id}`;
  if (isMessageKey(direct)) return translate(locale, direct);
  const [head, ...rest] = id.split('.');
  const series =
    head === 'seasonality' && rest.length === 2
      ? `report.distribution.seasonality.${rest[0]}`
      : head === 'values' && name.endsWith(' (1 = the series mean)')
        ? 'report.distribution.values.relative'
        : `report.distribution.${head}`;
  if ((head === 'acf' || head === 'values' || head === 'seasonality') && isMessageKey(series)) {
    return translate(locale, series, { domain: domainName(locale, rest.at(-1) ?? '') });
  }
  // Several references: `intents_reference.es` is the chart of one reference, named with its languages.
  const base = `report.distribution.${head}`;
  const tag = / \[[^\]]*\]$/.exec(name)?.[0] ?? '';
  return isMessageKey(base) ? `${translate(locale, base)}${tag}` : name;
}

/** A chart's reference name in `locale` ("targets", "default targets" are words; a profile's name is kept). */
export function referenceLabel(locale: Locale, name: string): string {
  if (locale === 'en') return name;
  const code =
    name === 'targets' ? 'bias.targets' : name === 'default targets' ? 'bias.defaultTargets' : null;
  if (!code) return name;
  const key = reportMessageKey(code);
  return isMessageKey(key) ? translate(locale, key) : name;
}

/** A shipped reference profile's name or description in `locale` (`report.profile.<id>.name`), else the API's. */
export function profileText(
  locale: Locale,
  id: string,
  field: 'name' | 'description',
  fallback: string,
): string {
  const key = `report.profile.${id}.${field}`;
  return locale !== 'en' && isMessageKey(key) ? translate(locale, key) : fallback;
}
