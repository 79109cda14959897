// Readiness rules of lib/wait, as tables: observed object in, ready/status/failure out.
import { describe, expect, it } from 'vitest';
import {
  crdReadiness, daemonSetReadiness, deploymentReadiness, endpointSlicesReadiness, jobReadiness,
  loadBalancerReadiness, nodesReadiness, podsReadiness, statefulSetReadiness,
} from '../lib/wait/status.ts';
import type { KubeObject } from '../lib/kube/types.ts';

const obj = (kind: string, rest: Record<string, unknown>, generation = 1): KubeObject =>
  ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns', generation }, ...rest });
const cond = (type: string, status = 'True', extra: Record<string, string> = {}) => ({ type, status, ...extra });

describe('rollouts', () => {
  it.each([
    ['no status yet', {}, false, '0/1 available, 0/1 updated, new generation not observed yet'],
    ['available', { observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1 }, true, '1/1 available'],
    ['old generation observed', { observedGeneration: 0, updatedReplicas: 1, availableReplicas: 1 }, false, '1/1 available, new generation not observed yet'],
    ['updated but not available', { observedGeneration: 1, updatedReplicas: 1, availableReplicas: 0 }, false, '0/1 available'],
  ])('deployment: %s', (_l, status, ready, text) => {
    const r = deploymentReadiness(obj('Deployment', { spec: { replicas: 1 }, status }));
    expect([r.ready, r.status]).toEqual([ready, text]);
  });
  it('deployment past its progress deadline fails', () => {
    const r = deploymentReadiness(obj('Deployment', { spec: {}, status: { conditions: [cond('Progressing', 'False', { reason: 'ProgressDeadlineExceeded', message: 'too slow' })] } }));
    expect(r.failed).toMatch(/progress deadline exceeded: too slow/);
  });
  it('statefulset and daemonset', () => {
    expect(statefulSetReadiness(obj('StatefulSet', { spec: { replicas: 2 }, status: { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2 } })).ready).toBe(true);
    expect(statefulSetReadiness(obj('StatefulSet', { spec: { replicas: 2 }, status: { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 2 } })).status).toBe('1/2 ready');
    expect(daemonSetReadiness(obj('DaemonSet', { status: {} })).status).toBe('not scheduled yet');
    expect(daemonSetReadiness(obj('DaemonSet', { status: { observedGeneration: 1, desiredNumberScheduled: 3, numberAvailable: 3, updatedNumberScheduled: 3 } })).ready).toBe(true);
  });
  it('missing object', () => {
    expect(deploymentReadiness(undefined)).toEqual({ ready: false, status: 'not found yet' });
  });
});

describe('other kinds', () => {
  it('crd established', () => {
    expect(crdReadiness(obj('CustomResourceDefinition', { status: { conditions: [cond('NamesAccepted')] } })).status).toBe('not established (NamesAccepted=True)');
    expect(crdReadiness(obj('CustomResourceDefinition', { status: { conditions: [cond('Established')] } })).ready).toBe(true);
  });
  it('endpoints: the EndpointSlices of a service, conditions.ready false is not ready, unset is ready', () => {
    const slice = (...ready: (boolean | undefined)[]) => obj('EndpointSlice', { endpoints: ready.map((r) => ({ conditions: r === undefined ? {} : { ready: r } })) });
    expect(endpointSlicesReadiness([])).toEqual({ ready: false, status: 'no EndpointSlice yet' });
    expect(endpointSlicesReadiness([slice(false)])).toEqual({ ready: false, status: '0 ready endpoints, 1 not ready' });
    expect(endpointSlicesReadiness([slice(false), slice(true)])).toEqual({ ready: true, status: '1 ready endpoint, 1 not ready' });
    expect(endpointSlicesReadiness([slice(undefined)]).ready).toBe(true);
  });
  it('load balancer ip, and a wrong one fails at once', () => {
    const svc = (ip?: string) => obj('Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: ip ? [{ ip }] : [] } } });
    expect(loadBalancerReadiness(svc()).status).toBe('no ingress IP yet');
    expect(loadBalancerReadiness(svc('10.0.0.5'), '10.0.0.5')).toMatchObject({ ready: true, ip: '10.0.0.5' });
    expect(loadBalancerReadiness(svc('10.0.0.6'), '10.0.0.5').failed).toBe('got ingress IP 10.0.0.6, expected 10.0.0.5');
    expect(loadBalancerReadiness(obj('Service', { spec: { type: 'NodePort' } })).failed).toMatch(/not LoadBalancer/);
  });
  it('pods, jobs, nodes', () => {
    const pod = (ready: boolean, name = 'p') => ({ ...obj('Pod', { status: { phase: 'Running', conditions: [cond('Ready', ready ? 'True' : 'False')] } }), metadata: { name, namespace: 'n' } });
    expect(podsReadiness([])).toEqual({ ready: false, status: 'no pods yet' });
    expect(podsReadiness([pod(true, 'a'), pod(false, 'b'), pod(false, 'c')])).toEqual({ ready: false, status: '1/3 pods ready (waiting for b, c)' });
    expect(jobReadiness(obj('Job', { status: { conditions: [cond('Complete')] } })).ready).toBe(true);
    expect(jobReadiness(obj('Job', { status: { failed: 2, conditions: [cond('Failed', 'True', { reason: 'BackoffLimitExceeded' })] } })).failed).toBe('failed: BackoffLimitExceeded');
    const node = (name: string, ready: boolean) => ({ ...obj('Node', { status: { conditions: [cond('Ready', ready ? 'True' : 'False')] } }), metadata: { name } });
    expect(nodesReadiness([node('a', true), node('b', false)], ['a', 'b']).status).toBe('1/2 nodes ready (waiting for b)');
  });
});

describe('allReady: waits run together and a timeout names every pending item', () => {
  it('names each timed-out wait with its last status, after all have finished', async () => {
    const { allReady } = await import('../lib/wait/index.ts');
    const { HealthTimeoutError } = await import('../lib/errors.ts');
    let lateFinished = false;
    const late = new Promise<void>((r) => setTimeout(() => { lateFinished = true; r(); }, 20));
    const err = await allReady([
      Promise.reject(new HealthTimeoutError('deployment ns/a', 5, '0/1 available')),
      late,
      Promise.reject(new HealthTimeoutError('endpoints of service ns/b', 7, 'no EndpointSlice yet')),
    ]).catch((e: unknown) => e);
    expect(lateFinished).toBe(true);
    expect(err).toBeInstanceOf(HealthTimeoutError);
    expect((err as Error).message).toBe('timed out after 7s waiting for 2 items:\n  - deployment ns/a: 0/1 available\n  - endpoints of service ns/b: no EndpointSlice yet');
  });
});
