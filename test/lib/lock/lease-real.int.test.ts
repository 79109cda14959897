// The cluster Lease (lib/lock/lease.ts) against a real control plane (test/support/cluster.ts:
// kube-apiserver and etcd, its own, without MetalLB): the API server accepts the Lease as written (MicroTime times,
// create-only and resourceVersion-checked replace), one holder at a time, a waiter woken by the
// watch, an expired Lease taken over, a race with one winner, and every write recognisable.

import { describe, expect, it } from 'vitest';
import { LockError } from '../../../lib/errors.ts';
import { connectKube, loadKubeConfig, type KubeApi } from '../../../lib/kube/client.ts';
import { newRunIdentity } from '../../../lib/lock/identity.ts';
import { isLockRequest, LOCK_LEASE_NAME, takeLease } from '../../../lib/lock/lease.ts';
import { useCluster } from '../../support/cluster.ts';

const c = useCluster({ lbIps: false });
const NS = `lock-${process.pid}`;
let api: KubeApi;
const said = () => { const lines: string[] = []; return { lines, say: (m: string) => { lines.push(m); } }; };
const opts = (extra: Partial<Parameters<typeof takeLease>[2]> = {}) => ({ namespace: NS, timeoutSeconds: 0, ...said(), ...extra });

describe('cluster Lease on a real API server', () => {
  it('is created, held, refused to a second run naming the holder, and let go', async () => {
    api = connectKube(loadKubeConfig(c().kubeconfig), { minTimeoutMs: 20 });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const first = newRunIdentity();
    const mark = c().requests.length;
    const held = await takeLease(api, first, opts());
    const live = await c().get('coordination.k8s.io/v1', 'Lease', NS, LOCK_LEASE_NAME);
    expect(live.spec).toMatchObject({ holderIdentity: first.id, leaseDurationSeconds: 60 });
    expect(live.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const err = await takeLease(api, newRunIdentity(), opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toContain(`${NS}/capstan-run is held by run ${first.id} of ${first.owner}`);
    await held.release();
    expect((await c().get('coordination.k8s.io/v1', 'Lease', NS, LOCK_LEASE_NAME)).spec.holderIdentity).toBeUndefined();
    const writes = c().requests.slice(mark).filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(writes.filter((r) => !isLockRequest(r.path.split('?')[0]!, NS))).toEqual([]);
  });

  it('a waiter is woken by the watch when the holder lets go', async () => {
    const held = await takeLease(api, newRunIdentity(), opts());
    const second = newRunIdentity();
    const started = Date.now();
    const got = await takeLease(api, second, opts({ timeoutSeconds: 30, say: () => { void held.release(); } }));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await c().get('coordination.k8s.io/v1', 'Lease', NS, LOCK_LEASE_NAME)).spec.holderIdentity).toBe(second.id);
    await got.release();
  });

  it('an expired Lease is taken over; two runs racing for it: exactly one wins', async () => {
    const dead = newRunIdentity();
    await takeLease(api, dead, opts({ now: () => Date.now() - 120_000 }));
    const out = said();
    const results = await Promise.allSettled([0, 1].map(() => takeLease(api, newRunIdentity(), { ...opts(), say: out.say })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(out.lines.filter((l) => l.includes(`from run ${dead.id}`))).toHaveLength(1);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });
});
