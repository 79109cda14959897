/**
 * Checks one value against a bundle schema node, as the API server's decoding and strict field
 * validation would: types, required fields, enums, unknown fields (with "did you mean"). Each
 * problem carries the path of the field and a message that says what is wrong and the fix.
 */
import { closest } from '../vars/suggest.ts';
import { resolveNode, type SchemaNode } from './bundle/index.ts';

export type FieldPath = readonly (string | number)[];

export interface FieldProblem {
  path: FieldPath;
  message: string;
}

/** `spec.ingress[0].ports[0].port`, `metadata.labels["app.kubernetes.io/name"]`. */
export function showPath(path: FieldPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fits(v: unknown, type: string): boolean {
  const t = typeOf(v);
  return t === type || (type === 'number' && t === 'integer');
}

const NOUN: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', object: 'a map', array: 'a list' };

function typeFix(v: unknown, want: string[]): string {
  if (typeof v === 'string' && want.some((t) => t === 'integer' || t === 'number') && /^-?\d+(\.\d+)?$/.test(v)) return `write ${v} without quotes`;
  if (typeof v === 'string' && want.includes('boolean') && /^(true|false)$/i.test(v)) return `write ${v.toLowerCase()} without quotes`;
  if ((typeof v === 'number' || typeof v === 'boolean') && want.includes('string')) return `quote it: "${String(v)}"`;
  if (want.includes('array')) return 'write it as a list (each item on a line starting with "- ")';
  if (want.includes('object')) return 'write it as a map (key: value lines)';
  return `give ${want.map((t) => NOUN[t] ?? t).join(' or ')}`;
}

function expected(node: SchemaNode): string[] | undefined {
  if (node['x-kubernetes-int-or-string']) return ['integer', 'string'];
  if (node.type === undefined) return undefined;
  return Array.isArray(node.type) ? node.type : [node.type];
}

function checkEnum(v: unknown, node: SchemaNode, path: FieldPath, out: FieldProblem[]): void {
  if (!node.enum || node.enum.some((e) => e === v)) return;
  const options = node.enum.map(String);
  const near = typeof v === 'string' ? options.find((o) => o.toLowerCase() === v.toLowerCase()) ?? closest(v, options) : undefined;
  out.push({ path, message: `${show(v)} is not one of ${options.join(', ')}${near ? `; did you mean ${near}?` : ''}` });
}

function checkObject(v: Record<string, unknown>, node: SchemaNode, path: FieldPath, out: FieldProblem[]): void {
  const props = node.properties;
  const open = node['x-kubernetes-preserve-unknown-fields'] || node.additionalProperties === true;
  const names = Object.keys(props ?? {});
  const misspelled = new Set<string>();
  for (const [k, value] of Object.entries(v)) {
    const prop = (props && Object.hasOwn(props, k) ? props[k] : undefined) ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (prop) { checkValue(value, prop, [...path, k], out); continue; }
    if (open || !props || (node['x-kubernetes-embedded-resource'] && ['apiVersion', 'kind', 'metadata'].includes(k))) continue;
    const near = names.find((n) => n.toLowerCase() === k.toLowerCase()) ?? closest(k, names);
    if (near) misspelled.add(near);
    const hint = near ? `did you mean ${near}?` : names.length <= 12 ? `the fields here are ${names.join(', ')}` : 'remove it or check the spelling';
    out.push({ path: [...path, k], message: `unknown field; ${hint}` });
  }
  // A required field written with a typo is one problem (the unknown field), not two.
  for (const field of node.required ?? []) {
    if ((v[field] === undefined || v[field] === null) && !misspelled.has(field)) out.push({ path: [...path, field], message: 'is required and missing; add it' });
  }
}

/** Items of a map-type list are unique by their keys (Service ports by port and protocol). */
function checkUnique(items: unknown[], keys: string[], path: FieldPath, out: FieldProblem[]): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (!item || typeof item !== 'object') return;
    const rec = item as Record<string, unknown>;
    const id = JSON.stringify(keys.map((k) => rec[k] ?? null));
    const first = seen.get(id);
    if (first === undefined) { seen.set(id, i); return; }
    const shown = keys.map((k) => `${k} ${rec[k] === undefined ? '(default)' : show(rec[k])}`).join(', ');
    out.push({ path: [...path, i], message: `duplicates ${showPath([...path, first])} (${shown}); each entry needs its own ${keys.join(' + ')}` });
  });
}

/** Appends every problem of `v` against `node` to `out`. A null value is treated as absent, as the API does. */
export function checkValue(v: unknown, raw: SchemaNode, path: FieldPath, out: FieldProblem[]): void {
  if (v === null || v === undefined) return;
  const node = resolveNode(raw);
  const want = expected(node);
  if (want && !want.some((t) => fits(v, t))) {
    out.push({ path, message: `${show(v)} is ${NOUN[typeOf(v)] ?? typeOf(v)}, but this field takes ${want.map((t) => NOUN[t] ?? t).join(' or ')}; ${typeFix(v, want)}` });
    return;
  }
  checkEnum(v, node, path, out);
  if (Array.isArray(v)) {
    if (node.items) v.forEach((item, i) => checkValue(item, node.items!, [...path, i], out));
    if (node['x-kubernetes-list-map-keys']) checkUnique(v, node['x-kubernetes-list-map-keys'], path, out);
    return;
  }
  if (typeof v === 'object' && (node.properties || node.additionalProperties || node.required)) {
    checkObject(v as Record<string, unknown>, node, path, out);
  }
}
