/**
 * Who a run is, as its locks record it: a run id (unique per run), the owner (user@controller),
 * the controller's pid and the start time. Every lock a run takes (a lock file on each host, a
 * Lease in the cluster) carries the same identity, so "held by" messages name one run.
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

export interface RunIdentity {
  /** e.g. 20261202T091502Z-3f9a1c: sortable, unique per run. */
  readonly id: string;
  /** user@controller-hostname. */
  readonly owner: string;
  /** The capstan process on the controller. */
  readonly pid: number;
  /** ISO time the run started. */
  readonly started: string;
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    // no passwd entry for this uid (containers): the uid names the user
    return `uid${process.getuid?.() ?? '?'}`;
  }
}

export function newRunIdentity(now: Date = new Date()): RunIdentity {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return { id: `${stamp}-${randomBytes(3).toString('hex')}`, owner: `${userName()}@${hostname()}`, pid: process.pid, started: now.toISOString() };
}

/** "run 20261202T091502Z-3f9a1c of root@ctl (pid 4242, started 2026-12-02T09:15:02Z)". */
export function describeHolder(h: { id?: string; owner?: string; pid?: string | number; started?: string; where?: string }): string {
  const parts = [h.pid !== undefined && h.pid !== '' ? `pid ${h.pid}${h.where ? ` on ${h.where}` : ''}` : '', h.started ? `started ${h.started}` : ''].filter(Boolean);
  return `run ${h.id || '(unknown)'} of ${h.owner || '(unknown owner)'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
