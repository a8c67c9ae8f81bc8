/**
 * Diversity of two text datasets on equal samples, for comparisons. Distinct-n falls as text grows, so two
 * datasets of different sizes are measured on the same token budget: half the smaller side's tokens (capped at
 * the report's budget), over several random draws with fixed seeds. Half, so the smaller side's draws differ
 * too: the spread of half-samples drawn without replacement estimates the sampling spread of the whole
 * (docs/validation.md, "Compare").
 */
import type { Message } from '@genesis/schema/report-message';
import { say } from '../messages.ts';
import { buildCorpus, DISTINCT_TOKEN_BUDGET, distinctN, type TextKind } from './corpus.ts';
import { round } from './metric.ts';
import type { TextItem } from './tokens.ts';

/** Random draws per side. */
export const EQUAL_SAMPLE_DRAWS = 20;

/** A side's mean over the draws and its 95% range (mean ± 1.96 standard deviations). */
export interface SideEstimate {
  value: number;
  low: number;
  high: number;
}

export interface EqualSampleDiversity {
  /** Tokens measured on each side in every draw. */
  tokens: number;
  tokensA: number;
  tokensB: number;
  draws: number;
  seed: string;
  /** What was done, for the report. */
  note: string;
  /** `note` as a message. */
  noteMessage?: Message;
  metrics: Record<
    'diversity.distinct_1' | 'diversity.distinct_2',
    { a: SideEstimate; b: SideEstimate }
  >;
}

function estimate(values: readonly number[]): SideEstimate {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const sd = Math.sqrt(
    values.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, values.length - 1),
  );
  return { value: round(mean), low: round(mean - 1.96 * sd), high: round(mean + 1.96 * sd) };
}

/** Distinct-1 and distinct-2 of both sides on the same token budget; null when a side has under 2 tokens. */
export function equalSampleDiversity(
  itemsA: readonly unknown[],
  kindA: TextKind,
  itemsB: readonly unknown[],
  kindB: TextKind,
  seed = 'compare',
): EqualSampleDiversity | null {
  const a = buildCorpus(itemsA as readonly TextItem[], kindA);
  const b = buildCorpus(itemsB as readonly TextItem[], kindB);
  const allA = Array.from({ length: a.size }, (_, i) => i);
  const allB = Array.from({ length: b.size }, (_, i) => i);
  const tokensA = distinctN(a, allA, Number.POSITIVE_INFINITY, seed)?.tokens ?? 0;
  const tokensB = distinctN(b, allB, Number.POSITIVE_INFINITY, seed)?.tokens ?? 0;
  const tokens = Math.min(DISTINCT_TOKEN_BUDGET, Math.floor(Math.min(tokensA, tokensB) / 2));
  if (tokens < 2) return null;
  const draw = (corpus: typeof a, all: number[], side: string) =>
    Array.from(
      { length: EQUAL_SAMPLE_DRAWS },
      (_, k) => distinctN(corpus, all, tokens, `${seed}:${side}:${k}`)!,
    );
  const drawsA = draw(a, allA, 'a');
  const drawsB = draw(b, allB, 'b');
  const note = say('compare.equalSample', {
    tokens,
    smaller: Math.min(tokensA, tokensB),
    a: tokensA,
    b: tokensB,
    draws: EQUAL_SAMPLE_DRAWS,
  });
  return {
    tokens,
    tokensA,
    tokensB,
    draws: EQUAL_SAMPLE_DRAWS,
    seed,
    note: note.text,
    noteMessage: note.message,
    metrics: {
      'diversity.distinct_1': {
        a: estimate(drawsA.map((d) => d.distinct1)),
        b: estimate(drawsB.map((d) => d.distinct1)),
      },
      'diversity.distinct_2': {
        a: estimate(drawsA.map((d) => d.distinct2)),
        b: estimate(drawsB.map((d) => d.distinct2)),
      },
    },
  };
}
