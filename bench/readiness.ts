/**
 * Readiness noticed: how long capstan's wait (lib/wait) takes to return after a workload turns
 * Ready. Run as root (the real control plane, lib/lab/cluster, needs it):
 *
 *   npm run bench -- readiness [--runs 20]
 *
 * On its own control plane (no MetalLB), a Node `capstan-bench-unmanaged` that kwok does not
 * manage (no kwok annotation), and Deployments whose pods are bound to it (spec.nodeName): so no
 * kwok stage touches those pods and the bench writes their status itself, the write kwok's
 * pod-ready stage makes (phase Running, conditions Ready/ContainersReady, container ready).
 * Each run measures from the instant the API server answered that status write (its response
 * arrived) to the instant the wait's promise resolved, for two waits:
 *   - pod:        waiter.podsReady on the pod's label (the status write itself is what it waits for)
 *   - deployment: waiter.rollout on the Deployment (adds the ReplicaSet and Deployment
 *                 controllers' status updates in kube-controller-manager)
 * Target: median and p95 ≤ 200 ms (helm 3 polls every 2 s; kubernetes.core waits in 5 s steps).
 */
import { parseArgs } from 'node:util';
import { startCluster, type Cluster } from '../lib/lab/cluster/index.ts';
import { connectKube, loadKubeConfig } from '../lib/kube/client.ts';
import { createWaiter } from '../lib/wait/index.ts';
import type { Waiter } from '../lib/kube/types.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
if (!(runs > 0 && runs <= 200)) throw new Error('--runs takes 1 to 200');
if (process.getuid?.() !== 0) throw new Error('run as root (the real control plane, lib/lab/cluster, needs it)');

const NS = 'capstan-bench-readiness';
const NODE = 'capstan-bench-unmanaged';
const log = (s: string) => process.stderr.write(`[readiness ${new Date().toISOString().slice(11, 23)}] ${s}\n`);

function deployment(name: string): object {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS },
    spec: {
      replicas: 1, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { nodeName: NODE, containers: [{ name: 'app', image: 'registry.invalid/bench:1' }] } },
    },
  };
}

/** The pod of a Deployment, once the ReplicaSet controller made it (bounded: 60 s). */
async function podOf(c: Cluster, name: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    const list = await c.api.must('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3D${name}`);
    const pod = list.items?.[0]?.metadata?.name as string | undefined;
    if (pod) return pod;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`no pod of deployment ${NS}/${name} after 60 s`);
}

/** The status kwok's pod-ready stage writes; resolves when the API server's response arrived. */
async function markReady(c: Cluster, pod: string): Promise<number> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
  const status = {
    phase: 'Running', hostIP: '10.255.255.1', podIP: '10.255.255.2', startTime: now,
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
    containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: 'registry.invalid/bench:1', imageID: '', state: { running: { startedAt: now } } }],
  };
  await c.api.must('PATCH', `/api/v1/namespaces/${NS}/pods/${pod}/status`, { status }, { contentType: 'application/merge-patch+json' });
  return performance.now();
}

type Kind = 'pod' | 'deployment';

/** One measured flip: returns ms from the status write's response to the wait's return. */
async function once(c: Cluster, waiter: Waiter, kind: Kind, i: number): Promise<number> {
  const name = `r-${kind}-${i}`;
  await c.api.must('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment(name));
  const pod = await podOf(c, name);
  let observed!: () => void;
  const watching = new Promise<void>((r) => { observed = r; });
  // the wait logs its first line once it has listed and evaluated (not ready): then flip
  const o = { timeoutSeconds: 60, log: () => observed() };
  const waited = (kind === 'pod' ? waiter.podsReady(NS, `app=${name}`, o) : waiter.rollout('Deployment', NS, name, o)).then(() => performance.now());
  await Promise.race([watching, waited]);
  const written = await markReady(c, pod);
  const done = await waited;
  await c.api.must('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/${name}`);
  return done - written;
}

const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!; };

const c = await startCluster({ lbIps: false, log });
try {
  log(`control plane up in ${c.startupSeconds.toFixed(1)} s`);
  await c.api.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await c.api.must('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'capstan-bench': 'unmanaged' } } });
  const waiter = createWaiter(connectKube(loadKubeConfig(c.kubeconfig)));
  const samples: Record<Kind, number[]> = { pod: [], deployment: [] };
  await once(c, waiter, 'pod', 0); // warm-up (connections, discovery), not counted
  for (let i = 1; i <= runs; i++) {
    for (const kind of ['pod', 'deployment'] as const) {
      const ms = await once(c, waiter, kind, i);
      samples[kind].push(ms);
      log(`${kind.padEnd(10)} #${i} ${ms.toFixed(1)} ms`);
    }
  }
  console.log(`readiness noticed: status write's response → capstan's wait returns; ${runs} runs each, real control plane (cluster ${c.id})\n`);
  console.log('| wait | runs | median ms | p95 ms | max ms | target (median and p95 ≤ 200 ms) |\n|---|---|---|---|---|---|');
  for (const kind of ['pod', 'deployment'] as const) {
    const xs = samples[kind];
    const med = quantile(xs, 0.5);
    const p95 = quantile(xs, 0.95);
    const label = kind === 'pod' ? 'podsReady (pod status write)' : 'rollout Deployment (+ ReplicaSet and Deployment controllers)';
    console.log(`| ${label} | ${xs.length} | ${med.toFixed(1)} | ${p95.toFixed(1)} | ${Math.max(...xs).toFixed(1)} | ${med <= 200 && p95 <= 200 ? 'met' : 'NOT met'} |`);
  }
} finally {
  await c.down();
}
