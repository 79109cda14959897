/**
 * MetalLB pool addresses, IPv4 or IPv6 (a dual-stack pool lists both): a range
 * (`192.168.1.240-192.168.1.250`), a CIDR (`192.168.1.240/28`, `2001:db8::/124`) or a single IP
 * (written to MetalLB as `/32` or `/128`). Pure: parsing and containment, used by
 * the MetalLB role (pool manifests) and by the Istio role (the gateway IP must be in a pool), so it
 * lives next to the platform vars (metallb_address_pools, istio_gateway_loadbalancer_ip).
 */
import type { Problem } from '../errors.ts';
import { hostCidr, parseCidr, parseIp, parseRange, spanHas, spansOverlap } from './ip.ts';
import type { IpSpan } from './ip.ts';

export type { IpSpan as AddressSpan } from './ip.ts';

const HINT = 'write a range (192.168.1.240-192.168.1.250, or IPv6 2001:db8::10-2001:db8::1f), a CIDR (192.168.1.240/28, 2001:db8::/124) or one IP';

/** Pool entries already parsed: validation asks for the same few pools on every host (10,000 of them). */
const parsedEntries = new Map<string, IpSpan | string>();
const MAX_PARSED = 10_000;

/** Parses one pool entry (IPv4 or IPv6); returns an error message (with the fix) instead when it is not valid. */
export function parsePoolAddress(text: string): IpSpan | string {
  let parsed = parsedEntries.get(text);
  if (parsed === undefined) {
    parsed = parseEntry(text);
    if (typeof parsed !== 'string') Object.freeze(parsed);
    if (parsedEntries.size >= MAX_PARSED) parsedEntries.clear();
    parsedEntries.set(text, parsed);
  }
  return parsed;
}

function parseEntry(text: string): IpSpan | string {
  const value = text.trim();
  if (value.includes('-')) {
    const span = parseRange(value);
    if (typeof span !== 'string') return span;
    return span === 'not a range' ? `"${text}" is not an address range: ${HINT}` : `"${text}" is a range ${span}`;
  }
  if (value.includes('/')) {
    const span = parseCidr(value);
    if (typeof span !== 'string') return span;
    return `"${text}" is not a CIDR: ${span === 'not a CIDR' ? HINT : span}`;
  }
  const ip = parseIp(value);
  if (!ip) return `"${text}" is not an IP address: ${HINT}`;
  return { family: ip.family, first: ip.value, last: ip.value };
}

/** MetalLB wants ranges or CIDRs: a single IP becomes `/32` (IPv4) or `/128` (IPv6). */
export function toMetallbAddress(text: string): string {
  const value = text.trim();
  return value.includes('-') || value.includes('/') ? value : hostCidr(value);
}

export interface PoolLike {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly auto_assign?: boolean;
}

/** Names of the pools that contain the IP (invalid entries are ignored: they are reported elsewhere). */
export function poolsContaining(pools: readonly PoolLike[], ipText: string): string[] {
  const ip = parseIp(ipText);
  if (!ip) return [];
  return pools
    .filter((p) => p.addresses.some((a) => {
      const span = parsePoolAddress(a);
      return typeof span !== 'string' && spanHas(span, ip);
    }))
    .map((p) => p.name);
}

/** Pairs of overlapping entries across pools, for a validation message. */
export function overlappingPools(pools: readonly PoolLike[]): [string, string][] {
  const spans = pools.flatMap((p) => p.addresses.map((a) => ({ pool: p.name, span: parsePoolAddress(a) })))
    .filter((x): x is { pool: string; span: IpSpan } => typeof x.span !== 'string');
  const pairs: [string, string][] = [];
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i]!;
      const b = spans[j]!;
      if (a.pool !== b.pool && spansOverlap(a.span, b.span)) pairs.push([a.pool, b.pool]);
    }
  }
  return pairs;
}

export interface GatewayIpCheck {
  readonly ip: string;
  readonly ipSource: string;
  readonly pools: readonly PoolLike[];
  readonly poolsSource: string;
  /** The var holding the IP (default istio_gateway_loadbalancer_ip). */
  readonly key?: string;
}

/** The gateway IP must be in a pool, or MetalLB never assigns it and the gateway stays <pending>. */
export function gatewayIpProblems(c: GatewayIpCheck): Problem[] {
  if (poolsContaining(c.pools, c.ip).length > 0) return [];
  const pools = c.pools.map((p) => `${p.name}: ${p.addresses.join(', ')}`).join('; ') || 'none';
  return [{
    file: c.ipSource,
    key: c.key ?? 'istio_gateway_loadbalancer_ip',
    message: `${c.ip} is outside every MetalLB address pool (${pools}${c.poolsSource ? `, from ${c.poolsSource}` : ''}); ` +
      'use an address inside a pool, or add it to metallb_address_pools',
  }];
}
