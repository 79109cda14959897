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
import { currentIp, inPool, intToIp, ipToInt, poolRanges as ranges, requestedIp } from '../../cluster/lb-ip-allocate.ts';

const poolKey = 'metallb.io/ipaddresspools';

function choose(ctx: SimContext, svc: any, pools: any[], used: Set<number>): { ip?: string; pool?: any; error?: string } {
  const ann = svc.metadata.annotations ?? {};
  const poolName = ann['metallb.io/address-pool'] ?? ann['metallb.universe.tf/address-pool'];
  const candidates = poolName ? pools.filter((p) => p.metadata.name === poolName) : pools;
  if (poolName && candidates.length === 0) return { error: `pool "${poolName}" does not exist` };
  const wanted = requestedIp(svc);
  if (wanted) {
    const n = ipToInt(wanted)!;
    const pool = candidates.find((p) => inPool(p, n));
    if (!pool) return { error: `["${wanted}"] is not allowed in config` };
    if (used.has(n) && currentIp(svc) !== wanted) return { error: `can't change sharing key for "${svc.metadata.namespace}/${svc.metadata.name}", address also in use by another service` };
    return { ip: wanted, pool };
  }
  const auto = poolName ? candidates : candidates.filter((p) => p.spec?.autoAssign !== false);
  const current = currentIp(svc) ? ipToInt(currentIp(svc)!) : undefined;
  const keep = current !== undefined ? auto.find((p) => inPool(p, current)) : undefined;
  if (keep) return { ip: currentIp(svc), pool: keep };
  for (const pool of auto) {
    for (const [a, b] of ranges(pool)) for (let n = a; n <= b && n - a < 65536; n++) if (!used.has(n)) return { ip: intToIp(n), pool };
  }
  return { error: 'no available IPs' };
}

function reconcile(ctx: SimContext, qkey: string): void {
  const svcKey = keyOf(ctx, 'v1', 'Service');
  const [ns, name] = qkey.split('/');
  const svc = ctx.store.get(svcKey, ns, name!);
  if (!svc) return;
  if (svc.spec?.type !== 'LoadBalancer' || svc.spec.loadBalancerClass) {
    if (currentIp(svc)) internalUpdate(ctx, svcKey, svc, (o) => { o.status = { loadBalancer: {} }; });
    return;
  }
  const pools = ctx.store.list(poolKey).sort((a, b) => (a.spec?.serviceAllocation?.priority ?? 0) - (b.spec?.serviceAllocation?.priority ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
  if (pools.length === 0) return;
  const used = new Set(ctx.store.list(svcKey).filter((s) => s !== svc).map(currentIp).filter(Boolean).map((ip) => ipToInt(ip!)!));
  const choice = choose(ctx, svc, pools, used);
  if (choice.error) {
    if (svc.status?.loadBalancer?.ingress) internalUpdate(ctx, svcKey, svc, (o) => { o.status = { loadBalancer: {} }; });
    recordEvent(ctx, svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${qkey}": ${choice.error}`, 'metallb-controller');
    return;
  }
  if (currentIp(svc) === choice.ip) return;
  const updated = internalUpdate(ctx, svcKey, svc, (o) => {
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'metallb.io/ip-allocated-from-pool': choice.pool.metadata.name };
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
