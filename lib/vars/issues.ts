/**
 * zod issues → `key: what is wrong; the fix` messages, in words an inventory author knows.
 */
import type { z } from 'zod';
import { closest } from './suggest.ts';
import { fromText } from './text.ts';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** `metallb_address_pools[0].addresses` */
function keyPath(name: string, path: Path): string {
  return path.reduce<string>((key, p) => typeof p === 'number' ? `${key}[${p}]` : `${key}.${String(p)}`, name);
}

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

const article = (t: string): string => t === 'array' ? 'a list' : t === 'object' || t === 'record' ? 'a map'
  : t === 'int' ? 'a whole number' : `a ${t}`;

function typeFix(expected: string, actual: unknown): string {
  if (expected === 'number' && typeof actual === 'string' && typeof fromText(actual) === 'number') {
    return 'write the number without quotes';
  }
  if (expected === 'boolean' && typeof actual === 'string') return 'write true or false without quotes';
  if (expected === 'string' && (typeof actual === 'number' || typeof actual === 'boolean')) {
    return `quote it ("${String(actual)}"): YAML reads it unquoted as a ${typeof actual}`;
  }
  return `write ${article(expected)}`;
}

/** Messages of one union branch that failed on more than its type (the branch the user meant). */
function unionMessage(issue: Issue & { code: 'invalid_union' }, value: unknown): string | undefined {
  const branches = (issue as { errors?: Issue[][] }).errors ?? [];
  const meant = branches.find((b) => b.length > 0 && b.every((i) => i.code !== 'invalid_type' || i.path.length > 0));
  if (meant) return meant.map((i) => messageOf(i, value)).join('; ');
  const expected = branches.flat().filter((i) => i.code === 'invalid_type').map((i) => (i as { expected: string }).expected);
  if (expected.length === 0) return undefined;
  return `expected ${[...new Set(expected)].map(article).join(' or ')}, got ${describeValue(valueAt(value, issue.path))}`;
}

/** "40000 is above the largest allowed, 65535; use 65535 or less", in the units of what was measured. */
function boundMessage(issue: Issue & { code: 'too_big' | 'too_small' }, actual: unknown): string {
  const big = issue.code === 'too_big';
  const limit = Number(big ? (issue as { maximum: number | bigint }).maximum : (issue as { minimum: number | bigint }).minimum);
  const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
  const bound = inclusive ? limit : big ? limit - 1 : limit + 1;
  const origin = String((issue as { origin?: string }).origin ?? 'number');
  if (origin === 'string' && !big && bound === 1) return 'is empty; give it a value, or remove the key to take the default';
  if (origin === 'string') {
    return `${JSON.stringify(actual)} is ${big ? 'longer' : 'shorter'} than ${bound} character${bound === 1 ? '' : 's'}; ${big ? 'shorten' : 'lengthen'} it`;
  }
  if (origin === 'array' || origin === 'set') {
    return `has ${big ? 'more' : 'fewer'} than ${bound} item${bound === 1 ? '' : 's'}; ${big ? 'remove' : 'add'} some`;
  }
  return big ? `${String(actual)} is above the largest allowed, ${bound}; use ${bound} or less`
    : `${String(actual)} is below the smallest allowed, ${bound}; use ${bound} or more`;
}

const FORMATS: Record<string, [string, string]> = {
  url: ['a URL', 'https://10.0.0.1:6443'], ipv4: ['an IPv4 address', '192.168.1.240'], email: ['an email address', 'ops@example.com'],
  regex: ['a string of the expected shape', 'the example in the variable\'s description (npm run doc)'],
};
const formatName = (f: string): string => FORMATS[f]?.[0] ?? `a valid ${f}`;
const formatExample = (f: string): string => FORMATS[f]?.[1] ?? 'the variable\'s description shows (npm run doc)';

function messageOf(issue: Issue, value: unknown): string {
  const actual = valueAt(value, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = String(issue.expected);
      return `expected ${article(expected)}, got ${describeValue(actual)}; ${typeFix(expected, actual)}`;
    }
    case 'invalid_value': {
      const near = typeof actual === 'string' ? closest(actual, issue.values.map(String)) : undefined;
      const hint = near ? `did you mean ${JSON.stringify(near)}? ` : '';
      return `${JSON.stringify(actual)} is not allowed; ${hint}use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}; remove ${issue.keys.length === 1 ? 'it' : 'them'} or check the spelling`;
    case 'invalid_union':
      return unionMessage(issue, value) ?? issue.message;
    case 'too_big':
    case 'too_small':
      return boundMessage(issue, actual);
    case 'invalid_format':
      // A schema's own words (`.regex(re, 'a pinned k3s release such as v1.31.4+k3s1')`) say what it wants.
      if (!issue.message.startsWith('Invalid')) return `${JSON.stringify(actual)} is not ${issue.message}; write it in that shape`;
      return `${JSON.stringify(actual)} is not ${formatName(issue.format)}; write one, like ${formatExample(issue.format)}`;
    case 'not_multiple_of':
      return `${JSON.stringify(actual)} is not a multiple of ${String(issue.divisor)}; use a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

/** One `{ key, message }` per zod issue of the value of var `name`. */
export function describeIssues(name: string, issues: readonly Issue[], value: unknown): { key: string; message: string }[] {
  return issues.map((issue) => ({ key: keyPath(name, issue.path), message: messageOf(issue, value) }));
}
