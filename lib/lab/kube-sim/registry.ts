/**
 * The simulator's type registry: which resources exist, their kind, plural, scope and schema.
 * Built-in kinds are derived from the real OpenAPI v3 documents in /work/shared/k8s-openapi
 * (paths carrying x-kubernetes-group-version-kind); CRD-defined kinds are added and removed as
 * CustomResourceDefinitions come and go.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../shared-dir.ts';

export const openapiDir = process.env.CAPSTAN_K8S_OPENAPI_DIR ?? `${SHARED_DIR}/k8s-openapi/v3`;

export type Schema = Record<string, any>;

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  subresources: string[];
  shortNames: string[];
  categories: string[];
  /** The OpenAPI document the schema lives in ("api/v1", "apis/apps/v1") for built-ins. */
  gvPath: string;
  /** Built-ins: the component name; CRDs: undefined (use crdSchema). */
  component?: string;
  /** CRDs: the version's openAPIV3Schema. */
  crdSchema?: Schema;
  /** CRDs: the owning CRD's name. */
  crd?: string;
}

export interface GroupVersionDoc {
  gvPath: string;
  doc: Schema;
  raw: string;
}

const shortNameTable: Record<string, string[]> = {
  configmaps: ['cm'], endpoints: ['ep'], events: ['ev'], limitranges: ['limits'], namespaces: ['ns'],
  nodes: ['no'], persistentvolumeclaims: ['pvc'], persistentvolumes: ['pv'], pods: ['po'],
  replicationcontrollers: ['rc'], resourcequotas: ['quota'], serviceaccounts: ['sa'], services: ['svc'],
  daemonsets: ['ds'], deployments: ['deploy'], replicasets: ['rs'], statefulsets: ['sts'],
  customresourcedefinitions: ['crd', 'crds'], horizontalpodautoscalers: ['hpa'], cronjobs: ['cj'],
  ingresses: ['ing'], networkpolicies: ['netpol'], poddisruptionbudgets: ['pdb'], priorityclasses: ['pc'],
  storageclasses: ['sc'], certificatesigningrequests: ['csr'],
};
const allCategory = new Set(['pods', 'services', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicationcontrollers', 'horizontalpodautoscalers']);

const pendingSubs = new Map<string, string[]>();
let builtinCache: { types: ResourceType[]; docs: Map<string, GroupVersionDoc> } | undefined;

const itemPath = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/(namespaces\/\{namespace\}\/)?([a-z0-9.-]+)\/\{name\}(?:\/([a-z]+))?$/;

/** Built-in resource types and GV documents, parsed once per process. */
export function builtins(): { types: ResourceType[]; docs: Map<string, GroupVersionDoc> } {
  if (builtinCache) return builtinCache;
  const docs = new Map<string, GroupVersionDoc>();
  const types = new Map<string, ResourceType>();
  for (const file of readdirSync(openapiDir).filter((f) => f.includes('__')).sort()) {
    const raw = readFileSync(join(openapiDir, file), 'utf8');
    const doc = JSON.parse(raw) as Schema;
    const gvPath = file.replace(/_openapi\.json$/, '').replaceAll('__', '/');
    docs.set(gvPath, { gvPath, doc, raw });
    const byGvk = componentsByGvk(doc);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Schema>)) {
      const m = itemPath.exec(path);
      if (!m || path.includes('/watch/')) continue;
      const [, , ns, plural, sub] = m;
      const gvk = Object.values(item).find((op: any) => op?.['x-kubernetes-group-version-kind'])?.['x-kubernetes-group-version-kind'];
      if (!gvk) continue;
      const key = `${gvPath}/${plural}`;
      if (sub) {
        const t = types.get(key);
        if (t) t.subresources.push(sub);
        else pendingSubs.set(key, [...(pendingSubs.get(key) ?? []), sub]);
        continue;
      }
      types.set(key, {
        group: gvk.group, version: gvk.version, kind: gvk.kind, listKind: `${gvk.kind}List`, plural: plural!,
        singular: gvk.kind.toLowerCase(), namespaced: Boolean(ns), subresources: pendingSubs.get(key) ?? [],
        shortNames: shortNameTable[plural!] ?? [], categories: allCategory.has(plural!) ? ['all'] : [],
        gvPath, component: byGvk.get(`${gvk.group}/${gvk.version}/${gvk.kind}`),
      });
    }
  }
  builtinCache = { types: [...types.values()], docs };
  return builtinCache;
}
function componentsByGvk(doc: Schema): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, schema] of Object.entries((doc.components?.schemas ?? {}) as Record<string, Schema>)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) out.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
  }
  return out;
}

/** The live registry of one simulator: built-ins plus the CRD-defined types. */
export class Registry {
  readonly types: ResourceType[] = [...builtins().types];
  /** Bumped whenever CRD types change, so discovery/openapi hashes change. */
  generation = 0;

  apiVersionOf(t: ResourceType): string {
    return t.group ? `${t.group}/${t.version}` : t.version;
  }

  byPath(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  /** Group/plural key under which objects of all versions of a resource are stored. */
  storeKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
    return `${t.group}/${t.plural}`;
  }

  /** Replace the types a CRD defines (called when a CRD is created, changed or deleted). */
  setCrdTypes(crdName: string, crd: Schema | undefined): void {
    for (let i = this.types.length - 1; i >= 0; i--) if (this.types[i]!.crd === crdName) this.types.splice(i, 1);
    this.generation++;
    if (!crd) return;
    const spec = crd.spec ?? {};
    const names = spec.names ?? {};
    for (const v of spec.versions ?? []) {
      if (v.served === false) continue;
      this.types.push({
        group: spec.group, version: v.name, kind: names.kind, listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural, singular: names.singular ?? String(names.kind).toLowerCase(),
        namespaced: spec.scope !== 'Cluster', subresources: Object.keys(v.subresources ?? {}),
        shortNames: names.shortNames ?? [], categories: names.categories ?? [],
        gvPath: `apis/${spec.group}/${v.name}`, crdSchema: v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        crd: crdName,
      });
    }
  }

  /** Group-versions served, each with its resources; the legacy core group is "". */
  groupVersions(): Map<string, ResourceType[]> {
    const out = new Map<string, ResourceType[]>();
    for (const t of this.types) {
      const key = this.apiVersionOf(t);
      out.set(key, [...(out.get(key) ?? []), t]);
    }
    return out;
  }
}
