// lib/wait against the real control plane (the run's shared cluster): watch-based waits that say what they wait for,
// and timeouts that name the resource, its last status and its Events.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';
import { HealthTimeoutError, KubeError } from '../../../lib/errors.ts';
import { connectKube, loadKubeConfig } from '../../../lib/kube/client.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { clusterFixture, type ClusterFixture } from '../../fixtures/helm/cluster-fixture.ts';

let f: ClusterFixture;
beforeAll(async () => {
  f = await clusterFixture({ shared: true });
  await f.cluster.ensureNamespace('w', {}, { check: false });
});
afterAll(async () => f?.close());

const opts = { check: false, diff: false };
const labels = (name: string) => ({ app: name });
const podTemplate = (name: string) => ({ metadata: { labels: labels(name) }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'w' },
  spec: { replicas: 1, selector: { matchLabels: labels(name) }, template: podTemplate(name) },
});
const service = (name: string, type = 'ClusterIP', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'w' },
  spec: { type, selector: labels(name), ports: [{ port: 80, targetPort: 8080 }], ...extra },
});

function collect(): { lines: string[]; log: (m: string) => void } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m) };
}

describe('waits', () => {
  it('waits for a deployment rollout, reporting its progress', async () => {
    // minReadySeconds keeps the rollout observably in progress after kwok readies the pod: on a quiet
    // machine the pod was Ready (1/1 available) before the wait's first look
    await f.cluster.apply([{ ...deployment('web'), spec: { ...(deployment('web')['spec'] as object), minReadySeconds: 4 } }], opts);
    const c = collect();
    await f.cluster.wait.rollout('Deployment', 'w', 'web', { timeoutSeconds: 60, log: c.log });
    expect(c.lines[0]).toMatch(/^deployment w\/web: 0\/1 available.*, \d+s$/);
    expect(c.lines.at(-1)).toMatch(/^deployment w\/web: 1\/1 available, \d+s$/);
  });

  it('times out on a workload that never becomes ready, naming it, its status and events', async () => {
    await f.kube.faults.neverReady('Deployment', 'w', 'stuck');
    await f.cluster.apply([deployment('stuck')], opts);
    const c = collect();
    const started = Date.now();
    const err = await f.cluster.wait.rollout('Deployment', 'w', 'stuck', { timeoutSeconds: 2, log: c.log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HealthTimeoutError);
    expect((err as HealthTimeoutError).resource).toBe('deployment w/stuck');
    expect((err as HealthTimeoutError).message).toMatch(/^timed out after 2s waiting for deployment w\/stuck: 0\/1 available/);
    expect((err as HealthTimeoutError).message).toMatch(/events:\n.*ScalingReplicaSet: Scaled up replica set stuck-/);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(c.lines.length).toBeGreaterThan(0);
  });

  it('a watch that ends on a 5xx resolves (the wait re-lists); a 4xx rejects', async () => {
    const api = connectKube(loadKubeConfig(f.kubeconfig));
    const path = await api.collectionPath('apps/v1', 'Deployment', 'w');
    const stop = new AbortController();
    f.kube.faults.failNext(1, 503, { method: 'GET', pathPrefix: path });
    await expect(api.watch(path, {}, () => {}, stop.signal)).resolves.toBeUndefined();
    f.kube.faults.failNext(1, 403, { method: 'GET', pathPrefix: path });
    await expect(api.watch(path, {}, () => {}, stop.signal)).rejects.toThrow(KubeError);
  });

  it('endpoints, pods by selector', async () => {
    await f.cluster.apply([deployment('api'), service('api')], opts);
    await f.cluster.wait.serviceEndpointsReady('w', 'api', { timeoutSeconds: 10, log: () => {} });
    await f.cluster.wait.podsReady('w', 'app=api', { timeoutSeconds: 10, log: () => {} });
  });

  it('LoadBalancer IP from a MetalLB pool, and a wrong expected IP fails at once', async () => {
    // MetalLB's own CRDs (from the chart): the real MetalLB controller allocates the IP.
    const { stdout } = await promisify(execFile)(kubeBinaries(3).helm, ['template', 'crds', join(SHARED_CHARTS, 'metallb', 'charts', 'crds')]);
    await f.cluster.apply(parseAllDocuments(stdout).map((d) => d.toJS()).filter(Boolean), opts);
    await f.cluster.wait.crdEstablished('ipaddresspools.metallb.io', { timeoutSeconds: 10, log: () => {} });
    await f.cluster.ensureNamespace('metallb-system', {}, { check: false });
    await f.cluster.apply([{ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p', namespace: 'metallb-system' }, spec: { addresses: ['10.251.0.10-10.251.0.12'] } }], opts);
    await f.cluster.apply([deployment('gw'), service('gw', 'LoadBalancer', { loadBalancerIP: '10.251.0.11' })], opts);
    expect(await f.cluster.wait.loadBalancerIp('w', 'gw', { timeoutSeconds: 10, log: () => {}, expectedIp: '10.251.0.11' })).toBe('10.251.0.11');
    const err = await f.cluster.wait.loadBalancerIp('w', 'gw', { timeoutSeconds: 10, log: () => {}, expectedIp: '10.251.0.12' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as Error).message).toBe('service w/gw got ingress IP 10.251.0.11, expected 10.251.0.12');
  });

  it('job complete, and nodes ready', async () => {
    await f.cluster.apply([{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'w' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } } } }], opts);
    await f.cluster.wait.jobComplete('w', 'once', { timeoutSeconds: 10, log: () => {} });
    await f.kube.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1', annotations: { 'kwok.x-k8s.io/node': 'fake' } } }); // kwok manages it
    const c = collect();
    await f.cluster.wait.nodesReady(['node1'], { timeoutSeconds: 10, log: c.log });
    expect(c.lines.at(-1)).toMatch(/^nodes node1: 1\/1 nodes ready, \d+s$/);
  });
});
