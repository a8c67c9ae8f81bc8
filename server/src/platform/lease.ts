import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

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
