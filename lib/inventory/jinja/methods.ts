/** The Python methods inventory expressions commonly call: `x.split(',')`, `d.items()`, `d.get('k', 'x')`, ... */
import { JinjaError } from './errors.ts';
import { isMapping, str, typeName } from './values.ts';

type Method = (self: never, args: unknown[]) => unknown;

const STRING: Record<string, Method> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  strip: (s: string, [chars]) => stripChars(s, chars, 'both'),
  lstrip: (s: string, [chars]) => stripChars(s, chars, 'left'),
  rstrip: (s: string, [chars]) => stripChars(s, chars, 'right'),
  split: (s: string, [sep, max]) => pySplit(s, sep as string | undefined, max as number | undefined),
  replace: (s: string, [a, b]) => s.split(str(a)).join(str(b)),
  startswith: (s: string, [p]) => s.startsWith(str(p)),
  endswith: (s: string, [p]) => s.endsWith(str(p)),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s: string) => s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  join: (s: string, [items]) => (items as unknown[]).map(str).join(s),
  format: (s: string, args) => { let i = 0; return s.replace(/\{\}/g, () => str(args[i++])); },
  count: (s: string, [sub]) => s.split(str(sub)).length - 1,
  find: (s: string, [sub]) => s.indexOf(str(sub)),
  isdigit: (s: string) => /^\d+$/.test(s),
};

const MAPPING: Record<string, Method> = {
  items: (d: Record<string, unknown>) => Object.entries(d),
  keys: (d: Record<string, unknown>) => Object.keys(d),
  values: (d: Record<string, unknown>) => Object.values(d),
  get: (d: Record<string, unknown>, [k, dflt = null]) => (str(k) in d ? d[str(k)] : dflt),
};

const LIST: Record<string, Method> = {
  index: (l: unknown[], [x]) => l.indexOf(x),
  count: (l: unknown[], [x]) => l.filter((y) => y === x).length,
};

function table(target: unknown): Record<string, Method> | undefined {
  if (typeof target === 'string') return STRING;
  if (Array.isArray(target)) return LIST;
  if (isMapping(target)) return MAPPING;
  return undefined;
}

export function hasMethod(target: unknown, name: string): boolean {
  return Object.hasOwn(table(target) ?? {}, name);
}

export function callMethod(target: unknown, name: string, args: unknown[]): unknown {
  const method = table(target)?.[name];
  if (!method) throw new JinjaError(`'${typeName(target)} object' has no method '${name}'`);
  return method(target as never, args);
}

export function stripChars(s: string, chars: unknown, side: 'both' | 'left' | 'right'): string {
  const set = chars === undefined || chars === null ? ' \t\n\r\f\v' : str(chars);
  let a = 0;
  let b = s.length;
  if (side !== 'right') while (a < b && set.includes(s[a]!)) a++;
  if (side !== 'left') while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** Python's str.split: no separator splits on runs of whitespace and drops empty parts. */
export function pySplit(s: string, sep?: string | null, max?: number): string[] {
  const limit = max === undefined || max < 0 ? Infinity : max;
  if (sep === undefined || sep === null) {
    const parts = s.trim().split(/\s+/).filter(Boolean);
    if (parts.length <= limit + 1) return parts;
    const head = parts.slice(0, limit);
    let rest = s.trimStart();
    for (const p of head) rest = rest.slice(rest.indexOf(p) + p.length).trimStart();
    return [...head, rest];
  }
  const parts = s.split(sep);
  if (parts.length <= limit + 1) return parts;
  return [...parts.slice(0, limit), parts.slice(limit).join(sep)];
}
