// The cluster Lease (lib/lock/lease.ts) against the Kubernetes API simulator: one holder, a second
// run fails or waits (watching) naming the holder, an expired Lease is taken over and said, a
// race of two takers leaves one holder, --check only reads, and the writes are all recognisable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockError } from '../../../lib/errors.ts';
import { connectKube, loadKubeConfig, type KubeApi } from '../../../lib/kube/client.ts';
import { newRunIdentity } from '../../../lib/lock/identity.ts';
import { isLockRequest, LOCK_LEASE_NAME, readLease, takeLease } from '../../../lib/lock/lease.ts';
import { startSimulator, type Simulator } from '../../../lib/lab/kube-sim/index.ts';

let sim: Simulator;
let api: KubeApi;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'capstan-lease-'));
  await sim.writeKubeconfig(join(dir, 'kubeconfig'));
  api = connectKube(loadKubeConfig(join(dir, 'kubeconfig')), { minTimeoutMs: 10 });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const said = () => { const lines: string[] = []; return { lines, say: (m: string) => { lines.push(m); } }; };
const lease = () => sim.store.get('coordination.k8s.io/v1', 'Lease', 'kube-system', LOCK_LEASE_NAME);

describe('cluster Lease', () => {
  it('holds the run id and owner; a second run with timeout 0 fails naming the holder; release frees it', async () => {
    const first = newRunIdentity();
    const held = await takeLease(api, first, { namespace: 'kube-system', timeoutSeconds: 0, ...said() });
    expect(lease().spec).toMatchObject({ holderIdentity: first.id, leaseDurationSeconds: 60 });
    expect(lease().metadata.annotations).toMatchObject({ 'capstan.io/owner': first.owner, 'capstan.io/pid': String(first.pid) });
    const err = await takeLease(api, newRunIdentity(), { namespace: 'kube-system', timeoutSeconds: 0, ...said() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toContain(`kube-system/capstan-run is held by run ${first.id} of ${first.owner}`);
    await held.release();
    expect(lease().spec.holderIdentity).toBeUndefined();
    const next = await takeLease(api, newRunIdentity(), { namespace: 'kube-system', timeoutSeconds: 0, ...said() });
    await next.release();
  });

  it('a second run waits (watching the Lease), says who holds it, and takes it once released', async () => {
    const first = newRunIdentity();
    const held = await takeLease(api, first, { namespace: 'kube-system', timeoutSeconds: 0, ...said() });
    const out = said();
    const second = newRunIdentity();
    const started = Date.now();
    const taking = takeLease(api, second, { namespace: 'kube-system', timeoutSeconds: 20, say: (m) => { out.say(m); void held.release(); } });
    const got = await taking;
    expect(Date.now() - started).toBeLessThan(10_000); // woken by the watch, not by the 20 s bound
    expect(out.lines).toEqual([expect.stringMatching(new RegExp(`held by run ${first.id} .*; waiting up to 20s \\(capstan_lock_timeout\\)`))]);
    expect(lease().spec.holderIdentity).toBe(second.id);
    await got.release();
  });

  it('an expired Lease (its holder stopped renewing) is taken over, and it says whose it was', async () => {
    const dead = newRunIdentity();
    const held = await takeLease(api, dead, { namespace: 'kube-system', timeoutSeconds: 0, ...said(), now: () => Date.now() - 120_000 });
    void held; // never released: the run "died"
    const out = said();
    const next = await takeLease(api, newRunIdentity(), { namespace: 'kube-system', timeoutSeconds: 0, ...out });
    expect(out.lines).toEqual([expect.stringMatching(new RegExp(`took over the cluster Lease kube-system/capstan-run from run ${dead.id} .*stopped renewing`))]);
    expect(lease().spec.leaseTransitions).toBeGreaterThanOrEqual(1);
    await next.release();
  });

  it('two runs racing for a free Lease: exactly one holds it', async () => {
    const [a, b] = [newRunIdentity(), newRunIdentity()];
    const results = await Promise.allSettled([a, b].map((run) => takeLease(api, run, { namespace: 'kube-system', timeoutSeconds: 0, ...said() })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as Error).message)).toEqual([expect.stringMatching(/is held by run/)]);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
  });

  it('--check reads it: names a live holder, nothing for a free or expired one, and writes nothing', async () => {
    const first = newRunIdentity();
    const held = await takeLease(api, first, { namespace: 'kube-system', timeoutSeconds: 0, ...said() });
    const mark = sim.requests.length;
    expect(await readLease(api, 'kube-system')).toMatch(new RegExp(`^run ${first.id} of `));
    expect(await readLease(api, 'kube-system', () => Date.now() + 61_000)).toBeUndefined();
    expect(sim.requests.slice(mark).filter((r) => r.method !== 'GET')).toEqual([]);
    await held.release();
    expect(await readLease(api, 'kube-system')).toBeUndefined();
  });

  it('every request of the lock is recognisable by isLockRequest (so write counts can leave them out)', async () => {
    const mark = sim.requests.length;
    const held = await takeLease(api, newRunIdentity(), { namespace: 'kube-system', timeoutSeconds: 0, ...said() });
    await held.release();
    const requests = sim.requests.slice(mark);
    expect(requests.filter((r) => r.method !== 'GET').length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((r) => !isLockRequest(r.path))).toEqual([]);
  });

  it('a namespace that does not exist: a clear error naming capstan_lock_namespace', async () => {
    const err = await takeLease(api, newRunIdentity(), { namespace: 'no-such-ns', timeoutSeconds: 0, ...said() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).hint).toMatch(/capstan_lock_namespace/);
  });
});
