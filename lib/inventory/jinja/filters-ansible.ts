/**
 * The Ansible (and Jinja) filters beyond the basic ones, as real inventories use them: `hash`,
 * `zip`/`zip_longest`, `product`, `format`, set filters (`union`, `intersect`, `difference`,
 * `symmetric_difference`), `json_query` (JMESPath, as Ansible's uses the same library's
 * reference implementation), `random`, `extract`, `subelements`, `urlsplit`, `from_yaml`,
 * `indent`, `dictsort`, `groupby`, `batch`, `version_compare`, and the ipaddr family.
 */
import { createHash, randomInt } from 'node:crypto';
import jmespath from 'jmespath';
import { JinjaError } from './errors.ts';
import { IP_FILTERS } from './ipaddr.ts';
import { compareVersions } from './version.ts';
import { defined, equal, impurity, isMapping, iterate, str, typeName, Undefined } from './values.ts';

type Filter = (value: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;

const uniq = (items: unknown[]): unknown[] => items.filter((x, i) => items.findIndex((y) => equal(x, y)) === i);
const has = (items: unknown[], x: unknown): boolean => items.some((y) => equal(x, y));

/** Python's `%` formatting for the conversions inventories use: %s %r %d %i %f %x %o %e with flags, width, precision. */
export function percentFormat(format: string, arg: unknown): string {
  const args = Array.isArray(arg) ? [...arg] : [arg];
  const named = isMapping(arg) ? arg : undefined;
  return format.replace(/%(?:\((\w+)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sridfxXoeEgc%])/g, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, c: string) => {
    if (c === '%') return '%';
    const v = key && named ? named[key] : args.shift();
    let out: string;
    switch (c) {
      case 's': out = str(v); if (prec) out = out.slice(0, Number(prec)); break;
      case 'r': out = typeof v === 'string' ? `'${v}'` : str(v); break;
      case 'd': case 'i': out = String(Math.trunc(Number(v))); break;
      case 'f': out = Number(v).toFixed(prec === undefined ? 6 : Number(prec)); break;
      case 'e': case 'E': out = Number(v).toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([-+])(\d)$/, 'e$10$2'); if (c === 'E') out = out.toUpperCase(); break;
      case 'x': out = Math.trunc(Number(v)).toString(16); break;
      case 'X': out = Math.trunc(Number(v)).toString(16).toUpperCase(); break;
      case 'o': out = Math.trunc(Number(v)).toString(8); break;
      case 'c': out = typeof v === 'number' ? String.fromCharCode(v) : str(v); break;
      default: out = String(v);
    }
    if (flags.includes('+') && /^[dif]$/.test(c) && Number(v) >= 0) out = `+${out}`;
    const w = Number(width ?? 0);
    if (out.length < w) out = flags.includes('-') ? out.padEnd(w) : flags.includes('0') && /^[difxXoeE]$/.test(c) ? (out.startsWith('-') ? `-${out.slice(1).padStart(w - 1, '0')}` : out.padStart(w, '0')) : out.padStart(w);
    return out;
  });
}

function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

function extract(item: unknown, [container, morekeys]: unknown[]): unknown {
  const get = (obj: unknown, key: unknown): unknown => {
    if (obj instanceof Undefined) return obj;
    if (Array.isArray(obj)) return obj[Number(key)] ?? new Undefined(`'list object' has no element ${str(key)}`);
    if (isMapping(obj) && str(key) in obj) return obj[str(key)];
    return new Undefined(`'${typeName(obj)} object' has no attribute '${str(key)}'`);
  };
  let out = get(container, item);
  const keys = morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys];
  for (const k of keys) out = get(out, k);
  return out;
}

function subelements(value: unknown, [path, skipMissing]: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of iterate(value, 'subelements')) {
    let sub: unknown = item;
    for (const k of str(path).split('.')) sub = isMapping(sub) ? sub[k] : undefined;
    if (sub === undefined) {
      if (skipMissing === true || (isMapping(skipMissing) && skipMissing.skip_missing)) continue;
      throw new JinjaError(`subelements: could not find '${str(path)}' key in an item`);
    }
    for (const s of iterate(sub, 'subelements')) out.push([item, s]);
  }
  return out;
}

function urlsplit(value: unknown, [part]: unknown[]): unknown {
  const u = new URL(str(value));
  const parts: Record<string, unknown> = {
    scheme: u.protocol.replace(/:$/, ''), netloc: u.host, hostname: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: u.port ? Number(u.port) : null,
    path: u.pathname, query: u.search.replace(/^\?/, ''), fragment: u.hash.replace(/^#/, ''), username: u.username || null, password: u.password || null,
  };
  if (part === undefined) return parts;
  if (!(str(part) in parts)) throw new JinjaError(`urlsplit: unknown URL component '${str(part)}'`);
  return parts[str(part)];
}

function groupby(value: unknown, [attribute]: unknown[]): unknown[] {
  const groups = new Map<string, { key: unknown; items: unknown[] }>();
  for (const item of iterate(value, 'groupby')) {
    const key = isMapping(item) ? item[str(attribute)] : undefined;
    const id = str(key ?? null);
    if (!groups.has(id)) groups.set(id, { key, items: [] });
    groups.get(id)!.items.push(item);
  }
  return [...groups.values()].sort((a, b) => (str(a.key) < str(b.key) ? -1 : 1)).map((g) => [g.key, g.items]);
}

export const ANSIBLE_FILTERS: Record<string, Filter> = {
  hash: (v, [algo = 'sha1']) => {
    const a = str(algo).toLowerCase();
    try {
      return createHash(a).update(str(v)).digest('hex');
    } catch {
      throw new JinjaError(`hash: unknown algorithm '${a}' (use sha1, sha256, sha512 or md5)`);
    }
  },
  checksum: (v) => createHash('sha1').update(str(v)).digest('hex'),
  md5: (v) => createHash('md5').update(str(v)).digest('hex'),
  sha1: (v) => createHash('sha1').update(str(v)).digest('hex'),
  zip: (v, args) => {
    const lists = [v, ...args].map((l) => iterate(l, 'zip'));
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
  },
  zip_longest: (v, args, kwargs) => {
    const lists = [v, ...args].map((l) => iterate(l, 'zip_longest'));
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : (kwargs.fillvalue ?? null))));
  },
  product: (v, args, kwargs) => {
    const lists = [v, ...args].map((l) => iterate(l, 'product'));
    const repeat = Number(kwargs.repeat ?? 1);
    return product(Array.from({ length: repeat }, () => lists).flat());
  },
  format: (v, args, kwargs) => percentFormat(str(v), Object.keys(kwargs).length ? kwargs : args),
  union: (v, [b]) => uniq([...iterate(v, 'union'), ...iterate(b, 'union')]),
  intersect: (v, [b]) => { const other = iterate(b, 'intersect'); return uniq(iterate(v, 'intersect').filter((x) => has(other, x))); },
  difference: (v, [b]) => { const other = iterate(b, 'difference'); return uniq(iterate(v, 'difference').filter((x) => !has(other, x))); },
  symmetric_difference: (v, [b]) => {
    const x = iterate(v, 'symmetric_difference');
    const y = iterate(b, 'symmetric_difference');
    return uniq([...x.filter((i) => !has(y, i)), ...y.filter((i) => !has(x, i))]);
  },
  json_query: (v, [expr]) => {
    try {
      return jmespath.search(JSON.parse(JSON.stringify(defined(v))), str(expr)) ?? null;
    } catch (e) {
      throw new JinjaError(`json_query: ${(e as Error).message}`);
    }
  },
  random: (v, [start, step]) => {
    impurity.calls++;
    if (typeof v === 'number') {
      const from = start === undefined ? 0 : Number(start);
      const by = Number(step ?? 1);
      const choices = Math.ceil((v - from) / by);
      if (choices <= 0) throw new JinjaError('random: empty range');
      return from + randomInt(choices) * by;
    }
    const items = iterate(v, 'random');
    if (!items.length) throw new JinjaError('random: the sequence is empty');
    return items[randomInt(items.length)];
  },
  shuffle: (v) => { impurity.calls++; const items = [...iterate(v, 'shuffle')]; for (let i = items.length - 1; i > 0; i--) { const j = randomInt(i + 1); [items[i], items[j]] = [items[j], items[i]]; } return items; },
  extract: (v, args) => extract(v, args),
  subelements: (v, args) => subelements(v, args),
  urlsplit: (v, args) => urlsplit(v, args),
  indent: (v, [width = 4, first = false, blank = false]) => {
    const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
    return str(v).split('\n').map((line, i) => ((i === 0 && !first) || (!line && !blank) ? line : pad + line)).join('\n');
  },
  dictsort: (v, [caseSensitive = false, by = 'key', reverse = false]) => {
    if (!isMapping(v)) throw new JinjaError(`dictsort: expected a dict, got '${typeName(v)}'`);
    const at = by === 'value' ? 1 : 0;
    const key = (e: [string, unknown]) => { const x = e[at]; return !caseSensitive && typeof x === 'string' ? x.toLowerCase() : str(x); };
    const out = Object.entries(v).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return reverse ? out.reverse() : out;
  },
  groupby: (v, args) => groupby(v, args),
  batch: (v, [n, fill]) => {
    const items = iterate(v, 'batch');
    const size = Number(n);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    if (fill !== undefined && out.length) while (out.at(-1)!.length < size) out.at(-1)!.push(fill);
    return out;
  },
  attr: (v, [name]) => (isMapping(v) && str(name) in v ? v[str(name)] : new Undefined(`'${typeName(v)} object' has no attribute '${str(name)}'`)),
  wordcount: (v) => str(v).split(/\s+/).filter(Boolean).length,
  center: (v, [width = 80]) => { const s = str(v); const w = Number(width); const left = Math.floor((w - s.length) / 2); return w <= s.length ? s : ' '.repeat(left) + s + ' '.repeat(w - s.length - left); },
  path_join: (v) => iterate(v, 'path_join').map(str).reduce((acc, p) => (p.startsWith('/') ? p : acc ? `${acc.replace(/\/$/, '')}/${p}` : p), ''),
  splitext: (v) => { const s = str(v); const m = /^(.*?)(\.[^./]*)?$/.exec(s)!; return m[1] && m[2] ? [m[1], m[2]] : [s, '']; },
  version_compare: (v, [other, op = 'eq', strict = false], kwargs) => compareVersions(str(v), str(other), str(op), Boolean(kwargs.strict ?? strict), str(kwargs.version_type ?? '')),
  version: (v, [other, op = 'eq', strict = false], kwargs) => compareVersions(str(v), str(other), str(op), Boolean(kwargs.strict ?? strict), str(kwargs.version_type ?? '')),
  ...Object.fromEntries(Object.entries(IP_FILTERS).map(([k, f]) => [k, (v: unknown, args: unknown[]) => f(v, args)])),
};
