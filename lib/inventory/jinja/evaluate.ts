/**
 * Evaluates a parsed Jinja expression against a scope. Names resolve lazily through the scope
 * (other vars of the host, hostvars, groups, ...); a missing name, key or attribute becomes an
 * Undefined that only fails when used, so `default` and `is defined` work as in Jinja.
 */
import { JinjaError, UndefinedError } from './errors.ts';
import { applyFilter, applyTest } from './filters.ts';
import { percentFormat } from './filters-ansible.ts';
import { callMethod, hasMethod } from './methods.ts';
import { factMessage } from './facts.ts';
import { runLookup } from './lookups.ts';
import type { Node } from './parser.ts';
import { defined, equal, isMapping, iterate, str, truthy, typeName, Undefined } from './values.ts';

export interface Lookup {
  has(name: string): boolean;
  lookup(name: string): unknown;
}

/** A method bound to its object (`x.split`), called by a later call node. */
export class BoundMethod {
  readonly target: unknown;
  readonly name: string;
  constructor(target: unknown, name: string) {
    this.target = target;
    this.name = name;
  }
}

export function evaluate(node: Node, scope: Lookup): unknown {
  switch (node.t) {
    case 'lit': return node.v;
    case 'name': return lookupName(node.n, scope);
    case 'list': return node.items.map((n) => defined(evaluate(n, scope)));
    case 'dict': return Object.fromEntries(node.entries.map(([k, v]) => [str(evaluate(k, scope)), defined(evaluate(v, scope))]));
    case 'attr': return getAttr(evaluate(node.obj, scope), node.name);
    case 'item': return getItem(evaluate(node.obj, scope), defined(evaluate(node.index, scope)));
    case 'slice': return slice(node, scope);
    case 'call': return call(node, scope);
    case 'filter': return applyFilter(node.name, evaluate(node.value, scope), node.args.map((a) => evaluate(a, scope)), evalKwargs(node.kwargs, scope));
    case 'test': {
      const result = applyTest(node.name, evaluate(node.value, scope), node.args.map((a) => defined(evaluate(a, scope))), evalKwargs(node.kwargs, scope));
      return node.negate ? !result : result;
    }
    case 'bin': return binary(node.op, evaluate(node.l, scope), evaluate(node.r, scope));
    case 'unary': {
      const v = defined(evaluate(node.v, scope));
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new JinjaError(`bad operand type for unary ${node.op}: '${typeName(v)}'`);
      return node.op === '-' ? -v : +v;
    }
    case 'not': return !truthy(evaluate(node.v, scope));
    case 'and': {
      const l = evaluate(node.l, scope);
      return truthy(l) ? evaluate(node.r, scope) : l;
    }
    case 'or': {
      const l = evaluate(node.l, scope);
      return truthy(l) ? l : evaluate(node.r, scope);
    }
    case 'cond':
      if (truthy(evaluate(node.test, scope))) return evaluate(node.then, scope);
      return node.else ? evaluate(node.else, scope) : new Undefined('the inline if expression evaluated to false and has no else section');
    case 'cmp': return compareChain(node.first, node.ops, scope);
  }
}

function evalKwargs(kwargs: Record<string, Node>, scope: Lookup): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) out[k] = evaluate(v, scope);
  return out;
}

function lookupName(name: string, scope: Lookup): unknown {
  if (!scope.has(name)) {
    const fact = factMessage(name);
    return fact ? new Undefined(fact, true) : new Undefined(`'${name}' is undefined`);
  }
  try {
    return scope.lookup(name);
  } catch (e) {
    // a var whose own template refers to something undefined is undefined too (default() applies)
    if (e instanceof UndefinedError) return new Undefined(e.message);
    throw e;
  }
}

function objectName(v: unknown): string {
  return `'${typeName(v) === 'dict' ? 'dict' : typeName(v)} object'`;
}

// As Ansible's AnsibleUndefined: `.x` and `['x']` of an undefined value are that same undefined
// value, so `groups['missing'][0] | default('none')` is 'none' and the message names the first miss.
function getAttr(obj: unknown, name: string): unknown {
  if (obj instanceof Undefined) return obj;
  if (isMapping(obj)) {
    try {
      if (name in obj) return obj[name];
    } catch (e) {
      if (e instanceof UndefinedError) return new Undefined(e.message);
      throw e;
    }
  }
  if (hasMethod(obj, name)) return new BoundMethod(obj, name);
  return new Undefined(`${objectName(obj)} has no attribute '${name}'`);
}

function getItem(obj: unknown, index: unknown): unknown {
  if (obj instanceof Undefined) return obj;
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (typeof index !== 'number' || !Number.isInteger(index)) return new Undefined(`${objectName(obj)} has no element ${str(index)}`);
    const i = index < 0 ? obj.length + index : index;
    return i >= 0 && i < obj.length ? obj[i] : new Undefined(`${objectName(obj)} has no element ${index}`);
  }
  if (isMapping(obj)) {
    const key = str(index);
    try {
      if (key in obj) return obj[key];
    } catch (e) {
      if (e instanceof UndefinedError) return new Undefined(e.message);
      throw e;
    }
    return new Undefined(`${objectName(obj)} has no attribute '${key}'`);
  }
  return new Undefined(`${objectName(obj)} is not subscriptable`);
}

function slice(node: Extract<Node, { t: 'slice' }>, scope: Lookup): unknown {
  const obj = defined(evaluate(node.obj, scope));
  if (!Array.isArray(obj) && typeof obj !== 'string') throw new JinjaError(`${objectName(obj)} cannot be sliced`);
  const num = (n: Node | undefined) => (n ? Number(defined(evaluate(n, scope))) : undefined);
  const step = num(node.step) ?? 1;
  const items = Array.isArray(obj) ? obj : [...obj];
  let picked: unknown[];
  if (step === 1) picked = items.slice(num(node.start), num(node.stop));
  else {
    const rev = step < 0 ? [...items].reverse() : items;
    picked = rev.filter((_, i) => i % Math.abs(step) === 0);
  }
  return typeof obj === 'string' ? picked.join('') : picked;
}

const GLOBALS = new Set(['range', 'lookup', 'query', 'q', 'dict']);

function call(node: Extract<Node, { t: 'call' }>, scope: Lookup): unknown {
  const fn = node.fn.t === 'name' && !scope.has(node.fn.n) ? node.fn.n : evaluate(node.fn, scope);
  const args = node.args.map((a) => defined(evaluate(a, scope)));
  const kwargs = evalKwargs(node.kwargs, scope);
  if (fn instanceof BoundMethod) return callMethod(fn.target, fn.name, args);
  if (typeof fn === 'string' && !GLOBALS.has(fn)) {
    throw new UndefinedError(`'${fn}' is undefined${fn === 'omit' ? '' : ' (a function capstan\'s Jinja does not have: it has range, lookup, query, dict)'}`);
  }
  if (fn === 'dict') {
    if (args.length === 0 || isMapping(args[0])) return { ...(args[0] as object | undefined), ...kwargs };
    const pairs = iterate(args[0], 'dict').map((p) => iterate(p, 'dict() item'));
    return { ...Object.fromEntries(pairs.map(([k, v]) => [str(k), v])), ...kwargs };
  }
  if (fn === 'range') {
    const [a = 0, b, s = 1] = args as number[];
    const [start, stop] = b === undefined ? [0, a] : [a, b];
    const out: number[] = [];
    for (let i = start; s > 0 ? i < stop : i > stop; i += s) out.push(i);
    return out;
  }
  if (fn === 'lookup' || fn === 'query' || fn === 'q') {
    const [plugin, ...terms] = args;
    return runLookup(plugin, terms, kwargs, fn !== 'lookup', scope);
  }
  if (fn instanceof Undefined) fn.fail();
  throw new JinjaError(`${typeof fn === 'string' ? `'${fn}'` : objectName(fn)} is not callable`);
}

function binary(op: string, a: unknown, b: unknown): unknown {
  a = defined(a);
  b = defined(b);
  if (op === '~') return str(a) + str(b);
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  }
  if (op === '*' && typeof a === 'string' && typeof b === 'number') return a.repeat(b);
  if (op === '%' && typeof a === 'string') return percentFormat(a, b);
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  if (typeof x !== 'number' || typeof y !== 'number') {
    throw new JinjaError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  }
  if ((op === '/' || op === '//' || op === '%') && y === 0) throw new JinjaError('division by zero');
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '//': return Math.floor(x / y);
    case '%': return ((x % y) + y) % y;
    default: return x ** y;
  }
}

function compareChain(first: Node, ops: [string, Node][], scope: Lookup): boolean {
  let left = defined(evaluate(first, scope));
  for (const [op, node] of ops) {
    const right = defined(evaluate(node, scope));
    if (!compare(op, left, right)) return false;
    left = right;
  }
  return true;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==': return equal(a, b);
    case '!=': return !equal(a, b);
    case 'in': return contains(b, a);
    case 'notin': return !contains(b, a);
  }
  const comparable = (typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean') ||
    typeof a === 'string' && typeof b === 'string';
  if (!comparable) throw new JinjaError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return container.includes(str(item));
  if (isMapping(container)) return typeof item === 'string' && item in container;
  return iterate(container, "argument of 'in'").some((x) => equal(x, item));
}
