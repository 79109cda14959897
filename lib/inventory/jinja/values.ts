/**
 * Python value semantics for Jinja results: truthiness, `str()` (True/None, lists as repr),
 * equality, type names for messages, and Jinja's Undefined (a value that errors when used, but
 * that `default` and `is defined` can look at).
 */
import { UndefinedError } from './errors.ts';

export class Undefined {
  readonly message: string;
  /** The message already says what to do (a fact, a lookup), so no generic "define it" is added. */
  readonly hasFix: boolean;
  constructor(message: string, hasFix = false) {
    this.message = message;
    this.hasFix = hasFix;
  }
  fail(): never {
    throw new UndefinedError(this.message, undefined, this.hasFix);
  }
}

/**
 * How many times a template called something whose answer differs from call to call (`random`,
 * `shuffle`): a render that saw it change is not reused for another host (lib/inventory/shared-renders.ts).
 */
export const impurity = { calls: 0 };

/** Ansible's `omit`: a value that, where a var or an item ends up, means "not given". */
export const OMIT = Object.freeze({ __omit__: true });
export const OMIT_TEXT = '__omit_place_holder__capstan';

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Undefined);
}

/** Fails on Undefined; returns the value otherwise. */
export function defined<T>(v: T): Exclude<T, Undefined> {
  if (v instanceof Undefined) v.fail();
  return v as Exclude<T, Undefined>;
}

export function truthy(v: unknown): boolean {
  v = defined(v);
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return true;
}

export function typeName(v: unknown): string {
  if (v instanceof Undefined) return 'Undefined';
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** Python repr(), as it shows inside a str() of a list or dict. */
function repr(v: unknown): string {
  if (typeof v === 'string') return reprString(v);
  return str(v);
}

/** Python str(), as Jinja writes a value into text. */
export function str(v: unknown): string {
  v = defined(v);
  if (v === null || v === undefined) return 'None';
  if (v === OMIT) return OMIT_TEXT;
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (isMapping(v)) return `{${Object.entries(v).map(([k, x]) => `${reprString(k)}: ${repr(x)}`).join(', ')}}`;
  return String(v);
}

export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    // Python: True == 1
    return typeof a !== 'string' && typeof b !== 'string' && Number(a) === Number(b) && a !== null && b !== null;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** A value as a Python iterable: lists, strings (characters), mappings (keys). */
export function iterate(v: unknown, what: string): unknown[] {
  v = defined(v);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isMapping(v)) return Object.keys(v);
  throw new TypeError(`${what}: '${typeName(v)}' object is not iterable`);
}
