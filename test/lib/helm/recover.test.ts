// planRecovery (lib/helm/recover.ts) as a table: each stuck state a stopped helm can leave, with
// and without a revision deployed before, and what the next run does about it.
import { describe, expect, it } from 'vitest';
import { planRecovery } from '../../../lib/helm/recover.ts';
import type { DeployedRelease, RevisionInfo } from '../../../lib/helm/state.ts';

const latest = (revision: number, status: string): DeployedRelease =>
  ({ name: 'gw', namespace: 'gw', revision, status, chart: { name: 'gateway', version: '1.30.3' }, values: {}, manifest: '' });
const h = (...statuses: string[]): RevisionInfo[] => statuses.map((status, i) => ({ revision: i + 1, status }));

describe('planRecovery', () => {
  it.each([
    ['not installed', undefined, [], 'none'],
    ['deployed', latest(1, 'deployed'), h('deployed'), 'none'],
    ['pending-install (first install stopped)', latest(1, 'pending-install'), h('pending-install'), 'uninstall'],
    ['uninstalling (atomic rollback of a first install stopped)', latest(1, 'uninstalling'), h('uninstalling'), 'uninstall'],
    ['uninstalling after a deployed history', latest(2, 'uninstalling'), h('superseded', 'uninstalling'), 'uninstall'],
    ['failed first install', latest(1, 'failed'), h('failed'), 'uninstall'],
    ['failed, only failed revisions', latest(2, 'failed'), h('failed', 'failed'), 'uninstall'],
    ['failed upgrade after a deployed revision (a normal upgrade takes it on)', latest(2, 'failed'), h('deployed', 'failed'), 'none'],
    ['pending-upgrade after a deployed revision', latest(2, 'pending-upgrade'), h('deployed', 'pending-upgrade'), 'rollback 1'],
    ['pending-upgrade, the good one superseded earlier', latest(3, 'pending-upgrade'), h('superseded', 'deployed', 'pending-upgrade'), 'rollback 2'],
    ['pending-upgrade with no deployed revision', latest(2, 'pending-upgrade'), h('failed', 'pending-upgrade'), 'uninstall'],
    ['pending-rollback after a deployed revision', latest(3, 'pending-rollback'), h('superseded', 'failed', 'pending-rollback'), 'rollback 1'],
  ] as const)('%s', (_what, release, history, want) => {
    const r = planRecovery(release, history);
    expect(r.action === 'rollback' ? `rollback ${r.revision}` : r.action).toBe(want);
    if (r.action !== 'none') expect(r.reason).toMatch(new RegExp(`^revision ${release!.revision} is ${release!.status}`));
  });
});
