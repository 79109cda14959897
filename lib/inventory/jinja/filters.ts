/**
 * Jinja and Ansible filters and tests used in inventories. Each behaves as its Jinja2/Ansible
 * namesake for the common arguments; an unknown filter is an error naming it.
 */
import { stringify } from 'yaml';
import { JinjaError } from './errors.ts';
import { pySplit, stripChars } from './methods.ts';
import { closest } from '../../vars/suggest.ts';
import { ANSIBLE_FILTERS } from './filters-ansible.ts';
import { niceYaml } from './nice-yaml.ts';
import { applyTest } from './tests.ts';
import { num, toBool } from './coerce.ts';
import { defined, equal, isMapping, iterate, str, truthy, typeName, Undefined } from './values.ts';

export { num, toBool } from './coerce.ts';

export { applyTest } from './tests.ts';

type Filter = (value: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;

function toInt(v: unknown, dflt: unknown = 0, base: unknown = 10): unknown {
  v = defined(v);
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    const b = Number(base);
    if (b === 10 && /^[-+]?\d+$/.test(s)) return parseInt(s, 10);
    if (b === 10 && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Math.trunc(Number(s));
    if (b !== 10 && s && !Number.isNaN(parseInt(s.replace(/^0[xob]/i, ''), b))) return parseInt(s.replace(/^0[xob]/i, ''), b);
  }
  return dflt;
}

function toFloat(v: unknown, dflt: unknown = 0): unknown {
  v = defined(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return dflt;
}

function sortKey(attribute: unknown, caseSensitive: unknown) {
  return (v: unknown): unknown => {
    let x = attribute ? (v as Record<string, unknown>)[str(attribute)] : v;
    if (!caseSensitive && typeof x === 'string') x = x.toLowerCase();
    return x;
  };
}

function cmpValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = str(a);
  const y = str(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function flatten(v: unknown[], levels: number): unknown[] {
  return v.flatMap((x) => (Array.isArray(x) && levels > 0 ? flatten(x, levels - 1) : x === null ? [] : [x]));
}

function attrOf(v: unknown, attribute: string): unknown {
  return attribute.split('.').reduce<unknown>((o, k) => (isMapping(o) ? o[k] : Array.isArray(o) ? o[Number(k)] : undefined), v);
}

function mapFilter(value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown[] {
  const items = iterate(value, 'map');
  if (kwargs.attribute !== undefined) {
    return items.map((x) => {
      const a = attrOf(x, str(kwargs.attribute));
      if (a === undefined && kwargs.default === undefined) throw new JinjaError(`map: an item has no attribute '${str(kwargs.attribute)}'`);
      return a ?? kwargs.default;
    });
  }
  const [name, ...rest] = args;
  return items.map((x) => applyFilter(str(name), x, rest, {}));
}

function selectFilter(keep: boolean, byAttr: boolean): Filter {
  return (value, args) => {
    const items = iterate(value, 'select');
    const [first, testName, ...rest] = byAttr ? args : [undefined, ...args];
    return items.filter((x) => {
      const v = byAttr ? attrOf(x, str(first)) : x;
      const ok = testName === undefined ? truthy(v ?? null) : applyTest(str(testName), v ?? new Undefined('undefined attribute'), rest);
      return ok === keep;
    });
  };
}

function regexOf(pattern: unknown, kwargs: Record<string, unknown>, flags = ''): RegExp {
  // Python named groups (?P<name>...) and back-references \g<name>
  const source = str(pattern).replace(/\(\?P</g, '(?<');
  return new RegExp(source, flags + (kwargs.ignorecase ? 'i' : '') + (kwargs.multiline ? 'm' : ''));
}

const FILTERS: Record<string, Filter> = {
  default: (v, [dflt = '', boolean = false]) => (v instanceof Undefined || (boolean && !truthy(v)) ? dflt : v),
  mandatory: (v, [msg]) => (v instanceof Undefined ? new Undefined(msg ? str(msg) : v.message).fail() : v),
  lower: (v) => str(v).toLowerCase(),
  upper: (v) => str(v).toUpperCase(),
  capitalize: (v) => { const s = str(v); return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(); },
  title: (v) => str(v).replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  trim: (v, [chars]) => stripChars(str(v), chars, 'both'),
  replace: (v, [a, b, count]) => {
    let n = count === undefined ? Infinity : Number(count);
    return str(v).split(str(a)).reduce((acc, part, i) => (i === 0 ? part : acc + (n-- > 0 ? str(b) : str(a)) + part), '');
  },
  string: (v) => str(v),
  int: (v, [dflt = 0, base = 10]) => toInt(v, dflt, base),
  float: (v, [dflt = 0]) => toFloat(v, dflt),
  bool: (v) => toBool(v),
  abs: (v) => Math.abs(num(v, 'abs')),
  round: (v, [precision = 0, method = 'common']) => {
    const f = 10 ** Number(precision);
    const x = num(v, 'round') * f;
    return (method === 'ceil' ? Math.ceil(x) : method === 'floor' ? Math.floor(x) : Math.round(x)) / f;
  },
  length: (v) => iterate(v, 'length').length,
  first: (v) => iterate(v, 'first')[0] ?? new Undefined('first: the sequence is empty'),
  last: (v) => iterate(v, 'last').at(-1) ?? new Undefined('last: the sequence is empty'),
  join: (v, [sep = '', ]: unknown[], kwargs) => iterate(v, 'join').map((x) => str(kwargs.attribute ? attrOf(x, str(kwargs.attribute)) : x)).join(str(sep)),
  list: (v) => iterate(v, 'list'),
  reverse: (v) => (typeof defined(v) === 'string' ? [...str(v)].reverse().join('') : [...iterate(v, 'reverse')].reverse()),
  sort: (v, [reverse = false, caseSensitive = false, attribute], kwargs) => {
    const key = sortKey(kwargs.attribute ?? attribute, kwargs.case_sensitive ?? caseSensitive);
    const out = [...iterate(v, 'sort')].sort((a, b) => cmpValues(key(a), key(b)));
    return (kwargs.reverse ?? reverse) ? out.reverse() : out;
  },
  unique: (v) => iterate(v, 'unique').filter((x, i, all) => all.findIndex((y) => equal(x, y)) === i),
  min: (v) => [...iterate(v, 'min')].sort(cmpValues)[0] ?? new Undefined('min: the sequence is empty'),
  max: (v) => [...iterate(v, 'max')].sort(cmpValues).at(-1) ?? new Undefined('max: the sequence is empty'),
  sum: (v, [start = 0]) => iterate(v, 'sum').reduce<number>((a, b) => a + num(b, 'sum'), Number(start)),
  flatten: (v, [levels]) => flatten(iterate(v, 'flatten'), levels === undefined ? Infinity : Number(levels)),
  map: mapFilter,
  select: selectFilter(true, false),
  reject: selectFilter(false, false),
  selectattr: selectFilter(true, true),
  rejectattr: selectFilter(false, true),
  split: (v, [sep, max]) => pySplit(str(v), sep === undefined ? undefined : str(sep), max === undefined ? undefined : Number(max)),
  dict2items: (v, [keyName = 'key', valueName = 'value'], kw) => {
    if (!isMapping(defined(v))) throw new JinjaError(`dict2items requires a dictionary, got '${typeName(v)}'`);
    const [k, x] = [str(kw.key_name ?? keyName), str(kw.value_name ?? valueName)];
    return Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ [k]: key, [x]: value }));
  },
  items2dict: (v, [keyName = 'key', valueName = 'value'], kw) => {
    const [k, x] = [str(kw.key_name ?? keyName), str(kw.value_name ?? valueName)];
    return Object.fromEntries(iterate(v, 'items2dict').map((item) => [str((item as Record<string, unknown>)[k]), (item as Record<string, unknown>)[x]]));
  },
  combine: (v, args, kwargs) => {
    const maps = [v, ...args.flatMap((a) => (Array.isArray(a) ? a : [a]))].map(defined);
    return maps.reduce<Record<string, unknown>>((acc, m) => (kwargs.recursive ? deepMerge(acc, m) : { ...acc, ...(m as object) }), {});
  },
  ternary: (v, [yes, no, none]) => (defined(v) === null && none !== undefined ? none : truthy(v) ? yes : no),
  to_json: (v) => pyJson(defined(v)),
  to_nice_json: (v, [], kwargs) => JSON.stringify(sortDeep(defined(v)), null, Number(kwargs.indent ?? 4)),
  to_yaml: (v) => stringify(defined(v), { collectionStyle: 'flow' }),
  to_nice_yaml: (v, [], kwargs) => niceYaml(defined(v), Number(kwargs.indent ?? 4), kwargs.sort_keys !== false),
  from_json: (v) => JSON.parse(str(v)),
  b64encode: (v) => Buffer.from(str(v), 'utf8').toString('base64'),
  b64decode: (v) => Buffer.from(str(v), 'base64').toString('utf8'),
  quote: (v) => `'${str(v).replace(/'/g, `'"'"'`)}'`,
  basename: (v) => str(v).split('/').at(-1)!,
  dirname: (v) => str(v).split('/').slice(0, -1).join('/'),
  regex_replace: (v, [pattern = '', replacement = ''], kwargs) =>
    str(v).replace(regexOf(pattern, kwargs, 'g'), str(replacement).replace(/\\(\d)/g, '$$$1').replace(/\\g<(\w+)>/g, '$$<$1>')),
  regex_search: (v, [pattern = '', ...groups], kwargs) => {
    const m = regexOf(pattern, kwargs).exec(str(v));
    if (!groups.length) return m?.[0] ?? null;
    // '\\1' / '\\g<name>' arguments: the list of those groups, as Ansible's regex_search
    if (!m) return null;
    return groups.map((g) => {
      const ref = /^\\(?:(\d+)|g<(\w+)>)$/.exec(str(g));
      if (!ref) throw new JinjaError(`regex_search: unknown argument '${str(g)}': give groups as '\\1' or '\\g<name>'`);
      return ref[1] !== undefined ? m[Number(ref[1])] ?? null : m.groups?.[ref[2]!] ?? null;
    });
  },
  // as Python's re.findall: the match, its one group, or the list of its groups
  regex_findall: (v, [pattern = ''], kwargs) => [...str(v).matchAll(regexOf(pattern, kwargs, 'g'))].map((m) => (m.length > 2 ? m.slice(1).map((g) => g ?? '') : m.length === 2 ? m[1] ?? '' : m[0])),
  type_debug: (v) => typeName(v),
};
FILTERS.d = FILTERS.default!;
FILTERS.count = FILTERS.length!;
FILTERS.e = (v) => v;

function deepMerge(a: Record<string, unknown>, b: unknown): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = isMapping(out[k]) && isMapping(v) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** json.dumps defaults: separators ', ' and ': ', ensure_ascii (non-ASCII as \\uXXXX). */
function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (isMapping(v)) return `{${Object.entries(v).map(([k, x]) => `${asciiJson(k)}: ${pyJson(x)}`).join(', ')}}`;
  return asciiJson(v);
}

function asciiJson(v: unknown): string {
  return (JSON.stringify(v) ?? 'null').replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (isMapping(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]));
  return v;
}

Object.assign(FILTERS, ANSIBLE_FILTERS);

export function applyFilter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const filter = FILTERS[name];
  if (!filter) {
    const near = closest(name, Object.keys(FILTERS));
    throw new JinjaError(`no filter named '${name}'${near ? `: did you mean ${near}?` : ` (capstan supports: ${Object.keys(FILTERS).sort().join(', ')})`}`);
  }
  // Only default/mandatory look at Undefined itself; every other filter uses the value.
  if (name !== 'default' && name !== 'd' && name !== 'mandatory') defined(value);
  return filter(value, args.map((a) => defined(a)), kwargs);
}

