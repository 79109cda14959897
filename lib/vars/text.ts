/**
 * Vars that arrive as text: `-e key=value` always, and INI `[group:vars]` for booleans
 * (`enable_istio=false` is the string "false" there, as Ansible reads it; Ansible's conditionals
 * then take it as false). A schema that wants a number or a boolean takes their text. One place
 * for that rule, used by role validation and by every module that reads vars itself.
 */
import type { z } from 'zod';
import { pythonValue } from '../inventory/python-literal.ts';

/**
 * Ansible's words for booleans, numbers, and lists/dicts spelled as Python/JSON literals
 * (`"[6443, 80]"`, what a template like `"[{{ port }}, 80]"` renders to: ansible-core 2.14 turned
 * it into a list itself, 2.19 leaves the text, and module arguments of type list take it) from
 * text; anything else stays text.
 */
export function fromText(value: string): unknown {
  const trimmed = value.trim();
  if (/^\[[\s\S]*\]$|^\{[\s\S]*\}$/.test(trimmed)) {
    const literal = pythonValue(trimmed);
    if (typeof literal !== 'string') return literal;
  }
  const lower = trimmed.toLowerCase();
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (['false', 'no', 'off'].includes(lower)) return false;
  return value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
}

type Parsed = ReturnType<z.ZodType['safeParse']>;

/**
 * Parse a value with a var's schema; text the schema refuses is tried once more as the number or
 * boolean it spells. Once the text is taken as one, its problems are the ones reported
 * ("40000 is outside the NodePort range", not "expected a number").
 */
export function parseVarValue(schema: z.ZodType, value: unknown, parse: (v: unknown) => Parsed = (v) => schema.safeParse(v)): Parsed {
  const parsed = parse(value);
  if (parsed.success || typeof value !== 'string') return parsed;
  // Text the schema refused for more than its type ("1.31" is no k3s release): report that, not
  // the type of the number the text also spells.
  if (!parsed.error.issues.every((i) => i.code === 'invalid_type' || i.code === 'invalid_union')) return parsed;
  const typed = fromText(value);
  return typeof typed === 'string' ? parsed : schema.safeParse(typed);
}
