import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Logger } from './logger.ts';

/**
 * Leases of generation jobs and training runs: a process claims a row by writing its owner id and renews it;
 * another process may take it over when the lease expires, or at once when the owner is a dead process on
 * the same machine.
 */

/** A new owner id for this process: `host:pid:nonce` (the nonce tells two managers of one process apart). */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Whether a lease owner (`host:pid:nonce`) is a process on this machine that no longer exists. */
export function deadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid) || Number(pid) === process.pid)
    return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The columns a leased row has (generation jobs, training runs). */
export interface LeasedRow {
  id: number;
  leaseOwner?: string | null;
  leaseExpiresAt?: Date | null;
}

export interface LeaseOptions<E extends LeasedRow> {
  entity: EntityName<E>;
  /** A fresh EntityManager for each statement (leases are written beside the work, never inside it). */
  em: () => EntityManager;
  leaseMs: number;
  /** What the rows are, for log lines ("generation job"). */
  what: string;
  logger?: Logger | undefined;
}

/**
 * One lease for every kind of leased work (docs/architecture.md, "Leases"): a process claims a row with one
 * atomic UPDATE, renews it from a heartbeat, and loses it when another process took the row over. A row is
 * takeable when it is free, already ours, expired, or held by a process of this machine that no longer exists
 * (a killed `serve` or `generate`: no need to wait for its lease to run out). Periodic sweeps log their errors
 * and go on: a sweep that throws must not stop the next one, and must not fail silently either.
 */
export class Lease<E extends LeasedRow> {
  /** This process's name in leases. */
  readonly owner = newLeaseOwner();
  readonly #options: LeaseOptions<E>;

  constructor(options: LeaseOptions<E>) {
    this.#options = options;
  }

  get leaseMs(): number {
    return this.#options.leaseMs;
  }

  /** When a lease taken or renewed now runs out. */
  expiry(from = Date.now()): Date {
    return new Date(from + this.#options.leaseMs);
  }

  /** Whether a row read a moment ago may be taken now (the claim re-checks atomically). */
  takeable(row: Pick<E, 'leaseOwner' | 'leaseExpiresAt'>, now = Date.now()): boolean {
    const owner = row.leaseOwner ?? null;
    return (
      owner === null ||
      owner === this.owner ||
      (row.leaseExpiresAt?.getTime() ?? 0) < now ||
      deadLocalOwner(owner)
    );
  }

  /**
   * Takes a row for this process: succeeds only when nobody holds it, we do, its lease has expired, or its holder
   * is a dead local process, and `where` (e.g. a status that is not final) holds. Two processes never both win.
   */
  async claim(id: number, where: FilterQuery<E> = {} as FilterQuery<E>): Promise<boolean> {
    const em = this.#options.em();
    const now = new Date();
    const row = await em.findOne(this.#options.entity, { id } as FilterQuery<E>, {
      fields: ['leaseOwner'] as never,
    });
    const holder = (row as LeasedRow | null)?.leaseOwner ?? null;
    const takeable: Record<string, unknown>[] = [
      { leaseOwner: null },
      { leaseOwner: this.owner },
      { leaseExpiresAt: { $lt: now } },
    ];
    if (holder && deadLocalOwner(holder)) takeable.push({ leaseOwner: holder });
    // The lease columns are known (LeasedRow), but MikroORM cannot check a filter over a generic entity.
    const filter = { ...(where as object), id, $or: takeable } as unknown as FilterQuery<E>;
    const updated = await em.nativeUpdate(this.#options.entity, filter, {
      leaseOwner: this.owner,
      leaseExpiresAt: this.expiry(now.getTime()),
    } as never);
    return updated === 1;
  }

  /**
   * Renews our lease (writing `data` with it). Returns false when the row is no longer ours: another process
   * took it over. A failed statement is logged and counts as renewed: the next tick retries, and the lease is
   * long enough to absorb a few missed heartbeats.
   */
  async renew(id: number, data: Partial<E> = {}): Promise<boolean> {
    try {
      const renewed = await this.#options
        .em()
        .nativeUpdate(
          this.#options.entity,
          { id, leaseOwner: this.owner } as FilterQuery<E>,
          { ...data, leaseExpiresAt: this.expiry() } as never,
        );
      return renewed > 0;
    } catch (err) {
      this.#options.logger?.warn({ err, id }, `could not renew the lease of ${this.#options.what}`);
      return true;
    }
  }

  /** Runs `tick` (which renews) every third of the lease until the returned function is called. */
  heartbeat(tick: () => Promise<void>): () => void {
    const timer = setInterval(() => void tick(), Math.max(250, this.#options.leaseMs / 3));
    return () => clearInterval(timer);
  }

  /** Runs a sweep every `intervalMs` (take over or fail rows of dead holders); its errors are logged. */
  every(intervalMs: number, sweep: () => Promise<unknown>, name: string): () => void {
    const timer = setInterval(() => {
      sweep().catch((err: unknown) =>
        this.#options.logger?.warn({ err }, `${name} failed; retrying in ${intervalMs} ms`),
      );
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
