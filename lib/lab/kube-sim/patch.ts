/**
 * PATCH engines: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch
 * (merge keys and strategies from the OpenAPI schema's x-kubernetes-patch-* extensions, with the
 * $patch, $retainKeys, $setElementOrder and $deleteFromPrimitiveList directives).
 */
import type { SchemaNav } from './schema.ts';
import type { Schema } from './registry.ts';
import { badRequest, ApiError } from './status.ts';
import { clone } from './store.ts';

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Record<string, any> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointerParts(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map(unescapePointer);
}

function parentOf(doc: any, parts: string[], path: string): { parent: any; last: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : cur?.[p];
    if (cur === undefined || cur === null) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: jsonpatch: path ${path} does not exist`);
  }
  return { parent: cur, last: parts[parts.length - 1]! };
}

function getAt(doc: any, path: string): any {
  let cur = doc;
  for (const p of pointerParts(path)) cur = Array.isArray(cur) ? cur[Number(p)] : cur?.[p];
  return cur;
}

function addAt(doc: any, path: string, value: any, replace: boolean): any {
  const parts = pointerParts(path);
  if (parts.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const idx = last === '-' ? parent.length : Number(last);
    if (replace) parent[idx] = clone(value);
    else parent.splice(idx, 0, clone(value));
  } else {
    if (replace && !Object.hasOwn(parent, last)) throw new ApiError(422, 'Invalid', `jsonpatch replace operation does not apply: doc is missing key: ${path}`);
    parent[last] = clone(value);
  }
  return doc;
}

function removeAt(doc: any, path: string): any {
  const parts = pointerParts(path);
  const { parent, last } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (Object.hasOwn(parent, last)) delete parent[last];
  else throw new ApiError(422, 'Invalid', `jsonpatch remove operation does not apply: doc is missing path: "${path}": missing value`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('the body of a json patch must be an array of operations');
  let doc = clone(target);
  for (const op of ops as any[]) {
    switch (op.op) {
      case 'add': doc = addAt(doc, op.path, op.value, false); break;
      case 'replace': doc = addAt(doc, op.path, op.value, true); break;
      case 'remove': doc = removeAt(doc, op.path); break;
      case 'move': { const v = getAt(doc, op.from); doc = removeAt(doc, op.from); doc = addAt(doc, op.path, v, false); break; }
      case 'copy': doc = addAt(doc, op.path, getAt(doc, op.from), false); break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) throw new ApiError(422, 'Invalid', `testing value ${op.path} failed: test failed`);
        break;
      default: throw badRequest(`unexpected json patch operation "${op.op}"`);
    }
  }
  return doc;
}

/** Apply a strategic merge patch to an object, using the schema for list merge keys. */
export function strategicMergePatch(nav: SchemaNav, target: unknown, patch: unknown): unknown {
  return smpValue(nav, nav.root, target, patch, true);
}

function smpValue(nav: SchemaNav, s: Schema | undefined, target: unknown, patch: unknown, atRoot = false): unknown {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  const out: Record<string, any> = isObj(target) && !nav.isAtomicMap(s) ? { ...target } : {};
  if (Array.isArray(patch.$retainKeys)) {
    for (const k of Object.keys(out)) if (!patch.$retainKeys.includes(k)) delete out[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const childSchema = nav.child(s, k, atRoot);
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = smpList(nav, childSchema, out[k], v);
    else if (isObj(v) && v.$patch === 'delete') delete out[k];
    else out[k] = smpValue(nav, childSchema, out[k], v);
  }
  for (const [k, v] of Object.entries(patch)) {
    const del = /^\$deleteFromPrimitiveList\/(.+)$/.exec(k);
    if (del && Array.isArray(out[del[1]!])) out[del[1]!] = out[del[1]!].filter((x: unknown) => !(v as unknown[]).includes(x));
    const order = /^\$setElementOrder\/(.+)$/.exec(k);
    if (order && Array.isArray(out[order[1]!])) out[order[1]!] = reorder(nav, nav.child(s, order[1]!, atRoot), out[order[1]!], v as unknown[]);
  }
  return out;
}

function sameKey(a: any, b: any, key: string): boolean {
  return isObj(a) && isObj(b) && a[key] !== undefined && a[key] === b[key];
}

function smpList(nav: SchemaNav, s: Schema | undefined, target: unknown, patch: unknown[]): unknown[] {
  const { merge, key } = nav.patchStrategy(s);
  const live = Array.isArray(target) ? target : [];
  if (!merge) return clone(patch.filter((p) => !(isObj(p) && p.$patch)));
  if (!key) return [...live, ...patch.filter((p) => !live.some((l) => JSON.stringify(l) === JSON.stringify(p)))];
  if (patch.some((p) => isObj(p) && p.$patch === 'replace')) return clone(patch.filter((p) => !(isObj(p) && p.$patch)));
  const out = [...live];
  const itemSchema = nav.items(s);
  for (const p of patch) {
    const idx = out.findIndex((l) => sameKey(l, p, key));
    if (isObj(p) && p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = smpValue(nav, itemSchema, out[idx], p);
    else out.push(smpValue(nav, itemSchema, undefined, p));
  }
  return out;
}

function reorder(nav: SchemaNav, s: Schema | undefined, list: unknown[], order: unknown[]): unknown[] {
  const key = nav.patchStrategy(s).key;
  const pos = (item: unknown): number => order.findIndex((o) => (key ? sameKey(o, item, key) : JSON.stringify(o) === JSON.stringify(item)));
  const known = list.filter((i) => pos(i) >= 0).sort((a, b) => pos(a) - pos(b));
  return [...known, ...list.filter((i) => pos(i) < 0)];
}
