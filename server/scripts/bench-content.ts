/** Shared by bench:generation and bench:batch: how duplicated content is counted (docs/benchmarks.md). */

/**
 * What makes two items the same content: a conversation's customer turns, or a series' values (slot keys and
 * ids differ by construction, so they say nothing about duplicated content).
 */
export function contentKey(data: Record<string, unknown>): string {
  if (Array.isArray(data.turns)) {
    return JSON.stringify(
      (data.turns as { speaker?: unknown; text?: unknown }[])
        .filter((t) => t.speaker === 'customer')
        .map((t) => String(t.text).toLowerCase().replace(/\s+/g, ' ').trim()),
    );
  }
  if (Array.isArray(data.target)) return JSON.stringify(data.target);
  throw new Error(`an item with neither turns nor target: ${JSON.stringify(data).slice(0, 200)}`);
}
/** Items whose content repeats an earlier item's. */
export function duplicatedContent(items: Iterable<Record<string, unknown>>): number {
  let n = 0;
  const seen = new Set<string>();
  for (const item of items) {
    const key = contentKey(item);
    if (seen.has(key)) n++;
    else seen.add(key);
  }
  return n;
}
