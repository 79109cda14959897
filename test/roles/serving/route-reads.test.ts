// How the `serving routes` step reads (roles/serving/route-step.ts): when the first read shows every
// backend's endpoints ready it neither waits nor reads again (2 round trips: routes, then their
// backends' EndpointSlices); a backend not ready yet is waited for, alone, and the facts read again.
// On the COUNTING FAKE API (test/support/counting-kube-fake.ts), its waits recorded.
import { describe, expect, it } from 'vitest';
import type { Cluster, KubeObject } from '../../../lib/kube/types.ts';
import type { TaskContext } from '../../../lib/role.ts';
import { routeStep } from '../../../roles/serving/route-step.ts';
import type { ServingVars } from '../../../roles/serving/vars.ts';
import { countingKubeFake } from '../../support/counting-kube-fake.ts';

const vars = {
  ingress_nginx_ingresses: [{ name: 'web', namespace: 'apps' }], enable_istio: false, istio_virtual_services: [],
  enable_seldon: false, seldon_namespace: 'seldon-mesh', seldon_models: [], serving_wait_timeout: 5,
} as unknown as ServingVars;
const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'apps' },
  spec: { rules: [{ host: 'web.local', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } },
};
const slice = (ready: boolean): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'apps', labels: { 'kubernetes.io/service-name': 'web' } },
  endpoints: [{ addresses: ['10.1.0.4'], conditions: { ready } }],
} as KubeObject);

function run(objects: KubeObject[]) {
  const kube = countingKubeFake(objects);
  const waited: string[] = [];
  const cluster = { ...kube.cluster, wait: { serviceEndpointsReady: async (ns: string, name: string) => { waited.push(`${ns}/${name}`); } } } as unknown as Cluster;
  const ctx = { check: false, diff: false, log: { progress: () => {} }, signal: new AbortController().signal, cluster: async () => cluster } as unknown as TaskContext;
  return { kube, waited, result: routeStep(ctx, vars) };
}

describe('serving routes reads', () => {
  it('ready backends: no wait, no second read (2 round trips)', async () => {
    const { kube, waited, result } = run([ingress, slice(true)]);
    expect((await result).status).toBe('ok');
    expect(waited).toEqual([]);
    expect([kube.requests.length, kube.waves()]).toEqual([2, 2]);
  });

  it('a backend not ready yet: waited for, then the facts read again', async () => {
    const { kube, waited, result } = run([ingress, slice(false)]);
    await expect(result).rejects.toThrow('serving routes');
    expect(waited).toEqual(['apps/web']);
    expect(kube.requests.length).toBe(4);
  });
});
