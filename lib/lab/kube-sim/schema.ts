/**
 * Walking an OpenAPI v3 schema alongside an object: $ref/allOf resolution, child and item
 * schemas, list types (x-kubernetes-list-type / -list-map-keys), strategic-merge patch
 * strategies, and the unknown-field check behind fieldValidation=Strict.
 */
import { builtins, type ResourceType, type Schema } from './registry.ts';

const objectMetaName = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export class SchemaNav {
  readonly root: Schema;
  private readonly components: Record<string, Schema>;
  private readonly crd: boolean;

  constructor(root: Schema, components: Record<string, Schema>, crd: boolean) {
    this.root = root;
    this.components = components;
    this.crd = crd;
  }

  /** Follow $ref and single-element allOf wrappers, keeping sibling keywords. */
  resolve(s: Schema | undefined): Schema | undefined {
    let cur = s;
    for (let i = 0; cur && i < 20; i++) {
      const ref = cur.$ref ?? (Array.isArray(cur.allOf) && cur.allOf.length === 1 ? cur.allOf[0].$ref : undefined);
      if (!ref) return cur;
      const target = this.components[String(ref).replace('#/components/schemas/', '')];
      const { $ref: _r, allOf: _a, ...rest } = cur;
      cur = { ...target, ...rest };
    }
    return cur;
  }

  /** Schema of a map key; undefined when the schema does not describe it. */
  child(s: Schema | undefined, key: string, atRoot = false): Schema | undefined {
    if (atRoot && this.crd && key === 'metadata') return this.resolve({ $ref: objectMetaName });
    const r = this.resolve(s);
    if (!r) return undefined;
    if (r.properties && Object.hasOwn(r.properties, key)) return this.resolve(r.properties[key]);
    if (r.additionalProperties && typeof r.additionalProperties === 'object') return this.resolve(r.additionalProperties);
    return undefined;
  }

  items(s: Schema | undefined): Schema | undefined {
    return this.resolve(this.resolve(s)?.items);
  }

  /** 'map' (with keys), 'set' or 'atomic' for a list schema; SMP merge keys count as map keys. */
  listType(s: Schema | undefined): { type: 'map' | 'set' | 'atomic'; keys: string[] } {
    const r = this.resolve(s);
    const t = r?.['x-kubernetes-list-type'];
    if (t === 'map') return { type: 'map', keys: r!['x-kubernetes-list-map-keys'] ?? [] };
    if (t === 'set') return { type: 'set', keys: [] };
    if (!t && r?.['x-kubernetes-patch-strategy']?.includes('merge') && r['x-kubernetes-patch-merge-key']) {
      return { type: 'map', keys: [r['x-kubernetes-patch-merge-key']] };
    }
    return { type: 'atomic', keys: [] };
  }

  /** Strategic merge: merge key for a list, 'primitive-merge' for merged scalar lists, else undefined (replace). */
  patchStrategy(s: Schema | undefined): { merge: boolean; key?: string; retainKeys: boolean } {
    const r = this.resolve(s);
    const strategy = String(r?.['x-kubernetes-patch-strategy'] ?? '');
    return { merge: strategy.split(',').includes('merge'), key: r?.['x-kubernetes-patch-merge-key'], retainKeys: strategy.includes('retainKeys') };
  }

  isAtomicMap(s: Schema | undefined): boolean {
    return this.resolve(s)?.['x-kubernetes-map-type'] === 'atomic';
  }

  /**
   * Fill in missing list-map keys that have a schema default (ports' protocol: TCP), in place,
   * as the API server's defaulting does; without it an applied port without a protocol would not
   * match the stored one.
   */
  defaultListMapKeys(value: unknown, s: Schema | undefined = this.root, atRoot = true): void {
    if (Array.isArray(value)) {
      const lt = this.listType(s);
      const items = this.items(s);
      for (const item of value) {
        if (lt.type === 'map' && item && typeof item === 'object') {
          for (const k of lt.keys) {
            const d = this.child(items, k)?.default;
            if ((item as Record<string, unknown>)[k] === undefined && d !== undefined) (item as Record<string, unknown>)[k] = d;
          }
        }
        this.defaultListMapKeys(item, items, false);
      }
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (v && typeof v === 'object') this.defaultListMapKeys(v, this.child(s, k, atRoot), false);
    }
  }

  /** Dotted paths of fields the schema does not declare (strict field validation). */
  unknownFields(obj: unknown, prune = false): string[] {
    const out: string[] = [];
    this.walkUnknown(obj, this.root, '', out, true, prune);
    return out;
  }

  private walkUnknown(value: unknown, s: Schema | undefined, path: string, out: string[], atRoot: boolean, prune: boolean): void {
    const r = this.resolve(s);
    if (!r || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.walkUnknown(v, this.items(r), `${path}[${i}]`, out, false, prune));
      return;
    }
    if (r['x-kubernetes-preserve-unknown-fields'] && !r.properties) return;
    const declared = r.properties ?? {};
    const open = r.additionalProperties !== undefined && r.additionalProperties !== false;
    if (!r.properties && !open) return;
    for (const [k, v] of Object.entries(value)) {
      const childPath = path ? `${path}.${k}` : k;
      const embedded = (atRoot && this.crd) || r['x-kubernetes-embedded-resource'] === true;
      if (embedded && ['apiVersion', 'kind', 'metadata'].includes(k)) {
        if (k === 'metadata') this.walkUnknown(v, this.child(r, k, true), childPath, out, false, prune);
        continue;
      }
      if (Object.hasOwn(declared, k)) this.walkUnknown(v, declared[k], childPath, out, false, prune);
      else if (open) this.walkUnknown(v, r.additionalProperties, childPath, out, false, prune);
      else if (!r['x-kubernetes-preserve-unknown-fields']) {
        out.push(childPath);
        if (prune) delete (value as Record<string, unknown>)[k];
      }
    }
  }
}

const navCache = new Map<string, SchemaNav>();

/** The schema navigator for a resource type (cached for built-ins). */
export function schemaNav(t: ResourceType): SchemaNav {
  const core = builtins().docs.get('api/v1')!.doc.components.schemas as Record<string, Schema>;
  if (t.crdSchema) return new SchemaNav(t.crdSchema, core, true);
  const cacheKey = `${t.gvPath}/${t.component}`;
  let nav = navCache.get(cacheKey);
  if (!nav) {
    const comps = builtins().docs.get(t.gvPath)!.doc.components.schemas as Record<string, Schema>;
    nav = new SchemaNav(comps[t.component!] ?? {}, comps, false);
    navCache.set(cacheKey, nav);
  }
  return nav;
}

