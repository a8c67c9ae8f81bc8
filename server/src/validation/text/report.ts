/**
 * The validation report of a conversation or utterance dataset: quality, consistency, realism against a
 * reference profile, diversity, language, privacy and bias. Every metric is a value with thresholds and a
 * verdict, or not computable with the reason (realism without a profile, turn metrics for utterances, ...).
 *
 * Text units: diversity, duplicates and copy detection read the customer's side of each item (every customer
 * turn, or the utterance); realism compares the opening customer request (the unit a conversation shares with
 * an utterance reference such as Banking77); language reads the customer's side; privacy reads every turn.
 */
import { INTENT_IDS } from '@genesis/schema/catalog/intents';
import { LANGUAGES } from '@genesis/schema/common';
import { ConversationSchema } from '@genesis/schema/conversation';
import { formatIssues } from '@genesis/schema/issues';
import { term } from '@genesis/schema/report-message';
import type { Distribution, ValidationMetric, ValidationReportData } from '@genesis/schema/reports';
import { UtteranceSchema } from '@genesis/schema/utterance';
import * as v from 'valibot';
import { detectLanguages } from '../../language/language.ts';
import { type Reason, type Said, say, sayAll } from '../messages.ts';
import { decideVerdict, MIN_WEIGHT_COVERAGE, wilson, withMinimum } from '../verdict.ts';
import { type BiasResult, biasReport, type TextTargets } from './bias.ts';
import { withJsdInterval } from './bootstrap.ts';
import {
  buildCorpus,
  type Corpus,
  type CorpusStats,
  DISTINCT_TOKEN_BUDGET,
  DISTINCT_TOKEN_BUDGET_PER_INTENT,
  type Divergence,
  distinctN,
  exactDuplicateFlags,
  intentDivergence,
  LENGTH_EDGES,
  LENGTH_LABELS,
  lengthDivergence,
  MEMORISATION_SIMILARITY,
  memorisedFlags,
  NEAR_DUPLICATE_SIMILARITY,
  nearDuplicateFlags,
  type ReferenceStats,
  rateOf,
  sketchIndex,
  statsOf,
  type TextKind,
  TURN_LABELS,
  turnDivergence,
  vocabularyDivergence,
} from './corpus.ts';
import {
  LABEL_FIDELITY_ID,
  LABEL_FIDELITY_MIN_ITEMS,
  labelFidelityJudged,
  labelFidelityMetric,
  type OracleSet,
} from './label-fidelity.ts';
import { type Band, measured, measuredWithBand, notComputable, round } from './metric.ts';
import { scanPii } from './pii.ts';
import { DEFAULT_MAX_SKETCH, sketchSignatures, type TextProfile } from './profile.ts';
import { resolutionMismatch } from './resolution.ts';
import { shares } from './stats.ts';
import { customerTexts, labelOf, type TextItem, turnsOf } from './tokens.ts';

export type { TextTargets } from './bias.ts';

/**
 * Weights of the overall score, per metric group. Each metric scores 1 (pass), 0.5 (warn) or 0 (fail); a
 * group scores the mean of its computable metrics; the overall score is the weighted mean of the groups that
 * have one, times 100 (the report lists the weights actually used). What was not computed is never dropped
 * silently: the report's coverage gives the share of the weight measured, and under
 * {@link MIN_WEIGHT_COVERAGE} the verdict is `incomplete` (see `../verdict.ts`). Realism and diversity weigh
 * most: they say whether the data looks like and varies like real data; privacy next.
 */
export const TEXT_SCORE_WEIGHTS: Readonly<Record<string, number>> = {
  quality: 0.1,
  consistency: 0.15,
  realism: 0.2,
  diversity: 0.2,
  language: 0.1,
  privacy: 0.15,
  bias: 0.1,
};

/** Overall verdict: pass from this score up, warn from `warn` up, else fail. */
export const OVERALL_THRESHOLDS = { pass: 80, warn: 60 } as const;

/**
 * Fewest items a metric is judged on, by metric id or group (docs/validation.md, "Sample sizes"). Checks of
 * each item on its own (completeness, schema, PII, memorisation, language) judge from one item: one offending
 * item is evidence. Distribution and diversity metrics need 20 (below that the JSD noise floor and distinct-n's
 * length effect swamp the signal); bias tests need 30 for their chi-square approximation. A metric of a group
 * not listed (a new one) needs {@link MIN_TEXT_ITEMS}.
 */
export const TEXT_MINIMUMS: Readonly<Record<string, number>> = {
  quality: 1,
  consistency: 1,
  privacy: 1,
  language: 1,
  realism: 20,
  diversity: 20,
  bias: 30,
  [LABEL_FIDELITY_ID]: LABEL_FIDELITY_MIN_ITEMS,
};

/** Fewest items a text report gives a verdict from. */
export const MIN_TEXT_ITEMS = 20;

function minimumOf(m: ValidationMetric): number {
  return TEXT_MINIMUMS[m.id] ?? TEXT_MINIMUMS[m.group] ?? MIN_TEXT_ITEMS;
}

const GROUP_ORDER = Object.keys(TEXT_SCORE_WEIGHTS);

const VERDICT_SCORE = { pass: 1, warn: 0.5, fail: 0 } as const;

/** JSD thresholds (bits) of the realism metrics, before the sampling noise floor is added. */
export const REALISM_THRESHOLDS = {
  intent: { warn: 0.03, fail: 0.1 },
  length: { warn: 0.05, fail: 0.15 },
  vocabulary: { warn: 0.15, fail: 0.3 },
  turns: { warn: 0.05, fail: 0.15 },
} as const;

export interface ValidateTextOptions {
  /** The reference to measure realism and memorisation against; without one those are not computable. */
  profile?: TextProfile | null;
  /**
   * Several references, one per language (their languages must not overlap): each language's items are
   * measured against the reference that holds it (see {@link validateText}). Takes the place of `profile`.
   */
  profiles?: readonly TextProfile[] | null;
  /** The job's (or given) targets for the bias report; missing ones default to the generation defaults. */
  targets?: TextTargets | null;
  /** Seed of the distinct-n sampling order (default 1): reports of the same data are identical. */
  seed?: number;
  /**
   * The label oracles of the reference (label-fidelity.ts); without them `label_fidelity` is not computable,
   * with `note` as the reason when given.
   */
  oracles?: OracleSet | null;
}

/**
 * Validates a dataset of conversations or utterances. Pure and synchronous.
 *
 * With one reference, realism's length and vocabulary compare the items in the reference's languages, and the
 * intent, turn and memorisation checks every item. With several (`profiles`, one per language), every
 * reference-dependent metric (realism, memorisation) is measured once per reference on the items of its
 * languages, with the languages in its id (`realism.vocabulary_jsd.es`); the metrics of the whole dataset
 * (diversity, language, PII) take their real-vs-real bands from the reference that covers the most items.
 *
 * The report is the assembly of two halves that need nothing of each other: {@link textCorpusPart} (the
 * metrics of the tokenised corpus, with the resolution check, the bias report and the PII scan) and
 * {@link textItemsPart} (completeness, schema, language, label fidelity). The validation worker computes them on
 * two threads, each reading the same rows (docs/validation.md, "Where the work runs"); here they run one after
 * the other.
 */
export function validateText(
  items: ReadonlyArray<TextItem | object>,
  kind: TextKind,
  options: ValidateTextOptions = {},
): ValidationReportData {
  const started = performance.now();
  const corpusPart = textCorpusPart(items, kind, options);
  const itemsPart = textItemsPart(items, kind, options);
  return assembleTextReport(
    kind,
    referencesOf(options),
    corpusPart,
    itemsPart,
    performance.now() - started,
  );
}

/** The references of a report: several, the one profile, or none. */
function referencesOf(options: ValidateTextOptions): TextProfile[] {
  const references = options.profiles?.length
    ? [...options.profiles]
    : options.profile
      ? [options.profile]
      : [];
  if (references.length > 1) assertOneReferencePerLanguage(references);
  return references;
}

/**
 * What {@link textCorpusPart} computes: every metric that reads the tokenised corpus, the coverage, and (to
 * balance the two halves' work) the resolution check, the bias report and the PII scan.
 */
export interface TextCorpusPart {
  itemCount: number;
  realism: ValidationMetric[];
  memorisation: ValidationMetric[];
  diversity: ValidationMetric[];
  resolution: ValidationMetric;
  bias: BiasResult;
  pii: ValidationMetric;
  distributions: Distribution[];
  /** Items each metric was measured on, where that is not every item (for its minimum sample). */
  sampleOf: Array<[string, number]>;
  coverage: ReturnType<typeof textCoverage>;
}

/**
 * The corpus half of a text report: the items cut into tokens and MinHash signatures once (corpus.ts), then
 * realism against each reference (with its bootstrap intervals), memorisation, diversity and the reference
 * distributions, and the coverage; then the resolution check, the bias report and the PII scan, which read the
 * items themselves (or their labels) but balance the halves' work (docs/validation.md, "Where the work runs").
 */
export function textCorpusPart(
  items: ReadonlyArray<TextItem | object>,
  kind: TextKind,
  options: ValidateTextOptions = {},
): TextCorpusPart {
  const records = items as readonly TextItem[];
  const references = referencesOf(options);
  const several = references.length > 1;
  const seed = options.seed ?? 1;
  const corpus = buildCorpus(records, kind);
  // The reference whose bands judge the whole-dataset metrics: the only one, or the one covering most items.
  const profile = primaryReference(corpus.languages, references);
  const stats = statsOf(corpus);
  const all = Array.from({ length: corpus.size }, (_, i) => i);
  const empty = corpus.size === 0;
  const sampleOf = new Map<string, number>();

  const realism: ValidationMetric[] = [];
  const memorisation: ValidationMetric[] = [];
  const distributions: Distribution[] = [];
  if (!several) {
    // Text is compared only where the reference has it: Spanish conversations against English-only Banking77
    // would measure the language, not the realism.
    const textLanguages = profile ? referenceLanguages(profile) : [];
    const textSubset = profile ? languageSubset(corpus, textLanguages) : null;
    const textStats = textSubset ? statsOf(corpus, textSubset) : stats;
    sampleOf.set('realism.length_jsd', textStats.itemCount);
    sampleOf.set('realism.vocabulary_jsd', textStats.itemCount);
    const textIndices = textSubset ?? all;
    realism.push(
      ...realismMetrics(stats, textStats, textLanguages, profile, kind, empty).map((m) =>
        profile
          ? withJsdInterval(
              m,
              corpus,
              m.id === 'realism.length_jsd' || m.id === 'realism.vocabulary_jsd'
                ? textIndices
                : all,
              referenceOf(profile),
              String(seed),
            )
          : m,
      ),
    );
    memorisation.push(memorisationMetric(records, corpus, all, profile));
    distributions.push(...referenceDistributions(stats, textStats, profile));
  } else {
    for (const reference of references) {
      const languages = referenceLanguages(reference);
      const subset = languageSubset(corpus, languages) ?? all;
      // A reference for a language the data does not hold measures nothing: no metrics, no gap.
      if (subset.length === 0) continue;
      const part = statsOf(corpus, subset);
      const suffix = languages.join('+');
      const own = (m: ValidationMetric): ValidationMetric => {
        const id = `${m.id}.${suffix}`;
        sampleOf.set(id, subset.length);
        return { ...m, id, name: `${m.name} [${languages.join('/')}: ${reference.name}]` };
      };
      realism.push(
        ...realismMetrics(part, part, languages, reference, kind, false)
          .map(own)
          .map((m) => withJsdInterval(m, corpus, subset, referenceOf(reference), String(seed))),
      );
      memorisation.push(own(memorisationMetric(records, corpus, subset, reference)));
      distributions.push(
        ...referenceDistributions(part, part, reference).map((d) => ({
          ...d,
          id: `${d.id}.${suffix}`,
          name: `${d.name} [${languages.join('/')}]`,
        })),
      );
    }
  }
  return {
    itemCount: corpus.size,
    realism,
    memorisation,
    diversity: diversityMetrics(corpus, all, profile, seed),
    resolution: resolutionMetric(records, kind),
    bias: biasReport(records, kind, options.targets),
    pii: piiMetric(records, kind, profile),
    distributions,
    sampleOf: [...sampleOf],
    coverage: textCoverage(corpus, references),
  };
}

/** What {@link textItemsPart} computes: metrics that read each item on its own. */
export interface TextItemsPart {
  quality: ValidationMetric[];
  language: ValidationMetric;
  labelFidelity: ValidationMetric;
}

/**
 * The items half of a text report: completeness and schema checks, the language check and label fidelity. It
 * reads no corpus; the reference only lends its bands.
 */
export function textItemsPart(
  items: ReadonlyArray<TextItem | object>,
  kind: TextKind,
  options: ValidateTextOptions = {},
): TextItemsPart {
  const records = items as readonly TextItem[];
  const references = referencesOf(options);
  const profile = primaryReference(
    records.map((item) => labelOf(item, 'language')),
    references,
  );
  return {
    quality: qualityMetrics(records, kind),
    language: languageMetric(records, kind, profile?.bands['language.mismatch_rate']),
    labelFidelity: labelFidelityMetric(records, kind, options.oracles ?? null),
  };
}

/** What the assembly of a report needs of each reference. */
export type ReferenceSummary = Pick<TextProfile, 'name' | 'kind' | 'itemCount'>;

/**
 * The report from its two halves (computed on the same items against `references`, in the order given): the
 * metrics in the report's order, each with its interval and minimum sample, the score, the coverage and the
 * verdict. `milliseconds` is the report's compute time.
 */
export function assembleTextReport(
  kind: TextKind,
  references: readonly ReferenceSummary[],
  corpusPart: TextCorpusPart,
  itemsPart: TextItemsPart,
  milliseconds: number,
): ValidationReportData {
  const several = references.length > 1;
  const size = corpusPart.itemCount;
  const sampleOf = new Map(corpusPart.sampleOf);
  const profile = several ? null : (references[0] ?? null);
  const bias = corpusPart.bias;
  const raw: ValidationMetric[] = [
    ...itemsPart.quality,
    corpusPart.resolution,
    ...corpusPart.realism,
    ...corpusPart.diversity,
    corpusPart.pii,
    ...corpusPart.memorisation,
    ...bias.metrics,
    itemsPart.language,
  ];
  // Keep the report's order by group: the language metric sits after diversity.
  raw.sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
  // A gate in its own group (`labels`), outside the score's weights: last.
  raw.push(itemsPart.labelFidelity);
  const metrics = raw.map((m) =>
    withMinimum(
      withInterval(applicability(m, kind), sampleOf.get(m.id) ?? size),
      m.id === LABEL_FIDELITY_ID ? labelFidelityJudged(m) : (sampleOf.get(m.id) ?? size),
      minimumOf(m),
    ),
  );

  const distributions = [...bias.distributions, ...corpusPart.distributions];
  const { score, weights } = overallScore(metrics);
  const coverage = corpusPart.coverage;
  const decided = decideVerdict({
    metrics,
    score: (list) => overallScore(list).score,
    groupWeights: TEXT_SCORE_WEIGHTS,
    thresholds: OVERALL_THRESHOLDS,
    itemCount: size,
    minItems: MIN_TEXT_ITEMS,
    unit: 'items',
    itemShare: coverage.itemShare,
    parts: coverage.parts,
    missing: [
      ...coverage.missing,
      ...(size > 0 && size < MIN_TEXT_ITEMS
        ? [
            missingPiece(
              say('missing.moreItems', { n: size, min: MIN_TEXT_ITEMS }),
              say('missing.moreItemsHow'),
            ),
          ]
        : []),
    ],
  });
  return {
    format: 'genesis-lab/validation-report',
    version: 1,
    kind,
    itemCount: size,
    reference: several
      ? {
          name: references.map((r) => r.name).join(' + '),
          kind: [...new Set(references.map((r) => r.kind))].join('+'),
          itemCount: references.reduce((sum, r) => sum + r.itemCount, 0),
        }
      : profile
        ? { name: profile.name, kind: profile.kind, itemCount: profile.itemCount }
        : null,
    overall: { score: round(score), verdict: decided.verdict },
    reason: decided.reason,
    reasonMessage: decided.reasonMessage,
    ...(decided.scoreInterval ? { scoreInterval: decided.scoreInterval } : {}),
    gates: decided.gates,
    coverage: { ...decided.coverage, references: coverage.references },
    weights,
    metrics,
    bias: bias.bias,
    distributions,
    computeSeconds: round(milliseconds / 1000),
  };
}

/**
 * Several references must split the languages between them: two that hold the same language would measure
 * its items twice, against two different notions of real.
 */
export function assertOneReferencePerLanguage(references: readonly TextProfile[]): void {
  const holder = new Map<string, string>();
  for (const reference of references) {
    const languages = referenceLanguages(reference);
    if (languages.length === 0) {
      throw new RangeError(
        `the reference ${reference.name} holds no language-labelled items; several references are matched to the data by language`,
      );
    }
    for (const language of languages) {
      const other = holder.get(language);
      if (other !== undefined) {
        throw new RangeError(
          `the references ${other} and ${reference.name} both hold language ${language}; give one reference per language`,
        );
      }
      holder.set(language, reference.name);
    }
  }
}

/** The reference covering the most items of the data (the first on a tie), or the only one. */
function primaryReference(
  languagesOfItems: readonly (string | null)[],
  references: readonly TextProfile[],
): TextProfile | null {
  if (references.length <= 1) return references[0] ?? null;
  let best = references[0]!;
  let bestCount = -1;
  for (const reference of references) {
    const languages = referenceLanguages(reference);
    const count = languagesOfItems.filter((l) => l !== null && languages.includes(l)).length;
    if (count > bestCount) {
      best = reference;
      bestCount = count;
    }
  }
  return best;
}

/** Score 0..100 and the group weights used; see {@link TEXT_SCORE_WEIGHTS}. */
export function overallScore(metrics: readonly ValidationMetric[]): {
  score: number;
  weights: Record<string, number>;
} {
  const groups = new Map<string, number[]>();
  for (const m of metrics) {
    if (m.verdict === 'not_computable' || !(m.group in TEXT_SCORE_WEIGHTS)) continue;
    const list = groups.get(m.group) ?? [];
    list.push(VERDICT_SCORE[m.verdict]);
    groups.set(m.group, list);
  }
  const used = Object.entries(TEXT_SCORE_WEIGHTS).filter(([group]) => groups.has(group));
  const total = used.reduce((s, [, w]) => s + w, 0);
  if (total === 0) return { score: 0, weights: {} };
  let score = 0;
  const weights: Record<string, number> = {};
  for (const [group, w] of used) {
    const list = groups.get(group)!;
    score += (w / total) * (list.reduce((a, b) => a + b, 0) / list.length);
    weights[group] = round(w / total);
  }
  return { score: score * 100, weights };
}

/** Metrics that cannot apply to this kind of data are marked so, and are then no gap in coverage. */
function applicability(m: ValidationMetric, kind: TextKind): ValidationMetric {
  const never =
    kind === 'utterances' &&
    (m.id === 'realism.turns_jsd' || m.id === 'consistency.resolution_mismatch_rate');
  return never && m.verdict === 'not_computable' ? { ...m, applicable: false } : m;
}

/** A rate's Wilson interval, from the count it was measured on (items unless the details say otherwise). */
function withInterval(m: ValidationMetric, items: number): ValidationMetric {
  if (m.interval || m.value === null || m.verdict === 'not_computable') return m;
  if (m.unit !== 'share') return m;
  const details = (m.details ?? {}) as {
    undetermined?: number;
    unlabelled?: number;
    judged?: number;
  };
  const n =
    m.id === 'language.mismatch_rate'
      ? items - (details.undetermined ?? 0) - (details.unlabelled ?? 0)
      : (details.judged ?? items);
  const interval = wilson(Math.round(m.value * n), n);
  return interval ? { ...m, interval } : m;
}

/**
 * Which languages of the data the reference covers, the share of items measured against it, and what is
 * missing with how to supply it. Realism compares text only in the reference's languages, so an item in
 * another language is not measured against any reference.
 */
function textCoverage(
  corpus: Corpus,
  references: readonly TextProfile[],
): {
  itemShare: number;
  parts: NonNullable<ValidationReportData['coverage']>['parts'];
  references: NonNullable<NonNullable<ValidationReportData['coverage']>['references']>;
  missing: NonNullable<ValidationReportData['coverage']>['missing'];
} {
  const counts = new Map<string, number>();
  for (const language of corpus.languages) {
    if (language && (LANGUAGES as readonly string[]).includes(language)) {
      counts.set(language, (counts.get(language) ?? 0) + 1);
    }
  }
  const holder = (language: string) =>
    references.find((r) => (r.languageCounts[language] ?? 0) > 0);
  const parts = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, items]) => ({
      dimension: 'language' as const,
      key,
      items,
      referenced: holder(key) !== undefined,
    }));
  const covered = references.map((r) => {
    const covers = parts.filter((p) => holder(p.key) === r);
    return {
      name: r.name,
      covers: covers.map((p) => p.key),
      items: covers.reduce((sum, p) => sum + p.items, 0),
    };
  });
  const measured = parts.filter((p) => p.referenced).reduce((s, p) => s + p.items, 0);
  const missing: NonNullable<ValidationReportData['coverage']>['missing'] = [];
  if (references.length === 0 && corpus.size > 0) {
    missing.push(missingPiece(say('missing.textReference'), say('missing.textReferenceHow')));
  } else if (references.length > 0) {
    const held: Said[] = references.map((r) => {
      const languages = referenceLanguages(r).join('/');
      return languages
        ? say('missing.holds', { name: r.name, languages })
        : say('missing.holdsNone', { name: r.name });
    });
    for (const p of parts.filter((x) => !x.referenced)) {
      missing.push(
        missingPiece(
          say('missing.language', {
            language: p.key,
            n: p.items,
            held: { list: held, separator: ', ' },
          }),
          say('missing.languageHow', { language: p.key, upper: p.key.toUpperCase() }),
        ),
      );
    }
  }
  return {
    itemShare: corpus.size ? measured / corpus.size : 0,
    parts,
    references: covered,
    missing,
  };
}

const CONVERSATION_FIELDS = [
  'conversation_id',
  'intent',
  'category',
  'sentiment',
  'complexity',
  'language',
  'turn_count',
  'resolution_status',
  'turns',
] as const;
const UTTERANCE_FIELDS = ['text', 'intent', 'language'] as const;

function present(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    return (
      value.length > 0 &&
      value.every((turn) => {
        if (turn === null || typeof turn !== 'object') return false;
        const t = turn as Record<string, unknown>;
        return present(t.speaker) && present(t.text);
      })
    );
  }
  return value !== null && value !== undefined;
}

/** A missing piece of the coverage, with its messages. */
function missingPiece(what: Said, how: Said) {
  return { what: what.text, how: how.text, whatMessage: what.message, howMessage: how.message };
}

/** Completeness and schema violations, in one pass. */
function qualityMetrics(items: readonly TextItem[], kind: TextKind): ValidationMetric[] {
  const fields = kind === 'conversations' ? CONVERSATION_FIELDS : UTTERANCE_FIELDS;
  const schema = kind === 'conversations' ? ConversationSchema : UtteranceSchema;
  const missing: Record<string, number> = {};
  const problems = new Map<string, number>();
  let complete = 0;
  let invalid = 0;
  items.forEach((item) => {
    let ok = item !== null && typeof item === 'object';
    for (const field of fields) {
      if (!ok || !present(item[field])) {
        missing[field] = (missing[field] ?? 0) + 1;
        ok = false;
      }
    }
    if (ok) complete++;
    const parsed = v.safeParse(schema, item);
    if (!parsed.success) {
      invalid++;
      // Grouped by message without the offending value, so 1000 bad intents are one line.
      const first = formatIssues(parsed.issues)[0];
      const key = first
        ? `${first.path ? `${first.path.replace(/\[\d+\]/g, '[]')}: ` : ''}${first.message.replace(/'[^']*'|"[^"]*"|; got .*$/g, '…')}`
        : 'invalid';
      problems.set(key, (problems.get(key) ?? 0) + 1);
    }
  });
  const n = items.length;
  const none = n === 0 ? say('metric.empty') : undefined;
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([message, count]) => ({ message, count }));
  const metrics = [
    measured(
      'quality.completeness',
      'Completeness (items with every required field present and non-empty)',
      'quality',
      n ? complete / n : null,
      { direction: 'higher_is_better', warn: 0.99, fail: 0.95 },
      {
        reason: none ?? say('quality.complete', { k: complete, n }),
        details: { missing },
        unit: 'share',
      },
    ),
    measured(
      'consistency.schema_violation_rate',
      `Schema violations (items failing the ${kind === 'conversations' ? 'conversation' : 'utterance'} rules)`,
      'consistency',
      n ? invalid / n : null,
      { direction: 'lower_is_better', warn: 0, fail: 0.02 },
      {
        reason:
          none ??
          say(kind === 'conversations' ? 'quality.brokenConversations' : 'quality.broken', {
            k: invalid,
            n,
          }),
        details: { problems: top(problems) },
        unit: 'share',
      },
    ),
  ];
  return metrics;
}

/** Resolution consistency of conversations: does the ending agree with `resolution_status`? */
function resolutionMetric(items: readonly TextItem[], kind: TextKind): ValidationMetric {
  const mismatches = new Map<string, number>();
  const mismatchExamples: Array<{ item: number; id?: string; reason: string }> = [];
  let judged = 0;
  let mismatched = 0;
  if (kind === 'conversations') {
    items.forEach((item, index) => {
      if (!item || typeof item !== 'object') return;
      const status = labelOf(item, 'resolution_status');
      const turns = turnsOf(item);
      if (status && turns.length > 0) {
        judged++;
        const why = resolutionMismatch(status, turns);
        if (why) {
          mismatched++;
          mismatches.set(why, (mismatches.get(why) ?? 0) + 1);
          if (mismatchExamples.length < 10) {
            const id = labelOf(item, 'conversation_id');
            mismatchExamples.push({ item: index, ...(id ? { id } : {}), reason: why });
          }
        }
      }
    });
  }
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([message, count]) => ({ message, count }));
  const resolutionTitle =
    'Resolution status vs how the conversation ends (keyword heuristic, en/es)';
  if (kind === 'utterances') {
    return notComputable(
      'consistency.resolution_mismatch_rate',
      resolutionTitle,
      'consistency',
      say('resolution.utterances'),
    );
  }
  return measured(
    'consistency.resolution_mismatch_rate',
    resolutionTitle,
    'consistency',
    judged ? mismatched / judged : null,
    { direction: 'lower_is_better', warn: 0.05, fail: 0.15 },
    {
      reason: judged
        ? say('resolution.mismatched', { k: mismatched, n: judged })
        : say('resolution.none'),
      details: { reasons: top(mismatches), examples: mismatchExamples, judged },
      unit: 'share',
    },
  );
}

function jsdMetric(
  id: string,
  name: string,
  divergence: Divergence,
  base: { warn: number; fail: number },
  profile: TextProfile,
  what: Said,
): ValidationMetric {
  return measuredWithBand(
    id,
    name,
    'realism',
    divergence.value,
    {
      direction: 'lower_is_better',
      warn: base.warn + divergence.noiseFloor,
      fail: base.fail + divergence.noiseFloor,
    },
    profile.bands[id],
    {
      unit: 'bits',
      reason: say('realism.jsd', { what, name: profile.name, floor: round(divergence.noiseFloor) }),
    },
  );
}

function referenceOf(profile: TextProfile): ReferenceStats {
  return {
    intentCounts: profile.intentCounts,
    lengthCounts: profile.lengths.counts,
    turnCounts: profile.turnCounts,
    vocabulary: profile.vocabulary,
  };
}

/** Languages the profile holds text in. */
function referenceLanguages(profile: TextProfile): string[] {
  return Object.entries(profile.languageCounts)
    .filter(([, count]) => count > 0)
    .map(([language]) => language)
    .sort();
}

/** Items in one of `languages`, or null when that is every item. */
function languageSubset(corpus: Corpus, languages: readonly string[]): number[] | null {
  const subset: number[] = [];
  corpus.languages.forEach((language, i) => {
    if (language && languages.includes(language)) subset.push(i);
  });
  return subset.length === corpus.size ? null : subset;
}

function realismMetrics(
  stats: CorpusStats,
  textStats: CorpusStats,
  textLanguages: readonly string[],
  profile: TextProfile | null,
  kind: TextKind,
  empty: boolean,
): ValidationMetric[] {
  const ids = {
    intent: ['realism.intent_jsd', 'Intent distribution vs reference (Jensen-Shannon divergence)'],
    length: [
      'realism.length_jsd',
      'Customer opening-message length vs reference (Jensen-Shannon divergence)',
    ],
    vocabulary: [
      'realism.vocabulary_jsd',
      'Customer vocabulary vs reference (Jensen-Shannon divergence)',
    ],
    turns: ['realism.turns_jsd', 'Turns per conversation vs reference (Jensen-Shannon divergence)'],
  } as const;
  const turnsNotComputable = (reason: Reason) =>
    notComputable(ids.turns[0], ids.turns[1], 'realism', reason);
  if (!profile || empty) {
    const reason = empty ? say('metric.empty') : say('metric.noProfile');
    return Object.values(ids).map(([id, name]) =>
      id === ids.turns[0] && kind === 'utterances'
        ? turnsNotComputable(say('realism.noTurns'))
        : notComputable(id, name, 'realism', reason),
    );
  }
  const ref = referenceOf(profile);
  const metrics = [
    jsdMetric(
      ids.intent[0],
      ids.intent[1],
      intentDivergence(stats, ref),
      REALISM_THRESHOLDS.intent,
      profile,
      say('realism.intentShares'),
    ),
  ];
  // With several languages, the length and vocabulary metrics read only the reference's languages.
  const onSubset = textStats.itemCount !== stats.itemCount;
  const subset = (
    code: 'realism.lengths' | 'realism.vocabulary',
    params: Record<string, number>,
  ) =>
    onSubset
      ? say(`${code}Subset`, {
          ...params,
          n: textStats.itemCount,
          languages: textLanguages.join('/'),
        })
      : say(code, params);
  const sameBins =
    profile.lengths.edges.length === LENGTH_EDGES.length &&
    profile.lengths.edges.every((edge, i) => edge === LENGTH_EDGES[i]);
  if (textStats.tokenTotal === 0) {
    const reason = textLanguages.length
      ? say('realism.noText', { languages: textLanguages.join('/') })
      : say('realism.noTextAny');
    metrics.push(
      notComputable(ids.length[0], ids.length[1], 'realism', reason),
      notComputable(ids.vocabulary[0], ids.vocabulary[1], 'realism', reason),
    );
  } else {
    metrics.push(
      sameBins
        ? jsdMetric(
            ids.length[0],
            ids.length[1],
            lengthDivergence(textStats, ref),
            REALISM_THRESHOLDS.length,
            profile,
            subset('realism.lengths', {}),
          )
        : notComputable(ids.length[0], ids.length[1], 'realism', say('realism.bins')),
      jsdMetric(
        ids.vocabulary[0],
        ids.vocabulary[1],
        vocabularyDivergence(textStats, ref),
        REALISM_THRESHOLDS.vocabulary,
        profile,
        subset('realism.vocabulary', { top: profile.vocabulary.top.length }),
      ),
    );
  }
  const turns = turnDivergence(stats, ref);
  metrics.push(
    turns
      ? jsdMetric(
          ids.turns[0],
          ids.turns[1],
          turns,
          REALISM_THRESHOLDS.turns,
          profile,
          say('realism.turnCounts'),
        )
      : turnsNotComputable(
          kind === 'utterances'
            ? say('realism.noTurns')
            : say('realism.referenceNoTurns', {
                name: profile.name,
                kind: say(profile.kind === 'utterances' ? 'kind.utterances' : 'kind.other', {
                  kind: term('datasetKind', profile.kind),
                }),
              }),
        ),
  );
  return metrics;
}

function diversityMetrics(
  corpus: Corpus,
  all: number[],
  profile: TextProfile | null,
  seed: number,
): ValidationMetric[] {
  const byIntent = new Map<string, number[]>();
  corpus.intents.forEach((intent, i) => {
    if (!intent) return;
    const list = byIntent.get(intent);
    if (list) list.push(i);
    else byIntent.set(intent, [i]);
  });
  const intents = [...byIntent.keys()].sort();
  const overall = distinctN(corpus, all, DISTINCT_TOKEN_BUDGET, `${seed}:distinct`);
  const perIntent = new Map(
    intents.map((intent) => [
      intent,
      distinctN(
        corpus,
        byIntent.get(intent)!,
        DISTINCT_TOKEN_BUDGET_PER_INTENT,
        `${seed}:${intent}`,
      ),
    ]),
  );
  const exact = exactDuplicateFlags(corpus);
  const near = nearDuplicateFlags(corpus);
  const perIntentRate = (flags: Uint8Array) =>
    Object.fromEntries(
      intents.map((intent) => [intent, round(rateOf(flags, byIntent.get(intent)!))]),
    );
  const none = corpus.size === 0 ? say('metric.empty') : say('diversity.noWords');
  const distinctMetric = (n: 1 | 2) => {
    const id = `diversity.distinct_${n}`;
    const band = profile?.bands[id];
    // Relative to the reference when there is one: warn under 3/4 of the lowest real half, fail under 1/2.
    // Without one, the same ratios of Banking77's band (distinct-1 0.060, distinct-2 0.36 at 20k tokens).
    const anchor = band?.low ?? (n === 1 ? 0.06 : 0.36);
    const value = overall ? (n === 1 ? overall.distinct1 : overall.distinct2) : null;
    const short = overall && overall.tokens < DISTINCT_TOKEN_BUDGET;
    return measuredWithBand(
      id,
      `Distinct-${n} (unique ${n === 1 ? 'words' : 'word pairs'} per ${n === 1 ? 'word' : 'pair'}, customer text, first ${DISTINCT_TOKEN_BUDGET} tokens)`,
      'diversity',
      value,
      { direction: 'higher_is_better', warn: anchor * 0.75, fail: anchor * 0.5 },
      band,
      {
        reason: overall
          ? short
            ? say('diversity.tokensShort', { n: overall.tokens, budget: DISTINCT_TOKEN_BUDGET })
            : say('diversity.tokens', { n: overall.tokens })
          : none,
        details: {
          perIntent: Object.fromEntries(
            intents.map((intent) => {
              const d = perIntent.get(intent);
              return [intent, d ? round(n === 1 ? d.distinct1 : d.distinct2) : null];
            }),
          ),
          perIntentTokenBudget: DISTINCT_TOKEN_BUDGET_PER_INTENT,
        },
      },
    );
  };
  const exactRate = rateOf(exact, all);
  const nearRate = rateOf(near, all);
  return [
    distinctMetric(1),
    distinctMetric(2),
    measuredWithBand(
      'diversity.exact_duplicate_rate',
      'Exact duplicates (items whose customer text equals another item’s, ignoring case, accents, punctuation)',
      'diversity',
      corpus.size ? exactRate : null,
      { direction: 'lower_is_better', warn: 0.01, fail: 0.05 },
      profile?.bands['diversity.exact_duplicate_rate'],
      {
        unit: 'share',
        reason: corpus.size
          ? say('diversity.exact', { k: Math.round(exactRate * corpus.size), n: corpus.size })
          : none,
        details: { perIntent: perIntentRate(exact) },
      },
    ),
    measuredWithBand(
      'diversity.near_duplicate_rate',
      `Near duplicates (MinHash-LSH, estimated Jaccard >= ${NEAR_DUPLICATE_SIMILARITY} on character 5-grams of the customer text)`,
      'diversity',
      corpus.size ? nearRate : null,
      { direction: 'lower_is_better', warn: 0.1, fail: 0.25 },
      profile?.bands['diversity.near_duplicate_rate'],
      {
        unit: 'share',
        reason: corpus.size
          ? say('diversity.near', { k: Math.round(nearRate * corpus.size), n: corpus.size })
          : none,
        details: { perIntent: perIntentRate(near) },
      },
    ),
  ];
}

/**
 * The language check: every item with a valid language label has its customer text's language detected
 * (language.ts) and compared with the label.
 */
function languageMetric(
  items: readonly TextItem[],
  kind: TextKind,
  band: Band | undefined,
): ValidationMetric {
  const labelled: number[] = [];
  const texts: string[] = [];
  items.forEach((item, index) => {
    const label = labelOf(item, 'language');
    if (label && (LANGUAGES as readonly string[]).includes(label)) {
      labelled.push(index);
      texts.push(customerTexts(item, kind).join('\n'));
    }
  });
  const detections = detectLanguages(texts);
  const confusion: Record<string, number> = {};
  const perIntent: Record<string, number> = {};
  const examples: Array<{ item: number; id?: string; label: string; detected: string }> = [];
  let checked = 0;
  let mismatched = 0;
  let undetermined = 0;
  const unlabelled = items.length - labelled.length;
  labelled.forEach((index, k) => {
    const item = items[index]!;
    const label = labelOf(item, 'language')!;
    const detected = detections[k];
    if (!detected) {
      undetermined++;
      return;
    }
    checked++;
    if (detected !== label) {
      mismatched++;
      confusion[`${label}->${detected}`] = (confusion[`${label}->${detected}`] ?? 0) + 1;
      const intent = labelOf(item, 'intent') ?? '(none)';
      perIntent[intent] = (perIntent[intent] ?? 0) + 1;
      if (examples.length < 10) {
        const id = labelOf(item, 'conversation_id');
        examples.push({ item: index, ...(id ? { id } : {}), label, detected });
      }
    }
  });
  return measuredWithBand(
    'language.mismatch_rate',
    'Language label vs detected language of the customer text (ELD)',
    'language',
    checked ? mismatched / checked : null,
    { direction: 'lower_is_better', warn: 0.01, fail: 0.05 },
    band,
    {
      unit: 'share',
      reason: checked
        ? say('language.mismatched', { k: mismatched, n: checked, undetermined, unlabelled })
        : items.length
          ? say('language.none')
          : say('metric.empty'),
      details: { confusion, perIntent, undetermined, unlabelled, examples },
    },
  );
}

function piiMetric(
  items: readonly TextItem[],
  kind: TextKind,
  profile: TextProfile | null,
): ValidationMetric {
  const pii = scanPii(items, kind);
  let flagged = 0;
  for (const flag of pii.flags) flagged += flag;
  const piiRate = items.length ? flagged / items.length : 0;
  return measuredWithBand(
    'privacy.pii_rate',
    'PII-like strings (Luhn-valid card numbers, valid IBANs and CLABEs, emails, phone numbers)',
    'privacy',
    items.length ? piiRate : null,
    { direction: 'lower_is_better', warn: 0, fail: 0.01 },
    profile?.bands['privacy.pii_rate'],
    {
      unit: 'share',
      reason: items.length
        ? say('privacy.pii', {
            k: Math.round(piiRate * items.length),
            n: items.length,
            kinds: piiKinds(pii.byKind),
          })
        : say('metric.empty'),
      details: { byKind: pii.byKind, examples: pii.examples },
    },
  );
}

/** What PII a scan found, by kind (`2 email, 1 phone`), or "none found". */
function piiKinds(byKind: Record<string, number>): Said {
  const found = Object.entries(byKind).filter(([, c]) => c);
  return found.length
    ? say('list', {
        items: {
          list: found.map(([kind, count]) =>
            say('privacy.piiKind', { count, kind: term('pii', kind) }),
          ),
          separator: ', ',
        },
      })
    : say('privacy.noneFound');
}

/** Near-copies of the reference's utterances among the items `subset` (every item with one reference). */
function memorisationMetric(
  items: readonly TextItem[],
  corpus: Corpus,
  subset: number[],
  profile: TextProfile | null,
): ValidationMetric {
  const title = `Memorisation (items with a customer utterance that is a near-copy, estimated Jaccard >= ${MEMORISATION_SIMILARITY}, of a reference utterance)`;
  if (!profile) {
    return notComputable('privacy.memorisation_rate', title, 'privacy', say('metric.noProfile'));
  }
  if (profile.sketch.count === 0 || subset.length === 0) {
    return notComputable(
      'privacy.memorisation_rate',
      title,
      'privacy',
      subset.length ? say('privacy.emptySketch', { name: profile.name }) : say('metric.empty'),
    );
  }
  const flags = memorisedFlags(
    corpus,
    sketchIndex(sketchSignatures(profile)),
    subset.length === corpus.size ? null : subset,
  );
  const rate = rateOf(flags, subset);
  const perIntent: Record<string, number> = {};
  const examples: Array<{ item: number; id?: string }> = [];
  for (const i of subset) {
    if (!flags[i]) continue;
    const intent = corpus.intents[i] ?? '(none)';
    perIntent[intent] = (perIntent[intent] ?? 0) + 1;
    if (examples.length < 10) {
      const id = labelOf(items[i]!, 'conversation_id');
      examples.push({ item: i, ...(id ? { id } : {}) });
    }
  }
  const scaled = memorisationBand(profile);
  return measuredWithBand(
    'privacy.memorisation_rate',
    title,
    'privacy',
    rate,
    { direction: 'lower_is_better', warn: 0.02, fail: 0.1 },
    scaled?.band,
    {
      unit: 'share',
      reason: sayAll(
        [
          say('privacy.memorised', {
            k: Math.round(rate * subset.length),
            n: subset.length,
            count: profile.sketch.count,
            name: profile.name,
          }),
          ...(scaled?.note ? [scaled.note] : []),
        ],
        '; ',
      ),
      details: {
        perIntent,
        examples,
        ...(scaled ? { bandAgainstHalf: scaled.measured, bandScale: scaled.scale } : {}),
      },
    },
  );
}

/**
 * The profile's memorisation band brought to the size of the whole profile. The profile measures it with one
 * half of the reference as the sketch, but a dataset is checked against the whole sketch, and the chance that an
 * utterance near-copies one of M reference utterances grows as 1 - (1 - q)^M: a sketch `scale` times the half's
 * turns a rate x into 1 - (1 - x)^scale (2 for a profile whose sketch holds every utterance, as Banking77's
 * does). Without that, real data would score about twice its own band against the profile it was drawn from.
 * A sketch sampled down to the cap (DEFAULT_MAX_SKETCH) says too little about the halves' sizes: not scaled.
 */
export function memorisationBand(
  profile: TextProfile,
): { band: Band; measured: Band; scale: number; note: Said | null } | null {
  const measuredBand = profile.bands['privacy.memorisation_rate'];
  if (!measuredBand) return null;
  const sketched = profile.sketch.count;
  let half = sketched;
  if (sketched < DEFAULT_MAX_SKETCH) half = Math.ceil(sketched / 2);
  else if (profile.kind === 'utterances')
    half = Math.min(DEFAULT_MAX_SKETCH, Math.ceil(profile.itemCount / 2));
  const scale = half > 0 ? sketched / half : 1;
  if (scale <= 1) return { band: measuredBand, measured: measuredBand, scale: 1, note: null };
  const at = (x: number) => round(1 - (1 - x) ** scale);
  const band = {
    low: at(measuredBand.low),
    median: at(measuredBand.median),
    high: at(measuredBand.high),
  };
  return {
    band,
    measured: measuredBand,
    scale: round(scale),
    note: say('privacy.bandScaled', {
      low: round(measuredBand.low),
      high: round(measuredBand.high),
      half,
      whole: sketched,
      scaledLow: band.low,
      scaledHigh: band.high,
    }),
  };
}

/** Chart data against the reference profile: intents, opening lengths, turns. */
function referenceDistributions(
  stats: CorpusStats,
  textStats: CorpusStats,
  profile: TextProfile | null,
): Distribution[] {
  const ref = profile ? { referenceName: profile.name } : {};
  const out: Distribution[] = [];
  if (profile) {
    out.push({
      id: 'intents_reference',
      name: 'Intents vs reference',
      labels: [...INTENT_IDS],
      dataset: shares(INTENT_IDS.map((id) => stats.intentCounts[id] ?? 0)).map(round),
      reference: shares(INTENT_IDS.map((id) => profile.intentCounts[id] ?? 0)).map(round),
      ...ref,
    });
  }
  out.push({
    id: 'lengths',
    // With a profile, only the items in the reference's languages, as in realism.length_jsd.
    name: 'Opening customer message length (tokens)',
    labels: [...LENGTH_LABELS],
    dataset: shares(textStats.lengthCounts).map(round),
    ...(profile && profile.lengths.counts.length === LENGTH_LABELS.length
      ? { reference: shares(profile.lengths.counts).map(round), ...ref }
      : {}),
  });
  if (stats.turnCounts) {
    const last = Math.max(
      2,
      ...Object.keys(stats.turnCounts).map(Number),
      ...Object.keys(profile?.turnCounts ?? {}).map(Number),
    );
    const labels = TURN_LABELS.slice(0, last);
    out.push({
      id: 'turns',
      name: 'Turns per conversation',
      labels: [...labels],
      dataset: shares(labels.map((t) => stats.turnCounts![t] ?? 0)).map(round),
      ...(profile?.turnCounts
        ? { reference: shares(labels.map((t) => profile.turnCounts![t] ?? 0)).map(round), ...ref }
        : {}),
    });
  }
  return out;
}
