// The cluster Lease (lib/lock/lease.ts) against the real control plane (the run's shared cluster,
// in a namespace of this file's own): the API server accepts the Lease as written (MicroTime times,
// create-only and resourceVersion-checked replace); one holder, a second run fails or waits
// (woken by the watch) naming the holder, an expired Lease is taken over and said, a race of two
// takers (free or expired) leaves one holder, --check only reads, and the writes are all
// recognisable.
import { describe, expect, it } from 'vitest';
import { LockError } from '../../../lib/errors.ts';
import { newRunIdentity } from '../../../lib/lock/identity.ts';
import { isLockRequest, LOCK_LEASE_NAME, readLease, takeLease } from '../../../lib/lock/lease.ts';
import { useCluster, useTestNamespace } from '../../support/cluster.ts';

const c = useCluster({ shared: true });
const ns = useTestNamespace(c, 'lease');
const NS = ns.name;

const said = () => { const lines: string[] = []; return { lines, say: (m: string) => { lines.push(m); } }; };
const lease = async () => (await c().get('coordination.k8s.io/v1', 'Lease', NS, LOCK_LEASE_NAME))!;
const writesSince = (mark: number) => c().requests.slice(mark).filter((r) => r.method !== 'GET');
const isLock = (path: string) => isLockRequest(path.split('?')[0]!, NS);

describe('cluster Lease', () => {
  it('holds the run id and owner; a second run with timeout 0 fails naming the holder; release frees it', async () => {
    const first = newRunIdentity();
    const held = await takeLease(ns.api(), first, { namespace: NS, timeoutSeconds: 0, ...said() });
    expect((await lease()).spec).toMatchObject({ holderIdentity: first.id, leaseDurationSeconds: 60 });
    expect((await lease()).spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/); // MicroTime, as the server keeps it
    expect((await lease()).metadata.annotations).toMatchObject({ 'capstan.io/owner': first.owner, 'capstan.io/pid': String(first.pid) });
    const err = await takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, ...said() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toContain(`${NS}/capstan-run is held by run ${first.id} of ${first.owner}`);
    await held.release();
    expect((await lease()).spec.holderIdentity).toBeUndefined();
    const next = await takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, ...said() });
    await next.release();
  });

  it('a second run waits (watching the Lease), says who holds it, and takes it once released', async () => {
    const first = newRunIdentity();
    const held = await takeLease(ns.api(), first, { namespace: NS, timeoutSeconds: 0, ...said() });
    const out = said();
    const second = newRunIdentity();
    const started = Date.now();
    const taking = takeLease(ns.api(), second, { namespace: NS, timeoutSeconds: 20, say: (m) => { out.say(m); void held.release(); } });
    const got = await taking;
    expect([held.waited, got.waited]).toEqual([false, true]); // what it read before may be stale: openCluster reads again
    expect(Date.now() - started).toBeLessThan(10_000); // woken by the watch, not by the 20 s bound
    expect(out.lines).toEqual([expect.stringMatching(new RegExp(`held by run ${first.id} .*; waiting up to 20s \\(capstan_lock_timeout\\)`))]);
    expect((await lease()).spec.holderIdentity).toBe(second.id);
    await got.release();
  });

  it('releasing is one request (a write over what the run last wrote); after another run wrote the Lease, it is read and left to that run', async () => {
    const lockRequests = (mark: number) => c().requests.slice(mark).filter((r) => isLock(r.path)).map((r) => r.method);
    const held = await takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, ...said() });
    let mark = c().requests.length;
    await held.release();
    expect(lockRequests(mark)).toEqual(['PUT']);
    expect((await lease()).spec.holderIdentity).toBeUndefined();

    const again = await takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, ...said() });
    // another run takes it over behind this one's back (as after this run stopped renewing)
    const live = await ns.api().get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: LOCK_LEASE_NAME, namespace: NS } });
    await ns.api().replace({ ...live!, spec: { ...(live!['spec'] as object), holderIdentity: 'other-run' } });
    mark = c().requests.length;
    await again.release();
    expect(lockRequests(mark)).toEqual(['PUT', 'GET']); // the write conflicts (409); the read shows it is not ours
    expect((await lease()).spec.holderIdentity).toBe('other-run');
    await ns.api().delete({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: LOCK_LEASE_NAME, namespace: NS } });
  });

  it('an expired Lease (its holder stopped renewing) is taken over, and it says whose it was', async () => {
    const dead = newRunIdentity();
    const held = await takeLease(ns.api(), dead, { namespace: NS, timeoutSeconds: 0, ...said(), now: () => Date.now() - 120_000 });
    void held; // never released: the run "died"
    const out = said();
    const next = await takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, ...out });
    expect(out.lines).toEqual([expect.stringMatching(new RegExp(`took over the cluster Lease ${NS}/capstan-run from run ${dead.id} .*stopped renewing`))]);
    expect((await lease()).spec.leaseTransitions).toBeGreaterThanOrEqual(1);
    await next.release();
  });

  it('two runs racing for a free Lease: exactly one holds it', async () => {
    const [a, b] = [newRunIdentity(), newRunIdentity()];
    const results = await Promise.allSettled([a, b].map((run) => takeLease(ns.api(), run, { namespace: NS, timeoutSeconds: 0, ...said() })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as Error).message)).toEqual([expect.stringMatching(/is held by run/)]);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
  });

  it('two runs racing for an expired Lease: exactly one takes it over, and one says whose it was', async () => {
    const dead = newRunIdentity();
    await takeLease(ns.api(), dead, { namespace: NS, timeoutSeconds: 0, ...said(), now: () => Date.now() - 120_000 });
    const out = said();
    const results = await Promise.allSettled([0, 1].map(() => takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, say: out.say })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(out.lines.filter((l) => l.includes(`from run ${dead.id}`))).toHaveLength(1);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
  });

  it('--check reads it: names a live holder, nothing for a free or expired one, and writes nothing', async () => {
    const first = newRunIdentity();
    const held = await takeLease(ns.api(), first, { namespace: NS, timeoutSeconds: 0, ...said() });
    const mark = c().requests.length;
    expect(await readLease(ns.api(), NS)).toMatch(new RegExp(`^run ${first.id} of `));
    expect(await readLease(ns.api(), NS, () => Date.now() + 61_000)).toBeUndefined();
    expect(writesSince(mark)).toEqual([]);
    await held.release();
    expect(await readLease(ns.api(), NS)).toBeUndefined();
  });

  it('every request of the lock is recognisable by isLockRequest (so write counts can leave them out)', async () => {
    const mark = c().requests.length;
    const held = await takeLease(ns.api(), newRunIdentity(), { namespace: NS, timeoutSeconds: 0, ...said() });
    await held.release();
    const requests = c().requests.slice(mark);
    expect(writesSince(mark).length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((r) => !isLock(r.path))).toEqual([]);
  });

  it('a namespace that does not exist: a clear error naming capstan_lock_namespace', async () => {
    const err = await takeLease(ns.api(), newRunIdentity(), { namespace: 'no-such-ns', timeoutSeconds: 0, ...said() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).hint).toMatch(/capstan_lock_namespace/);
  });
});
