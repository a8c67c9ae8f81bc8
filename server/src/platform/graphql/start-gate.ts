/**
 * Spreads a burst of subscription starts over event-loop turns of a few milliseconds each.
 *
 * A thousand clients subscribing at once (a dashboard reloaded by a team, a benchmark) arrive in one read of the
 * sockets, and each start's work (parse, validate, subscribe, the first event) runs as promise continuations:
 * without a gate they all run in one turn of the event loop, half a second and more in which no timer fires and
 * no model answer is read, so a running job slows down for subscribers it does not serve (see
 * docs/architecture.md, "Live progress at scale"). Behind the gate the starts are let through a few at a time,
 * one group per loop iteration (`setImmediate` run from a check phase queues for the next iteration), sized so
 * a group's work takes about `sliceMs`: a job's timers and I/O run between two groups, and the loop does not pay
 * an iteration per start. The work is the same, and a start waits only for the starts queued before it.
 *
 * Written here: queue libraries (p-queue, p-limit) bound concurrency, not event-loop turns; a start's work
 * is synchronous in effect, so a concurrency of one would still run every start in the same turn.
 */
export class StartGate {
  #waiting: (() => void)[] = [];
  #head = 0;
  #scheduled = false;
  /** Starts let through per turn, adapted to what the last group cost. */
  #group = 1;
  /** When the last group was let through (its work ran after that, before the next turn). */
  #lastAt = 0;
  readonly #sliceMs: number;

  constructor(sliceMs = 8) {
    this.#sliceMs = sliceMs;
  }

  /** Starts waiting now. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /** Resolves in a later turn, after the starts that came before it. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (!this.#scheduled) {
        this.#scheduled = true;
        this.#group = 1;
        this.#lastAt = 0;
        setImmediate(this.#next);
      }
    });
  }

  #next = () => {
    const now = performance.now();
    if (this.#lastAt > 0) {
      // The time since the last group: its starts' work plus one loop iteration.
      const spent = Math.max(0.1, now - this.#lastAt);
      this.#group = Math.max(1, Math.min(64, Math.round((this.#group * this.#sliceMs) / spent)));
    }
    this.#lastAt = now;
    for (let i = 0; i < this.#group && this.waiting > 0; i++) this.#waiting[this.#head++]!();
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    }
    if (this.waiting > 0) setImmediate(this.#next);
    else this.#scheduled = false;
  };
}
