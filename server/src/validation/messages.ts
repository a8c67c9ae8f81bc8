/**
 * The sentences of a validation report as message codes plus parameters (docs/validation.md, "Report text
 * in other languages"). Each sentence is written once, as an English template here; {@link say} gives the
 * English text the report has always stored and, beside it, the code and parameters a client renders from
 * its own catalogue (the web app's `report.reason.<code>` keys, which must read the same in English).
 */
import {
  formatMessage,
  type Message,
  type MessageParam,
  type Term,
} from '@genesis/schema/report-message';

/**
 * Every code a report's sentences use, with its English template: `{name}` takes a parameter, `{name:N}` a
 * number with N decimals.
 */
export const REPORT_MESSAGES = {
  // Lists: parts said one after the other (`a; b`, `a, b`).
  list: '{items}',
  // The verdict line (decideVerdict).
  'verdict.line': '{verdict}: {why}',
  'verdict.gate': '{name} {value} (gate)',
  'verdict.noItems': 'the dataset has no {unit}',
  'verdict.nothingComputed': 'no metric could be computed',
  'verdict.tooFew': '{n} {unit}, fewer than the {min} a verdict needs',
  'verdict.noReference': 'no reference for {dimension} {parts}',
  'verdict.part': '{key} ({n} {unit})',
  'verdict.weight': "{share}% of the score's weight measured (a verdict needs {min}%)",
  'verdict.capped': '{gates} caps a {score} at warn',
  'verdict.score': 'score {score}',
  'verdict.scoreRange': 'score {score} ({low}-{high})',
  'verdict.byScore': '{score}, {rule}',
  'verdict.rule.pass': 'pass from {pass}',
  'verdict.rule.warn': 'pass from {pass}, warn from {warn}',
  'verdict.rule.fail': 'under {warn}',
  'verdict.scoreOnly': 'score {score:1}',
  'verdict.na': 'n/a',
  'unit.items': 'items',
  'unit.series': 'series',
  'dimension.language': 'language',
  'dimension.languages': 'languages',
  'dimension.series_type': 'series type',
  'dimension.series_types': 'series types',
  'dimension.domain': 'domain',
  'dimension.domains': 'domains',
  'verdict.word.pass': 'pass',
  'verdict.word.warn': 'warn',
  'verdict.word.fail': 'fail',
  'verdict.word.incomplete': 'incomplete',
  'verdict.word.not_computable': 'not_computable',
  'metric.empty': 'the dataset is empty',
  'metric.noProfile': 'no reference profile was given',
  // Coverage: what is missing and how to supply it.
  'missing.moreItems': 'more items: {n} is fewer than the {min} a verdict needs',
  'missing.moreItemsHow': 'generate or import more items into the dataset and validate it again',
  'missing.textReference': 'a reference: realism and memorisation were not measured',
  'missing.textReferenceHow':
    'validate against a shipped profile (`pnpm genesis validate DATASET --profile banking77`), a reference dataset (`--reference DATASET`), or a profile file written by `pnpm genesis profile DATASET --out FILE.json`',
  'missing.holds': '{name} holds {languages}',
  'missing.holdsNone': '{name} holds no language',
  'missing.language':
    'a reference in language "{language}" for its {n} items: their length and vocabulary realism were not measured ({held} only)',
  'missing.languageHow':
    'import real {language} utterances and add them as a reference for {language}: `pnpm genesis validate DATASET --reference REFERENCE_DATASET` (repeat `--reference` for one reference per language, e.g. `--profile banking77 --reference {upper}_DATASET`), or build a profile with `pnpm genesis profile REFERENCE_DATASET --out {language}.json` and pass `--profile {language}.json`',
  // Text metrics (text/report.ts).
  'quality.complete': '{k} of {n} items complete',
  'quality.brokenConversations':
    '{k} of {n} items break a rule (fields, customer first, alternating speakers, turn_count, intent/category)',
  'quality.broken': '{k} of {n} items break a rule',
  'resolution.utterances': 'utterances have no turns or resolution status',
  'resolution.mismatched':
    '{k} of {n} conversations end in a way their resolution_status contradicts',
  'resolution.none': 'no conversation has both a resolution_status and turns',
  'realism.jsd': '{what} vs {name}; sampling alone gives about {floor}',
  'realism.intentShares': 'intent shares',
  'realism.lengths': 'opening-message length in tokens',
  'realism.lengthsSubset':
    "opening-message length in tokens (on the {n} items in {languages}, the reference's languages)",
  'realism.vocabulary': 'opening-message tokens over the reference\'s top {top} plus "other"',
  'realism.vocabularySubset':
    'opening-message tokens over the reference\'s top {top} plus "other" (on the {n} items in {languages}, the reference\'s languages)',
  'realism.turnCounts': 'turn counts',
  'realism.noTurns': 'utterances have no turns',
  'realism.referenceNoTurns': 'the reference ({name}) holds {kind}, which have no turns',
  'kind.utterances': 'utterances',
  'kind.other': '{kind}',
  'realism.noText': "no item has customer text in {languages}, the reference's languages",
  'realism.noTextAny': "no item has customer text in any language, the reference's languages",
  'realism.bins': 'the profile uses other length bins; rebuild it',
  'diversity.noWords': 'the customer side has no words',
  'diversity.tokens': '{n} tokens measured',
  'diversity.tokensShort':
    '{n} tokens measured (fewer than {budget}: distinct-n reads high on short text)',
  'diversity.exact': '{k} of {n} items',
  'diversity.near': '{k} of {n} items have a near duplicate',
  'language.mismatched':
    '{k} of {n} items are written in another language than labelled ({undetermined} too short to tell, {unlabelled} without a valid label)',
  'language.none': 'no item had a valid language label and enough text to detect a language',
  'privacy.pii': '{k} of {n} items hold one ({kinds})',
  'privacy.piiKind': '{count} {kind}',
  'privacy.noneFound': 'none found',
  'privacy.emptySketch': 'the profile {name} has an empty sketch',
  'privacy.memorised': '{k} of {n} items near-copy one of the {count} utterances of {name}',
  'privacy.bandScaled':
    "real-vs-real band measured against half the reference ({low}-{high}, {half} utterances), shown at the whole profile's {whole}: {scaledLow}-{scaledHigh}",
  // Time-series metrics (series/report.ts, series/compare.ts, series/discriminator.ts).
  'missing.moreSeries': 'more series: {n} is fewer than the {min} a verdict needs',
  'missing.moreSeriesHow': 'generate or import more series into the dataset and validate it again',
  'missing.seriesReference': 'a reference: no fidelity metric was measured',
  'missing.seriesReferenceHow':
    'validate against a shipped profile (`pnpm genesis validate DATASET --profile electricity`), a reference dataset of real series (`--reference DATASET`), or a profile file written by `pnpm genesis profile DATASET --out FILE.json`',
  'missing.domain': 'a reference for the {key} domain ({n} series): its fidelity was not measured',
  'missing.seriesType':
    'a reference for the series type {key} ({n} series): the reference {name} holds no real {key} series, so its fidelity was measured against other types of its domain, if any',
  'missing.seriesHow':
    'import real {key} series and validate against them (`pnpm genesis validate DATASET --reference REFERENCE_DATASET`), or build a profile with `pnpm genesis profile REFERENCE_DATASET --out {file}.json` and pass `--profile {file}.json`',
  'series.noItems': 'the dataset has no items',
  'series.noKnownType': 'no readable series has a known series type',
  'series.noReadable': 'no item is a readable series',
  'series.profileLacks': "the reference profile '{name}' has no {what} series (it covers {covers})",
  'series.noDomain': 'no domain',
  'series.noneClean': 'none of the {n} {what} series is clean (see the consistency metrics)',
  'series.features': 'the profile was built with other summary features; rebuild it',
  'series.noDailySpan': 'no clean electricity series spans three days at a sub-daily frequency',
  'series.noWeeklySpan': 'no clean electricity series spans three weeks at a sub-weekly frequency',
  'series.noElectricity': 'no clean electricity series',
  'series.noPrices': 'no clean price series (stock, crypto, exchange rate) in the dataset',
  'series.fewMoves':
    'none of the {n} price series has 30 price moves, too few for return statistics',
  'series.frequencies':
    "the frequencies differ: the reference's {type} series are {reference}, the dataset's are {theirs}; series of different frequencies are not compared",
  'series.freq.daily': 'daily ({alias})',
  'series.freq.dailyTrading': 'daily ({alias}) on trading days',
  'series.freq.hourly': 'hourly ({alias})',
  'series.freq.hourlyTrading': 'hourly ({alias}) on trading days',
  'series.freq.every': 'every ({alias})',
  'series.freq.everyTrading': 'every ({alias}) on trading days',
  'series.discriminatorFew':
    'needs at least {min} series on each side; got {n} in the dataset and {m} in the reference',
  'series.noFeature': 'no summary feature is defined for both sides',
  'series.fewDaily':
    'needs at least {min} series long enough to show a daily cycle three times on each side; got {n} in the dataset and {m} in the reference',
  'series.fewWeekly':
    'needs at least {min} series long enough to show a weekly cycle three times on each side; got {n} in the dataset and {m} in the reference',
  'series.noScale': 'no series could be put on a common scale (all constant, or a zero mean)',
  'series.noLag': 'no autocorrelation lag is defined for both sides (series too short?)',
  // Bias (text/bias.ts).
  'bias.p': 'p = {p:3}',
  'bias.pSmall': 'p = {p}',
  'bias.pTiny': 'p < 1e-15',
  'bias.pNone': 'p n/a',
  'bias.percent': '{pct:1}%',
  'bias.dim.intent': 'intent',
  'bias.dim.category': 'category',
  'bias.dim.language': 'language',
  'bias.dim.sentiment': 'sentiment',
  'bias.dim.complexity': 'complexity',
  'bias.dim.resolution': 'resolution',
  'bias.targets': 'targets',
  'bias.defaultTargets': 'default targets',
  'bias.noTarget': 'no {dimension} target was given for this dataset',
  'bias.noValid': 'no item has a valid {field}',
  'bias.gap': '{label} {observed} vs {target}',
  'bias.tvd':
    'largest gap {gap}; chi-square {chi} (dof {dof}), {p}; sampling alone gives about {allowance}',
  'bias.finding': '{dimension}: TVD {tvd} from the {target} (largest gap {gap}), {p}',
  'bias.coverage': '{k} of {n} targeted intents present',
  'bias.coverageFinding': 'coverage: {k} of {n} targeted intents missing ({intents})',
  'bias.parityNone': 'no item has a valid intent and language',
  'bias.parityTarget':
    'vs the language target; chi-square test of independence {p}; sampling alone gives about {allowance}',
  'bias.parityMix':
    "vs the dataset's overall language mix; chi-square test of independence {p}; sampling alone gives about {allowance}",
  'bias.parityFinding': 'intent x language parity: mean TVD {tvd} (worst {intent}: {shares})',
  'bias.share': '{language} {share}',
  // Label fidelity (text/label-fidelity.ts).
  'label.noOracle':
    'no label oracle for this reference (the shipped Banking77 profile or a reference dataset with labelled texts gives one; a profile file holds statistics only)',
  'label.sample': 'judged on a random sample of {n} of the {covered} covered items',
  'label.notJudged': '{k} of {n} items not judged ({why})',
  'label.skip.language': '{count} language {language}: no oracle',
  'label.skip.notObject': '{count} not an object',
  'label.skip.noIntent': '{count} no intent label',
  'label.skip.unknownIntent': '{count} intent unknown to the oracle',
  'label.skip.noText': '{count} no customer text',
  'label.few': '{n} item(s) the oracle ({oracles}, {languages}) can judge; a verdict needs {min}',
  'label.cv': '{language} {top1} (folds {low}-{high}, {folds}-fold CV)',
  'label.top': "{k} of {n} judged items ({top1}) carry the oracle's top-1 intent, {top3} its top 3",
  'label.oracle': 'the oracle ({oracles}) scores {cv} on real text; chance is {chance}',
  // Compare (compare-metrics.ts, text/equal-sample.ts).
  'compare.same': 'within the uncertainty of both sides',
  'compare.noDirection': 'no direction to judge by',
  'compare.noUncertainty':
    'no uncertainty measure on both sides (interval or real-vs-real band): no call',
  'compare.outside': 'outside the uncertainty of both sides',
  'compare.equalSample':
    "distinct-n measured on equal samples: {tokens} tokens from each side (half the smaller side's {smaller}; A has {a}, B {b}), mean of {draws} random draws with a fixed seed; a difference counts only outside both sides' 95% ranges",
  // The gates' names (verdict.ts GATES).
  'gate.schema': 'schema violations',
  'gate.pii': 'PII',
  'gate.memorisation': 'memorisation',
  'gate.language': 'language mismatch',
  'gate.labelFidelity': 'label fidelity',
  'gate.discriminator': 'real-vs-synthetic classifier',
  'gate.bounds': 'physical-bound violations',
  // Metrics (metric.ts, verdict.ts).
  'metric.noValue': 'no value',
  'metric.notComputed': 'not computed',
  'metric.minimum': 'needs at least {min} items to be judged; measured on {n}',
  'metric.widened':
    'warn threshold widened from {warn} to {newWarn}, fail from {fail} to {newFail}, to cover the real-vs-real band {low}-{high}: real data already scores this against itself',
} as const satisfies Record<string, string>;

/** A code of {@link REPORT_MESSAGES}. */
export type ReportCode = keyof typeof REPORT_MESSAGES;

/** Every code a report can carry (the web app checks that its catalogues say each one). */
export const REPORT_CODES = Object.keys(REPORT_MESSAGES) as ReportCode[];

/** A sentence: the English text the report stores, and the message a client can say in its language. */
export interface Said {
  text: string;
  message: Message;
}

/** Several sentences (or terms) said one after the other. */
export interface SaidList {
  list: (Said | Term)[];
  separator: '; ' | ', ';
}

/**
 * A parameter: a string (a name, an id a client has no word for), a number, a term (a domain, a series type, a
 * kind of dataset, a label value: `term()` of `@genesis/schema/report-message`, named in the client's language),
 * a nested sentence or a list.
 */
type Param = string | number | Term | Said | SaidList;

const english = (code: string): string | undefined =>
  Object.hasOwn(REPORT_MESSAGES, code) ? REPORT_MESSAGES[code as ReportCode] : undefined;

/** The sentence `code` with `params` in its placeholders. */
export function say(code: ReportCode, params?: Record<string, Param>): Said {
  const message: Message = params
    ? {
        code,
        params: Object.fromEntries(
          Object.entries(params).map(([name, value]): [string, MessageParam] => [
            name,
            typeof value === 'string' || typeof value === 'number' || 'term' in value
              ? value
              : 'list' in value
                ? {
                    items: value.list.map((s) => ('term' in s ? s : s.message)),
                    separator: value.separator,
                  }
                : value.message,
          ]),
        ),
      }
    : { code };
  const text = formatMessage(message, english, 'en');
  if (text === null) throw new Error(`report message ${code} uses an unknown code`);
  return { text, message };
}

/** `parts` said one after the other with `separator` between them. */
export function sayAll(parts: readonly Said[], separator: '; ' | ', '): Said {
  if (parts.length === 1) return parts[0]!;
  return say('list', { items: { list: [...parts], separator } });
}

/** A reason as a report stores it: the text, and its message when it has one. */
export type Reason = string | Said;

/** A reason's text. */
export function textOf(reason: Reason): string {
  return typeof reason === 'string' ? reason : reason.text;
}

/**
 * Reasons said one after the other with `; `. The message is kept only when every part has one (a part
 * that is plain text has no code a client could translate).
 */
export function joinReasons(parts: readonly Reason[]): Reason {
  if (parts.every((p) => typeof p !== 'string')) return sayAll(parts as Said[], '; ');
  return parts.map(textOf).join('; ');
}

/** The stored fields of a reason: `reason` (the text) and `reasonMessage` when it has one. */
export function reasonFields(reason: Reason): { reason: string; reasonMessage?: Message } {
  return typeof reason === 'string'
    ? { reason }
    : { reason: reason.text, reasonMessage: reason.message };
}

/** A stored reason back as a {@link Reason} (with its message when it was stored with one). */
export function storedReason(stored: {
  reason?: string;
  reasonMessage?: Message;
}): Reason | undefined {
  if (stored.reason === undefined) return undefined;
  return stored.reasonMessage
    ? { text: stored.reason, message: stored.reasonMessage }
    : stored.reason;
}
