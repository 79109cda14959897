// Two whole runs against one cluster (the real control plane: the run's shared cluster, the Lease in
// a namespace of this file's own) at once: the run Lease keeps
// their cluster writes apart (the second waits, saying who holds it, or with capstan_lock_timeout
// 0 refuses), --check only reads and warns, and a no-op run's only writes are the Lease's own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import { isLockRequest } from '../../../lib/lock/lease.ts';
import { useCluster } from '../../support/cluster.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const playbook = resolve(projectDir, 'test/fixtures/lock/playbooks/cluster.ts');
const c = useCluster({ shared: true });
/** The Lease's namespace: this file's own on the shared cluster. */
const NS = `cluster-runs-${process.pid}`;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-cluster-runs-'));
  writeFileSync(join(dir, 'hosts'), `[server]\ncontroller ansible_connection=local kubeconfig=${c().kubeconfig} capstan_lock_namespace=${NS}\n`);
  await c().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});
afterAll(async () => {
  await c().cluster.api.call('DELETE', `/api/v1/namespaces/${NS}`);
  for (const name of ['a', 'b', 'c', 'e'].map(cmName)) await c().cluster.api.call('DELETE', `/api/v1/namespaces/default/configmaps/${name}`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The fixture's ConfigMaps (namespace default of the shared cluster) carry this file's prefix. */
const cmName = (w: string) => `cluster-runs-${process.pid}-${w}`;
const isLock = (path: string) => isLockRequest(path.split('?')[0]!, NS);
const lease = () => c().get('coordination.k8s.io/v1', 'Lease', NS, 'capstan-run');

interface Run { code: number; text: string }

function run(vars: Record<string, unknown>, ...flags: string[]): Promise<Run> {
  if (typeof vars['writer_name'] === 'string') vars = { ...vars, writer_name: cmName(vars['writer_name']) };
  let text = '';
  const sink = { write: (s: string) => { text += s; return true; } };
  return playMain(['--inventory', join(dir, 'hosts'), '--playbook', playbook, '-e', JSON.stringify(vars), ...flags],
    { stdout: sink, stderr: sink, projectDir, cwd: projectDir, env: process.env }).then((code) => ({ code, text }));
}

/** The ConfigMap writes since `from`, in order, as the name each wrote. */
const writers = (from: number) => c().requests.slice(from)
  .filter((r) => r.method !== 'GET' && !isLock(r.path)).map((r) => /configmaps\/cluster-runs-\d+-([\w-]+)/.exec(r.path)?.[1] ?? r.path);

/** Until some run holds the Lease (a bounded poll of the API server). */
async function leaseHeld(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await lease())?.spec?.holderIdentity) return;
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
    const mark = c().requests.length;
    const [a, b] = await both({ writer_name: 'a', writer_hold_ms: 1500 }, { writer_name: 'b' });
    expect(a.code, a.text).toBe(0);
    expect(b.code, b.text).toBe(0);
    expect(b.text).toMatch(new RegExp(String.raw`\[WARNING\]: the cluster Lease ${NS}/capstan-run is held by run \S+ of \S+ \(pid \d+ on [^,]+, started [^)]+\); waiting up to 120s \(capstan_lock_timeout\)`));
    expect(writers(mark)).toEqual(['a', 'a', 'b', 'b']);
  });

  it('with capstan_lock_timeout 0 the second refuses at once, naming the holder, and writes nothing', async () => {
    const mark = c().requests.length;
    const [a, b] = await both({ writer_name: 'c', writer_hold_ms: 1500 }, { writer_name: 'd', capstan_lock_timeout: 0 });
    expect(a.code, a.text).toBe(0);
    expect(b.code, b.text).toBe(2);
    expect(b.text).toMatch(new RegExp(String.raw`the cluster Lease ${NS}/capstan-run is held by run \S+ of \S+ .*; nothing was changed in the cluster`));
    expect(writers(mark)).toEqual(['c', 'c']);
  });

  it('--check while another run holds the Lease: warns who holds it, takes no lock, writes nothing', async () => {
    const runA = run({ writer_name: 'e', writer_hold_ms: 1500 });
    await leaseHeld();
    const holder = (await lease()).spec.holderIdentity;
    const mark = c().requests.length;
    const check = await run({ writer_name: 'f' }, '--check');
    expect(check.code, check.text).toBe(0);
    expect(check.text).toMatch(new RegExp(String.raw`the cluster Lease ${NS}/capstan-run is held by run \S+ .*: another run is changing the cluster while this check reads it`));
    // the check wrote nothing: no ConfigMap f, and the Lease is still the first run's
    expect(writers(mark).filter((w) => w !== 'e')).toEqual([]);
    expect(await c().get('v1', 'ConfigMap', 'default', cmName('f'))).toBeUndefined();
    expect((await lease()).spec.holderIdentity).toBe(holder);
    expect((await runA).code).toBe(0);
  });

  it('a no-op run makes no write but the Lease\'s own (take and let go), which isLockRequest tells apart', async () => {
    const mark = c().requests.length;
    const r = await run({ writer_name: 'a', writer_write: false });
    expect(r.code, r.text).toBe(0);
    const writes = c().requests.slice(mark).filter((q) => q.method !== 'GET');
    expect(writes.filter((q) => !isLock(q.path))).toEqual([]);
    expect(writes.map((q) => q.method)).toEqual(['PUT', 'PUT']);
  });

  it('a bad lock var is refused before anything connects (exit 5, naming the key)', async () => {
    const mark = c().requests.length;
    const r = await run({ capstan_lock_timeout: 'soon', capstan_lock_namespace: 'Kube_System' });
    expect(r.code).toBe(5);
    expect(r.text).toContain('-e › capstan_lock_timeout: "soon" is not valid; give whole seconds from 0 to 86400, e.g. capstan_lock_timeout: 300');
    expect(r.text).toContain('-e › capstan_lock_namespace: "Kube_System" is not valid; give an existing namespace');
    expect(c().requests.length).toBe(mark);
  });
});
