/**
 * Ansible's `version` test / `version_compare` filter: LooseVersion by default (numbers and
 * letters compared part by part: `1.10 > 1.9`, `v1.31.2+k3s1`'s parts are v,1,31,2,+k,3,s,1),
 * `strict` / `version_type='strict'` (x.y[.z][a|bN]) and `version_type='semver'` (prerelease
 * lower than its release). Operators: < lt <= le > gt >= ge == = eq != <> ne.
 */
import { JinjaError } from './errors.ts';

const OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0, lt: (c) => c < 0, '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0, '>=': (c) => c >= 0, ge: (c) => c >= 0,
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0, '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

function loose(v: string): (number | string)[] {
  return (v.match(/\d+|[a-z]+|\./gi) ?? []).filter((p) => p !== '.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function cmpParts(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x !== typeof y) throw new JinjaError(`version comparison: cannot compare '${x}' with '${y}' (LooseVersion compares numbers with numbers): compare the numeric part, e.g. regex_replace('^v', '')`);
    return x < y ? -1 : 1;
  }
  return 0;
}

function strict(v: string): (number | string)[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(v);
  if (!m) throw new JinjaError(`invalid version number '${v}' for a strict comparison (x.y[.z][a|bN]): drop strict, or fix the version`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), m[4] ? (m[4] === 'a' ? 0 : 1) : 2, Number(m[5] ?? 0)];
}

function compareSemver(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
    if (!m) throw new JinjaError(`invalid semantic version '${v}': write it as MAJOR.MINOR.PATCH[-pre][+build]`);
    return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4]?.split('.') ?? [] };
  };
  const x = parse(a);
  const y = parse(b);
  const core = cmpParts(x.core, y.core);
  if (core || (!x.pre.length && !y.pre.length)) return core;
  if (!x.pre.length) return 1;
  if (!y.pre.length) return -1;
  return cmpParts(x.pre.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), y.pre.map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
}

export function compareVersions(a: string, b: string, op: string, isStrict: boolean, type: string): boolean {
  const test = OPS[op];
  if (!test) throw new JinjaError(`version: unknown operator '${op}' (use one of ${Object.keys(OPS).join(' ')})`);
  let c: number;
  if (type === 'semver' || type === 'semantic') c = compareSemver(a, b);
  else if (isStrict || type === 'strict') c = cmpParts(strict(a), strict(b));
  else c = cmpParts(loose(a), loose(b));
  return test(c);
}
