/**
 * A validation report's sentences in the reader's language. The API sends each sentence as English text
 * and, in reports made since, as a message code plus parameters (`ReportMessage`); the catalogues say
 * each code as `report.reason.<code>`. An older report, or a code this build does not know, shows the
 * API's English text (docs/validation.md, "Report text in other languages").
 */
import { getDomain, getSeriesType } from '@genesis/schema/catalog/series';
import { formatMessage, type Message, type Term } from '@genesis/schema/report-message';
import { kindLabel } from '../datasets/labels.ts';
import type { DatasetKind } from '../graphql/graphql.ts';
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

/** A name said inside a sentence: lower case, unless it starts with an acronym (`PM2.5`, `IBAN`). */
function inSentence(name: string): string {
  return /^\p{Lu}\p{Ll}/u.test(name) ? name[0]!.toLowerCase() + name.slice(1) : name;
}

/**
 * A term's name in `locale`: a domain or series type from the series catalogue, a dataset kind, a
 * label value (`value.<id>`) or a kind of personal data (`report.pii.<id>`) from the catalogues;
 * null (the API's English) for an id it does not know.
 */
export function termName(locale: Locale, term: Term): string | null {
  if (term.term === 'domain' || term.term === 'seriesType') {
    // A per-type fidelity metric names its series type where a domain would be.
    const info = getDomain(term.id) ?? getSeriesType(term.id);
    return info ? inSentence(locale === 'es' ? info.name_es : info.name_en) : null;
  }
  if (term.term === 'datasetKind') {
    const kind = term.id.toUpperCase();
    return ['CONVERSATIONS', 'UTTERANCES', 'TIMESERIES'].includes(kind)
      ? inSentence(kindLabel(kind as DatasetKind, locale))
      : null;
  }
  const key = term.term === 'value' ? `value.${term.id}` : `report.pii.${term.id}`;
  return isMessageKey(key) ? inSentence(translate(locale, key)) : null;
}

/**
 * The names the shipped references give themselves in reports (the Banking77 profile's and label
 * oracle's `name`), by their catalogue id (`report.reference.<id>`).
 */
const SHIPPED_REFERENCE_NAMES: Readonly<Record<string, string>> = {
  'Banking77 (train)': 'banking77',
};

/** A reference's name in `locale`: a shipped one's from the catalogue, any other as given. */
export function referenceName(locale: Locale, name: string): string {
  const id = SHIPPED_REFERENCE_NAMES[name];
  const key = `report.reference.${id}`;
  return id && locale !== 'en' && isMessageKey(key) ? translate(locale, key) : name;
}

/** `params` with every string that names a shipped reference ("Banking77 (train)") in `locale`. */
function withReferenceNames(
  locale: Locale,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return referenceName(locale, value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object' && !('term' in value)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, k === 'code' ? v : walk(v)]),
      );
    }
    return value;
  };
  return walk(params) as Record<string, unknown>;
}

function asMessage(m: ReportMessageLike, locale: Locale): Message {
  const given = m.params && typeof m.params === 'object' ? { ...m.params } : {};
  const params = withReferenceNames(locale, given);
  // Reports made before `missing.seriesHow` had a `{file}` name its file by `{key}`, then an id.
  if (m.code === 'missing.seriesHow' && !('file' in params) && 'key' in params) {
    (params as Record<string, unknown>).file = (params as Record<string, unknown>).key;
  }
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
  const said = asMessage(message, locale);
  return formatMessage(said, lookup(locale), locale, (t) => termName(locale, t)) ?? text;
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
  const why = asMessage(message, locale).params?.why;
  if (!why || typeof why !== 'object' || !('code' in why)) return english;
  return formatMessage(why, lookup(locale), locale, (t) => termName(locale, t)) ?? english;
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

/**
 * A metric's name in `locale` (the Help page's words): `help.metric.<id>.name`; a metric of one of
 * several references (`realism.length_jsd.es`) as its base metric with the API's `[es: name]` tag;
 * a time-series fidelity or acceptance metric (`fidelity.electricity.marginal_ks`) as the domain's or
 * series type's name and the metric's; label fidelity by its gate's name. `fallback` (the API's
 * English name by default) otherwise.
 */
export function metricName(locale: Locale, id: string, name: string, fallback = name): string {
  if (locale === 'en') return name;
  const key = (metric: string) => `help.metric.${metric}.name`;
  const direct = key(id);
  if (isMessageKey(direct)) return translate(locale, direct);
  const gate = `help.gate.${id}.name`;
  if (isMessageKey(gate)) return translate(locale, gate);
  const [group, middle, ...rest] = id.split('.');
  if ((group === 'fidelity' || group === 'acceptance') && middle && rest.length === 1) {
    const generic = key(`${group}.<type>.${rest[0]}`);
    const info = getDomain(middle) ?? getSeriesType(middle);
    if (info && isMessageKey(generic)) {
      return `${locale === 'es' ? info.name_es : info.name_en}: ${translate(locale, generic)}`;
    }
  }
  // One reference among several: the base metric's name and the tag the API gave it.
  const dot = id.lastIndexOf('.');
  const tag = / \[[^\]]*\]$/.exec(name)?.[0];
  const base = key(id.slice(0, dot));
  if (dot > 0 && tag && isMessageKey(base)) {
    const inner = tag.slice(2, -1);
    const colon = inner.indexOf(': ');
    const named =
      colon < 0
        ? inner
        : `${inner.slice(0, colon)}: ${referenceName(locale, inner.slice(colon + 2))}`;
    return `${translate(locale, base)} [${named}]`;
  }
  return fallback;
}

/** A chart's reference name in `locale` ("targets", "default targets" are words; a profile's name is kept). */
export function referenceLabel(locale: Locale, name: string): string {
  if (locale === 'en') return name;
  const code =
    name === 'targets' ? 'bias.targets' : name === 'default targets' ? 'bias.defaultTargets' : null;
  if (!code) return referenceName(locale, name);
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
