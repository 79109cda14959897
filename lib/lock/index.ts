/**
 * Run locks (docs/reliability.md): a lock file on each host a run connects to (host.ts) and a
 * Lease in the cluster (lease.ts), both taken on first use and held until the run ends, so two
 * runs never interleave their changes. --check reads them (and warns), --plan touches neither.
 */
import type { RunIdentity } from './identity.ts';

/** What the runner hands to the transport and cluster openers. */
export interface RunLock {
  readonly run: RunIdentity;
  /** take: a run that may change things; read: --check, which only warns when a lock is held. */
  readonly mode: 'take' | 'read';
  /** A line for the screen (waiting for a holder, a stale lock taken over, a lock held during --check). */
  say(message: string): void;
}

export { newRunIdentity, describeHolder, type RunIdentity } from './identity.ts';
export { takeHostLock, readHostLock, type HeldHostLock } from './host.ts';
export { takeLease, readLease, isLockRequest, LOCK_LEASE_NAME, LEASE_SECONDS, type HeldLease } from './lease.ts';
export { lockVars, lockSettings, type LockSettings } from './vars.ts';
