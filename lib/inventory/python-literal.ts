/**
 * What Ansible's INI inventory plugin does to a value: Python's `shlex.split(line, comments=True)`
 * for host lines, and `ast.literal_eval(value)` for every value (host line and [group:vars]),
 * falling back to the raw string when the value is not a Python literal. Tuples become lists,
 * sets become lists, None becomes null.
 */

/** Python's shlex.split(line, comments=True) in POSIX mode. Throws on an unclosed quote. */
export function shlexSplit(line: string): string[] {
  // no quote, escape or comment (most host lines): words between blanks
  if (!/['"\\#]/.test(line)) return line.split(/[ \t\r\n]+/).filter((t) => t !== '');
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
    } else if (c === '#') {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('No closing quotation');
      token += line.slice(i + 1, end);
      inToken = true;
      i = end;
    } else if (c === '"') {
      i++;
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) i++;
        token += line[i];
      }
      if (i >= line.length) throw new Error('No closing quotation');
      inToken = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('No escaped character');
      token += line[++i];
      inToken = true;
    } else {
      token += c;
      inToken = true;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}

const NOT_LITERAL = Symbol('not a literal');

/** ast.literal_eval(text), or the text itself when it is not a Python literal. */
export function pythonValue(text: string): unknown {
  // fast path: a bare word (not True/False/None, not a string prefix) is never a literal
  if (/^[A-Za-z_]/.test(text) && !/^(?:True|False|None)\s*(?:#.*)?$/.test(text) && !/^[rRbBuU]{0,2}['"]/.test(text)) return text;
  // an IPv4 address (digits and two or more dots) is never one; a plain decimal integer is that number
  if (/^\d+\.\d+\.[\d.]*$/.test(text)) return text;
  if (/^(?:0|[1-9]\d*)$/.test(text)) return Number(text);
  const parser = new LiteralParser(text.replace(/^[ \t]+/, ''));
  try {
    const value = parser.value();
    parser.skipSpace();
    return parser.done() ? value : text;
  } catch (e) {
    if (e === NOT_LITERAL) return text;
    throw e;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '\n': '' };

class LiteralParser {
  private pos = 0;
  private readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  done(): boolean {
    return this.pos >= this.src.length;
  }

  skipSpace(): void {
    const m = /^(?:[ \t\r\n]|\\\n|#[^\n]*)*/.exec(this.src.slice(this.pos));
    this.pos += m![0].length;
  }

  private fail(): never {
    throw NOT_LITERAL;
  }

  private peek(): string {
    return this.src[this.pos] ?? '';
  }

  value(): unknown {
    this.skipSpace();
    const c = this.peek();
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') return this.sequence('(', ')');
    if (c === '{') return this.braces();
    if (c === '-' || c === '+') {
      this.pos++;
      const v = this.value();
      if (typeof v !== 'number' || typeof v === 'boolean') this.fail();
      return c === '-' ? -v : v;
    }
    if (/[0-9.]/.test(c)) return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos))?.[0] ?? '';
    if (/^[rRbBuU]{0,2}$/.test(word) && /['"]/.test(this.src[this.pos + word.length] ?? '')) return this.strings();
    this.pos += word.length;
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    return this.fail();
  }

  private sequence(open: string, close: string): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.peek() === close) break;
      items.push(this.value());
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        sawComma = true;
      } else if (this.peek() !== close) this.fail();
    }
    this.pos++;
    // `(5)` is just 5; `(5,)` and `()` are tuples.
    if (open === '(' && items.length === 1 && !sawComma) return items[0] as unknown[];
    return items;
  }

  private braces(): unknown {
    this.pos++;
    this.skipSpace();
    if (this.peek() === '}') {
      this.pos++;
      return {};
    }
    const first = this.value();
    this.skipSpace();
    if (this.peek() !== ':') {
      // a set literal: a list in JSON
      this.pos--;
      const rest = this.sequenceAfterFirst();
      return [first, ...rest];
    }
    const out: Record<string, unknown> = {};
    let key: unknown = first;
    for (;;) {
      this.skipSpace();
      if (this.peek() !== ':') this.fail();
      this.pos++;
      out[String(key)] = this.value();
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
      }
      if (this.peek() === '}') break;
      key = this.value();
    }
    this.pos++;
    return out;
  }

  private sequenceAfterFirst(): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
      } else if (this.peek() !== '}') this.fail();
      if (this.peek() === '}') break;
      items.push(this.value());
    }
    this.pos++;
    return items;
  }

  private number(): number {
    const rest = this.src.slice(this.pos);
    const m = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][-+]?\d(?:_?\d)*)?)/.exec(rest);
    const text = m?.[0] ?? '';
    // complex numbers (`1j`) and words that start with digits are not literals we keep
    if (!/\d/.test(text) || /^[A-Za-z0-9_]/.test(rest.slice(text.length))) this.fail();
    this.pos += text.length;
    const clean = text.replace(/_/g, '');
    if (/^0[xX]/.test(clean)) return parseInt(clean.slice(2), 16);
    if (/^0[oO]/.test(clean)) return parseInt(clean.slice(2), 8);
    if (/^0[bB]/.test(clean)) return parseInt(clean.slice(2), 2);
    // Python rejects leading zeros in decimal integers ("010").
    if (/^0\d/.test(clean) && !/[.eE]/.test(clean) && /[1-9]/.test(clean)) this.fail();
    return Number(clean);
  }

  /** One or more adjacent string literals, concatenated as Python does. */
  private strings(): string {
    let out = '';
    do {
      out += this.string();
      this.skipSpace();
    } while (/^[rRbBuU]{0,2}['"]/.test(this.src.slice(this.pos)));
    return out;
  }

  private string(): string {
    const prefix = /^[rRbBuU]{0,2}/.exec(this.src.slice(this.pos))![0];
    const raw = /r/i.test(prefix);
    this.pos += prefix.length;
    const quote = this.src.startsWith(this.peek().repeat(3), this.pos) ? this.peek().repeat(3) : this.peek();
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.done()) this.fail();
      if (this.src.startsWith(quote, this.pos)) break;
      const c = this.src[this.pos++]!;
      if (c === '\n' && quote.length === 1) this.fail();
      if (c !== '\\') {
        out += c;
        continue;
      }
      const n = this.src[this.pos++] ?? '';
      if (raw) out += c + n;
      else out += this.escape(n);
    }
    this.pos += quote.length;
    return out;
  }

  private escape(n: string): string {
    if (n in ESCAPES) return ESCAPES[n]!;
    const hex = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (hex) {
      const digits = this.src.slice(this.pos, this.pos + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) this.fail();
      this.pos += hex;
      return String.fromCodePoint(parseInt(digits, 16));
    }
    if (/[0-7]/.test(n)) {
      const digits = n + (/^[0-7]{0,2}/.exec(this.src.slice(this.pos))![0]);
      this.pos += digits.length - 1;
      return String.fromCharCode(parseInt(digits, 8));
    }
    return `\\${n}`;
  }
}
