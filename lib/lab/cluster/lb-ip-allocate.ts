/**
 * How MetalLB's controller chooses a LoadBalancer IP, as a pure function, for the LoadBalancer-IP
 * stand-in (lb-ip-stand-in.ts): IPAddressPools (metallb.io/v1beta1: CIDRs, a-b ranges, single
 * IPs; autoAssign; serviceAllocation.priority), `spec.loadBalancerIP`, the
 * `metallb.io/loadBalancerIPs` / `metallb.universe.tf/loadBalancerIPs` and
 * `metallb.io/address-pool` annotations. A Service keeps the IP it has while a pool still holds
 * it. IPv4 only.
 */
export interface Choice { ip?: string; pool?: string; error?: string }

export function ipToInt(ip: string): number | undefined {
  const parts = ip.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** [first, last] integer ranges of a pool's spec.addresses. */
export function poolRanges(pool: any): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const a of pool.spec?.addresses ?? []) {
    const text = String(a).trim();
    if (text.includes('-')) {
      const [from, to] = text.split('-').map((s) => ipToInt(s));
      if (from !== undefined && to !== undefined) out.push([from, to]);
    } else if (text.includes('/')) {
      const [ip, bits] = text.split('/');
      const base = ipToInt(ip!);
      const size = 2 ** (32 - Number(bits));
      if (base !== undefined) out.push([base - (base % size), base - (base % size) + size - 1]);
    } else {
      const ip = ipToInt(text);
      if (ip !== undefined) out.push([ip, ip]);
    }
  }
  return out;
}

export const inPool = (pool: any, ip: number): boolean => poolRanges(pool).some(([a, b]) => ip >= a && ip <= b);

export function currentIp(svc: any): string | undefined {
  return svc.status?.loadBalancer?.ingress?.[0]?.ip;
}

export function requestedIp(svc: any): string | undefined {
  const ann = svc.metadata.annotations ?? {};
  const list = ann['metallb.io/loadBalancerIPs'] ?? ann['metallb.universe.tf/loadBalancerIPs'];
  return list ? String(list).split(',').map((s) => s.trim()).find((s) => ipToInt(s) !== undefined) : svc.spec.loadBalancerIP || undefined;
}

/** Pools in the order MetalLB tries them: priority, then name. */
export function orderPools(pools: any[]): any[] {
  return [...pools].sort((a, b) => (a.spec?.serviceAllocation?.priority ?? 0) - (b.spec?.serviceAllocation?.priority ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** The IP for `svc`, given the pools and the IPs other Services hold. */
export function chooseIp(svc: any, pools: any[], used: ReadonlySet<number>): Choice {
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
    return { ip: wanted, pool: pool.metadata.name };
  }
  const auto = poolName ? candidates : candidates.filter((p) => p.spec?.autoAssign !== false);
  const cur = currentIp(svc);
  const keep = cur !== undefined ? auto.find((p) => inPool(p, ipToInt(cur)!)) : undefined;
  if (keep) return { ip: cur, pool: keep.metadata.name };
  for (const pool of auto) {
    for (const [a, b] of poolRanges(pool)) for (let n = a; n <= b && n - a < 65536; n++) if (!used.has(n)) return { ip: intToIp(n), pool: pool.metadata.name };
  }
  return { error: 'no available IPs' };
}
