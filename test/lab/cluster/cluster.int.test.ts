// The real control plane (lib/lab/cluster) through the test fixture: workloads become Ready via kwok, real
// controllers make EndpointSlices and LoadBalancer IPs, addresses stay test-owned, the audit log counts
// writes by user, the fault proxy injects 5xx/resets/delays, kubectl port-forward goes through the API server
// to kwok's kubelet server and a stand-in endpoint, and teardown (also of a dead owner's cluster) leaves nothing.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import { useCluster } from '../../support/cluster.ts';
import { cleanupStaleClusters, isAlive, listClusters, readState, saveState } from '../../../lib/lab/cluster/state.ts';
import { startCluster } from '../../../lib/lab/cluster/index.ts';
import { portForwardObject } from '../../../lib/lab/cluster/port-forward.ts';
import { askThrough, tcpStandIn } from '../../support/tcp-stand-in.ts';
import { NODE_LEASE_SECONDS } from '../../../lib/lab/cluster/flags.ts';
import { pollUntil } from '../../../lib/lab/lab-sys.ts';

const run = promisify(execFile);
const c = useCluster({ lbIps: false }); // LoadBalancer IPs: test/lib/wait and the helm suites
const kubectl = (args: string[], stdin?: string) => {
  const p = run(kubeBinaries(3).kubectl, ['--kubeconfig', c().kubeconfig, ...args]);
  if (stdin !== undefined) p.child.stdin?.end(stdin);
  return p.then((r) => r.stdout);
};
const manifest = (ns: string) => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: ns }, spec: { serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } } } },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: ns }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }] } } } },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: ns }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox' }] } } } },
].map((o) => JSON.stringify(o)).join('\n');

describe('real control plane', () => {
  it('runs Deployments, StatefulSets, DaemonSets and Jobs to Ready/Complete on fake Nodes, with test-owned pod IPs', async () => {
    await kubectl(['apply', '-f', '-'], manifest('work'));
    await kubectl(['-n', 'work', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    await kubectl(['-n', 'work', 'rollout', 'status', 'statefulset/db', '--timeout=60s']);
    await kubectl(['-n', 'work', 'rollout', 'status', 'daemonset/agent', '--timeout=60s']);
    await kubectl(['-n', 'work', 'wait', '--for=condition=Complete', 'job/once', '--timeout=60s']);
    const ds = await c().get('apps/v1', 'DaemonSet', 'work', 'agent');
    expect(ds.status.numberReady).toBe(3); // one per fake Node
    const n = c().cluster.ranges.pods.split('.')[1];
    const pods = JSON.parse(await kubectl(['-n', 'work', 'get', 'pods', '-o', 'json'])).items as any[];
    for (const p of pods) expect(p.status.podIP).toMatch(new RegExp(`^10\\.${n}\\.`));
    // EndpointSlices come from the real controller, with the Ready pods' addresses.
    const slices = JSON.parse(await kubectl(['-n', 'work', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])).items as any[];
    expect(slices.flatMap((s) => s.endpoints ?? []).filter((e: any) => e.conditions.ready)).toHaveLength(2);
  });

  it('kwok renews each fake Node\'s Lease in kube-node-lease, as a kubelet does (the node controller then keeps the nodes and their pods Ready)', async () => {
    const nodes = (await c().list('v1', 'Node')).map((node) => node.metadata.name);
    expect(nodes).toHaveLength(3);
    const renewed = async () => new Map((await c().list('coordination.k8s.io/v1', 'Lease', 'kube-node-lease'))
      .map((l) => [l.metadata.name, { holder: l.spec?.holderIdentity, duration: l.spec?.leaseDurationSeconds, at: l.spec?.renewTime }]));
    const first = await pollUntil('a Lease for every fake Node', async () => { const m = await renewed(); return nodes.every((n) => m.has(n)) ? m : undefined; }, 30_000, 500);
    // held by kwok's own identity (a kubelet holds its node's with the node's name)
    for (const n of nodes) expect(first.get(n)).toMatchObject({ holder: expect.stringMatching(/\S/), duration: NODE_LEASE_SECONDS });
    // renewed again well within the duration (a kubelet renews at a quarter of it): bounded wait
    await pollUntil('every Lease renewed', async () => { const m = await renewed(); return nodes.every((n) => m.get(n)!.at !== first.get(n)!.at) || undefined; }, NODE_LEASE_SECONDS * 1000, 1000);
  }, 90_000);

  it('keeps a never-ready workload unready while others become Ready', async () => {
    await c().faults.neverReady('Deployment', 'work', 'stuck');
    await kubectl(['-n', 'work', 'create', 'deployment', 'stuck', '--image=nginx']);
    await kubectl(['-n', 'work', 'create', 'deployment', 'fine', '--image=nginx']);
    await kubectl(['-n', 'work', 'rollout', 'status', 'deployment/fine', '--timeout=60s']);
    const stuck = await c().get('apps/v1', 'Deployment', 'work', 'stuck');
    expect(stuck.status.readyReplicas ?? 0).toBe(0);
  });

  it('kubectl port-forward: API server -> kwok\'s kubelet server (the Node\'s ExternalIP 127.0.0.1) -> a stand-in endpoint, bytes both ways', async () => {
    const standIn = await tcpStandIn((b) => `stand-in:${b.toString().toUpperCase()}`);
    const pod = (await c().list('v1', 'Pod', 'work')).find((p: any) => p.metadata.labels?.app === 'web' && p.status?.phase === 'Running');
    expect(pod, 'a running web pod (first test)').toBeDefined();
    await c().create(portForwardObject('work', pod.metadata.name, [{ ports: [80], address: '127.0.0.1', port: standIn.port }]));
    const from = c().requests.length;
    // Through the fault proxy, which passes upgraded (streaming) requests through.
    const pf = spawn(kubeBinaries(3).kubectl, ['--kubeconfig', c().kubeconfig, '-n', 'work', 'port-forward', `pod/${pod.metadata.name}`, '0:80'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const local = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`kubectl port-forward: no "Forwarding from" in 60s: ${out}`)), 60_000);
        const seen = (d: Buffer) => {
          out += d;
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(Number(m[1])); }
        };
        pf.stdout.on('data', seen);
        pf.stderr.on('data', seen);
        pf.once('exit', (code) => { clearTimeout(timer); reject(new Error(`kubectl port-forward exited ${code}: ${out}`)); });
      });
      expect(await askThrough(local, 'ping through kwok')).toBe('stand-in:PING THROUGH KWOK');
      expect(standIn.received).toContain('ping through kwok');
      expect(c().requests.slice(from).filter((r) => r.path.endsWith('/portforward')).map((r) => r.status)).toContain(101);
    } finally {
      pf.kill('SIGTERM');
      await standIn.close();
    }
  }, 120_000);

  it('counts write requests by user capstan from the audit log, dry-runs apart', async () => {
    const mark = await c().auditMark();
    await kubectl(['-n', 'work', 'create', 'configmap', 'one', '--from-literal=a=b']);
    await kubectl(['-n', 'work', 'create', 'configmap', 'two', '--from-literal=a=b', '--dry-run=server']);
    await kubectl(['-n', 'work', 'get', 'configmap', 'one']);
    const writes = await c().auditWritesSince(mark);
    expect(writes.map((w) => [w.verb, w.resource, w.name ?? '', w.dryRun])).toEqual([['create', 'configmaps', 'one', false], ['create', 'configmaps', 'two', true]]);
    // Others write all the time; they are told apart by user.
    expect((await c().cluster.auditWrites('kwok')).length).toBeGreaterThan(0);
  });

  it('the fault proxy answers 503s, resets connections and delays, and logs each request', async () => {
    const from = c().requests.length;
    c().faults.failNext(2, 503, { method: 'GET', pathPrefix: '/api/v1/namespaces/work/configmaps' });
    const err = await kubectl(['-n', 'work', 'get', 'configmap', 'one', '--v=0']).then(() => undefined, (e: Error) => e);
    // kubectl retries GETs itself only for some errors; either it failed on the 503 or got through after it.
    const hit = c().requests.slice(from).filter((r) => r.status === 503 && r.injected === 'status');
    expect(hit.length).toBeGreaterThanOrEqual(1);
    if (err) expect(String(err)).toMatch(/ServiceUnavailable|503|injected fault/);
    c().faults.clear();
    c().faults.resetNext(1, { pathPrefix: '/api/v1/namespaces/work/configmaps/one' });
    await kubectl(['-n', 'work', 'get', 'configmap', 'one']).catch(() => undefined);
    expect(c().requests.slice(from).some((r) => r.injected === 'reset')).toBe(true);
    c().faults.clear();
    c().faults.delay(700, { pathPrefix: '/api/v1/namespaces/work/configmaps/one' });
    const t0 = Date.now();
    await kubectl(['-n', 'work', 'get', 'configmap', 'one']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    c().faults.clear();
  });

  it('a cluster whose owner died is removed by the next start, and down() leaves no process or route', async () => {
    const other = await startCluster({ nodeNames: ['solo'], lbIps: false });
    const s = readState(other.dir)!;
    saveState({ ...s, ownerPid: 999_999_999 }); // as if its test process had been SIGKILLed
    expect(cleanupStaleClusters()).toContain(other.id);
    expect(existsSync(other.dir)).toBe(false);
    expect(s.processes.filter((p) => isAlive(p.pid))).toEqual([]);
    const routes = (await run('ip', ['route', 'show', 'table', 'all'])).stdout;
    expect(routes).not.toContain(s.route!);
    expect(listClusters().map((x) => x.id)).not.toContain(other.id);
  });
});
