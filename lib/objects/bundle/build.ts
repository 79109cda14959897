/**
 * Builds the schema bundle the offline validator reads (pure: parsed inputs in, bundle out).
 * Only what validation needs is kept of each schema: types, properties, required, enums, items,
 * additionalProperties, the x-kubernetes markers that change what a value may be, and the keys
 * that make list items unique. Descriptions,
 * formats, list/patch markers and `status` are dropped, and only definitions a kind reaches are
 * kept, so the bundle stays small enough to ship in the repo.
 */
import { gzipSync, strToU8 } from 'fflate';
import { BUILTIN_ENUMS } from './sources.ts';

type Json = Record<string, any>;

/** One schema node as the validator reads it. */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  enum?: unknown[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  $ref?: string;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  /** A list whose items are unique by these fields (x-kubernetes-list-type: map). */
  'x-kubernetes-list-map-keys'?: string[];
}

export interface KindEntry {
  namespaced: boolean;
  schema: SchemaNode;
  /** Index into `sources` for a custom kind. */
  source?: number;
}

export interface BundleSource {
  chart: string;
  version: string;
  role: string;
  groups: string[];
}

export interface SchemaBundle {
  kubernetes: string;
  sources: BundleSource[];
  /** `apiVersion/Kind` (`v1/Service`, `apps/v1/Deployment`) → entry. */
  kinds: Record<string, KindEntry>;
  /** Built-in definitions by OpenAPI name, referenced by `$ref`. */
  defs: Record<string, SchemaNode>;
}

const REF = '#/components/schemas/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A oneOf whose branches only name types (IntOrString, Quantity) → a type list. */
function typeUnion(s: Json): string[] | undefined {
  const branches = s['oneOf'] as Json[] | undefined;
  if (!branches?.every((b) => typeof b['type'] === 'string' && Object.keys(b).length === 1)) return undefined;
  return branches.map((b) => b['type'] as string);
}

/** Prunes one schema; `enumKey` names the field for BUILTIN_ENUMS (`Type.field`). */
export function prune(s: Json, enumKey?: string): SchemaNode {
  const allOf = s['allOf'] as Json[] | undefined;
  if (allOf?.length === 1 && allOf[0]!['$ref']) return prune({ ...s, ...allOf[0], allOf: undefined }, enumKey);
  const out: SchemaNode = {};
  if (typeof s['$ref'] === 'string') out.$ref = (s['$ref'] as string).replace(REF, '');
  const union = typeUnion(s);
  if (union) out.type = union;
  else if (s['type']) out.type = s['type'];
  if (s['x-kubernetes-int-or-string']) out['x-kubernetes-int-or-string'] = true;
  if (s['x-kubernetes-preserve-unknown-fields']) out['x-kubernetes-preserve-unknown-fields'] = true;
  if (s['x-kubernetes-embedded-resource']) out['x-kubernetes-embedded-resource'] = true;
  if (s['nullable']) out.nullable = true;
  if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) out['x-kubernetes-list-map-keys'] = s['x-kubernetes-list-map-keys'];
  const listed = enumKey ? BUILTIN_ENUMS[enumKey] : undefined;
  if (Array.isArray(s['enum'])) out.enum = s['enum'];
  else if (listed && out.type === 'string') out.enum = [...listed];
  if (s['properties']) {
    out.properties = {};
    for (const [k, v] of Object.entries(s['properties'] as Json)) out.properties[k] = prune(v as Json);
  }
  if (Array.isArray(s['required']) && s['required'].length) out.required = s['required'];
  if (s['items']) out.items = prune(s['items'] as Json, enumKey ? `${enumKey}[]` : undefined);
  if (typeof s['additionalProperties'] === 'object') out.additionalProperties = prune(s['additionalProperties'] as Json);
  else if (s['additionalProperties'] === true) out.additionalProperties = true;
  return out;
}

function refsOf(node: SchemaNode, into: Set<string>): void {
  if (node.$ref) into.add(node.$ref);
  for (const v of Object.values(node.properties ?? {})) refsOf(v, into);
  if (node.items) refsOf(node.items, into);
  if (typeof node.additionalProperties === 'object') refsOf(node.additionalProperties, into);
}

interface Gvk { group: string; version: string; kind: string }

const apiVersionOf = (g: Gvk) => (g.group ? `${g.group}/${g.version}` : g.version);

/** Kinds served by a group file that can be applied (a PATCH on `.../{name}`), with their scope. */
function appliableKinds(doc: Json): Map<string, { gvk: Gvk; namespaced: boolean }> {
  const out = new Map<string, { gvk: Gvk; namespaced: boolean }>();
  for (const [path, ops] of Object.entries(doc['paths'] as Json)) {
    const gvk = (ops as Json)['patch']?.['x-kubernetes-group-version-kind'] as Gvk | undefined;
    if (!gvk || !path.endsWith('/{name}') || path.includes('/watch/')) continue;
    out.set(`${apiVersionOf(gvk)}/${gvk.kind}`, { gvk, namespaced: path.includes('/namespaces/{namespace}/') });
  }
  return out;
}

/** A definition pruned with the BUILTIN_ENUMS keys of its fields (`Type.field`). */
function pruneDef(name: string, def: Json): SchemaNode {
  const node = prune({ ...def, properties: undefined });
  if (!def['properties']) return node;
  node.properties = {};
  for (const [k, v] of Object.entries(def['properties'] as Json)) node.properties[k] = prune(v as Json, `${name}.${k}`);
  return node;
}

function builtins(openapi: Json[], bundle: SchemaBundle): void {
  const all: Record<string, Json> = {};
  for (const doc of openapi) {
    Object.assign(all, doc['components']?.['schemas'] ?? {});
    const served = appliableKinds(doc);
    for (const [name, def] of Object.entries(doc['components']?.['schemas'] ?? {} as Json)) {
      for (const gvk of ((def as Json)['x-kubernetes-group-version-kind'] ?? []) as Gvk[]) {
        const key = `${apiVersionOf(gvk)}/${gvk.kind}`;
        const kind = served.get(key);
        if (kind) bundle.kinds[key] = { namespaced: kind.namespaced, schema: { $ref: name } };
      }
    }
  }
  const wanted = new Set(Object.values(bundle.kinds).map((k) => k.schema.$ref!));
  const queue = [...wanted];
  while (queue.length) {
    const name = queue.pop()!;
    const def = pruneDef(name, all[name]!);
    if (def.properties?.['status']) def.properties['status'] = {};
    bundle.defs[name] = def;
    const refs = new Set<string>();
    refsOf(def, refs);
    for (const r of refs) if (!wanted.has(r)) { wanted.add(r); queue.push(r); }
  }
}

/** Adds the served versions of each CRD; metadata is checked as ObjectMeta, status not at all. */
function crds(docs: Json[], sourceIndex: number, bundle: SchemaBundle): void {
  const groups = new Set<string>();
  for (const crd of docs) {
    if (crd['kind'] !== 'CustomResourceDefinition') continue;
    const spec = crd['spec'] as Json;
    groups.add(spec['group']);
    for (const v of spec['versions'] as Json[]) {
      if (!v['served']) continue;
      const schema = prune(v['schema']?.['openAPIV3Schema'] ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
      schema.properties = { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: OBJECT_META } };
      if (schema.properties['status']) schema.properties['status'] = {};
      bundle.kinds[`${spec['group']}/${v['name']}/${spec['names']['kind']}`] = { namespaced: spec['scope'] === 'Namespaced', schema, source: sourceIndex };
    }
  }
  bundle.sources[sourceIndex]!.groups = [...groups].sort();
}

export interface BundleInputs {
  kubernetes: string;
  openapi: Json[];
  charts: { chart: string; version: string; role: string; crds: Json[] }[];
}

/** Keys in sorted order, so the bundle's JSON is the same for the same inputs. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Json)[k])]));
}

export function buildBundle(inputs: BundleInputs): SchemaBundle {
  const bundle: SchemaBundle = { kubernetes: inputs.kubernetes, sources: [], kinds: {}, defs: {} };
  builtins(inputs.openapi, bundle);
  inputs.charts.forEach((c, i) => {
    bundle.sources.push({ chart: c.chart, version: c.version, role: c.role, groups: [] });
    crds(c.crds, i, bundle);
  });
  return sorted(bundle) as SchemaBundle;
}

/**
 * The bundle's bytes: deterministic gzip (fixed mtime) of its JSON. Here, beside the builder, so
 * that a run (which only decodes it: lib/objects/bundle/index.ts) never loads fflate.
 */
export function encodeBundle(b: SchemaBundle): Uint8Array {
  return gzipSync(strToU8(`${JSON.stringify(b)}\n`), { level: 9, mtime: 0 });
}
