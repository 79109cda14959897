// The k3s role end to end on 3 lab hosts (1 server + 2 agents): real sshd, SFTP and commands, the
// k3s STAND-IN (lib/lab/k3s-standin) instead of k3s, the real control plane (lib/lab/cluster) as
// the cluster's API, its Nodes managed by kwok. Runs `npm run play` as a child process and asserts
// over its whole output.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { K3sLab, PlayRun } from '../../../lib/lab/k3s-standin/k3s-lab.ts';
import { startK3sLabOnCluster, type LabCluster } from '../../../lib/lab/k3s-standin/lab-cluster.ts';

const VERSION = 'v1.31.4+k3s1';
let k: K3sLab<LabCluster>;
const runs: PlayRun[] = [];
const play = async (args: string[]) => {
  const r = await k.play(args);
  runs.push(r);
  return r;
};
const recap = (r: PlayRun, host: string) => new RegExp(`^${host}\\s+: (.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
type Node = { metadata: { name: string }; status: { conditions?: { type: string; status: string }[]; addresses: { type: string; address: string }[] } };
const nodes = async () => (await k.controlPlane.nodes()) as Node[];
const ready = (n: Node) => (n.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const labHost = (name: string) => k.lab.hosts[[...k.servers, ...k.agents].indexOf(name)]!;
const cat = async (host: string, path: string) => (await k.lab.exec(labHost(host).name, ['cat', path], { allowFail: true })).stdout;

beforeAll(async () => {
  k = await startK3sLabOnCluster({ servers: 1, agents: 2, version: VERSION, name: 'k3s-test' });
}, 180_000);
afterAll(async () => {
  await k?.down();
});

describe('k3s role on 1 server + 2 agents', () => {
  let token = '';

  it('--tags k3s: every node Ready, cluster-init on the server, agents joined with the token, kubeconfig 0600', async () => {
    writeFileSync(k.kubeconfigPath, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'work',
      clusters: [{ name: 'work', cluster: { server: 'https://work.invalid:6443' } }],
      contexts: [{ name: 'work', context: { cluster: 'work', user: 'work' } }], users: [{ name: 'work', user: {} }],
    }), { mode: 0o644 });
    const r = await play(['--tags', 'k3s']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const registered = await nodes();
    expect(registered.map((n) => n.metadata.name).sort()).toEqual(['agent1', 'agent2', 'server1']);
    expect(registered.every(ready)).toBe(true);
    // each Node's address is its lab host's (the lab subnet), not one of kwok's defaults
    for (const n of registered) expect(n.status.addresses).toContainEqual({ type: 'InternalIP', address: labHost(n.metadata.name).ip });
    // and its kubelet is kwok's server (what the API server dials for logs, exec and port-forward;
    // the node proxy refuses loopback, so that is checked on the cluster's own Nodes' port-forward)
    for (const n of registered) expect(n.status.addresses).toContainEqual({ type: 'ExternalIP', address: '127.0.0.1' });
    token = String(parse(await cat('server1', '/etc/rancher/k3s/config.yaml')).token);
    expect(token.length).toBeGreaterThan(20);
    const server = (await k.records('server1', 'invocations.jsonl')).at(-1)!;
    expect(server['flags']).toMatchObject({ 'cluster-init': true, 'node-name': 'server1' });
    expect(server['flags']).not.toHaveProperty('server');
    for (const agent of k.agents) {
      const call = (await k.records(agent, 'invocations.jsonl')).at(-1)!;
      expect(call['kind']).toBe('agent');
      expect(call['flags']).toMatchObject({ server: `https://${k.lab.gatewayIp}:${new URL(k.controlPlane.url).port}`, token });
    }
    expect(statSync(k.kubeconfigPath).mode & 0o777).toBe(0o600);
    const kc = parse(readFileSync(k.kubeconfigPath, 'utf8'));
    expect(kc.contexts.map((c: { name: string }) => c.name)).toEqual(['work', 'capstan-lab']);
    expect(kc['current-context']).toBe('work');
    expect(kc.clusters[1]).toEqual({ name: 'capstan-lab', cluster: expect.objectContaining({ server: `https://${k.lab.gatewayIp}:${new URL(k.controlPlane.url).port}` }) });
    expect((await k.lab.exec(labHost('server1').name, ['stat', '-c', '%a', '/etc/rancher/k3s/config.yaml'])).stdout.trim()).toBe('600');
  }, 90_000);

  it('pods scheduled to the stand-in\'s Nodes run: a Deployment becomes ready on them (kwok)', async () => {
    const api = k.controlPlane.cluster.api;
    await api.must('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'on-standin-nodes', namespace: 'default' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const deadline = Date.now() + 60_000;
    let ready = 0;
    while (Date.now() < deadline) { // bounded: waiting for the Deployment's pods to be Ready
      ready = (await api.must('GET', '/apis/apps/v1/namespaces/default/deployments/on-standin-nodes')).status?.readyReplicas ?? 0;
      if (ready === 3) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready).toBe(3);
    const pods = (await api.must('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dx')).items as { spec: { nodeName: string }; status: { hostIP: string } }[];
    for (const p of pods) expect(p.status.hostIP).toBe(labHost(p.spec.nodeName).ip);
    await api.must('DELETE', '/apis/apps/v1/namespaces/default/deployments/on-standin-nodes');
  }, 90_000);

  it('a second run (--json) changes nothing and restarts nothing, in one facts command per host', async () => {
    const before = await Promise.all(['server1', 'agent1', 'agent2'].map((h) => k.starts(h)));
    const r = await play(['--tags', 'k3s', '--json', '--profile']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // per host: the role's facts in one prefetch (roles/k3s/facts.ts), and the run lock's take and release
    expect(Number(/^remote command\s+(\d+) ×/m.exec(r.stderr)?.[1]), r.stderr).toBe(3 * 3);
    const results = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'task_result');
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((e) => e.status !== 'ok' && e.status !== 'skipped')).toEqual([]);
    expect(await Promise.all(['server1', 'agent1', 'agent2'].map((h) => k.starts(h)))).toEqual(before);
  }, 60_000);

  it('a changed config restarts only that node', async () => {
    const before = await Promise.all(['server1', 'agent1', 'agent2'].map((h) => k.starts(h)));
    k.writeHostVars('agent1', { agent_config_yaml: { 'node-label': ['capstan.dev/gpu=true'] } });
    const r = await play(['--tags', 'k3s']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(recap(r, 'agent1')).toMatch(/changed=1 /);
    expect(recap(r, 'server1')).toMatch(/changed=0 /);
    expect(await Promise.all(['server1', 'agent1', 'agent2'].map((h) => k.starts(h)))).toEqual([before[0], before[1]! + 1, before[2]]);
    expect((await k.records('agent1', 'invocations.jsonl')).at(-1)!['flags']['node-label']).toEqual(['capstan.dev/gpu=true']);
  }, 60_000);

  it('a token that differs from the cluster\'s is refused with an explanation, and nothing restarts', async () => {
    const before = await Promise.all(['server1', 'agent1', 'agent2'].map((h) => k.starts(h)));
    k.writeVars({ token: 'another-token-0123456789' });
    try {
      const r = await play(['--tags', 'k3s']);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/differs from the token this k3s cluster was created with/);
      expect(r.stdout).toMatch(/bootstrap data already found and encrypted with different token/);
      expect(r.stdout).not.toContain('another-token-0123456789');
      expect(await Promise.all(['server1', 'agent1', 'agent2'].map((h) => k.starts(h)))).toEqual(before);
      expect(String(parse(await cat('server1', '/etc/rancher/k3s/config.yaml')).token)).toBe(token);
    } finally {
      k.writeVars({});
    }
  }, 60_000);

  it('an unreachable agent does not stop the others; the recap says which', async () => {
    await k.lab.stopSshd(labHost('agent2').name);
    try {
      const r = await play(['--tags', 'k3s']);
      expect(r.code).toBe(4);
      expect(recap(r, 'agent2')).toMatch(/unreachable=1/);
      expect(recap(r, 'agent1')).toMatch(/ok=\d+ +changed=0 +unreachable=0 +failed=0/);
      expect(recap(r, 'server1')).toMatch(/unreachable=0 +failed=0/);
      expect(r.stdout).toMatch(/k3s join agents[\s\S]*ok: \[agent1\]/);
    } finally {
      await k.lab.startSshd(labHost('agent2').name);
    }
  }, 90_000);

  it('the token never appears in any output', () => {
    expect(token).not.toBe('');
    for (const r of runs) {
      expect(r.stdout).not.toContain(token);
      expect(r.stderr).not.toContain(token);
    }
    expect(readFileSync(join(k.lab.dir, 'play.log'), 'utf8')).not.toContain(token);
  });

  it('reset needs confirmation, then leaves no k3s files and removes the kubeconfig entry', async () => {
    const refused = await play(['--playbook', 'reset']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/not confirmed/);
    expect(await cat('server1', '/etc/rancher/k3s/config.yaml')).not.toBe('');
    const r = await play(['--playbook', 'reset', '-e', 'k3s_reset_confirm=true']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const host of ['server1', 'agent1', 'agent2']) {
      const left = await k.lab.exec(labHost(host).name, ['sh', '-c', 'find /etc/rancher /var/lib/rancher /usr/local/bin /etc/systemd/system -mindepth 1 | grep -v -e ^/etc/systemd/system$ || true']);
      expect(left.stdout.trim(), host).toBe('');
    }
    expect(parse(readFileSync(k.kubeconfigPath, 'utf8')).contexts.map((c: { name: string }) => c.name)).toEqual(['work']);
    expect(await nodes()).toEqual([]);
  }, 60_000);
});
