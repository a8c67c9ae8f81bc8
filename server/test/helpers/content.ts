import { expect } from 'vitest';

/**
 * A conversation's customer turns, case- and space-folded: two equal ones are the same conversation to a reader.
 * Tests count distinct ones to find duplicated content; counting keys finds nothing, since the (dataset, key)
 * index already makes keys unique.
 */
export function customerSide(data: Record<string, unknown>): string {
  const turns = (data.turns ?? []) as { speaker: string; text: string }[];
  const side = turns
    .filter((t) => t.speaker === 'customer')
    .map((t) => t.text.toLowerCase().replace(/\s+/g, ' ').trim())
    .join('\n');
  expect(side, 'every conversation has a customer side').not.toBe('');
  return side;
}
