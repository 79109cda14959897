/**
 * Renders var values: strings holding `{{ expr }}` (and `{# comments #}`), recursively inside
 * lists and maps. A string that is exactly one `{{ expr }}` keeps the expression's native type
 * (a number stays a number, a list a list), as Ansible's native Jinja does; any other template
 * renders to a string, each value written as Python's str() writes it. Statements (`{% if %}`,
 * `{% for %}`, `{% set %}`, `{% raw %}`: template.ts) render to text; `!unsafe` values are never
 * templated. Parsed templates are cached by their text.
 */
import { JinjaError } from './errors.ts';
import { evaluate, type Lookup } from './evaluate.ts';
import { compileTemplate, type TNode } from './template.ts';
import { defined, iterate, OMIT, str, truthy, Undefined } from './values.ts';
import { UnsafeText, VaultText, YamlTimestamp } from '../yaml-ansible.ts';

export interface Scope extends Lookup {
  /** The plaintext of an inline vault value, or a JinjaError when there is no password. */
  vault(v: VaultText): string;
}

/** A compiled template; `plain` when it is only text and `{{ expr }}` (no statement needs locals). */
interface Compiled {
  readonly nodes: TNode[];
  readonly plain: boolean;
}

const cache = new Map<string, Compiled>();
const MAX_CACHE = 50_000;

function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

function compile(text: string): Compiled {
  let t = cache.get(text);
  if (t) return t;
  const nodes = compileTemplate(text);
  t = { nodes, plain: nodes.every((n) => n.k === 'text' || n.k === 'expr') };
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(text, t);
  return t;
}

/** The scope seen inside a template: `{% set %}` and loop variables over the host's vars. */
function withLocals(scope: Lookup, locals: Map<string, unknown>): Lookup {
  return {
    has: (n) => locals.has(n) || scope.has(n),
    lookup: (n) => (locals.has(n) ? locals.get(n) : scope.lookup(n)),
  };
}

/** One piece of output: text, or the value of an expression (kept native when it is the only piece). */
type Piece = { text: string } | { value: unknown };

function renderNodes(nodes: readonly TNode[], scope: Lookup, locals: Map<string, unknown>, out: Piece[]): void {
  const inner = withLocals(scope, locals);
  for (const n of nodes) {
    if (n.k === 'text') out.push({ text: n.text });
    else if (n.k === 'expr') out.push({ value: evaluate(n.node, inner) });
    else if (n.k === 'set') locals.set(n.name, evaluate(n.value, inner));
    else if (n.k === 'if') {
      const hit = n.branches.find((b) => truthy(evaluate(b.test, inner)));
      renderNodes(hit ? hit.body : n.else, scope, locals, out);
    } else renderFor(n, scope, locals, out);
  }
}

function renderFor(n: Extract<TNode, { k: 'for' }>, scope: Lookup, locals: Map<string, unknown>, out: Piece[]): void {
  const outer = withLocals(scope, locals);
  const bind = (item: unknown, into: Map<string, unknown>): void => {
    if (n.targets.length === 1) into.set(n.targets[0]!, item);
    else {
      const parts = iterate(item, 'for-loop unpacking');
      if (parts.length !== n.targets.length) throw new JinjaError(`cannot unpack ${parts.length} values into ${n.targets.join(', ')}`);
      n.targets.forEach((t, i) => into.set(t, parts[i]));
    }
  };
  let items = iterate(evaluate(n.iter, outer), 'for loop');
  if (n.filter) {
    items = items.filter((item) => {
      const probe = new Map(locals);
      bind(item, probe);
      return truthy(evaluate(n.filter!, withLocals(scope, probe)));
    });
  }
  if (items.length === 0) {
    renderNodes(n.else, scope, locals, out);
    return;
  }
  items.forEach((item, i) => {
    const mine = new Map(locals); // a loop body's {% set %} stays in the loop, as in Jinja
    bind(item, mine);
    mine.set('loop', { index: i + 1, index0: i, revindex: items.length - i, revindex0: items.length - i - 1, first: i === 0, last: i === items.length - 1, length: items.length, previtem: items[i - 1], nextitem: items[i + 1] });
    renderNodes(n.body, scope, mine, out);
  });
}

export function renderString(text: string, scope: Scope): unknown {
  if (!hasTemplate(text)) return text;
  const t = compile(text);
  if (t.plain) return renderPlain(t.nodes, scope);
  const pieces: Piece[] = [];
  renderNodes(t.nodes, scope, new Map(), pieces);
  // one expression and nothing else (statements write no text) keeps its native type, as 2.19
  if (pieces.length === 1 && 'value' in pieces[0]!) return finish(defined(pieces[0].value), scope);
  return pieces.map((p) => ('text' in p ? p.text : str(p.value))).join('');
}

/** Text and `{{ expr }}` only (most templates): what renderNodes would give, without its locals and pieces. */
function renderPlain(nodes: readonly TNode[], scope: Scope): unknown {
  const first = nodes[0];
  if (nodes.length === 1 && first?.k === 'expr') return finish(defined(evaluate(first.node, scope)), scope);
  let out = '';
  for (const n of nodes) out += n.k === 'text' ? n.text : str(evaluate((n as Extract<TNode, { k: 'expr' }>).node, scope));
  return out;
}

/** A lone expression's value, with any template text it produced rendered too (as Ansible's recursive templating). */
function finish(value: unknown, scope: Scope): unknown {
  return renderValue(value, scope, false);
}

/**
 * Renders every template inside a value. A plain list or map of inventory data (`templates`) with
 * nothing to render inside is returned itself, frozen, not copied: 10,000 hosts sharing a
 * group_vars list share one value (and validation parses it once), and writing into a resolved
 * value throws instead of changing every host's. Anything else (an expression's value: a
 * `hostvars[...]` view, the inventory's own lists) is copied, as always.
 */
export function renderValue(value: unknown, scope: Scope, templates = true): unknown {
  try {
    if (typeof value === 'string') return templates ? renderString(value, scope) : value;
    if (value instanceof VaultText) return scope.vault(value);
    if (value instanceof UnsafeText || value instanceof YamlTimestamp) return value.text;
    if (value instanceof Undefined) return value.fail();
    if (Array.isArray(value)) return renderList(value, scope, templates);
    if (value === OMIT) return value;
    if (value && typeof value === 'object') return renderMap(value as Record<string, unknown>, scope, templates);
    return value;
  } catch (e) {
    if (e instanceof JinjaError) throw e;
    throw new JinjaError((e as Error).message);
  }
}

/**
 * A value renderValue renders without looking at any var (no template text, no vault value, no
 * Undefined, only plain lists and maps of those): its rendering is the same on every host.
 */
export function isStaticValue(value: unknown): boolean {
  if (typeof value === 'string') return !hasTemplate(value);
  if (value === null || typeof value !== 'object') return true;
  if (value === OMIT) return false;
  if (value instanceof UnsafeText || value instanceof YamlTimestamp) return true;
  if (!isPlainData(value)) return false;
  return Array.isArray(value) ? value.every(isStaticValue) : Object.values(value).every(isStaticValue);
}

/** Data the YAML parser or JSON made, safe to share frozen. */
function isPlainData(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

// an omitted item or value is left out of its list or dict (as ansible-core 2.19 does)
function renderList(value: readonly unknown[], scope: Scope, templates: boolean): unknown[] {
  const out: unknown[] = [];
  let same = templates && isPlainData(value);
  for (const v of value) {
    const r = renderValue(v, scope, templates);
    if (r !== OMIT) out.push(r);
    if (r !== v) same = false;
  }
  return same ? (Object.freeze(value) as unknown[]) : out;
}

function renderMap(value: Record<string, unknown>, scope: Scope, templates: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let same = templates && isPlainData(value);
  for (const [k, v] of Object.entries(value)) {
    const r = renderValue(v, scope, templates);
    if (r !== OMIT) out[k] = r;
    if (r !== v) same = false;
  }
  return same ? Object.freeze(value) : out;
}
