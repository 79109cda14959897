/**
 * Renders var values: strings holding `{{ expr }}` (and `{# comments #}`), recursively inside
 * lists and maps. A string that is exactly one `{{ expr }}` keeps the expression's native type
 * (a number stays a number, a list a list), as Ansible's native Jinja does; any other template
 * renders to a string, each value written as Python's str() writes it. `{% %}` statements are
 * not supported in inventory values; `!unsafe` values are never templated. Parsed templates are
 * cached by their text.
 */
import { JinjaError, JinjaSyntaxError } from './errors.ts';
import { evaluate, type Lookup } from './evaluate.ts';
import { type Node, parseExpression } from './parser.ts';
import { defined, str, Undefined } from './values.ts';
import { UnsafeText, VaultText, YamlTimestamp } from '../yaml-ansible.ts';

export interface Scope extends Lookup {
  /** The plaintext of an inline vault value, or a JinjaError when there is no password. */
  vault(v: VaultText): string;
}

type Part = string | Node;
interface Template {
  parts: Part[];
  /** The whole string is one expression: keep its native type. */
  single: boolean;
}

const cache = new Map<string, Template>();
const MAX_CACHE = 50_000;

function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

function compile(text: string): Template {
  let t = cache.get(text);
  if (t) return t;
  const parts = split(text);
  t = { parts, single: parts.length === 1 && typeof parts[0] !== 'string' };
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(text, t);
  return t;
}

/** Text and parsed `{{ }}` expressions, comments dropped, whitespace control applied. */
function split(text: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.slice(i).search(/\{[{%#]/);
    if (open < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (open > 0) parts.push(text.slice(i, i + open));
    const start = i + open;
    const kind = text[start + 1];
    const closer = kind === '{' ? '}}' : kind === '%' ? '%}' : '#}';
    const end = findClose(text, start + 2, closer);
    if (end < 0) throw new JinjaSyntaxError(`template error in "${text}": '${text.slice(start, start + 2)}' is never closed with '${closer}'`);
    if (kind === '%') throw new JinjaSyntaxError(`Jinja statements ({% ... %}) are not supported in inventory values ("${text}"): use an inline expression such as {{ a if c else b }}`);
    const { inner, stripBefore, stripAfter } = whitespaceControl(text.slice(start + 2, end));
    if (stripBefore && typeof parts.at(-1) === 'string') parts[parts.length - 1] = (parts.at(-1) as string).trimEnd();
    if (kind === '{') parts.push(parseExpression(inner));
    i = end + 2;
    if (stripAfter) while (i < text.length && /\s/.test(text[i]!)) i++;
  }
  // empty text left by whitespace control does not count as text
  return parts.filter((p) => p !== '');
}

/** `{{- x -}}`: `-` strips the whitespace before/after; `+` is accepted and keeps it. */
function whitespaceControl(raw: string): { inner: string; stripBefore: boolean; stripAfter: boolean } {
  let inner = raw;
  const stripBefore = inner.startsWith('-');
  if (stripBefore || inner.startsWith('+')) inner = inner.slice(1);
  const stripAfter = inner.endsWith('-');
  if (stripAfter || inner.endsWith('+')) inner = inner.slice(0, -1);
  return { inner, stripBefore, stripAfter };
}

/** Index of `closer` after `from`, skipping quoted strings inside the expression. */
function findClose(text: string, from: number, closer: string): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (text.startsWith(closer, i)) return i;
  }
  return -1;
}

export function renderString(text: string, scope: Scope): unknown {
  if (!hasTemplate(text)) return text;
  const t = compile(text);
  if (t.single) return renderValue(defined(evaluate(t.parts[0] as Node, scope)), scope, false);
  let out = '';
  for (const part of t.parts) out += typeof part === 'string' ? part : str(evaluate(part, scope));
  return out;
}

/** Renders every template inside a value. */
export function renderValue(value: unknown, scope: Scope, templates = true): unknown {
  try {
    if (typeof value === 'string') return templates ? renderString(value, scope) : value;
    if (value instanceof VaultText) return scope.vault(value);
    if (value instanceof UnsafeText || value instanceof YamlTimestamp) return value.text;
    if (value instanceof Undefined) return value.fail();
    if (Array.isArray(value)) return value.map((v) => renderValue(v, scope, templates));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, scope, templates);
      return out;
    }
    return value;
  } catch (e) {
    if (e instanceof JinjaError) throw e;
    throw new JinjaError((e as Error).message);
  }
}
