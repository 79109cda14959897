// Per-kind health of any applied object (lib/wait/health.ts), as a table: observed object (and
// a PVC's StorageClass) in, ready / status out.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { objectHealth } from '../../../lib/wait/health.ts';

const obj = (apiVersion: string, kind: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion, kind, metadata: { name: 'x', namespace: 'apps', ...meta }, ...rest });
const ready = (type: string, status: string, reason?: string, message?: string) => ({ status: { conditions: [{ type, status, reason, message }] } });
const wffc = obj('storage.k8s.io/v1', 'StorageClass', { volumeBindingMode: 'WaitForFirstConsumer' }, { name: 'local' });

const cases: [string, KubeObject | undefined, { ready: boolean; status: string | RegExp }, { storageClass?: KubeObject }?][] = [
  ['missing', undefined, { ready: false, status: 'not found' }],
  ['ConfigMap exists', obj('v1', 'ConfigMap'), { ready: true, status: 'exists' }],
  ['NetworkPolicy exists', obj('networking.k8s.io/v1', 'NetworkPolicy'), { ready: true, status: 'exists' }],
  ['PVC Bound', obj('v1', 'PersistentVolumeClaim', { spec: { volumeName: 'pv-1' }, status: { phase: 'Bound' } }), { ready: true, status: 'Bound to pv-1' }],
  ['PVC Pending', obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }), { ready: false, status: 'Pending, not Bound' }],
  ['PVC Pending under WaitForFirstConsumer', obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }), { ready: true, status: /Pending by design \(StorageClass local .*WaitForFirstConsumer\)/ }, { storageClass: wffc }],
  ['Service ClusterIP', obj('v1', 'Service', { spec: { type: 'ClusterIP' } }), { ready: true, status: 'ClusterIP' }],
  ['Service headless', obj('v1', 'Service', { spec: { clusterIP: 'None' } }), { ready: true, status: 'headless' }],
  ['Service ExternalName', obj('v1', 'Service', { spec: { type: 'ExternalName', externalName: 'db.example' } }), { ready: true, status: 'ExternalName db.example' }],
  ['LoadBalancer without address', obj('v1', 'Service', { spec: { type: 'LoadBalancer' } }), { ready: false, status: 'no ingress IP yet' }],
  ['LoadBalancer with address', obj('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } }), { ready: true, status: 'ingress IP 192.0.2.10' }],
  ['Ingress without address', obj('networking.k8s.io/v1', 'Ingress'), { ready: false, status: 'no address yet (its ingress controller has not published one)' }],
  ['Ingress with address', obj('networking.k8s.io/v1', 'Ingress', { status: { loadBalancer: { ingress: [{ ip: '192.0.2.11' }] } } }), { ready: true, status: 'address 192.0.2.11' }],
  ['Job complete', obj('batch/v1', 'Job', ready('Complete', 'True')), { ready: true, status: 'complete' }],
  ['Deployment rolling', obj('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { availableReplicas: 1, updatedReplicas: 2 } }), { ready: false, status: '1/2 available' }],
  ['Certificate without status', obj('cert-manager.io/v1', 'Certificate'), { ready: false, status: 'no Ready condition yet (not reconciled)' }],
  ['Certificate Ready=False', obj('cert-manager.io/v1', 'Certificate', ready('Ready', 'False', 'DoesNotExist', 'Issuing certificate as Secret does not exist')),
    { ready: false, status: 'Ready=False (DoesNotExist): Issuing certificate as Secret does not exist' }],
  ['ClusterIssuer Ready', obj('cert-manager.io/v1', 'ClusterIssuer', ready('Ready', 'True', 'IsReady')), { ready: true, status: 'Ready=True (IsReady)' }],
  ['Seldon Experiment without status', obj('mlops.seldon.io/v1alpha1', 'Experiment'), { ready: false, status: 'no Ready condition yet (not reconciled)' }],
  ['Seldon Model Ready', obj('mlops.seldon.io/v1alpha1', 'Model', ready('Ready', 'True')), { ready: true, status: 'Ready=True' }],
  ['Istio VirtualService (no status)', obj('networking.istio.io/v1', 'VirtualService'), { ready: true, status: 'exists (no status conditions)' }],
  ['CR with a new generation not observed', obj('example.io/v1', 'Widget', { status: { observedGeneration: 1 } }, { generation: 2 }), { ready: false, status: 'generation 2 not observed yet (at 1)' }],
  ['CR Available=False', obj('example.io/v1', 'Widget', ready('Available', 'False', 'Scaling')), { ready: false, status: 'Available=False (Scaling)' }],
];

describe('objectHealth', () => {
  for (const [name, o, want, facts] of cases) {
    it(name, () => {
      const r = objectHealth(o, facts);
      expect(r.ready).toBe(want.ready);
      if (want.status instanceof RegExp) expect(r.status).toMatch(want.status);
      else expect(r.status).toBe(want.status);
    });
  }
});
