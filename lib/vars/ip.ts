/**
 * IP addresses of both families for vars and address pools: an address (IPv4 or IPv6), a CIDR
 * and a range `first-last`, as numbers (BigInt: an IPv6 address is 128 bits) for order and
 * containment. Which text is an address is node:net's isIP (the parser the sockets use), so a
 * var accepts exactly what a connection would; this module only adds the arithmetic.
 */
import { isIP, isIPv4 } from 'node:net';

export type Family = 4 | 6;

export interface IpValue {
  readonly family: Family;
  readonly value: bigint;
}

export interface IpSpan {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function v4Value(text: string): bigint {
  return text.split('.').reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

/** An IPv6 address (with `::` and an embedded dotted quad) as 128 bits; isIP has checked it. */
function v6Value(text: string): bigint {
  let t = text.replace(/%.*$/, '');
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (quad) {
    const v = v4Value(quad[1]!);
    t = `${t.slice(0, -quad[1]!.length)}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') as [string, string] : [t, undefined];
  const h = head ? head.split(':') : [];
  const tl = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The address, or undefined when the text is not an IPv4 or IPv6 address. */
export function parseIp(text: string): IpValue | undefined {
  const t = text.trim();
  const family = isIP(t);
  if (family === 0) return undefined;
  return family === 4 ? { family: 4, value: v4Value(t) } : { family: 6, value: v6Value(t) };
}

/** `a/n` → the span of the network (host bits masked, as MetalLB and Kubernetes do), or a problem. */
export function parseCidr(text: string): IpSpan | string {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  const ip = m ? parseIp(m[1]!) : undefined;
  if (!m || !ip) return 'not a CIDR';
  const prefix = Number(m[2]);
  const bits = BITS[ip.family];
  if (prefix > bits) return `the prefix /${prefix} is longer than an IPv${ip.family} address (at most /${bits})`;
  const hostBits = BigInt(bits - prefix);
  const first = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, first, last: first + (1n << hostBits) - 1n };
}

/** `first-last` → its span, or a problem (not two addresses, two families, or reversed). */
export function parseRange(text: string): IpSpan | string {
  const parts = text.split('-').map((s) => s.trim());
  const [a, b] = parts.map(parseIp);
  if (parts.length !== 2 || !a || !b) return 'not a range';
  if (a.family !== b.family) return 'a range from an IPv4 to an IPv6 address; write one range per family';
  if (a.value > b.value) return 'whose first address is after its last; swap them';
  return { family: a.family, first: a.value, last: b.value };
}

export function spanHas(span: IpSpan, ip: IpValue): boolean {
  return span.family === ip.family && ip.value >= span.first && ip.value <= span.last;
}

export function spansOverlap(a: IpSpan, b: IpSpan): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** One address as a single-address CIDR: /32 for IPv4, /128 for IPv6. */
export function hostCidr(ip: string): string {
  return `${ip}/${isIPv4(ip.trim()) ? 32 : 128}`;
}
