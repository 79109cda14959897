/**
 * Bounded, watch-based health waits (the Waiter of lib/kube/types.ts). Each names what it waits
 * for in its progress lines ("deployment istio-system/istiod: 0/1 available, 14s") and, on
 * timeout, throws HealthTimeoutError with the last observed status and the objects' Events.
 */
import { HealthTimeoutError } from '../errors.ts';
import type { KubeApi } from '../kube/client.ts';
import type { KubeObject, Waiter } from '../kube/types.ts';
import {
  crdReadiness, daemonSetReadiness, deploymentReadiness, endpointSlicesReadiness, jobReadiness,
  loadBalancerReadiness, nodesReadiness, podsReadiness, statefulSetReadiness, type Readiness,
} from './status.ts';
import { objectHealth, type HealthFacts } from './health.ts';
import { waitFor, type WaitSpec } from './watch.ts';

/**
 * Waits that run together: all of them finish (none is cut short by another's failure), and a
 * timeout names every item still pending, not only the first.
 */
export async function allReady(waits: readonly Promise<unknown>[]): Promise<void> {
  const failures = (await Promise.allSettled(waits))
    .filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
  if (!failures.length) return;
  const other = failures.find((e) => !(e instanceof HealthTimeoutError));
  if (other !== undefined) throw other;
  throw HealthTimeoutError.combine(failures as HealthTimeoutError[]);
}

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
      await waitFor(api, {
        resource: `endpoints of service ${namespace}/${name}`, apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        query: { namespace, labelSelector: `kubernetes.io/service-name=${name}` }, evaluate: endpointSlicesReadiness, eventNames: [name],
      }, o);
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
        // Items of a real API server's list carry no apiVersion/kind: the object's own say what it is.
        const r = objectHealth(live && { ...live, apiVersion, kind }, facts);
        return { ...r, value: r.status };
      });
      return (await waitFor(api, spec, o))!;
    },
    async podsGone(node, pods, o) {
      const uids = new Set(pods.map((p) => p.metadata['uid'] as string));
      await waitFor(api, {
        resource: `pods evicted from ${node}`, apiVersion: 'v1', kind: 'Pod', query: { fieldSelector: `spec.nodeName=${node}` },
        evaluate: (items) => {
          const left = items.filter((i) => uids.has(i.metadata['uid'] as string)).map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
          return left.length ? { ready: false, status: `${left.join(', ')} still terminating` } : { ready: true, status: 'gone' };
        },
        eventNames: pods.map((p) => p.metadata.name),
      }, o);
    },
    async nodesReady(names, o) {
      await waitFor(api, {
        resource: `nodes ${names.join(', ')}`, apiVersion: 'v1', kind: 'Node', query: {},
        evaluate: (items) => nodesReadiness(items, names), eventNames: names,
      }, o);
    },
  };
}
