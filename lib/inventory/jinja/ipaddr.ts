/**
 * ansible.utils' ipaddr family (`ipaddr`, `ipv4`, `ipv6`, `ipwrap`, `ipmath`, `nthhost`,
 * `ipsubnet`) on the values inventories feed it: addresses and CIDRs, v4 and v6, as netaddr
 * answers the common queries (`net`, `network`, `address`, `host`, `netmask`, `prefix`,
 * `broadcast`, `size`, `first_usable`, `last_usable`, `range_usable`, `cidr`, `private`,
 * `public`, an integer n for the n-th address). Parsing is ipaddr.js's; arithmetic is BigInt.
 * A value that is no IP gives False, as the filters do; a list keeps the items that pass.
 */
import ipaddr from 'ipaddr.js';
import { JinjaError } from './errors.ts';
import { str } from './values.ts';

interface Net {
  v: 4 | 6;
  /** The address as given (host bits kept). */
  ip: bigint;
  prefix: number;
  /** Whether the value carried a /prefix. */
  hasPrefix: boolean;
}

const bitsOf = (v: 4 | 6): number => (v === 4 ? 32 : 128);

function parseNet(value: unknown): Net | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  const [addr, pfx, ...rest] = text.split('/');
  if (rest.length || !addr || !ipaddr.isValid(addr)) return undefined;
  const parsed = ipaddr.parse(addr);
  if (parsed.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(addr)) return undefined;
  const v = parsed.kind() === 'ipv4' ? 4 : 6;
  let prefix = bitsOf(v);
  if (pfx !== undefined) {
    if (/^\d+$/.test(pfx)) prefix = Number(pfx);
    else if (v === 4 && ipaddr.IPv4.isValidFourPartDecimal(pfx)) prefix = ipaddr.IPv4.parse(pfx).prefixLengthFromSubnetMask() ?? -1;
    else return undefined;
    if (prefix < 0 || prefix > bitsOf(v)) return undefined;
  }
  const ip = parsed.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  return { v, ip, prefix, hasPrefix: pfx !== undefined };
}

function addrText(v: 4 | 6, n: bigint): string {
  const bytes: number[] = [];
  for (let i = 0; i < bitsOf(v) / 8; i++) bytes.unshift(Number((n >> BigInt(8 * i)) & 0xffn));
  const ip = ipaddr.fromByteArray(bytes);
  return ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
}

const mask = (n: Net): bigint => ((1n << BigInt(bitsOf(n.v))) - 1n) ^ ((1n << BigInt(bitsOf(n.v) - n.prefix)) - 1n);
const network = (n: Net): bigint => n.ip & mask(n);
const size = (n: Net): bigint => 1n << BigInt(bitsOf(n.v) - n.prefix);
const last = (n: Net): bigint => network(n) + size(n) - 1n;
const isPrivate = (n: Net): boolean => {
  const r = ipaddr.parse(addrText(n.v, n.ip)).range();
  return ['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat'].includes(r);
};

type Query = (n: Net, original: string) => unknown;

const QUERIES: Record<string, Query> = {
  '': (_n, original) => original,
  address: (n) => (n.prefix === bitsOf(n.v) || n.ip !== network(n) ? addrText(n.v, n.ip) : false),
  host: (n) => (n.prefix === bitsOf(n.v) || n.ip !== network(n) ? `${addrText(n.v, n.ip)}/${n.prefix}` : false),
  net: (n) => (size(n) > 1n && n.ip === network(n) ? `${addrText(n.v, n.ip)}/${n.prefix}` : false),
  cidr: (n) => `${addrText(n.v, network(n))}/${n.prefix}`,
  subnet: (n) => `${addrText(n.v, network(n))}/${n.prefix}`,
  network: (n) => addrText(n.v, network(n)),
  netmask: (n) => addrText(n.v, mask(n)),
  hostmask: (n) => addrText(n.v, size(n) - 1n),
  prefix: (n) => n.prefix,
  size: (n) => Number(size(n)),
  broadcast: (n) => (n.v === 4 && size(n) > 1n ? addrText(n.v, last(n)) : null),
  first_usable: (n) => (size(n) > 1n ? addrText(n.v, network(n) + (n.v === 4 && size(n) > 2n ? 1n : 0n)) : null),
  last_usable: (n) => (size(n) > 1n ? addrText(n.v, last(n) - (n.v === 4 && size(n) > 2n ? 1n : 0n)) : null),
  range_usable: (n) => (size(n) > 1n ? `${QUERIES.first_usable!(n, '')}-${QUERIES.last_usable!(n, '')}` : null),
  int: (n) => Number(n.ip),
  version: (n) => n.v,
  ipv4: (n, o) => (n.v === 4 ? o : false),
  ipv6: (n, o) => (n.v === 6 ? o : false),
  private: (n, o) => (isPrivate(n) ? o : false),
  public: (n, o) => (isPrivate(n) ? false : o),
  ipwrap: (n, o) => (n.v === 6 && !n.hasPrefix ? `[${o}]` : o),
  wrap: (n, o) => (n.v === 6 && !n.hasPrefix ? `[${o}]` : o),
  bool: () => true,
};

function one(value: unknown, query: unknown, version: 4 | 6 | undefined): unknown {
  const n = parseNet(value);
  if (!n || (version && n.v !== version)) return false;
  if (typeof query === 'number' || (typeof query === 'string' && /^-?\d+$/.test(query))) {
    const k = BigInt(query);
    const at = k >= 0n ? network(n) + k : last(n) + 1n + k;
    return at > last(n) || at < network(n) ? false : `${addrText(n.v, at)}/${n.prefix}`;
  }
  const q = QUERIES[str(query ?? '')];
  if (!q) throw new JinjaError(`ipaddr: unknown query '${str(query)}' (capstan supports ${Object.keys(QUERIES).filter(Boolean).join(', ')}, or a number)`);
  return q(n, String(value).trim());
}

function family(version: 4 | 6 | undefined) {
  return (value: unknown, args: unknown[]): unknown => {
    const query = args[0] ?? '';
    if (Array.isArray(value)) return value.map((x) => one(x, query, version)).filter((x) => x !== false && x !== null);
    return one(value, query, version);
  };
}

/** `ipwrap`: IPv6 addresses in brackets; anything else unchanged. */
function ipwrap(value: unknown): unknown {
  const wrap = (x: unknown) => {
    const n = parseNet(x);
    return n && n.v === 6 && !n.hasPrefix ? `[${String(x).trim()}]` : x;
  };
  return Array.isArray(value) ? value.map(wrap) : wrap(value);
}

function ipmath(value: unknown, [amount]: unknown[]): unknown {
  const n = parseNet(value);
  if (!n) throw new JinjaError(`ipmath: '${str(value)}' is not an IP address`);
  return addrText(n.v, n.ip + BigInt(Number(amount)));
}

function nthhost(value: unknown, [k]: unknown[]): unknown {
  const r = one(value, Number(k), undefined);
  return typeof r === 'string' ? r.split('/')[0] : r;
}

function ipsubnet(value: unknown, [prefix, index]: unknown[]): unknown {
  const n = parseNet(value);
  if (!n) return false;
  if (prefix === undefined) return `${addrText(n.v, network(n))}/${n.prefix}`;
  const p = Number(prefix);
  if (p < n.prefix) return false;
  const count = 1n << BigInt(p - n.prefix);
  if (index === undefined) return String(count);
  const i = BigInt(Number(index));
  if (i < 0n || i >= count) return false;
  return `${addrText(n.v, network(n) + i * (1n << BigInt(bitsOf(n.v) - p)))}/${p}`;
}

export const IP_FILTERS: Record<string, (value: unknown, args: unknown[]) => unknown> = {
  ipaddr: family(undefined),
  ipv4: family(4),
  ipv6: family(6),
  ipwrap,
  ipmath,
  nthhost,
  ipsubnet,
};

/** `is ansible.utils.ip` / `ipv4` / `ipv6` (the tests of the same names). */
export const IP_TESTS: Record<string, (value: unknown) => boolean> = {
  ip: (v) => parseNet(v) !== undefined,
  ipv4: (v) => parseNet(v)?.v === 4,
  ipv6: (v) => parseNet(v)?.v === 6,
  ip_address: (v) => { const n = parseNet(v); return !!n && !n.hasPrefix; },
};
