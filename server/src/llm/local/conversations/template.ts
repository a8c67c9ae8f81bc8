import type { Random } from '@genesis/schema/random';

/**
 * A tiny phrase grammar, so that one line of a phrase table stands for dozens of sentences:
 *
 * - `[a|b|c]` picks one alternative uniformly; groups nest; `[a|]` makes `a` optional.
 * - `{name}` inserts a named value (an amount, a merchant, a register-dependent verb form) from the
 *   conversation's {@link ValueSource}, which keeps one value per name for the whole conversation, so a
 *   customer who lost 50 EUR in turn 1 still talks about 50 EUR in turn 3.
 *
 * Templates are parsed once and cached; expansion only draws from the given Random, so it is deterministic.
 */

type Node = string | { kind: 'choice'; options: Node[][] } | { kind: 'value'; name: string };

/** Resolves `{name}` placeholders. */
export interface ValueSource {
  value(name: string): string;
}

const cache = new Map<string, Node[]>();

/** Thrown when a phrase table holds a malformed template: a bug in the tables, caught by the tests. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

function parse(template: string): Node[] {
  let pos = 0;

  function sequence(inGroup: boolean): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push(text);
      text = '';
    };
    while (pos < template.length) {
      const ch = template[pos]!;
      if (ch === '[') {
        flush();
        pos++;
        const options: Node[][] = [sequence(true)];
        while (template[pos] === '|') {
          pos++;
          options.push(sequence(true));
        }
        if (template[pos] !== ']') {
          throw new TemplateError(`unclosed '[' in template: ${template}`);
        }
        pos++;
        nodes.push({ kind: 'choice', options });
      } else if (ch === '{') {
        flush();
        const end = template.indexOf('}', pos);
        if (end < 0) throw new TemplateError(`unclosed '{' in template: ${template}`);
        nodes.push({ kind: 'value', name: template.slice(pos + 1, end) });
        pos = end + 1;
      } else if (inGroup && (ch === '|' || ch === ']')) {
        break;
      } else if (ch === ']' || ch === '|' || ch === '}') {
        throw new TemplateError(`unexpected '${ch}' at ${pos} in template: ${template}`);
      } else {
        text += ch;
        pos++;
      }
    }
    flush();
    return nodes;
  }

  return sequence(false);
}

function parsed(template: string): Node[] {
  let nodes = cache.get(template);
  if (!nodes) {
    nodes = parse(template);
    cache.set(template, nodes);
  }
  return nodes;
}

function render(nodes: Node[], rng: Random, values: ValueSource): string {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') out += node;
    else if (node.kind === 'value') out += values.value(node.name);
    else out += render(rng.pick(node.options), rng, values);
  }
  return out;
}

/** Tidies what optional groups leave behind: double spaces, spaces before punctuation. */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.?!;:])/g, '$1')
    .replace(/([¿¡])\s+/g, '$1')
    .replace(/,([.?!])/g, '$1')
    .trim();
}

/** Expands one template into a sentence. */
export function expand(template: string, rng: Random, values: ValueSource): string {
  return tidy(render(parsed(template), rng, values));
}

/** Picks one template of a list and expands it. */
export function expandOne(templates: readonly string[], rng: Random, values: ValueSource): string {
  return expand(rng.pick(templates), rng, values);
}

/** Parses a template without expanding it; throws {@link TemplateError} when it is malformed. */
export function checkTemplate(template: string): void {
  parse(template);
}

/** The `{name}` placeholders a template uses, for checking tables against the known values. */
export function templateValueNames(template: string): string[] {
  const names: string[] = [];
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      if (typeof node === 'string') continue;
      if (node.kind === 'value') names.push(node.name);
      else for (const option of node.options) walk(option);
    }
  };
  walk(parse(template));
  return names;
}

/** Upper-cases the first letter (after any opening Spanish punctuation). */
export function capitalize(text: string): string {
  return text.replace(/^([¿¡"'(]*)(\p{L})/u, (_, lead: string, first: string) => {
    return lead + first.toUpperCase();
  });
}
