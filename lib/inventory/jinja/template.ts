/**
 * A template's text compiled into a tree: text, `{{ expr }}`, and the statements inventories
 * use: `{% if %}/{% elif %}/{% else %}/{% endif %}`, `{% for x in xs [if c] %}...{% else %}
 * {% endfor %}` (with `loop.index`, `loop.first`...), `{% set x = expr %}` and
 * `{% raw %}...{% endraw %}`; `{# comments #}` dropped. Whitespace as Ansible's Jinja environment
 * has it: `-` strips the whitespace on its side, and trim_blocks (on in Ansible) drops the first
 * newline after a statement tag.
 */
import { JinjaSyntaxError } from './errors.ts';
import { type Node, parseExpression, parseForHeader, parseSetHeader } from './parser.ts';

export type TNode =
  | { k: 'text'; text: string }
  | { k: 'expr'; node: Node }
  | { k: 'if'; branches: { test: Node; body: TNode[] }[]; else: TNode[] }
  | { k: 'for'; targets: string[]; iter: Node; filter?: Node; body: TNode[]; else: TNode[] }
  | { k: 'set'; name: string; value: Node };

interface Tag {
  kind: '{' | '%';
  inner: string;
  start: number;
  end: number;
  stripBefore: boolean;
  stripAfter: boolean;
  keepNewline: boolean;
}

/**
 * Index of `closer` after `from`, skipping quoted strings and, as Jinja's lexer balances
 * brackets, any `}}` inside `{...}`/`[...]`/`(...)` (`{{ x | combine({'a': {'b': 1}}) }}`).
 */
function findClose(text: string, from: number, closer: string): number {
  let quote = '';
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (depth === 0 && text.startsWith(closer, i)) return i;
    else if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c) && depth > 0) depth--;
  }
  return -1;
}

/** Text and tags in order; comments are dropped (their whitespace control still applies). */
function scan(text: string): (string | Tag)[] {
  const out: (string | Tag)[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.slice(i).search(/\{[{%#]/);
    if (open < 0) {
      out.push(text.slice(i));
      break;
    }
    if (open > 0) out.push(text.slice(i, i + open));
    const start = i + open;
    const kind = text[start + 1]!;
    const closer = kind === '{' ? '}}' : kind === '%' ? '%}' : '#}';
    const end = kind === '#' ? text.indexOf('#}', start + 2) : findClose(text, start + 2, closer);
    if (end < 0) throw new JinjaSyntaxError(`template error in "${text}": '${text.slice(start, start + 2)}' is never closed with '${closer}'`);
    let inner = text.slice(start + 2, end);
    const stripBefore = inner.startsWith('-');
    if (stripBefore || inner.startsWith('+')) inner = inner.slice(1);
    const stripAfter = inner.endsWith('-');
    const keepNewline = inner.endsWith('+');
    if (stripAfter || keepNewline) inner = inner.slice(0, -1);
    const tag: Tag = { kind: kind === '#' ? '%' : (kind as '{' | '%'), inner: kind === '#' ? '' : inner, start, end: end + 2, stripBefore, stripAfter, keepNewline };
    if (kind === '%' && /^\s*raw\s*$/.test(inner)) {
      const m = /\{%[-+]?\s*endraw\s*[-+]?%\}/.exec(text.slice(tag.end));
      if (!m) throw new JinjaSyntaxError(`template error in "${text}": {% raw %} is never closed with {% endraw %}`);
      out.push(text.slice(tag.end, tag.end + m.index));
      i = tag.end + m.index + m[0].length;
      continue;
    }
    out.push(kind === '#' ? { ...tag, inner: '#' } : tag);
    i = tag.end;
  }
  return applyWhitespace(out);
}

function applyWhitespace(items: (string | Tag)[]): (string | Tag)[] {
  for (let j = 0; j < items.length; j++) {
    const it = items[j]!;
    if (typeof it === 'string') continue;
    const prev = items[j - 1];
    const next = items[j + 1];
    if (it.stripBefore && typeof prev === 'string') items[j - 1] = prev.trimEnd();
    if (typeof next === 'string') {
      if (it.stripAfter) items[j + 1] = next.trimStart();
      else if (it.kind === '%' && !it.keepNewline) items[j + 1] = next.replace(/^\r?\n/, ''); // trim_blocks
    }
  }
  return items.filter((x) => x !== '' && !(typeof x !== 'string' && x.inner === '#'));
}

/** Compiles a template into its tree. */
export function compileTemplate(text: string): TNode[] {
  const items = scan(text);
  let pos = 0;
  const fail = (msg: string): never => {
    throw new JinjaSyntaxError(`template error in "${text}": ${msg}`);
  };
  const word = (t: Tag): string => /^\s*(\w+)/.exec(t.inner)?.[1] ?? '';
  const rest = (t: Tag): string => t.inner.replace(/^\s*\w+/, '');
  /** Nodes until one of `stops` (a statement keyword), which is left for the caller. */
  const block = (stops: string[]): TNode[] => {
    const nodes: TNode[] = [];
    while (pos < items.length) {
      const it = items[pos]!;
      if (typeof it === 'string') {
        nodes.push({ k: 'text', text: it });
        pos++;
        continue;
      }
      if (it.kind === '{') {
        nodes.push({ k: 'expr', node: parseExpression(it.inner) });
        pos++;
        continue;
      }
      const w = word(it);
      if (stops.includes(w)) return nodes;
      pos++;
      if (w === 'if') nodes.push(ifNode(it));
      else if (w === 'for') nodes.push(forNode(it));
      else if (w === 'set') nodes.push({ k: 'set', ...parseSetHeader(rest(it)) });
      else fail(w ? `unknown or unexpected statement {% ${w} %}${['endif', 'endfor', 'else', 'elif'].includes(w) ? ' (no block open for it)' : ': capstan supports if, for, set and raw'}` : 'empty {% %}');
    }
    if (stops.length) fail(`missing {% ${stops.at(-1)} %}`);
    return nodes;
  };
  const ifNode = (open: Tag): TNode => {
    const branches = [{ test: parseExpression(rest(open)), body: block(['elif', 'else', 'endif']) }];
    let otherwise: TNode[] = [];
    for (;;) {
      const t = items[pos++] as Tag;
      const w = word(t);
      if (w === 'elif') branches.push({ test: parseExpression(rest(t)), body: block(['elif', 'else', 'endif']) });
      else if (w === 'else') otherwise = block(['endif']);
      else return { k: 'if', branches, else: otherwise };
    }
  };
  const forNode = (open: Tag): TNode => {
    const header = parseForHeader(rest(open));
    const body = block(['else', 'endfor']);
    let otherwise: TNode[] = [];
    if (word(items[pos++] as Tag) === 'else') {
      otherwise = block(['endfor']);
      pos++;
    }
    return { k: 'for', ...header, body, else: otherwise };
  };
  return block([]);
}
