/** Value coercions the filters and the tests share (so neither imports the other). */
import { JinjaError } from './errors.ts';
import { defined, typeName } from './values.ts';

export const num = (v: unknown, what: string): number => {
  v = defined(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  throw new JinjaError(`${what} expects a number, got '${typeName(v)}'`);
};

/** Ansible's bool filter. */
export function toBool(v: unknown): boolean {
  v = defined(v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return false;
}
