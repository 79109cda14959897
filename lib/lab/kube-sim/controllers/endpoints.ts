/**
 * Endpoints and EndpointSlices for Services with a selector, from the ready pods it matches
 * (what "the webhook service has ready endpoints" waits look at). Recomputed per namespace
 * whenever a Service or Pod there changes.
 */
import type { SimContext } from '../context.ts';
import { labelSelectorObjectMatches } from '../selectors.ts';
import type { StoreEvent } from '../store.ts';
import { isPodReady } from './pods.ts';
import { internalCreate, internalUpdate, keyOf, ownerRef, Queue } from './util.ts';

function resolvePort(port: any, pod: any): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return /^\d+$/.test(String(target)) ? Number(target) : undefined;
}

function reconcileNamespace(ctx: SimContext, ns: string): void {
  const svcKey = keyOf(ctx, 'v1', 'Service');
  const pods = ctx.store.list(keyOf(ctx, 'v1', 'Pod'), ns).filter((p) => isPodReady(p) && p.status?.podIP);
  for (const svc of ctx.store.list(svcKey, ns)) {
    const selector = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const matched = pods.filter((p) => labelSelectorObjectMatches({ matchLabels: selector }, p.metadata.labels));
    const ports = (svc.spec.ports ?? []).map((p: any) => ({ ...(p.name ? { name: p.name } : {}), port: matched[0] ? resolvePort(p, matched[0]) ?? p.port : (typeof p.targetPort === 'number' ? p.targetPort : p.port), protocol: p.protocol ?? 'TCP' }));
    const targetRef = (p: any): any => ({ kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid });
    const subsets = matched.length ? [{ addresses: matched.map((p) => ({ ip: p.status.podIP, nodeName: p.spec?.nodeName, targetRef: targetRef(p) })), ports }] : [];
    writeEndpoints(ctx, svc, subsets);
    writeSlice(ctx, svc, matched.map((p) => ({
      addresses: [p.status.podIP], conditions: { ready: true, serving: true, terminating: false }, nodeName: p.spec?.nodeName, targetRef: targetRef(p),
    })), ports);
  }
}

function writeEndpoints(ctx: SimContext, svc: any, subsets: any[]): void {
  const key = keyOf(ctx, 'v1', 'Endpoints');
  const existing = ctx.store.get(key, svc.metadata.namespace, svc.metadata.name);
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (!existing) internalCreate(ctx, 'v1', 'Endpoints', { metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels }, subsets });
  else internalUpdate(ctx, key, existing, (o) => {
    o.subsets = subsets;
  });
}

function writeSlice(ctx: SimContext, svc: any, endpoints: any[], ports: any[]): void {
  const key = keyOf(ctx, 'discovery.k8s.io/v1', 'EndpointSlice');
  const name = `${svc.metadata.name}-sim`;
  const existing = ctx.store.get(key, svc.metadata.namespace, name);
  if (!existing) {
    internalCreate(ctx, 'discovery.k8s.io/v1', 'EndpointSlice', {
      metadata: { name, namespace: svc.metadata.namespace, ownerReferences: [{ ...ownerRef(svc), apiVersion: 'v1', kind: 'Service' }],
        labels: { 'kubernetes.io/service-name': svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
      addressType: 'IPv4', endpoints, ports,
    });
  } else internalUpdate(ctx, key, existing, (o) => {
    o.endpoints = endpoints;
    o.ports = ports;
  });
}

export function startEndpointsController(ctx: SimContext): void {
  const queue = new Queue(ctx, (ns) => reconcileNamespace(ctx, ns));
  const onEvent = (e: StoreEvent): void => {
    if (e.object.metadata.namespace) queue.add(e.object.metadata.namespace);
  };
  const endpointsKey = keyOf(ctx, 'v1', 'Endpoints');
  ctx.store.subscribe(keyOf(ctx, 'v1', 'Service'), (e: StoreEvent) => {
    if (e.type === 'DELETED') ctx.store.remove(endpointsKey, e.object.metadata.namespace, e.object.metadata.name);
    else onEvent(e);
  });
  ctx.store.subscribe(keyOf(ctx, 'v1', 'Pod'), onEvent);
}
