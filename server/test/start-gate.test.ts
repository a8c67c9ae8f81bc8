import { describe, expect, it } from 'vitest';
import { StartGate } from '../src/platform/graphql/start-gate.ts';

/** Busy work of `ms` milliseconds: a subscription start's synchronous cost. */
function work(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('StartGate', () => {
  it('lets a burst of starts through in order, and a timer due meanwhile fires before the burst ends', async () => {
    const gate = new StartGate(8);
    const order: number[] = [];
    let timerAt = -1;
    // A running job's timer (a model call's answer, say), due right away.
    setTimeout(() => {
      timerAt = order.length;
    }, 0);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        gate.turn().then(() => {
          work(1);
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // 200 ms of starts: the timer ran between two groups of them, within the first few groups.
    expect(timerAt).toBeGreaterThanOrEqual(0);
    expect(timerAt).toBeLessThan(50);
    expect(gate.waiting).toBe(0);
  });

  it('serves a start that comes after a burst has drained', async () => {
    const gate = new StartGate();
    await Promise.all([gate.turn(), gate.turn()]);
    await expect(gate.turn()).resolves.toBeUndefined();
    expect(gate.waiting).toBe(0);
  });
});
