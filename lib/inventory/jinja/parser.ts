/**
 * A recursive-descent parser for Jinja expressions, following Jinja2's own grammar and operator
 * precedence: conditional (`a if c else b`) < or < and < not < comparisons (`== != < <= > >= in
 * not in`) < `+ -` < `~` < `* / // %` < `**` < unary `- +` < postfix (`.attr`, `[index]`,
 * `[a:b]`, calls) and filters/tests (`| f(args)`, `is [not] t`).
 */
import { JinjaSyntaxError } from './errors.ts';
import { type Token, tokenize } from './lexer.ts';

export type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'name'; n: string }
  | { t: 'list'; items: Node[] }
  | { t: 'dict'; entries: [Node, Node][] }
  | { t: 'attr'; obj: Node; name: string }
  | { t: 'item'; obj: Node; index: Node }
  | { t: 'slice'; obj: Node; start?: Node; stop?: Node; step?: Node }
  | { t: 'call'; fn: Node; args: Node[]; kwargs: Record<string, Node> }
  | { t: 'filter'; name: string; value: Node; args: Node[]; kwargs: Record<string, Node> }
  | { t: 'test'; name: string; value: Node; args: Node[]; kwargs: Record<string, Node>; negate: boolean }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'unary'; op: string; v: Node }
  | { t: 'not'; v: Node }
  | { t: 'and' | 'or'; l: Node; r: Node }
  | { t: 'cond'; test: Node; then: Node; else?: Node }
  | { t: 'cmp'; first: Node; ops: [string, Node][] };

const CMP = new Set(['==', '!=', '<', '<=', '>', '>=']);

export function parseExpression(src: string): Node {
  const p = new Parser(src);
  const node = p.expression();
  p.expectEnd();
  return node;
}

/** `x in xs`, `k, v in d.items()`, `h in hosts if h != x`: the text after `{% for`. */
export function parseForHeader(src: string): { targets: string[]; iter: Node; filter?: Node } {
  const p = new Parser(src);
  return p.forHeader();
}

/** `name = expr`: the text after `{% set`. */
export function parseSetHeader(src: string): { name: string; value: Node } {
  const p = new Parser(src);
  return p.setHeader();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
    this.tokens = tokenize(src);
  }

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }

  private fail(what: string): never {
    const t = this.tok;
    const found = t.kind === 'end' ? 'end of expression' : `'${String(t.value)}'`;
    throw new JinjaSyntaxError(`template error in "{{ ${this.src.trim()} }}": expected ${what}, found ${found} at column ${t.pos + 1}`);
  }

  private isOp(value: string): boolean {
    return this.tok.kind === 'op' && this.tok.value === value;
  }

  private isName(value: string): boolean {
    return this.tok.kind === 'name' && this.tok.value === value;
  }

  private skipOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.pos++;
    return true;
  }

  private expectOp(value: string): void {
    if (!this.skipOp(value)) this.fail(`'${value}'`);
  }

  private names(): string[] {
    const out: string[] = [];
    do {
      if (this.tok.kind !== 'name') this.fail('a variable name');
      out.push(this.tokens[this.pos++]!.value as string);
    } while (this.skipOp(','));
    return out;
  }

  forHeader(): { targets: string[]; iter: Node; filter?: Node } {
    const targets = this.names();
    if (!this.isName('in')) this.fail("'in'");
    this.pos++;
    const iter = this.or();
    let filter: Node | undefined;
    if (this.isName('if')) {
      this.pos++;
      filter = this.expression();
    }
    this.expectEnd();
    return filter ? { targets, iter, filter } : { targets, iter };
  }

  setHeader(): { name: string; value: Node } {
    const [name, ...more] = this.names();
    if (more.length) this.fail("'=' (set one name at a time)");
    this.expectOp('=');
    const value = this.expression();
    this.expectEnd();
    return { name: name!, value };
  }

  expectEnd(): void {
    if (this.tok.kind !== 'end') this.fail('end of expression');
  }

  expression(): Node {
    const node = this.or();
    if (this.isName('if')) {
      this.pos++;
      const test = this.or();
      let otherwise: Node | undefined;
      if (this.isName('else')) {
        this.pos++;
        otherwise = this.expression();
      }
      return otherwise ? { t: 'cond', test, then: node, else: otherwise } : { t: 'cond', test, then: node };
    }
    return node;
  }

  private or(): Node {
    return this.logical('or', () => this.and());
  }

  private and(): Node {
    return this.logical('and', () => this.not());
  }

  private logical(op: 'and' | 'or', next: () => Node): Node {
    let l = next();
    while (this.isName(op)) {
      this.pos++;
      l = { t: op, l, r: next() };
    }
    return l;
  }

  private not(): Node {
    if (this.isName('not')) {
      this.pos++;
      return { t: 'not', v: this.not() };
    }
    return this.compare();
  }

  private compare(): Node {
    const first = this.math1();
    const ops: [string, Node][] = [];
    for (;;) {
      if (this.tok.kind === 'op' && CMP.has(this.tok.value)) {
        const op = this.tok.value;
        this.pos++;
        ops.push([op, this.math1()]);
      } else if (this.isName('in')) {
        this.pos++;
        ops.push(['in', this.math1()]);
      } else if (this.isName('not') && this.tokens[this.pos + 1]?.kind === 'name' && this.tokens[this.pos + 1]!.value === 'in') {
        this.pos += 2;
        ops.push(['notin', this.math1()]);
      } else break;
    }
    return ops.length ? { t: 'cmp', first, ops } : first;
  }

  private binary(next: () => Node, ops: string[]): Node {
    let l = next();
    while (this.tok.kind === 'op' && ops.includes(this.tok.value)) {
      const op = this.tok.value;
      this.pos++;
      l = { t: 'bin', op, l, r: next() };
    }
    return l;
  }

  private math1(): Node {
    return this.binary(() => this.concat(), ['+', '-']);
  }

  private concat(): Node {
    return this.binary(() => this.math2(), ['~']);
  }

  private math2(): Node {
    return this.binary(() => this.pow(), ['*', '/', '//', '%']);
  }

  private pow(): Node {
    return this.binary(() => this.unary(true), ['**']);
  }

  private unary(withFilter: boolean): Node {
    let node: Node;
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.tok.value as string;
      this.pos++;
      node = { t: 'unary', op, v: this.unary(false) };
    } else {
      node = this.primary();
    }
    node = this.postfix(node);
    return withFilter ? this.filters(node) : node;
  }

  private primary(): Node {
    const t = this.tok;
    if (t.kind === 'string') {
      this.pos++;
      let v = t.value;
      // adjacent string literals concatenate, as in Jinja
      while (this.tok.kind === 'string') v += this.tokens[this.pos++]!.value as string;
      return { t: 'lit', v };
    }
    if (t.kind === 'number') {
      this.pos++;
      return { t: 'lit', v: t.value };
    }
    if (t.kind === 'name') {
      this.pos++;
      if (['true', 'True'].includes(t.value)) return { t: 'lit', v: true };
      if (['false', 'False'].includes(t.value)) return { t: 'lit', v: false };
      if (['none', 'None'].includes(t.value)) return { t: 'lit', v: null };
      return { t: 'name', n: t.value };
    }
    if (this.skipOp('(')) {
      if (this.skipOp(')')) return { t: 'list', items: [] };
      const first = this.expression();
      if (this.skipOp(')')) return first;
      const items = [first];
      while (this.skipOp(',') && !this.isOp(')')) items.push(this.expression());
      this.expectOp(')');
      return { t: 'list', items };
    }
    if (this.skipOp('[')) {
      const items: Node[] = [];
      while (!this.isOp(']')) {
        items.push(this.expression());
        if (!this.skipOp(',')) break;
      }
      this.expectOp(']');
      return { t: 'list', items };
    }
    if (this.skipOp('{')) {
      const entries: [Node, Node][] = [];
      while (!this.isOp('}')) {
        const k = this.expression();
        this.expectOp(':');
        entries.push([k, this.expression()]);
        if (!this.skipOp(',')) break;
      }
      this.expectOp('}');
      return { t: 'dict', entries };
    }
    return this.fail('a value');
  }

  private postfix(node: Node): Node {
    for (;;) {
      if (this.skipOp('.')) {
        const t = this.tok;
        if (t.kind !== 'name' && t.kind !== 'number') this.fail('an attribute name');
        this.pos++;
        node = t.kind === 'number' ? { t: 'item', obj: node, index: { t: 'lit', v: t.value } } : { t: 'attr', obj: node, name: String(t.value) };
      } else if (this.skipOp('[')) {
        node = this.subscript(node);
      } else if (this.isOp('(')) {
        const { args, kwargs } = this.callArgs();
        node = { t: 'call', fn: node, args, kwargs };
      } else return node;
    }
  }

  private subscript(obj: Node): Node {
    const part = (): Node | undefined => (this.isOp(':') || this.isOp(']') ? undefined : this.expression());
    const start = part();
    if (this.skipOp(']')) {
      if (!start) this.fail('an index');
      return { t: 'item', obj, index: start };
    }
    this.expectOp(':');
    const stop = part();
    const step = this.skipOp(':') ? part() : undefined;
    this.expectOp(']');
    const node: Node = { t: 'slice', obj };
    if (start) node.start = start;
    if (stop) node.stop = stop;
    if (step) node.step = step;
    return node;
  }

  private callArgs(): { args: Node[]; kwargs: Record<string, Node> } {
    this.expectOp('(');
    const args: Node[] = [];
    const kwargs: Record<string, Node> = {};
    while (!this.isOp(')')) {
      const next = this.tokens[this.pos + 1];
      if (this.tok.kind === 'name' && next?.kind === 'op' && next.value === '=') {
        const key = this.tok.value;
        this.pos += 2;
        kwargs[key] = this.expression();
      } else {
        args.push(this.expression());
      }
      if (!this.skipOp(',')) break;
    }
    this.expectOp(')');
    return { args, kwargs };
  }

  private filters(node: Node): Node {
    for (;;) {
      if (this.skipOp('|')) {
        const name = this.dottedName();
        const { args, kwargs } = this.isOp('(') ? this.callArgs() : { args: [], kwargs: {} };
        node = { t: 'filter', name, value: node, args, kwargs };
      } else if (this.isName('is')) {
        this.pos++;
        const negate = this.isName('not');
        if (negate) this.pos++;
        const name = this.dottedName();
        let args: Node[] = [];
        let kwargs: Record<string, Node> = {};
        if (this.isOp('(')) ({ args, kwargs } = this.callArgs());
        else if (this.tok.kind === 'string' || this.tok.kind === 'number') args = [this.primary()];
        node = { t: 'test', name, value: node, args, kwargs, negate };
      } else return node;
    }
  }

  /** A filter or test name; collection-qualified names (ansible.builtin.to_json) keep their last part. */
  private dottedName(): string {
    if (this.tok.kind !== 'name') this.fail('a filter or test name');
    let name = this.tokens[this.pos++]!.value as string;
    while (this.isOp('.') && this.tokens[this.pos + 1]?.kind === 'name') {
      name = this.tokens[this.pos + 1]!.value as string;
      this.pos += 2;
    }
    return name;
  }
}
