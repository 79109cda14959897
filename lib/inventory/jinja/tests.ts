/**
 * Jinja and Ansible tests (`x is defined`, `v is version('1.31', '>=')`, `x is truthy`...), as
 * their namesakes answer for the values inventories hold. An unknown test gets "did you mean".
 */
import { closest } from '../../vars/suggest.ts';
import { JinjaError } from './errors.ts';
import { num, toBool } from './coerce.ts';
import { IP_TESTS } from './ipaddr.ts';
import { compareVersions } from './version.ts';
import { defined, equal, isMapping, iterate, str, truthy, Undefined } from './values.ts';

const TESTS: Record<string, (v: unknown, args: unknown[], kwargs: Record<string, unknown>) => boolean> = {
  defined: (v) => !(v instanceof Undefined),
  undefined: (v) => v instanceof Undefined,
  none: (v) => defined(v) === null,
  string: (v) => typeof defined(v) === 'string',
  number: (v) => typeof defined(v) === 'number',
  integer: (v) => Number.isInteger(defined(v)),
  float: (v) => typeof defined(v) === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof defined(v) === 'boolean',
  mapping: (v) => isMapping(defined(v)),
  sequence: (v) => Array.isArray(defined(v)) || typeof v === 'string' || isMapping(v),
  iterable: (v) => Array.isArray(defined(v)) || typeof v === 'string' || isMapping(v),
  true: (v) => defined(v) === true,
  false: (v) => defined(v) === false,
  even: (v) => num(v, 'even') % 2 === 0,
  odd: (v) => Math.abs(num(v, 'odd') % 2) === 1,
  divisibleby: (v, [n]) => num(v, 'divisibleby') % num(n, 'divisibleby') === 0,
  eq: (v, [x]) => equal(defined(v), x),
  ne: (v, [x]) => !equal(defined(v), x),
  in: (v, [x]) => iterate(x, 'in').some((y) => equal(y, v)) || (typeof x === 'string' && x.includes(str(v))),
  sameas: (v, [x]) => defined(v) === x,
  lower: (v) => str(v) === str(v).toLowerCase(),
  upper: (v) => str(v) === str(v).toUpperCase(),
  match: (v, [p]) => new RegExp(`^(?:${str(p)})`).test(str(v)),
  search: (v, [p]) => new RegExp(str(p)).test(str(v)),
};
TESTS.equalto = TESTS.eq!;
TESTS['=='] = TESTS.eq!;
Object.assign(TESTS, {
  version: (v: unknown, [other, op = 'eq', strict = false, type = '']: unknown[], kw: Record<string, unknown>) =>
    compareVersions(str(v), str(other), str(kw.operator ?? op), Boolean(kw.strict ?? strict), str(kw.version_type ?? type)),
  // Ansible's truthy/falsy: Python truthiness, with convert_bool=True reading 'yes'/'no' as bool does
  truthy: (v: unknown, [cb = false]: unknown[], kw: Record<string, unknown>) => ((kw.convert_bool ?? cb) && typeof defined(v) === 'string' && /^(?:yes|no|on|off|true|false|y|n|t|f|1|0)$/i.test(str(v)) ? toBool(v) : truthy(v)),
  falsy: (v: unknown, [cb = false]: unknown[], kw: Record<string, unknown>) => !((kw.convert_bool ?? cb) && typeof defined(v) === 'string' && /^(?:yes|no|on|off|true|false|y|n|t|f|1|0)$/i.test(str(v)) ? toBool(v) : truthy(v)),
  contains: (v: unknown, [x]: unknown[]) => iterate(v, 'contains').some((y) => equal(y, x)),
  subset: (v: unknown, [x]: unknown[]) => iterate(v, 'subset').every((a) => iterate(x, 'subset').some((b) => equal(a, b))),
  superset: (v: unknown, [x]: unknown[]) => iterate(x, 'superset').every((a) => iterate(v, 'superset').some((b) => equal(a, b))),
  regex: (v: unknown, [p, ignorecase = false, multiline = false, match = 'search']: unknown[]) => {
    const re = new RegExp(match === 'match' ? `^(?:${str(p)})` : str(p), (ignorecase ? 'i' : '') + (multiline ? 'm' : ''));
    return re.test(str(v));
  },
  gt: (v: unknown, [x]: unknown[]) => num(v, 'gt') > num(x, 'gt'),
  ge: (v: unknown, [x]: unknown[]) => num(v, 'ge') >= num(x, 'ge'),
  lt: (v: unknown, [x]: unknown[]) => num(v, 'lt') < num(x, 'lt'),
  le: (v: unknown, [x]: unknown[]) => num(v, 'le') <= num(x, 'le'),
  abs: (v: unknown) => str(v).startsWith('/'),
  callable: () => false,
  ...Object.fromEntries(Object.entries(IP_TESTS).map(([k, f]) => [k, (v: unknown) => f(defined(v))])),
});
TESTS['>'] = TESTS.gt!;
TESTS['>='] = TESTS.ge!;
TESTS['<'] = TESTS.lt!;
TESTS['<='] = TESTS.le!;
TESTS['!='] = TESTS.ne!;
TESTS.version_compare = TESTS.version!;

export function applyTest(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> = {}): boolean {
  const test = TESTS[name];
  if (!test) {
    const near = closest(name, Object.keys(TESTS));
    throw new JinjaError(`no test named '${name}'${near ? `: did you mean ${near}?` : ''}`);
  }
  return test(value, args, kwargs);
}
