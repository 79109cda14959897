/**
 * Bounded, watch-based health waits (the Waiter of lib/kube/types.ts). Each names what it waits
 * for in its progress lines ("deployment istio-system/istiod: 0/1 available, 14s") and, on
 * timeout, throws HealthTimeoutError with the last observed status and the objects' Events.
 */
import type { KubeApi } from '../kube/client.ts';
import type { KubeObject, Waiter } from '../kube/types.ts';
import {
  crdReadiness, daemonSetReadiness, deploymentReadiness, endpointsReadiness, jobReadiness,
  loadBalancerReadiness, nodesReadiness, podsReadiness, statefulSetReadiness, type Readiness,
} from './status.ts';
import { objectHealth, type HealthFacts } from './health.ts';
import { waitFor, type WaitSpec } from './watch.ts';

const rollouts = {
  Deployment: deploymentReadiness,
  DaemonSet: daemonSetReadiness,
  StatefulSet: statefulSetReadiness,
} as const;

/** A wait on one named object. */
function one<T>(resource: string, apiVersion: string, kind: string, name: string, namespace: string | undefined,
  evaluate: (o: KubeObject | undefined) => Readiness & { value?: T }): WaitSpec<T> {
  return {
    resource, apiVersion, kind,
    query: { ...(namespace ? { namespace } : {}), fieldSelector: `metadata.name=${name}` },
    evaluate: (items) => evaluate(items.find((i) => i.metadata.name === name)),
    eventNames: [name],
  };
}

export function createWaiter(api: KubeApi): Waiter {
  return {
    async rollout(kind, namespace, name, o) {
      await waitFor(api, one(`${kind.toLowerCase()} ${namespace}/${name}`, 'apps/v1', kind, name, namespace, rollouts[kind]), o);
    },
    async crdEstablished(name, o) {
      await waitFor(api, one(`crd ${name}`, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', name, undefined, crdReadiness), o);
    },
    async serviceEndpointsReady(namespace, name, o) {
      await waitFor(api, one(`endpoints of service ${namespace}/${name}`, 'v1', 'Endpoints', name, namespace, endpointsReadiness), o);
    },
    async loadBalancerIp(namespace, name, o) {
      const spec = one(`service ${namespace}/${name}`, 'v1', 'Service', name, namespace, (s) => {
        const r = loadBalancerReadiness(s, o.expectedIp);
        return r.ip ? { ...r, value: r.ip } : r;
      });
      return (await waitFor(api, spec, o))!;
    },
    async podsReady(namespace, labelSelector, o) {
      await waitFor(api, {
        resource: `pods ${namespace}/${labelSelector}`, apiVersion: 'v1', kind: 'Pod',
        query: { namespace, labelSelector }, evaluate: podsReadiness,
      }, o);
    },
    async jobComplete(namespace, name, o) {
      await waitFor(api, one(`job ${namespace}/${name}`, 'batch/v1', 'Job', name, namespace, jobReadiness), o);
    },
    async healthy(object, o) {
      const { apiVersion, kind, metadata: { name, namespace } } = object;
      const facts: HealthFacts = {};
      const sc = kind === 'PersistentVolumeClaim' ? (object as { spec?: { storageClassName?: string } }).spec?.storageClassName : undefined;
      if (sc) facts.storageClass = await api.get({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: sc } });
      const what = `${kind.toLowerCase()} ${namespace ? `${namespace}/` : ''}${name}`;
      const spec = one(what, apiVersion, kind, name, namespace, (live) => {
        const r = objectHealth(live, facts);
        return { ...r, value: r.status };
      });
      return (await waitFor(api, spec, o))!;
    },
    async nodesReady(names, o) {
      await waitFor(api, {
        resource: `nodes ${names.join(', ')}`, apiVersion: 'v1', kind: 'Node', query: {},
        evaluate: (items) => nodesReadiness(items, names), eventNames: names,
      }, o);
    },
  };
}
