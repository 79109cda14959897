// lib/cluster's openCluster on the real control plane (the run's shared cluster, a Lease namespace
// of this file's own): the warm-up's reads (Helm's release list, discovery) go out beside the run
// Lease's requests instead of after them; a run that had to wait for another run's Lease reads the
// releases again, since that run may have changed them meanwhile.
import { describe, expect, it } from 'vitest';
import { openCluster } from '../../../lib/cluster/index.ts';
import { newRunIdentity } from '../../../lib/lock/identity.ts';
import { takeLease } from '../../../lib/lock/lease.ts';
import type { TaskLog } from '../../../lib/role.ts';
import { useCluster, useTestNamespace } from '../../support/cluster.ts';

const c = useCluster({ shared: true });
const ns = useTestNamespace(c, 'open');
const NS = ns.name;

const log: TaskLog = { progress: () => {}, verbose: () => {}, warn: () => {} };
const open = (said: string[] = []) => openCluster({
  host: { name: 'server1', groups: ['server'], vars: { kubeconfig: c().kubeconfig, capstan_lock_namespace: NS, capstan_lock_timeout: 30 } },
  transport: () => Promise.reject(new Error('no transport in this test')),
  shared: new Map(), log, signal: new AbortController().signal, retry: { minTimeoutMs: 20 }, warm: true,
  lock: { run: newRunIdentity(), mode: 'take', say: (m) => said.push(m) },
});
/** Index and kind of this file's requests since `mark`: the Lease's writes, the release lists. */
const requests = (mark: number) => c().requests.slice(mark).map((r, i) => ({ i, method: r.method, path: r.path.split('?')[0]! }));
const isLeaseWrite = (r: { method: string; path: string }) => r.method !== 'GET' && r.path.includes(`/namespaces/${NS}/leases`);
const isReleaseList = (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/api/v1/secrets';

describe('openCluster', () => {
  it('sends the release list and discovery before the run Lease is written, not after it', async () => {
    const mark = c().requests.length;
    const opened = await open();
    try {
      const rs = requests(mark);
      const leaseWrite = rs.find(isLeaseWrite);
      const releaseList = rs.find(isReleaseList);
      expect(leaseWrite).toBeDefined();
      expect(releaseList).toBeDefined();
      expect(releaseList!.i).toBeLessThan(leaseWrite!.i);
      expect(rs.filter(isReleaseList)).toHaveLength(1);
    } finally {
      await opened.close();
    }
  });

  it('a run that waited for another run\'s Lease reads the releases again once it holds it', async () => {
    const other = await takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, say: () => {} });
    const said: string[] = [];
    const mark = c().requests.length;
    const opening = open(said);
    // let the other run go once this one says it waits
    for (let i = 0; i < 200 && !said.some((m) => /waiting up to 30s/.test(m)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(said.join('\n')).toMatch(/is held by run .*; waiting up to 30s/);
    await other.release();
    const opened = await opening;
    try {
      // the second list is the warm-up's, sent in the background: give it a moment to arrive (bounded)
      for (let i = 0; i < 100 && requests(mark).filter(isReleaseList).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      const rs = requests(mark);
      const lists = rs.filter(isReleaseList);
      expect(lists).toHaveLength(2);
      expect(lists[1]!.i).toBeGreaterThan(rs.filter(isLeaseWrite).at(-1)!.i); // the second after this run's Lease write
    } finally {
      await opened.close();
    }
  });
});
