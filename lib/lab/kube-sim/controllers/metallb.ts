/**
 * LoadBalancer IPs as MetalLB's controller assigns them, once a metallb.io/v1beta1 IPAddressPool
 * exists (the MetalLB chart's CRDs define it): spec.loadBalancerIP and the
 * metallb.universe.tf/loadBalancerIPs, metallb.io/loadBalancerIPs and metallb.io/address-pool
 * annotations are honoured, pools with autoAssign false only serve explicit requests, and a
 * requested IP outside every pool stays pending with a Warning Event. IPv4 only.
 */
import type { SimContext } from '../context.ts';
import type { StoreEvent } from '../store.ts';
import { internalUpdate, keyOf, Queue, recordEvent } from './util.ts';
// the one copy of MetalLB's address rules, shared with the real control plane's LoadBalancer-IP stand-in
import { chooseIp, currentIp, ipToInt, orderPools } from '../../cluster/lb-ip-allocate.ts';

const poolKey = 'metallb.io/ipaddresspools';

function reconcile(ctx: SimContext, qkey: string): void {
  const svcKey = keyOf(ctx, 'v1', 'Service');
  const [ns, name] = qkey.split('/');
  const svc = ctx.store.get(svcKey, ns, name!);
  if (!svc) return;
  if (svc.spec?.type !== 'LoadBalancer' || svc.spec.loadBalancerClass) {
    if (currentIp(svc)) internalUpdate(ctx, svcKey, svc, (o) => { o.status = { loadBalancer: {} }; });
    return;
  }
  const pools = orderPools(ctx.store.list(poolKey));
  if (pools.length === 0) return;
  const used = new Set(ctx.store.list(svcKey).filter((s) => s !== svc).map(currentIp).filter(Boolean).map((ip) => ipToInt(ip!)!));
  const choice = chooseIp(svc, pools, used);
  if (choice.error) {
    if (svc.status?.loadBalancer?.ingress) internalUpdate(ctx, svcKey, svc, (o) => { o.status = { loadBalancer: {} }; });
    recordEvent(ctx, svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${qkey}": ${choice.error}`, 'metallb-controller');
    return;
  }
  if (currentIp(svc) === choice.ip) return;
  const updated = internalUpdate(ctx, svcKey, svc, (o) => {
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'metallb.io/ip-allocated-from-pool': choice.pool! };
    o.status = { loadBalancer: { ingress: [{ ip: choice.ip, ipMode: 'VIP' }] } };
  });
  recordEvent(ctx, updated, 'Normal', 'IPAllocated', `Assigned IP ["${choice.ip}"]`, 'metallb-controller');
}

export function startMetallbController(ctx: SimContext): void {
  const queue = new Queue(ctx, (qkey) => reconcile(ctx, qkey));
  const svcKey = keyOf(ctx, 'v1', 'Service');
  ctx.store.subscribe(svcKey, (e: StoreEvent) => {
    if (e.type !== 'DELETED' && (e.object.spec?.type === 'LoadBalancer' || currentIp(e.object))) queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`, ctx.controllerDelayMs);
  });
  ctx.store.subscribe(poolKey, () => {
    for (const svc of ctx.store.list(svcKey)) if (svc.spec?.type === 'LoadBalancer') queue.add(`${svc.metadata.namespace}/${svc.metadata.name}`, ctx.controllerDelayMs);
  });
}
