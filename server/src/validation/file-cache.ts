import { readFileSync, statSync } from 'node:fs';

const cache = new Map<string, { stamp: string; value: unknown }>();

/**
 * A JSON file read and parsed once per process while it stays the same (same modification time and size):
 * the shipped reference profiles are read on every validation otherwise. A file that changes is read again.
 * The value is shared between callers: treat it as read-only.
 */
export function readJsonCached(path: string): unknown {
  const stat = statSync(path);
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const hit = cache.get(path);
  if (hit && hit.stamp === stamp) return hit.value;
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  cache.set(path, { stamp, value });
  return value;
}
