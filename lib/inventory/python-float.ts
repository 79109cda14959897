/**
 * A float of the inventory (YAML `1.0`, INI `ratio=1.0`) that JSON would print differently from
 * Python: `ansible-inventory --list` prints Python's repr (`1.0`, `1e-05`, `1e+16`), JSON.stringify
 * the same number as `1`, `0.00001`, `10000000000000000`. --list keeps the float as FloatValue and
 * prints it as Python does (through JSON.rawJSON); a run reads the number (plainValue).
 */

/** Python's repr() of a float, which json.dumps prints (finite numbers). */
export function pythonFloatRepr(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the shortest that reads back as n, as Python's repr does
  const [mantissa, e] = n.toExponential().split('e') as [string, string];
  const exp = Number(e);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

type RawJson = { readonly rawJSON: string };
const json = JSON as unknown as { rawJSON(text: string): RawJson; isRawJSON(v: unknown): v is RawJson };

export class FloatValue {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
  valueOf(): number {
    return this.value;
  }
  toJSON(): unknown {
    return json.rawJSON(pythonFloatRepr(this.value));
  }
}

/** The float as the inventory keeps it: a FloatValue when JSON would print it otherwise than Python. */
export function inventoryFloat(n: number): number | FloatValue {
  return Number.isFinite(n) && pythonFloatRepr(n) !== JSON.stringify(n) ? new FloatValue(n) : n;
}

/** A value JSON.stringify prints as its text (what FloatValue.toJSON gives). */
export const isRawJson = (v: unknown): boolean => json.isRawJSON(v);
