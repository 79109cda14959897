/**
 * MetalLB pool addresses: a range (`192.168.1.240-192.168.1.250`), a CIDR (`192.168.1.240/28`) or a
 * single IP (`192.168.1.240`, written to MetalLB as `/32`). Pure: parsing and containment, used by
 * the MetalLB role (pool manifests) and by the Istio role (the gateway IP must be in a pool), so it
 * lives next to the platform vars (metallb_address_pools, istio_gateway_loadbalancer_ip).
 */
import type { Problem } from '../errors.ts';

export interface AddressSpan {
  /** First and last address, as 32-bit unsigned integers. */
  readonly first: number;
  readonly last: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The IPv4 address as an unsigned integer, or undefined when it is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Parses one pool entry; returns an error message (with the fix) instead when it is not valid. */
export function parsePoolAddress(text: string): AddressSpan | string {
  const hint = 'write a range (192.168.1.240-192.168.1.250), a CIDR (192.168.1.240/28) or one IP (192.168.1.240)';
  const value = text.trim();
  if (value.includes('-')) {
    const [a, b, extra] = value.split('-');
    const first = parseIpv4(a ?? '');
    const last = parseIpv4(b ?? '');
    if (extra !== undefined || first === undefined || last === undefined) return `"${text}" is not an address range: ${hint}`;
    if (first > last) return `"${text}": the range starts after it ends; write the lower address first`;
    return { first, last };
  }
  if (value.includes('/')) {
    const [ip, bits] = value.split('/');
    const base = parseIpv4(ip ?? '');
    const prefix = /^\d{1,2}$/.test(bits ?? '') ? Number(bits) : NaN;
    if (base === undefined || !(prefix >= 0 && prefix <= 32)) return `"${text}" is not a CIDR: ${hint}`;
    const size = 2 ** (32 - prefix);
    const network = base - (base % size); // host bits are masked, as MetalLB does
    return { first: network, last: network + size - 1 };
  }
  const ip = parseIpv4(value);
  if (ip === undefined) return `"${text}" is not an IPv4 address: ${hint}`;
  return { first: ip, last: ip };
}

/** MetalLB wants ranges or CIDRs: a single IP becomes `/32`. */
export function toMetallbAddress(text: string): string {
  const value = text.trim();
  return value.includes('-') || value.includes('/') ? value : `${value}/32`;
}

export function spanContains(span: AddressSpan, ip: number): boolean {
  return ip >= span.first && ip <= span.last;
}

export interface PoolLike {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly auto_assign?: boolean;
}

/** Names of the pools that contain the IP (invalid entries are ignored: they are reported elsewhere). */
export function poolsContaining(pools: readonly PoolLike[], ipText: string): string[] {
  const ip = parseIpv4(ipText);
  if (ip === undefined) return [];
  return pools
    .filter((p) => p.addresses.some((a) => {
      const span = parsePoolAddress(a);
      return typeof span !== 'string' && spanContains(span, ip);
    }))
    .map((p) => p.name);
}

/** Pairs of overlapping entries across pools, for a validation message. */
export function overlappingPools(pools: readonly PoolLike[]): [string, string][] {
  const spans = pools.flatMap((p) => p.addresses.map((a) => ({ pool: p.name, span: parsePoolAddress(a) })))
    .filter((x): x is { pool: string; span: AddressSpan } => typeof x.span !== 'string');
  const pairs: [string, string][] = [];
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i]!;
      const b = spans[j]!;
      if (a.pool !== b.pool && a.span.first <= b.span.last && b.span.first <= a.span.last) pairs.push([a.pool, b.pool]);
    }
  }
  return pairs;
}

export interface GatewayIpCheck {
  readonly ip: string;
  readonly ipSource: string;
  readonly pools: readonly PoolLike[];
  readonly poolsSource: string;
}

/** The gateway IP must be in a pool, or MetalLB never assigns it and the gateway stays <pending>. */
export function gatewayIpProblems(c: GatewayIpCheck): Problem[] {
  if (poolsContaining(c.pools, c.ip).length > 0) return [];
  const pools = c.pools.map((p) => `${p.name}: ${p.addresses.join(', ')}`).join('; ') || 'none';
  return [{
    file: c.ipSource,
    key: 'istio_gateway_loadbalancer_ip',
    message: `${c.ip} is outside every MetalLB address pool (${pools}${c.poolsSource ? `, from ${c.poolsSource}` : ''}); ` +
      'use an address inside a pool, or add it to metallb_address_pools',
  }];
}
