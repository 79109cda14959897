// The k3s role on 5 lab hosts (3 servers + 2 agents): an air-gapped install (no request to any
// install URL), HA join (cluster-init on the first server only, `server:` on the others, one at a
// time), then the upgrade playbook (servers one at a time, then agents, each Ready on the new
// version). k3s itself is the k3s STAND-IN; the API is the real control plane (lib/lab/cluster),
// the Nodes kwok's; drain's evictions and cordons go through the real API server (audit log).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K3sLab } from '../../../lib/lab/k3s-standin/k3s-lab.ts';
import { pollUntil } from '../../../lib/lab/lab-sys.ts';
import { startK3sLabOnCluster, type LabCluster } from '../../../lib/lab/k3s-standin/lab-cluster.ts';

const V1 = 'v1.31.4+k3s1';
const V2 = 'v1.32.3+k3s1';
const V3 = 'v1.33.1+k3s1';
let k: K3sLab<LabCluster>;
let airgap: string;

beforeAll(async () => {
  k = await startK3sLabOnCluster({ servers: 3, agents: 2, version: V1, name: 'k3s-ha-test' });
  airgap = mkdtempSync(join(tmpdir(), 'capstan-k3s-airgap-'));
  k.standin.writeAirgapDir(airgap, V1);
}, 180_000);
afterAll(async () => {
  await k?.down();
  if (airgap) rmSync(airgap, { recursive: true, force: true });
});

const hosts = () => [...k.servers, ...k.agents];
type Node = { metadata: { name: string }; spec?: { unschedulable?: boolean }; status: { conditions?: { type: string; status: string }[]; nodeInfo: { kubeletVersion: string } } };
/** The Nodes in host order. */
const nodes = async () => {
  const all = (await k.controlPlane.nodes()) as Node[];
  return hosts().map((h) => all.find((n) => n.metadata.name === h)!);
};
/** [start, ready] of each k3s (re)start on a host since `after`. */
async function startWindows(host: string, after: string): Promise<[string, string][]> {
  const log = (await k.records(host, 'systemctl.log')).filter((r) => r['time'] > after);
  const starts = log.filter((r) => r['verb'] === 'restart' || r['verb'] === 'start').map((r) => r['time'] as string);
  const ready = log.filter((r) => r['verb'] === 'started').map((r) => r['time'] as string);
  return starts.map((s, i) => [s, ready[i] ?? '']);
}

describe('k3s role on 3 servers + 2 agents', () => {
  it('air-gapped: HA join, every node Ready, and no request to any install URL', async () => {
    k.writeVars({ airgap_dir: airgap });
    const t0 = new Date().toISOString();
    const r = await k.play(['--tags', 'k3s']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(k.standin.requests).toEqual([]);
    const all = (await k.controlPlane.nodes()) as Node[];
    expect(all.map((n) => n.metadata.name).sort()).toEqual(hosts().sort());
    expect(all.every((n) => (n.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    const flags = await Promise.all(k.servers.map(async (s) => (await k.records(s, 'invocations.jsonl')).at(-1)!['flags']));
    expect(flags.map((f) => f['cluster-init'] === true)).toEqual([true, false, false]);
    expect(flags.map((f) => typeof f['server'] === 'string')).toEqual([false, true, true]);
    const windows = await Promise.all(k.servers.map(async (s) => (await startWindows(s, t0))[0]!));
    for (let i = 1; i < windows.length; i++) expect(windows[i]![0] >= windows[i - 1]![1], `server${i + 1} started before server${i} was up`).toBe(true);
  }, 120_000);

  it('a rerun changes nothing in one facts command per host; config changes on two servers restart them one at a time', async () => {
    const noop = await k.play(['--tags', 'k3s', '--profile']);
    expect(noop.code, noop.stdout + noop.stderr).toBe(0);
    for (const h of hosts()) expect(noop.stdout).toMatch(new RegExp(`^${h}\\s+: ok=\\d+\\s+changed=0 `, 'm'));
    // per host: the role's facts in one prefetch (roles/k3s/facts.ts), and the run lock's take and release
    expect(Number(/^remote command\s+(\d+) ×/m.exec(noop.stderr)?.[1]), noop.stderr).toBe(hosts().length * 3);
    k.writeHostVars('server2', { server_config_yaml: { 'node-label': ['capstan.dev/rack=2'] } });
    k.writeHostVars('server3', { server_config_yaml: { 'node-label': ['capstan.dev/rack=3'] } });
    const t0 = new Date().toISOString();
    const r = await k.play(['--tags', 'k3s']);
    k.writeHostVars('server2', {});
    k.writeHostVars('server3', {});
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const windows = await Promise.all(hosts().map((h) => startWindows(h, t0)));
    expect(windows.map((w) => w.length), 'server2 and server3 restarted once, nothing else').toEqual([0, 1, 1, 0, 0]);
    expect(windows[2]![0]![0] >= windows[1]![0]![1], 'server3 restarted only after server2 was up again').toBe(true);
  }, 120_000);

  it('upgrade with drain: servers one at a time, then agents, each Ready on the new version, drained and uncordoned', async () => {
    k.writeVars({});
    const api = k.controlPlane.cluster.api;
    await api.must('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'work', namespace: 'default' }, spec: { nodeName: 'agent1', containers: [{ name: 'c', image: 'busybox' }] } });
    const mark = (await k.controlPlane.cluster.auditWrites('capstan')).length;
    const t0 = new Date().toISOString();
    const r = await k.play(['--playbook', 'upgrade', '-e', `k3s_version=${V2}`, '-e', 'k3s_upgrade_drain=true']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await api.call('GET', '/api/v1/namespaces/default/pods/work')).status).toBe(404);
    expect((await nodes()).map((n) => n.spec?.unschedulable ?? false)).toEqual(hosts().map(() => false));
    const writes = (await k.controlPlane.cluster.auditWrites('capstan')).slice(mark);
    const cordons = writes.filter((w) => w.verb === 'patch' && w.resource === 'nodes' && hosts().includes(w.name ?? ''));
    expect(cordons.length, 'a cordon and an uncordon per node').toBe(hosts().length * 2);
    expect(writes.filter((w) => w.verb === 'create' && w.uri.includes('/eviction')).map((w) => `${w.name} ${w.code}`), 'the drained pod, evicted').toEqual(['work 201']);
    expect(writes.filter((w) => w.verb === 'delete' && w.resource === 'pods'), 'no pod deleted around the Eviction API').toEqual([]);
    expect((await nodes()).map((n) => n.status.nodeInfo.kubeletVersion)).toEqual(hosts().map(() => V2));
    const windows = await Promise.all(hosts().map(async (h) => (await startWindows(h, t0))));
    expect(windows.map((w) => w.length)).toEqual(hosts().map(() => 1));
    const [s1, s2, s3, a1, a2] = windows.map((w) => w[0]!);
    expect(s2![0] >= s1![1] && s3![0] >= s2![1]).toBe(true);
    expect(a1![0] >= s3![1] && a2![0] >= s3![1]).toBe(true);
  }, 120_000);

  it('a PodDisruptionBudget that allows no disruption stops the drain, naming the pod, the budget\'s words and the fix', async () => {
    const api = k.controlPlane.cluster.api;
    await api.must('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'guarded', namespace: 'default', labels: { app: 'guarded' } }, spec: { nodeName: 'server1', containers: [{ name: 'c', image: 'busybox' }] } });
    await api.must('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guarded', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } });
    // the disruption controller (the real kube-controller-manager's) has counted the Ready pod: no disruption allowed
    await pollUntil('the budget to allow 0 disruptions with 1 healthy pod', async () => {
      const pdb = (await api.call('GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guarded')).body as { status?: { currentHealthy?: number; disruptionsAllowed?: number } };
      return pdb.status?.currentHealthy === 1 && pdb.status.disruptionsAllowed === 0 ? true : undefined;
    }, 60_000, 500);
    const r = await k.play(['--playbook', 'upgrade', '-e', `k3s_version=${V3}`, '-e', 'k3s_upgrade_drain=true', '-e', 'k3s_upgrade_drain_timeout=3']);
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout).toMatch(/draining server1: pod default\/guarded could not be evicted within 3s: .*disruption budget.*; fix: let its PodDisruptionBudget allow a disruption/);
    expect((await api.call('GET', '/api/v1/namespaces/default/pods/guarded')).status, 'the guarded pod still runs').toBe(200);
    expect((await nodes()).map((n) => n.status.nodeInfo.kubeletVersion), 'no node upgraded past the failed drain').toEqual(hosts().map(() => V2));
  }, 120_000);
});
