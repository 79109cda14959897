/** Tokens of a Jinja expression (the text between `{{` and `}}`). */
import { JinjaSyntaxError } from './errors.ts';

export type Token =
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'end'; value: ''; pos: number };

const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', '.', ':', '|', '='];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      tokens.push({ kind: 'name', value: m, pos: start });
      i += m.length;
    } else if (/[0-9]/.test(c)) {
      const m = /^(?:\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][-+]?\d+)?)/.exec(src.slice(i))![0];
      tokens.push({ kind: 'number', value: Number(m.replace(/_/g, '')), pos: start });
      i += m.length;
    } else if (c === "'" || c === '"') {
      let out = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) {
          const n = src[i + 1]!;
          out += ESCAPES[n] ?? `\\${n}`;
          i += 2;
        } else {
          out += src[i++];
        }
      }
      if (i >= src.length) throw new JinjaSyntaxError(`unterminated string starting at column ${start + 1} of "${src}": close the quote`);
      i++;
      tokens.push({ kind: 'string', value: out, pos: start });
    } else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (!op) throw new JinjaSyntaxError(`unexpected character '${c}' at column ${i + 1} of "${src}"`);
      tokens.push({ kind: 'op', value: op, pos: start });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', value: '', pos: src.length });
  return tokens;
}
