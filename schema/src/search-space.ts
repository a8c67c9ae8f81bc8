/**
 * The search-space syntax (`C=0.1,1,10; alpha=0.1..3`) of the CLI's `--search-space` and the web app's Train
 * form, parsed by the same code in both, with coded messages (`training.search.*`; docs/training.md).
 */
import { type CodedMessage, codedMessage } from './messages.ts';

/**
 * One searched parameter, as the API and the CLI take it: a list of values (grid search tries each; random
 * search draws from them), or a `min..max` range (random search only, sampled log-uniformly; whole numbers
 * for integer parameters).
 */
export interface SearchParamSpec {
  readonly name: string;
  readonly values?: readonly unknown[] | null;
  readonly min?: number | null;
  readonly max?: number | null;
}

/** A bad search spec: `param` is the parameter name (or null for the spec as a whole). */
export class SearchSpecError extends Error {
  override name = 'SearchSpecError';
  /** The message as a code and parameters (`@genesis/schema/messages`), when it has one. */
  readonly coded: CodedMessage | null;
  constructor(
    readonly param: string | null,
    message: string | CodedMessage,
  ) {
    super(typeof message === 'string' ? message : message.message);
    this.coded = typeof message === 'string' ? null : message;
  }
}

/** Splits on `sep` outside brackets and quotes, so JSON values can hold commas. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && (ch === '[' || ch === '{')) depth++;
    else if (!quoted && (ch === ']' || ch === '}')) depth--;
    else if (!quoted && depth === 0 && ch === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseScalar(raw: string, name: string): unknown {
  if (raw === '')
    throw new SearchSpecError(name, codedMessage('training.search.emptyValue', { name }));
  if (/^[[{"]/.test(raw) || /^(true|false|null)$/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new SearchSpecError(name, codedMessage('training.search.valueNotJson', { name, raw }));
    }
  }
  const n = Number(raw);
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw) && Number.isFinite(n)) return n;
  return raw;
}

/**
 * Parses the CLI's search space: `NAME=VALUES` separated by `;`, where VALUES is a comma-separated list
 * (`C=0.1,1,10`) or, for random search, a range `MIN..MAX` (`C=0.01..100`). Values are numbers, true/false,
 * null, words (`model=svm,logreg`) or JSON (`features.blocks.1.ngramRange=[2,5],[3,5]`). A JSON object
 * `{"C": [0.1, 1], "alpha": {"min": 0.1, "max": 3}}` works too.
 */
export function parseSearchSpace(text: string): SearchParamSpec[] {
  const trimmed = text.trim();
  if (!trimmed) throw new SearchSpecError(null, codedMessage('training.search.empty'));
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new SearchSpecError(
        null,
        codedMessage('training.search.notJson', { error: (err as Error).message }),
      );
    }
    return Object.entries(parsed as Record<string, unknown>).map(([name, domain]) => {
      if (Array.isArray(domain)) return { name, values: domain };
      if (domain && typeof domain === 'object') {
        const { min, max } = domain as { min?: unknown; max?: unknown };
        if (typeof min === 'number' && typeof max === 'number') return { name, min, max };
      }
      throw new SearchSpecError(name, codedMessage('training.search.listOrRange', { name }));
    });
  }
  return splitTop(trimmed, ';')
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) {
        throw new SearchSpecError(null, codedMessage('training.search.notNameValues', { part }));
      }
      const name = part.slice(0, eq).trim();
      const raw = part.slice(eq + 1).trim();
      const range = /^([^.,]+|\d*\.\d+)\.\.(.+)$/.exec(raw);
      if (range && !raw.includes(',')) {
        const [min, max] = [Number(range[1]), Number(range[2])];
        if (!Number.isFinite(min) || !Number.isFinite(max)) {
          throw new SearchSpecError(name, codedMessage('training.search.notRange', { name, raw }));
        }
        return { name, min, max };
      }
      return { name, values: splitTop(raw, ',').map((v) => parseScalar(v, name)) };
    });
}
