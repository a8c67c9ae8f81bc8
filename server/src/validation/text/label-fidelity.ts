/**
 * Label fidelity (metric id `label_fidelity`, group `labels`, a gate): does each item say what its intent label
 * claims? A label oracle (oracle.ts) trained on the reference's real labelled texts reads each item's customer
 * side (every customer turn joined, as the training lab reads a conversation; an utterance's text) and the
 * metric is the share of items whose label is the oracle's top-1, with top-3 and per-intent figures beside it.
 *
 * The real-vs-real band is the oracle's cross-validated accuracy on the real texts; the thresholds sit between
 * chance (1 / the oracle's labels) and the band's low end: warn under chance + 3/4 of the way, fail under
 * chance + 1/2 (Banking77: warn under 0.67, fail under 0.45 top-1 agreement). Labels shuffled among a dataset's
 * own items keep every distribution and fall to about chance here.
 *
 * Items are judged only by an oracle of their language: an English oracle never judges Spanish items, which are
 * reported as not covered, never counted as agreements. See docs/architecture.md, "Label fidelity".
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Random } from '@genesis/schema/random';
import type { ValidationMetric } from '@genesis/schema/reports';
import { REPO_ROOT } from '../../platform/config.ts';
import { joinReasons, type Reason, type ReportCode, type Said, say } from '../messages.ts';
import { wilson } from '../verdict.ts';
import { measured, notComputable, percent, round } from './metric.ts';
import {
  type LabelOracle,
  type LabelOracleJson,
  oracleProbabilities,
  oracleUnfit,
  parseOracle,
  trainOracle,
} from './oracle.ts';
import { findPii } from './pii.ts';
import { customerTexts, labelOf, type TextItem } from './tokens.ts';

export const LABEL_FIDELITY_ID = 'label_fidelity';
export const LABEL_FIDELITY_GROUP = 'labels';
const TITLE =
  'Label fidelity (items whose intent is the top-1 of an oracle trained on the reference)';

/**
 * Thresholds as fractions of the way from chance to the oracle's real-vs-real low end (its worst CV fold).
 */
export const LABEL_FIDELITY_THRESHOLDS = { warn: 0.75, fail: 0.5 } as const;

/** Fewest judged items for a verdict: under this, the metric is not computable. */
export const LABEL_FIDELITY_MIN_ITEMS = 30;

/**
 * Most items judged: above this, a seeded random sample of the covered items (a share's 95% interval is then
 * about +-1.4 points), so the metric costs the same on 100,000 items as on 5,000.
 */
export const LABEL_FIDELITY_MAX_ITEMS = 5000;

/** How many of the strongest disagreements the report lists. */
export const LABEL_FIDELITY_WORST = 20;

const EXCERPT_CHARS = 160;

/** The shipped oracles, by shipped profile id (data/reference/, built by `pnpm profiles:build`). */
export const SHIPPED_ORACLES: Readonly<Record<string, string>> = {
  banking77: 'data/reference/banking77.oracle.json',
};

/** The oracles a report judges labels with, and why a language has none (for the reason line). */
export interface OracleSet {
  oracles: readonly LabelOracle[];
  /** What could not be built or why there is none (e.g. "es: 12 labelled texts (an oracle needs 20)"). */
  note?: string;
}

/** What the validation worker is sent: a shipped oracle's id, built oracles' JSON, or why there is none. */
export type OracleSource =
  | { shipped: string }
  | { built: LabelOracleJson[]; note?: string }
  | { none: string };

const loaded = new Map<string, LabelOracle>();

/** A shipped oracle, read and decoded once per thread; null when the profile has none or the file is missing. */
export function loadShippedOracle(id: string): LabelOracle | null {
  const file = SHIPPED_ORACLES[id];
  if (!file) return null;
  const cached = loaded.get(id);
  if (cached) return cached;
  const path = resolve(REPO_ROOT, file);
  if (!existsSync(path)) return null;
  const oracle = parseOracle(JSON.parse(readFileSync(path, 'utf8')));
  loaded.set(id, oracle);
  return oracle;
}

/**
 * Decodes what the worker was sent into an {@link OracleSet} (null: no oracle, with no reason to give). Several
 * sources (several references, one per language) pool their oracles and notes.
 */
export function resolveOracles(
  source: OracleSource | readonly OracleSource[] | null | undefined,
): OracleSet | null {
  if (!source) return null;
  if (Array.isArray(source)) {
    const sets = source.map((one) => resolveOracles(one)).filter((x) => x !== null);
    if (sets.length === 0) return null;
    const notes = sets.flatMap((set) => (set.note ? [set.note] : []));
    return {
      oracles: sets.flatMap((set) => set.oracles),
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
  }
  const one = source as OracleSource;
  if ('shipped' in one) {
    if (!SHIPPED_ORACLES[one.shipped]) {
      return {
        oracles: [],
        note: `the shipped ${one.shipped} profile comes with no label oracle`,
      };
    }
    const oracle = loadShippedOracle(one.shipped);
    return oracle
      ? { oracles: [oracle] }
      : {
          oracles: [],
          note: `the shipped ${one.shipped} oracle (${SHIPPED_ORACLES[one.shipped]}) is missing; rebuild it with \`pnpm profiles:build\``,
        };
  }
  if ('built' in one) {
    return {
      oracles: one.built.map(parseOracle),
      ...(one.note ? { note: one.note } : {}),
    };
  }
  return { oracles: [], note: one.none };
}

/** `12.3%` ({@link percent}'s text) as a message parameter. */
function pct(share: number): Said {
  return say('bias.percent', { pct: share * 100 });
}

/** Why items were not judged (`3 intent unknown to the oracle`), as a sentence when the reason is known. */
function skipSaid(why: string, count: number): Reason {
  const language = /^language (.+): no oracle$/.exec(why)?.[1];
  if (language !== undefined) return say('label.skip.language', { count, language });
  const code = {
    'not an object': 'label.skip.notObject',
    'no intent label': 'label.skip.noIntent',
    'intent unknown to the oracle': 'label.skip.unknownIntent',
    'no customer text': 'label.skip.noText',
  } as const satisfies Record<string, ReportCode>;
  return Object.hasOwn(code, why)
    ? say(code[why as keyof typeof code], { count })
    : `${count} ${why}`;
}

/** The text an oracle reads of an item: its customer side, joined (as the training lab reads it). */
export function oracleText(item: TextItem, kind: 'conversations' | 'utterances'): string {
  return customerTexts(item, kind).join(' ');
}

/** Whether {@link oracleText} has something other than white space, without joining the texts. */
function hasCustomerText(item: TextItem, kind: 'conversations' | 'utterances'): boolean {
  // `\S` is what `trim` keeps: JavaScript's white space and line terminators are the same set.
  return customerTexts(item, kind).some((text) => /\S/.test(text));
}

/**
 * Oracles trained on a reference dataset's labelled texts, one per language present with enough of them
 * (items without a language label are left out: an oracle is one language's). Slow: k-fold CV plus a fit per
 * language (about a minute for 10,000 texts); the validation worker runs it.
 */
export function buildReferenceOracles(
  items: readonly TextItem[],
  kind: 'conversations' | 'utterances',
  name: string,
): { built: LabelOracleJson[]; note?: string } {
  const byLanguage = new Map<string, { texts: string[]; labels: string[] }>();
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const language = labelOf(item, 'language');
    const intent = labelOf(item, 'intent');
    const text = oracleText(item, kind);
    if (!language || !intent || !text.trim()) continue;
    const group = byLanguage.get(language) ?? { texts: [], labels: [] };
    group.texts.push(text);
    group.labels.push(intent);
    byLanguage.set(language, group);
  }
  const built: LabelOracleJson[] = [];
  const notes: string[] = [];
  for (const [language, { texts, labels }] of [...byLanguage.entries()].sort()) {
    const unfit = oracleUnfit(labels);
    if (unfit) notes.push(`no ${language} oracle: the reference has ${unfit}`);
    else built.push(trainOracle(texts, labels, { name: `${name} (${language})`, language, kind }));
  }
  if (byLanguage.size === 0)
    notes.push(`the reference ${name} has no labelled texts with a language`);
  return { built, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

/** One item judged by an oracle of its language. */
export interface LabelJudgement {
  /** The item's index in the list judged. */
  item: number;
  language: string;
  label: string;
  /** 0-based rank of the item's label among the oracle's intents (0: the oracle's top-1). */
  rank: number;
  /** The oracle's probability of the item's label: the item's label fidelity. */
  labelProbability: number;
  top: string;
  topProbability: number;
}

/** What {@link judgeLabels} found: the judged items, how many could be judged, and why the others were not. */
export interface LabelJudgements {
  judged: LabelJudgement[];
  /** Items an oracle could judge (before any sample). */
  covered: number;
  /** Items not judged, by reason (`language es: no oracle`, `intent unknown to the oracle`, ...). */
  notCovered: Record<string, number>;
}

/**
 * Per-item label fidelity: each item an oracle of its language can judge gets the oracle's probability and rank
 * of its intent label. The metric below and dataset curation (`--min-label-fidelity`) both judge through here.
 * `sample` picks which covered items to judge (default: all of them).
 */
export function judgeLabels(
  items: readonly TextItem[],
  kind: 'conversations' | 'utterances',
  oracles: readonly LabelOracle[],
  sample: <T extends { index: number }>(candidates: T[]) => T[] = (c) => c,
): LabelJudgements {
  const byLanguage = new Map(oracles.map((o) => [o.json.language, o]));
  const notCovered: Record<string, number> = {};
  const skip = (why: string) => {
    notCovered[why] = (notCovered[why] ?? 0) + 1;
  };
  const candidates: Array<{ index: number; language: string }> = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (!item || typeof item !== 'object') {
      skip('not an object');
      continue;
    }
    const language = labelOf(item, 'language');
    const oracle = language ? byLanguage.get(language) : undefined;
    if (!language || !oracle) {
      skip(`language ${language ?? '(none)'}: no oracle`);
      continue;
    }
    const intent = labelOf(item, 'intent');
    if (!intent) {
      skip('no intent label');
      continue;
    }
    if (!oracle.labels.includes(intent)) {
      skip('intent unknown to the oracle');
      continue;
    }
    if (!hasCustomerText(item, kind)) {
      skip('no customer text');
      continue;
    }
    candidates.push({ index, language });
  }
  // The texts are joined only for the items judged: a sample of 5,000 from 100,000 needs a twentieth of them.
  const queued = new Map<string, { index: number[]; texts: string[] }>();
  for (const { index, language } of sample(candidates)) {
    const q = queued.get(language) ?? { index: [], texts: [] };
    q.index.push(index);
    q.texts.push(oracleText(items[index]!, kind));
    queued.set(language, q);
  }
  const judged: LabelJudgement[] = [];
  for (const [language, { index, texts }] of queued) {
    const oracle = byLanguage.get(language)!;
    const k = oracle.labels.length;
    const probabilities = oracleProbabilities(oracle, texts);
    index.forEach((itemIndex, r) => {
      const label = labelOf(items[itemIndex]!, 'intent')!;
      const c = oracle.labels.indexOf(label);
      const o = r * k;
      const p = probabilities[o + c]!;
      let top = 0;
      let rank = 0;
      for (let d = 0; d < k; d++) {
        const pd = probabilities[o + d]!;
        if (pd > probabilities[o + top]!) top = d;
        if (pd > p || (pd === p && d < c)) rank++;
      }
      judged.push({
        item: itemIndex,
        language,
        label,
        rank,
        labelProbability: p,
        top: oracle.labels[top]!,
        topProbability: probabilities[o + top]!,
      });
    });
  }
  return { judged, covered: candidates.length, notCovered };
}

/** How many items a `label_fidelity` metric judged (its sample size). */
export function labelFidelityJudged(metric: ValidationMetric): number {
  const details = metric.details as { coverage?: { judged?: number } } | undefined;
  return details?.coverage?.judged ?? 0;
}

/** The item's text for the report: PII masked, whitespace collapsed, cut to {@link EXCERPT_CHARS}. */
function excerptOf(text: string): string {
  let masked = '';
  let at = 0;
  for (const m of findPii(text).sort((a, b) => a.start - b.start)) {
    if (m.start < at) continue;
    masked += `${text.slice(at, m.start)}[${m.kind}]`;
    at = m.end;
  }
  masked = (masked + text.slice(at)).replace(/\s+/g, ' ').trim();
  return masked.length > EXCERPT_CHARS ? `${masked.slice(0, EXCERPT_CHARS - 1)}…` : masked;
}

/**
 * The `label_fidelity` metric of a dataset. Not computable without an oracle, or with fewer than
 * {@link LABEL_FIDELITY_MIN_ITEMS} items an oracle can judge (the reason says which and why).
 */
export function labelFidelityMetric(
  items: readonly TextItem[],
  kind: 'conversations' | 'utterances',
  set: OracleSet | null,
): ValidationMetric {
  if (!set || set.oracles.length === 0) {
    return notComputable(
      LABEL_FIDELITY_ID,
      TITLE,
      LABEL_FIDELITY_GROUP,
      set?.note ?? say('label.noOracle'),
    );
  }
  const byLanguage = new Map(set.oracles.map((o) => [o.json.language, o]));
  const languages = [...byLanguage.keys()].sort();
  const { judged, covered, notCovered } = judgeLabels(items, kind, set.oracles, (candidates) =>
    candidates.length > LABEL_FIDELITY_MAX_ITEMS
      ? new Random('label_fidelity')
          .shuffle(candidates)
          .slice(0, LABEL_FIDELITY_MAX_ITEMS)
          .sort((a, b) => a.index - b.index)
      : candidates,
  );
  const n = judged.length;
  const notCoveredCount = Object.values(notCovered).reduce((a, b) => a + b, 0);
  const coverage = { items: items.length, covered, judged: n, notCovered };
  const sampleNote: Reason[] = n < covered ? [say('label.sample', { n, covered })] : [];
  const oracleNames = set.oracles.map((o) => o.json.name).join(', ');
  const skipped = Object.entries(notCovered).map(([why, count]) => skipSaid(why, count));
  const uncoveredNote: Reason[] = notCoveredCount
    ? [
        skipped.every((s) => typeof s !== 'string')
          ? say('label.notJudged', {
              k: notCoveredCount,
              n: items.length,
              why: { list: skipped as Said[], separator: ', ' },
            })
          : `${notCoveredCount} of ${items.length} items not judged (${skipped.map((s) => (typeof s === 'string' ? s : s.text)).join(', ')})`,
      ]
    : [];
  const noteTail: Reason[] = set.note ? [set.note] : [];
  if (n < LABEL_FIDELITY_MIN_ITEMS) {
    return notComputable(
      LABEL_FIDELITY_ID,
      TITLE,
      LABEL_FIDELITY_GROUP,
      joinReasons([
        say('label.few', {
          n,
          oracles: oracleNames,
          languages: languages.join('/'),
          min: LABEL_FIDELITY_MIN_ITEMS,
        }),
        ...uncoveredNote,
        ...noteTail,
      ]),
      { details: { coverage } },
    );
  }

  // Per language, per intent, and the band weighted by the judged items of each language.
  const perLanguage: Record<string, { n: number; top1: number; top3: number; cvAccuracy: number }> =
    {};
  const perIntent: Record<string, { n: number; top1: number; top3: number; real: number | null }> =
    {};
  const confusion = new Map<string, number>();
  let top1 = 0;
  let top3 = 0;
  for (const j of judged) {
    perLanguage[j.language] ??= { n: 0, top1: 0, top3: 0, cvAccuracy: 0 };
    perIntent[j.label] ??= { n: 0, top1: 0, top3: 0, real: null };
    const lang = perLanguage[j.language]!;
    const intent = perIntent[j.label]!;
    lang.n++;
    intent.n++;
    if (j.rank === 0) {
      top1++;
      lang.top1++;
      intent.top1++;
    } else {
      const pair = `${j.label}->${j.top}`;
      confusion.set(pair, (confusion.get(pair) ?? 0) + 1);
    }
    if (j.rank < 3) {
      top3++;
      lang.top3++;
      intent.top3++;
    }
  }
  let low = 0;
  let median = 0;
  let high = 0;
  let chance = 0;
  for (const [language, stats] of Object.entries(perLanguage)) {
    const oracle = byLanguage.get(language)!.json;
    const w = stats.n / n;
    low += w * Math.min(...oracle.cv.foldAccuracies);
    median += w * oracle.cv.top1;
    high += w * Math.max(...oracle.cv.foldAccuracies);
    chance += w / oracle.labels.length;
    stats.top1 = round(stats.top1 / stats.n);
    stats.top3 = round(stats.top3 / stats.n);
    stats.cvAccuracy = oracle.cv.top1;
  }
  for (const [intent, stats] of Object.entries(perIntent)) {
    stats.top1 = round(stats.top1 / stats.n);
    stats.top3 = round(stats.top3 / stats.n);
    // The oracle's own out-of-fold recall of this intent on real text (the first language's, if several).
    for (const language of languages) {
      const real = byLanguage.get(language)!.json.cv.perLabel[intent];
      if (real) {
        stats.real = real.top1;
        break;
      }
    }
  }
  const band = { low: round(low), median: round(median), high: round(high) };
  const thresholds = {
    direction: 'higher_is_better' as const,
    warn: chance + LABEL_FIDELITY_THRESHOLDS.warn * (low - chance),
    fail: chance + LABEL_FIDELITY_THRESHOLDS.fail * (low - chance),
  };
  const worst = judged
    .filter((j) => j.rank > 0)
    .sort(
      (a, b) =>
        a.labelProbability - b.labelProbability ||
        b.topProbability - a.topProbability ||
        a.item - b.item,
    )
    .slice(0, LABEL_FIDELITY_WORST)
    .map((j) => {
      const item = items[j.item]!;
      const id = labelOf(item, 'conversation_id') ?? labelOf(item, 'id');
      return {
        item: j.item,
        ...(id ? { id } : {}),
        language: j.language,
        label: j.label,
        labelProbability: round(j.labelProbability),
        labelRank: j.rank + 1,
        oracle: j.top,
        probability: round(j.topProbability),
        excerpt: excerptOf(oracleText(item, kind)),
      };
    });
  const value = top1 / n;
  const interval = wilson(top1, n);
  const cvText = Object.keys(perLanguage)
    .sort()
    .map((language) => {
      const cv = byLanguage.get(language)!.json.cv;
      return say('label.cv', {
        language,
        top1: pct(cv.top1),
        low: pct(Math.min(...cv.foldAccuracies)),
        high: pct(Math.max(...cv.foldAccuracies)),
        folds: cv.folds,
      });
    });
  const metric = measured(LABEL_FIDELITY_ID, TITLE, LABEL_FIDELITY_GROUP, value, thresholds, {
    unit: 'share',
    band,
    reason: joinReasons([
      say('label.top', { k: top1, n, top1: pct(value), top3: pct(top3 / n) }),
      ...sampleNote,
      say('label.oracle', {
        oracles: oracleNames,
        cv: { list: cvText, separator: ', ' },
        chance: pct(chance),
      }),
      ...uncoveredNote,
      ...noteTail,
    ]),
    details: {
      top1: round(value),
      top3: round(top3 / n),
      judged: n,
      chance: round(chance),
      coverage,
      perLanguage,
      perIntent,
      confusion: [...confusion.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 10)
        .map(([pair, count]) => {
          const [label, oracle] = pair.split('->');
          return { label, oracle, count };
        }),
      worst,
    },
  });
  return interval ? { ...metric, interval } : metric;
}
