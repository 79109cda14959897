/**
 * Field sets for server-side apply: the paths of an object in the fieldsV1 vocabulary
 * (`f:name`, `k:{"name":"web"}` for list-map elements, `v:<json>` for set elements), their
 * conversion to and from the fieldsV1 tree stored in metadata.managedFields, and reading or
 * removing the value at a path.
 */
import type { Schema } from './registry.ts';
import type { SchemaNav } from './schema.ts';

export const SEP = '\n';
const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with sorted keys, for comparing values and naming list elements. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

const systemMeta = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'generateName']);

export function elementKey(item: unknown, keys: string[]): string {
  const o: Record<string, unknown> = {};
  for (const k of [...keys].sort()) if (isObj(item) && item[k] !== undefined) o[k] = item[k];
  return `k:${stableJson(o)}`;
}

/** Every owned path of an object (containers and leaves), skipping system metadata and, if asked, status. */
export function fieldsOf(nav: SchemaNav, obj: Record<string, any>, skipStatus: boolean): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || (skipStatus && k === 'status') || v === null) continue;
    const s = nav.child(nav.root, k, true);
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (systemMeta.has(mk) || mv === null) continue;
        walk(nav, nav.child(s, mk), mv, `f:metadata${SEP}f:${mk}`, out);
      }
      continue;
    }
    walk(nav, s, v, `f:${k}`, out);
  }
  return out;
}

/**
 * Leaves, atomic values and list elements are owned; a granular map or list is represented by
 * its members only (as in real managedFields), unless it is empty.
 */
function walk(nav: SchemaNav, s: Schema | undefined, v: unknown, path: string, out: Set<string>, element = false): void {
  const granularMap = isObj(v) && !nav.isAtomicMap(s) && Object.keys(v).length > 0;
  const lt = Array.isArray(v) ? nav.listType(s) : undefined;
  const granularList = Array.isArray(v) && lt!.type !== 'atomic' && v.length > 0;
  if (element || (!granularMap && !granularList)) out.add(path);
  if (granularMap) {
    for (const [k, cv] of Object.entries(v as Record<string, unknown>)) if (cv !== null) walk(nav, nav.child(s, k), cv, `${path}${SEP}f:${k}`, out);
  } else if (granularList) {
    for (const item of v as unknown[]) {
      if (lt!.type === 'set') out.add(`${path}${SEP}v:${stableJson(item)}`);
      else walk(nav, nav.items(s), item, `${path}${SEP}${elementKey(item, lt!.keys)}`, out, true);
    }
  }
}

/** The value at a path, or undefined. */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: any = obj;
  for (const seg of path.split(SEP)) {
    if (cur === undefined || cur === null) return undefined;
    if (seg.startsWith('f:')) cur = isObj(cur) ? cur[seg.slice(2)] : undefined;
    else if (seg.startsWith('k:')) {
      const want = JSON.parse(seg.slice(2)) as Record<string, unknown>;
      cur = Array.isArray(cur) ? cur.find((i) => Object.entries(want).every(([k, v]) => stableJson(i?.[k]) === stableJson(v))) : undefined;
    } else if (seg.startsWith('v:')) cur = Array.isArray(cur) ? cur.find((i) => stableJson(i) === seg.slice(2)) : undefined;
  }
  return cur;
}

/** Remove the value at a path (map key or list element); no-op when absent. */
export function removeAt(obj: unknown, path: string): void {
  const segs = path.split(SEP);
  const parentPath = segs.slice(0, -1).join(SEP);
  const parent: any = parentPath ? valueAt(obj, parentPath) : obj;
  const last = segs[segs.length - 1]!;
  if (last.startsWith('f:') && isObj(parent)) delete parent[last.slice(2)];
  else if (Array.isArray(parent)) {
    const el = valueAt(obj, path);
    const idx = parent.indexOf(el);
    if (idx >= 0) parent.splice(idx, 1);
  }
}

/** A flat path set as the nested fieldsV1 tree. */
export function toFieldsV1(paths: Set<string>): Record<string, any> {
  const root: Record<string, any> = {};
  const sorted = [...paths].sort();
  const set = new Set(sorted);
  for (const p of sorted) {
    let node = root;
    for (const seg of p.split(SEP)) node = node[seg] ??= {};
  }
  for (const p of sorted) {
    let node = root;
    for (const seg of p.split(SEP)) node = node[seg];
    if (Object.keys(node).some((k) => k !== '.') && set.has(p)) node['.'] = {};
  }
  return root;
}

export function fromFieldsV1(tree: Record<string, any> | undefined, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(tree ?? {})) {
    if (k === '.') continue;
    const p = prefix ? `${prefix}${SEP}${k}` : k;
    const children = Object.keys(v ?? {});
    if (children.length === 0 || children.includes('.')) out.add(p);
    fromFieldsV1(v, p, out);
  }
  return out;
}

/** `.spec.replicas` / `.spec.template.spec.containers[name="web"].image`: a path as conflict messages show it. */
export function displayPath(path: string): string {
  return path.split(SEP).map((seg) => {
    if (seg.startsWith('f:')) return `.${seg.slice(2)}`;
    if (seg.startsWith('k:')) return `[${Object.entries(JSON.parse(seg.slice(2))).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    return `[=${seg.slice(2)}]`;
  }).join('');
}

/** Paths of the set that have another path of the set below them (containers). */
export function containersOf(paths: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    const i = p.lastIndexOf(SEP);
    if (i > 0) out.add(p.slice(0, i));
  }
  return out;
}
