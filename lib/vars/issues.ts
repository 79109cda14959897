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

const article = (t: string): string => t === 'array' ? 'a list' : t === 'object' || t === 'record' ? 'a map' : `a ${t}`;

function typeFix(expected: string, actual: unknown): string {
  if (expected === 'number' && typeof actual === 'string' && typeof fromText(actual) === 'number') {
    return 'write the number without quotes';
  }
  if (expected === 'boolean' && typeof actual === 'string') return 'write true or false without quotes';
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
    default:
      return issue.message;
  }
}

/** One `{ key, message }` per zod issue of the value of var `name`. */
export function describeIssues(name: string, issues: readonly Issue[], value: unknown): { key: string; message: string }[] {
  return issues.map((issue) => ({ key: keyPath(name, issue.path), message: messageOf(issue, value) }));
}
