// istio_state: absent, planned: the removal tasks in reverse install order (mesh config, gateway, istiod, base, labels, sidecar report), and which workloads still carry sidecars.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { labelledNamespaces, podWorkload, sidecarWorkloads } from '../../../roles/istio/absent.ts';
import { namespace, pod } from '../../fixtures/istio/fake-cluster.ts';
import { planEntries } from '../../fixtures/istio/plan-manifests.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const owned = (p: KubeObject, kind: string, name: string, hash?: string): KubeObject =>
  ({ ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, ...(hash ? { 'pod-template-hash': hash } : {}) }, ownerReferences: [{ kind, name }] } as KubeObject['metadata'] });

describe('istio_state: absent', () => {
  it('--plan lists the removal in reverse install order, every release absent, and validates nothing else', async () => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
    // A ClusterIP gateway behind the production load balancers is refused while present; removing Istio does not care.
    const code = await playMain(['-i', 'inventory/production', '--plan', '--json', '--tags', 'istio', '-e', 'istio_state=absent', '-e', 'istio_gateway_service_type=ClusterIP'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const tasks = events.filter((e) => e.type === 'plan').flatMap((p) => p.roles.flatMap((r: any) => r.tasks.map((t: any) => t.name)));
    expect(tasks).toEqual(['istio mesh config removed', 'istio gateway removed', 'istiod removed', 'istio base removed', 'istio injection labels removed', 'workloads still carrying sidecars']);
    expect(planEntries(events).filter((e) => e.kind === 'helm').map((e) => `${e.namespace}/${e.release} ${e.state}`))
      .toEqual(['istio-gateway/istio-gateway absent', 'istio-system/istiod absent', 'istio-system/istio-base absent']);
  });

  it('names the workloads whose pods still carry istio-proxy: Deployments through their ReplicaSet, others by owner', () => {
    const pods = [
      owned(pod('shop', 'shop-7d9f-abcde', { app: 'shop' }, ['shop', 'istio-proxy']), 'ReplicaSet', 'shop-7d9f', '7d9f'),
      owned(pod('shop', 'shop-7d9f-fghij', { app: 'shop' }, ['shop', 'istio-proxy']), 'ReplicaSet', 'shop-7d9f', '7d9f'),
      owned(pod('db', 'db-0', { app: 'db' }, ['db', 'istio-proxy']), 'StatefulSet', 'db'),
      pod('shop', 'debug', {}, ['sh', 'istio-proxy']),
      pod('shop', 'plain', {}, ['sh']),
    ];
    expect(sidecarWorkloads(pods)).toEqual(['db/StatefulSet db', 'shop/Deployment shop', 'shop/Pod debug']);
    expect(podWorkload(owned(pod('a', 'x', {}, ['c']), 'ReplicaSet', 'rs-by-hand'))).toBe('a/ReplicaSet rs-by-hand');
  });

  it('removes the injection label only where it is still set', () => {
    expect(labelledNamespaces([namespace('a', { 'istio-injection': 'enabled' }), namespace('b'), undefined, namespace('c', { 'istio-injection': 'disabled' })])).toEqual(['a', 'c']);
  });
});
