/**
 * Releases a stopped helm left stuck, and how the next run gets them going again without a
 * `helm` command by hand. Helm refuses to touch a release whose latest revision is pending
 * ("another operation is in progress"), and one never deployed ("has no deployed releases").
 * The rule, as a pure function of the release's history (facts) → what to do:
 *
 *   uninstalling                              → finish the uninstall (then install, if wanted)
 *   pending-install, or pending-x or failed with
 *     no revision ever deployed               → uninstall the half-made release (then install)
 *   pending-upgrade / pending-rollback with a
 *     revision deployed before                → roll back to that revision (then upgrade)
 *   failed with a revision deployed before    → nothing here: a normal upgrade takes it on
 *
 * Safe because the run holds the cluster Lease (lib/lock): no other capstan run is changing
 * the release, so a pending revision is one whose helm is gone.
 */
import type { DeployedRelease, RevisionInfo } from './state.ts';

export type Recovery =
  | { action: 'none' }
  | { action: 'uninstall'; reason: string }
  | { action: 'rollback'; revision: number; reason: string };

const EVER_DEPLOYED = new Set(['deployed', 'superseded']);

export function planRecovery(latest: DeployedRelease | undefined, history: readonly RevisionInfo[]): Recovery {
  if (!latest) return { action: 'none' };
  const s = latest.status;
  const rel = `revision ${latest.revision} is ${s}`;
  if (s === 'uninstalling') return { action: 'uninstall', reason: `${rel}: an uninstall was interrupted; finishing it` };
  const good = history.filter((h) => h.revision < latest.revision && EVER_DEPLOYED.has(h.status)).at(-1);
  if (s === 'pending-install' || ((s.startsWith('pending-') || s === 'failed') && !good)) {
    return { action: 'uninstall', reason: `${rel} and no revision was ever deployed: a first install ${s === 'failed' ? 'failed' : 'was interrupted'}; removing what it left` };
  }
  if ((s === 'pending-upgrade' || s === 'pending-rollback') && good) {
    return { action: 'rollback', revision: good.revision, reason: `${rel}: ${s === 'pending-upgrade' ? 'an upgrade' : 'a rollback'} was interrupted; rolling back to revision ${good.revision} (${good.status})` };
  }
  return { action: 'none' };
}
