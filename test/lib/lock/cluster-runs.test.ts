// Two whole runs against one cluster (the Kubernetes API simulator) at once: the run Lease keeps
// their cluster writes apart (the second waits, saying who holds it, or with capstan_lock_timeout
// 0 refuses), --check only reads and warns, and a no-op run's only writes are the Lease's own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import { isLockRequest } from '../../../lib/lock/lease.ts';
import { startSimulator, type Simulator } from '../../../lib/lab/kube-sim/index.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const playbook = resolve(projectDir, 'test/fixtures/lock/playbooks/cluster.ts');
let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'capstan-cluster-runs-'));
  await sim.writeKubeconfig(join(dir, 'kubeconfig'));
  writeFileSync(join(dir, 'hosts'), `[server]\ncontroller ansible_connection=local kubeconfig=${join(dir, 'kubeconfig')}\n`);
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run { code: number; text: string }

function run(vars: Record<string, unknown>, ...flags: string[]): Promise<Run> {
  let text = '';
  const sink = { write: (s: string) => { text += s; return true; } };
  return playMain(['--inventory', join(dir, 'hosts'), '--playbook', playbook, '-e', JSON.stringify(vars), ...flags],
    { stdout: sink, stderr: sink, projectDir, cwd: projectDir, env: process.env }).then((code) => ({ code, text }));
}

/** The ConfigMap writes since `from`, in order, as the name each wrote. */
const writers = (from: number) => sim.requests.slice(from)
  .filter((r) => r.method !== 'GET' && !isLockRequest(r.path)).map((r) => /configmaps\/([\w-]+)/.exec(r.path)?.[1] ?? r.path);

/** Until some run holds the Lease (a bounded poll of the simulator's store). */
async function leaseHeld(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (sim.store.get('coordination.k8s.io/v1', 'Lease', 'kube-system', 'capstan-run')?.spec?.holderIdentity) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no run took the Lease in 10s');
}

/** Run A, and B once A holds the Lease. */
async function both(a: Record<string, unknown>, b: Record<string, unknown>): Promise<[Run, Run]> {
  const runA = run(a);
  await leaseHeld();
  return Promise.all([runA, run(b)]);
}

describe('two cluster runs at once', () => {
  it('the second waits for the first\'s Lease, saying who holds it; their writes never interleave', async () => {
    const mark = sim.requests.length;
    const [a, b] = await both({ writer_name: 'a', writer_hold_ms: 1500 }, { writer_name: 'b' });
    expect(a.code, a.text).toBe(0);
    expect(b.code, b.text).toBe(0);
    expect(b.text).toMatch(/\[WARNING\]: the cluster Lease kube-system\/capstan-run is held by run \S+ of \S+ \(pid \d+ on [^,]+, started [^)]+\); waiting up to 120s \(capstan_lock_timeout\)/);
    expect(writers(mark)).toEqual(['a', 'a', 'b', 'b']);
  });

  it('with capstan_lock_timeout 0 the second refuses at once, naming the holder, and writes nothing', async () => {
    const mark = sim.requests.length;
    const [a, b] = await both({ writer_name: 'c', writer_hold_ms: 1500 }, { writer_name: 'd', capstan_lock_timeout: 0 });
    expect(a.code, a.text).toBe(0);
    expect(b.code, b.text).toBe(2);
    expect(b.text).toMatch(/the cluster Lease kube-system\/capstan-run is held by run \S+ of \S+ .*; nothing was changed in the cluster/);
    expect(writers(mark)).toEqual(['c', 'c']);
  });

  it('--check while another run holds the Lease: warns who holds it, takes no lock, writes nothing', async () => {
    const runA = run({ writer_name: 'e', writer_hold_ms: 1500 });
    await leaseHeld();
    const holder = sim.store.get('coordination.k8s.io/v1', 'Lease', 'kube-system', 'capstan-run').spec.holderIdentity;
    const mark = sim.requests.length;
    const check = await run({ writer_name: 'f' }, '--check');
    expect(check.code, check.text).toBe(0);
    expect(check.text).toMatch(/the cluster Lease kube-system\/capstan-run is held by run \S+ .*: another run is changing the cluster while this check reads it/);
    // the check wrote nothing: no ConfigMap f, and the Lease is still the first run's
    expect(writers(mark).filter((w) => w !== 'e')).toEqual([]);
    expect(sim.store.get('v1', 'ConfigMap', 'default', 'f')).toBeUndefined();
    expect(sim.store.get('coordination.k8s.io/v1', 'Lease', 'kube-system', 'capstan-run').spec.holderIdentity).toBe(holder);
    expect((await runA).code).toBe(0);
  });

  it('a no-op run makes no write but the Lease\'s own (take and let go), which isLockRequest tells apart', async () => {
    const mark = sim.requests.length;
    const r = await run({ writer_name: 'a', writer_write: false });
    expect(r.code, r.text).toBe(0);
    const writes = sim.requests.slice(mark).filter((q) => q.method !== 'GET');
    expect(writes.filter((q) => !isLockRequest(q.path))).toEqual([]);
    expect(writes.map((q) => q.method)).toEqual(['PUT', 'PUT']);
  });

  it('a bad lock var is refused before anything connects (exit 5, naming the key)', async () => {
    const mark = sim.requests.length;
    const r = await run({ capstan_lock_timeout: 'soon', capstan_lock_namespace: 'Kube_System' });
    expect(r.code).toBe(5);
    expect(r.text).toContain('-e › capstan_lock_timeout: "soon" is not valid; give whole seconds from 0 to 86400, e.g. capstan_lock_timeout: 300');
    expect(r.text).toContain('-e › capstan_lock_namespace: "Kube_System" is not valid; give an existing namespace');
    expect(sim.requests.length).toBe(mark);
  });
});
