/**
 * Commands are built, never concatenated. `sh` is the one way to build a shell command: every
 * `${}` value is quoted with zx's quoting (arrays element by element), so no inventory value
 * reaches a shell unquoted. Both transports (local, ssh) accept only a Cmd.
 *
 *   sh`install -d -m ${mode} ${dir}`            // values quoted
 *   sh`k3s ${args}`                              // array: each element quoted, space-joined
 *   sh`${raw('set -e;')} echo ${value}`          // raw(): a trusted literal from code, never data
 */
import { quote } from 'zx/core'; // core only: the full 'zx' entry costs ~3x the load time

const CMD = Symbol('capstan.cmd');

export interface Cmd {
  readonly [CMD]: true;
  /** The shell text, with every interpolated value already quoted. */
  readonly text: string;
}

export interface Raw {
  readonly raw: string;
}

/** A trusted literal fragment written in code (never from inventory data). */
export function raw(text: string): Raw {
  return { raw: text };
}

export type ShValue = string | number | boolean | Cmd | Raw | ReadonlyArray<string | number>;

function quoteValue(v: ShValue): string {
  if (isCmd(v)) return v.text;
  if (typeof v === 'object' && v !== null && 'raw' in v) return (v as Raw).raw;
  if (Array.isArray(v)) return v.map((x) => quote(String(x))).join(' ');
  return quote(String(v));
}

export function sh(strings: TemplateStringsArray, ...values: ShValue[]): Cmd {
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    text += quoteValue(v) + (strings[i + 1] ?? '');
  });
  return { [CMD]: true, text };
}

export function isCmd(v: unknown): v is Cmd {
  return typeof v === 'object' && v !== null && CMD in v;
}

/** POSIX single-quote quoting, for wrapping a whole (bash) command as one argument of `sh -c`. */
export function posixQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
