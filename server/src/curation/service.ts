/**
 * Dataset curation: a new dataset holding the items of a source dataset that pass a set of rules, with its
 * lineage (`source.curatedFrom`, `source.rules`) and a report of what was dropped and why. The source is never
 * changed. See docs/curation.md, "Curate".
 *
 * Each rule reuses the validation lab's own measure, so a curated dataset passes the check it was curated by:
 * label fidelity is the label oracle's probability of the item's intent (`judgeLabels`), near-duplicates the
 * MinHash signatures and LSH index of the diversity metrics, language mismatch the language identifier.
 */

import type { DatasetKind } from '@genesis/schema/common';
import { codedMessage } from '@genesis/schema/messages';
import * as v from 'valibot';
import { clearLanguage } from '../language/language.ts';
import type { Services } from '../platform/db/orm.ts';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { type Dataset, DatasetSchema } from '../registry/dataset.entity.ts';
import type { NewItem } from '../registry/dataset.repository.ts';
import { DatasetItemSchema } from '../registry/dataset-item.entity.ts';
import {
  buildReferenceOracles,
  judgeLabels,
  loadShippedOracle,
  oracleText,
} from '../validation/text/label-fidelity.ts';
import {
  addShingles,
  clearBins,
  LshIndex,
  newBins,
  SIGNATURE_BINS,
  writeSignature,
} from '../validation/text/minhash.ts';
import { type LabelOracle, parseOracle } from '../validation/text/oracle.ts';
import { customerTexts, tokenize } from '../validation/text/tokens.ts';
import { judgeScoresOf } from './judge.ts';
import { checkLabels } from './label-check.ts';

/** The near-duplicate similarity (estimated Jaccard of character 5-gram shingles) the validation lab uses. */
export const CURATION_NEAR_DUPLICATE = 0.8;

/** Examples kept per rule in the report. */
const EXAMPLES_PER_RULE = 5;

/** The curation rules; at least one must be set. */
export const CurationRulesSchema = v.pipe(
  v.object({
    /** Drop items whose label the oracle gives a probability under this (0..1). */
    minLabelFidelity: v.optional(
      v.pipe(
        v.number('minLabelFidelity must be a number'),
        v.minValue(0, 'minLabelFidelity must be between 0 and 1'),
        v.maxValue(1, 'minLabelFidelity must be between 0 and 1'),
      ),
    ),
    /** Drop an item whose customer side is a near-duplicate (similarity >= 0.8) of an earlier kept item. */
    dropNearDuplicates: v.optional(v.boolean(), false),
    /** Drop items whose customer side is clearly written in another language than their label. */
    dropLanguageMismatch: v.optional(v.boolean(), false),
    /** Drop items the LLM judge scored under this (1..5); needs judge scores. */
    minJudgeScore: v.optional(
      v.pipe(
        v.number('minJudgeScore must be a number'),
        v.minValue(1, 'minJudgeScore must be between 1 and 5'),
        v.maxValue(5, 'minJudgeScore must be between 1 and 5'),
      ),
    ),
    /**
     * Confident learning: drop items whose label the out-of-fold predictions of a classifier trained on the dataset
     * itself (plus the reference dataset's texts, when given) confidently contradict (label-check.ts).
     */
    dropLabelDisagreement: v.optional(v.boolean(), false),
    /**
     * Conversations: keep each kept item's opening exchange only (the customer's first message and the agent's
     * reply): later customer turns (details, reactions) are dropped from the item, which then reads like the
     * single messages an intent classifier is asked about.
     */
    openingOnly: v.optional(v.boolean(), false),
    /**
     * The real texts of this dataset: the label oracle is trained on them instead of the shipped Banking77 oracle,
     * and the label-disagreement check trains on them beside the items.
     */
    referenceDatasetId: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(1, 'referenceDatasetId must be a dataset id')),
    ),
  }),
  v.check(
    (r) =>
      r.minLabelFidelity !== undefined ||
      r.dropNearDuplicates ||
      r.dropLanguageMismatch ||
      r.dropLabelDisagreement ||
      r.openingOnly ||
      r.minJudgeScore !== undefined,
    'give at least one rule: minLabelFidelity, dropLabelDisagreement, dropNearDuplicates, dropLanguageMismatch, minJudgeScore or openingOnly',
  ),
);
export type CurationRules = v.InferOutput<typeof CurationRulesSchema>;
export type CurationRulesInput = v.InferInput<typeof CurationRulesSchema>;

export type CurationRule =
  | 'language_mismatch'
  | 'label_fidelity'
  | 'label_disagreement'
  | 'judge_score'
  | 'near_duplicate';

/** What a curation dropped and why. */
export interface CurationReport {
  source: { id: number; name: string; items: number };
  kept: number;
  dropped: number;
  /** Per rule, in the order they apply (an item is counted under the first rule it fails). */
  rules: Record<
    string,
    { dropped: number; perIntent: Record<string, number>; threshold?: number; note?: string }
  >;
  /** Per intent: items in the source, kept and dropped. */
  perIntent: Record<string, { items: number; kept: number; dropped: number }>;
  /** A few dropped items per rule. */
  examples: Array<{
    rule: CurationRule;
    key: string;
    intent: string | null;
    language: string | null;
    excerpt: string;
    detail: string;
  }>;
  /** openingOnly: customer turns removed from kept items (with the agent replies after them). */
  trimmedTurns?: number;
  /** Label fidelity: items the oracle could not judge (kept), by reason. */
  notJudged?: Record<string, number>;
  oracle?: string;
}

export interface CurationResult {
  dataset: Dataset;
  report: CurationReport;
  /** True when the same rules on the same source snapshot had already been applied: this is that dataset. */
  reused: boolean;
}

interface SourceRow {
  key: string;
  data: Record<string, unknown>;
  columns: NewItem['columns'];
}

/** The rules as stored in the lineage: only what was set, in a fixed key order (the idempotence key). */
function canonicalRules(rules: CurationRules): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rules.dropLanguageMismatch) out.dropLanguageMismatch = true;
  if (rules.minLabelFidelity !== undefined) out.minLabelFidelity = rules.minLabelFidelity;
  if (rules.dropLabelDisagreement) out.dropLabelDisagreement = true;
  if (rules.dropNearDuplicates) out.dropNearDuplicates = true;
  if (rules.minJudgeScore !== undefined) out.minJudgeScore = rules.minJudgeScore;
  if (rules.openingOnly) out.openingOnly = true;
  if (
    rules.referenceDatasetId !== undefined &&
    (rules.minLabelFidelity !== undefined || rules.dropLabelDisagreement)
  ) {
    out.referenceDatasetId = rules.referenceDatasetId;
  }
  return out;
}

/**
 * A conversation cut to its opening exchange: the customer's first message and the turn after it (the agent's
 * reply), with `turn_count` to match. `trimmed` counts the customer turns removed.
 */
export function openingOf(data: Record<string, unknown>): {
  data: Record<string, unknown>;
  trimmed: number;
} {
  const turns = data.turns as { speaker: string }[] | undefined;
  if (!Array.isArray(turns) || turns.length <= 2) return { data, trimmed: 0 };
  const kept = turns.slice(0, 2);
  const trimmed = turns.slice(2).filter((t) => t.speaker === 'customer').length;
  return { data: { ...data, turns: kept, turn_count: kept.length }, trimmed };
}

/** The labelled texts of a reference dataset (its customer side, for conversations). */
async function referenceTexts(
  services: Services,
  referenceId: number,
): Promise<{ texts: string[]; labels: string[] }> {
  const ref = await services.em.fork().findOne(DatasetSchema, referenceId);
  if (!ref) throw new NotFoundError('Dataset', String(referenceId));
  if (ref.kind === 'timeseries') {
    throw new InputError([
      { path: 'rules.referenceDatasetId', ...codedMessage('curation.referenceTexts') },
    ]);
  }
  const out = { texts: [] as string[], labels: [] as string[] };
  for (const r of await readRows(services, referenceId)) {
    const text = customerTexts(r.data, ref.kind).join(' ');
    if (text.trim() && r.columns.intent) {
      out.texts.push(text);
      out.labels.push(r.columns.intent);
    }
  }
  return out;
}

async function readRows(services: Services, datasetId: number): Promise<SourceRow[]> {
  const em = services.em.fork();
  const snapshot = await services.datasets(em).snapshot(datasetId);
  const rows: SourceRow[] = [];
  let after = -1;
  for (;;) {
    const chunk = await em.find(
      DatasetItemSchema,
      { dataset: datasetId, id: { $lte: snapshot.maxId }, position: { $gt: after } },
      { orderBy: { position: 'asc' }, limit: 1000 },
    );
    em.clear();
    for (const r of chunk) {
      rows.push({
        key: r.key,
        data: r.data,
        columns: {
          intent: r.intent ?? null,
          category: r.category ?? null,
          language: r.language ?? null,
          sentiment: r.sentiment ?? null,
          complexity: r.complexity ?? null,
          resolution: r.resolution ?? null,
          seriesType: r.seriesType ?? null,
          domain: r.domain ?? null,
        },
      });
    }
    if (chunk.length < 1000) break;
    after = chunk[chunk.length - 1]!.position;
  }
  return rows;
}

function excerpt(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 160 ? `${t.slice(0, 159)}…` : t;
}

/** The oracles of a curation: trained on the reference dataset, else the shipped Banking77 oracle. */
async function oraclesFor(
  services: Services,
  referenceId: number | undefined,
): Promise<{ oracles: LabelOracle[]; name: string }> {
  if (referenceId === undefined) {
    const shipped = loadShippedOracle('banking77');
    if (!shipped) {
      throw new InputError([
        {
          path: 'rules.minLabelFidelity',
          ...codedMessage('curation.oracleMissing'),
        },
      ]);
    }
    return { oracles: [shipped], name: shipped.json.name };
  }
  const em = services.em.fork();
  const ref = await em.findOne(DatasetSchema, referenceId);
  if (!ref) throw new NotFoundError('Dataset', String(referenceId));
  if (ref.kind === 'timeseries') {
    throw new InputError([
      { path: 'rules.referenceDatasetId', ...codedMessage('curation.oracleTexts') },
    ]);
  }
  const rows = await readRows(services, referenceId);
  const built = buildReferenceOracles(
    rows.map((r) => r.data),
    ref.kind,
    ref.name,
  );
  if (built.built.length === 0) {
    throw new InputError([
      {
        path: 'rules.referenceDatasetId',
        ...codedMessage('curation.oracleUntrained', {
          id: referenceId,
          note: built.note ?? 'no labelled texts',
        }),
      },
    ]);
  }
  return { oracles: built.built.map(parseOracle), name: ref.name };
}

/**
 * Curates a dataset: a new dataset of the items that pass `rules`, in source order and with their keys, and the
 * report of what was dropped. Rules apply in this order, each to the items the previous ones kept: language
 * mismatch, label fidelity, label disagreement, judge score, near-duplicates (the first of a group of
 * near-duplicates is kept); then `openingOnly` trims the kept conversations to their opening exchange. The same rules on
 * the same source (same items) return the dataset made the first time.
 */
export async function curateDataset(
  services: Services,
  sourceId: number,
  rawRules: unknown,
): Promise<CurationResult> {
  const parsed = v.safeParse(CurationRulesSchema, rawRules ?? {});
  if (!parsed.success) {
    const issues = InputError.fromIssues(parsed.issues).issues.map((i) => ({
      ...i,
      path: i.path ? `rules.${i.path}` : 'rules',
    }));
    throw new InputError(issues);
  }
  const rules = parsed.output;
  const em = services.em.fork();
  const source = await em.findOne(DatasetSchema, sourceId);
  if (!source) throw new NotFoundError('Dataset', String(sourceId));
  if (source.kind === 'timeseries') {
    throw new InputError([
      {
        path: 'id',
        ...codedMessage('curation.timeSeries', { id: sourceId }),
      },
    ]);
  }
  if (rules.openingOnly && source.kind !== 'conversations') {
    throw new InputError([
      {
        path: 'rules.openingOnly',
        ...codedMessage('curation.openingOnly', { id: sourceId }),
      },
    ]);
  }
  // The LLM judge's stored scores (docs/curation.md, "LLM judge"): the latest of each item, any judge.
  const judgeScores =
    rules.minJudgeScore !== undefined ? await judgeScoresOf(services, sourceId) : null;
  if (judgeScores && judgeScores.size === 0) {
    throw new InputError([
      {
        path: 'rules.minJudgeScore',
        ...codedMessage('curation.noJudgeScores', { id: sourceId }),
      },
    ]);
  }
  const kind = source.kind as Exclude<DatasetKind, 'timeseries'>;
  const snapshot = await services.datasets(em).snapshot(sourceId);
  const canonical = canonicalRules(rules);
  const rulesKey = JSON.stringify({
    ...canonical,
    items: snapshot.count,
    maxItemId: snapshot.maxId,
    // New scores (a later judge run) make a new curation.
    ...(judgeScores
      ? {
          judgeScores: judgeScores.size,
          maxJudgeScoreId: Math.max(...[...judgeScores.values()].map((j) => j.id)),
        }
      : {}),
  });

  // Idempotence: the curated datasets of this source, found by their lineage.
  const candidates = await em.find(DatasetSchema, {
    name: { $like: `${source.name.slice(0, 80)}%` },
    kind: source.kind,
  });
  for (const d of candidates) {
    const s = d.source as { curatedFrom?: number; rulesKey?: string; report?: CurationReport };
    if (s?.curatedFrom === sourceId && s.rulesKey === rulesKey && s.report) {
      return { dataset: d, report: s.report, reused: true };
    }
  }

  const rows = await readRows(services, sourceId);
  const dropped = new Array<CurationRule | null>(rows.length).fill(null);
  const report: CurationReport = {
    source: { id: source.id, name: source.name, items: rows.length },
    kept: 0,
    dropped: 0,
    rules: {},
    perIntent: {},
    examples: [],
  };
  const texts = rows.map((r) => customerTexts(r.data, kind).join(' '));
  const drop = (i: number, rule: CurationRule, detail: string) => {
    dropped[i] = rule;
    const entry = report.rules[rule]!;
    entry.dropped++;
    const intent = rows[i]!.columns.intent ?? '(none)';
    entry.perIntent[intent] = (entry.perIntent[intent] ?? 0) + 1;
    if (report.examples.filter((e) => e.rule === rule).length < EXAMPLES_PER_RULE) {
      report.examples.push({
        rule,
        key: rows[i]!.key,
        intent: rows[i]!.columns.intent ?? null,
        language: rows[i]!.columns.language ?? null,
        excerpt: excerpt(texts[i]!),
        detail,
      });
    }
  };

  if (rules.dropLanguageMismatch) {
    report.rules.language_mismatch = {
      dropped: 0,
      perIntent: {},
      note: 'dropped only when the text is clearly in the other language (enough letters, one language well ahead)',
    };
    rows.forEach((row, i) => {
      const label = row.columns.language;
      if (!label) return;
      const detected = clearLanguage(texts[i]!);
      if (detected && detected !== label) {
        drop(i, 'language_mismatch', `labelled ${label}, written in ${detected}`);
      }
    });
  }

  if (rules.minLabelFidelity !== undefined) {
    const threshold = rules.minLabelFidelity;
    const { oracles, name } = await oraclesFor(services, rules.referenceDatasetId);
    report.oracle = name;
    report.rules.label_fidelity = { dropped: 0, perIntent: {}, threshold };
    const live = rows.map((_, i) => i).filter((i) => dropped[i] === null);
    const { judged, notCovered } = judgeLabels(
      live.map((i) => rows[i]!.data),
      kind,
      oracles,
    );
    report.notJudged = notCovered;
    for (const j of judged) {
      if (j.labelProbability < threshold) {
        drop(
          live[j.item]!,
          'label_fidelity',
          `the oracle gives ${j.label} ${j.labelProbability.toFixed(3)} (rank ${j.rank + 1}); its top intent is ${j.top} (${j.topProbability.toFixed(3)})`,
        );
      }
    }
  }

  if (rules.dropLabelDisagreement) {
    report.rules.label_disagreement = {
      dropped: 0,
      perIntent: {},
      note: 'confident learning on out-of-fold predictions (5 folds) of a classifier trained on the items kept so far plus the reference texts',
    };
    const live = rows
      .map((_, i) => i)
      .filter((i) => dropped[i] === null && rows[i]!.columns.intent);
    const reference =
      rules.referenceDatasetId !== undefined
        ? await referenceTexts(services, rules.referenceDatasetId)
        : { texts: [], labels: [] };
    const check = await checkLabels(
      { texts: live.map((i) => texts[i]!), labels: live.map((i) => rows[i]!.columns.intent!) },
      reference,
    );
    live.forEach((row, j) => {
      if (check.flagged[j]) {
        drop(
          row,
          'label_disagreement',
          `read as ${check.readAs[j]} out of fold; ${rows[row]!.columns.intent} has probability ${check.ownProbability[j]!.toFixed(3)}`,
        );
      }
    });
  }

  if (judgeScores && rules.minJudgeScore !== undefined) {
    const threshold = rules.minJudgeScore;
    let notJudged = 0;
    report.rules.judge_score = {
      dropped: 0,
      perIntent: {},
      threshold,
      note: 'the mean of the rubric criteria, latest score of each item; items without a score are kept',
    };
    rows.forEach((row, i) => {
      if (dropped[i] !== null) return;
      const score = judgeScores.get(row.key);
      if (!score) {
        notJudged++;
        return;
      }
      if (score.overall < threshold) {
        const worst = Object.entries(score.scores)
          .filter(([, s]) => s !== null)
          .sort((a, b) => (a[1] ?? 5) - (b[1] ?? 5))[0];
        drop(
          i,
          'judge_score',
          `judge score ${score.overall.toFixed(2)} (${score.judge})${worst ? `; lowest ${worst[0]} ${worst[1]}: ${score.reasons[worst[0]] ?? ''}` : ''}`,
        );
      }
    });
    if (notJudged > 0) report.rules.judge_score.note += ` (${notJudged} not judged)`;
  }

  if (rules.dropNearDuplicates) {
    report.rules.near_duplicate = {
      dropped: 0,
      perIntent: {},
      threshold: CURATION_NEAR_DUPLICATE,
    };
    const signatures = new Uint16Array(rows.length * SIGNATURE_BINS);
    const index = new LshIndex(signatures);
    const bins = newBins();
    for (let i = 0; i < rows.length; i++) {
      if (dropped[i] !== null) continue;
      clearBins(bins);
      addShingles(tokenize(oracleText(rows[i]!.data, kind)).join(' '), bins);
      if (!writeSignature(bins, signatures, i * SIGNATURE_BINS)) continue;
      const match = index.findSimilar(signatures, i * SIGNATURE_BINS, CURATION_NEAR_DUPLICATE);
      if (match >= 0) {
        drop(i, 'near_duplicate', `near-duplicate of item ${rows[match]!.key}`);
      } else {
        index.add(i);
      }
    }
  }

  const keep: NewItem[] = [];
  if (rules.openingOnly) report.trimmedTurns = 0;
  rows.forEach((row, i) => {
    const intent = row.columns.intent ?? '(none)';
    report.perIntent[intent] ??= { items: 0, kept: 0, dropped: 0 };
    const stats = report.perIntent[intent]!;
    stats.items++;
    if (dropped[i] === null) {
      stats.kept++;
      let data = row.data;
      if (rules.openingOnly) {
        const opened = openingOf(data);
        report.trimmedTurns! += opened.trimmed;
        data = opened.data;
      }
      keep.push({ key: row.key, data, columns: row.columns });
    } else stats.dropped++;
  });
  report.kept = keep.length;
  report.dropped = rows.length - keep.length;

  const ruleText = Object.entries(canonical)
    .map(([k, value]) => (value === true ? k : `${k}=${value}`))
    .join(', ');
  const dataset = await services.datasets(services.em.fork()).createWithItems(
    {
      name: `${source.name.slice(0, 80)} (curated)`,
      kind: source.kind,
      origin: source.origin,
      description: `Curated from dataset ${source.id} (${source.name}) by ${ruleText}: kept ${report.kept} of ${rows.length} items.`,
      source: { curatedFrom: source.id, rules: canonical, rulesKey, report },
      tags: ['curated'],
    },
    keep,
  );
  return { dataset, report, reused: false };
}
