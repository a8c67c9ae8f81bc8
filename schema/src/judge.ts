/**
 * The LLM judge's request contract (docs/curation.md, "LLM judge"): the model gets a rubric and a few items in a
 * fenced JSON block `{"task": "judge", "rubric": [...], "items": [...]}` and answers `{"scores": [...]}`, one
 * entry per item with a 1-5 score and a one-line reason for each criterion. Shared by the server (prompts,
 * parsing), its local provider (a heuristic judge) and the Bedrock emulator, which answer the same prompt.
 */
import * as v from 'valibot';

/** The rubric's criteria, in the order the prompt lists them. */
export const JUDGE_CRITERIA = [
  'label_faithfulness',
  'customer_naturalness',
  'agent_quality',
  'language_register',
] as const;
export type JudgeCriterion = (typeof JUDGE_CRITERIA)[number];

/** What each criterion asks, as the prompt says it. */
export const JUDGE_CRITERIA_TEXT: Record<JudgeCriterion, string> = {
  label_faithfulness:
    'Does the customer side clearly ask about the labelled intent (and not a neighbouring one)? 5: unmistakably that intent; 1: about something else.',
  customer_naturalness:
    'Does the customer sound like a real bank customer (plausible wording, length, details; no template feel)? 5: indistinguishable from a real message; 1: robotic or incoherent.',
  agent_quality:
    'Is the agent helpful and correct for a neobank (addresses the request, plausible steps, no invented policies, no harm)? 5: exemplary; 1: wrong or unhelpful. null when the item has no agent side.',
  language_register:
    'Is every turn in the labelled language, with a register that fits customer service (polite, consistent)? 5: fully; 1: wrong language or inappropriate register.',
};

/** Bumped when the rubric's meaning changes: scores of another version are not the same judge. */
export const RUBRIC_VERSION = 1;

/** One item to judge, as the prompt carries it. */
export interface JudgeItem {
  /** The item's key in its dataset. */
  id: string;
  intent: string | null;
  /** The intent's description from the catalog, so the judge knows what the label means. */
  intent_description?: string;
  language: string | null;
  turns: { speaker: 'customer' | 'agent'; text: string }[];
}

export interface JudgeRequest {
  task: 'judge';
  rubric: JudgeCriterion[];
  items: JudgeItem[];
}

/** Finds the judge request in a user message (the fenced JSON block, else the first object with "task"). */
export function extractJudgeRequest(prompt: string): JudgeRequest | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(prompt);
  const at = prompt.indexOf('{"task"');
  const candidates = [fenced?.[1], at >= 0 ? prompt.slice(at) : undefined].filter(
    (c): c is string => typeof c === 'string' && c.trim().startsWith('{'),
  );
  for (const c of candidates) {
    try {
      const parsed = JSON.parse(c.trim()) as JudgeRequest;
      if (parsed.task === 'judge' && Array.isArray(parsed.items)) return parsed;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

const ScoreSchema = v.object({
  score: v.pipe(
    v.number('score must be a number'),
    v.integer('score must be a whole number'),
    v.minValue(1, 'score must be between 1 and 5'),
    v.maxValue(5, 'score must be between 1 and 5'),
  ),
  reason: v.pipe(
    v.string('reason must be text'),
    v.transform((s) => s.replace(/\s+/g, ' ').trim().slice(0, 300)),
  ),
});
export type CriterionScore = v.InferOutput<typeof ScoreSchema>;

/** One item's scores as the model answers them; `agent_quality` is null for an item without an agent side. */
export const JudgedItemSchema = v.object({
  id: v.string('id must be the item id'),
  label_faithfulness: ScoreSchema,
  customer_naturalness: ScoreSchema,
  agent_quality: v.nullable(ScoreSchema),
  language_register: ScoreSchema,
});
export type JudgedItem = v.InferOutput<typeof JudgedItemSchema>;

/** The answer's outer shape; each entry is checked on its own, so one bad entry does not lose the others. */
export const JudgeAnswerSchema = v.object({
  scores: v.array(v.unknown(), 'scores must be a list'),
});

/** The mean of an item's scored criteria: what `--min-judge-score` compares with. */
export function overallScore(item: Omit<JudgedItem, 'id'>): number {
  const scores = JUDGE_CRITERIA.map((c) => item[c]?.score).filter(
    (s): s is number => typeof s === 'number',
  );
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

/** A judge run's live state, as streamed by `judgeProgress` and drawn by `genesis judge`. */
export interface JudgeProgress {
  runId: number;
  datasetId: number | null;
  status: 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
  /** Why the run paused or failed, or a note (a batch that ran on demand), for people. */
  message: string | null;
  mode: 'on_demand' | 'batch';
  model: string;
  /** Items the run judges (its sample), those scored so far (by this run or earlier runs), and given up on. */
  planned: number;
  scored: number;
  failed: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** The estimate made before the run started. */
  estimateUsd: number;
  /** Bedrock batch inference, while a batch runs. */
  batch: { status: string; records: number } | null;
  sequence: number;
  updatedAt: string;
}
