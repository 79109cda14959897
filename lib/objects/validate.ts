/**
 * The offline validator for Kubernetes objects, from any source (k8s_objects, inventory
 * manifests, role templates): apiVersion/kind served by Kubernetes 1.35 or a pinned chart's CRD,
 * names, namespaces (a namespaced object without one gets the default namespace; a cluster-scoped
 * one with one is an error), duplicates, and the kind's schema. Every problem at once, each as
 * `file:line › path.to.field: what is wrong, and the fix`. Pure: no I/O but the shipped bundle.
 */
import { InputError, type Problem } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { closest } from '../vars/suggest.ts';
import { dns1123Label, dns1123Subdomain } from '../vars/types.ts';
import { kindEntry, schemaBundle, type KindEntry } from './bundle/index.ts';
import { originName, problemAt, type Origin, type SourcedObject } from './origin.ts';
import { checkValue, type FieldProblem } from './schema-check.ts';

export interface ValidObject {
  readonly object: KubeObject;
  readonly origin: Origin;
  readonly namespaced: boolean;
  /** The namespace was not written and came from the default (the plan says so). */
  readonly defaultedNamespace: boolean;
  /** `group/Kind/namespace/name`: one object however its apiVersion is written. */
  readonly id: string;
}

export interface ValidationResult {
  readonly objects: ValidObject[];
  readonly problems: Problem[];
}

export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** The name rule of a kind, as the API server applies it; undefined when the name is valid. */
export function nameProblem(kind: string, name: string): string | undefined {
  if (kind === 'Service') {
    return name.length <= 63 && DNS1035.test(name) ? undefined
      : `${JSON.stringify(name)} is not a DNS-1035 label (a Service name); use at most 63 lower-case letters, digits and '-', starting with a letter`;
  }
  if (RBAC_KINDS.has(kind)) {
    return name && !/[/%]/.test(name) && name !== '.' && name !== '..' ? undefined
      : `${JSON.stringify(name)} is not a valid ${kind} name; it may not contain '/' or '%' or be '.' or '..'`;
  }
  const rule = kind === 'Namespace' ? dns1123Label : dns1123Subdomain;
  const r = rule.safeParse(name);
  return r.success ? undefined : r.error.issues[0]!.message;
}

/** Why `apiVersion`/`kind` is not served, with the nearest thing that is. */
function unknownKind(apiVersion: string, kind: string): { field: 'apiVersion' | 'kind'; message: string } {
  const keys = Object.keys(schemaBundle().kinds);
  const sameKind = keys.filter((k) => k.endsWith(`/${kind}`)).map((k) => k.slice(0, -kind.length - 1));
  if (sameKind.length) return { field: 'apiVersion', message: `${JSON.stringify(apiVersion)} does not serve kind ${kind}; use ${sameKind.join(' or ')}` };
  const inVersion = keys.filter((k) => k.startsWith(`${apiVersion}/`) && k.split('/').length === apiVersion.split('/').length + 1).map((k) => k.split('/').pop()!);
  if (inVersion.length) {
    const near = closest(kind, inVersion) ?? inVersion.find((k) => k.toLowerCase() === kind.toLowerCase());
    return { field: 'kind', message: `${apiVersion} has no kind ${JSON.stringify(kind)}; ${near ? `did you mean ${near}?` : `its kinds are ${inVersion.join(', ')}`}` };
  }
  const group = groupOf(apiVersion);
  const versions = [...new Set(keys.filter((k) => groupOf(k) === group && k.split('/').length === 3).map((k) => k.split('/').slice(0, 2).join('/')))];
  const where = versions.length ? `; ${group} serves ${versions.join(', ')}` : '; it is neither a Kubernetes 1.35 API nor a CRD of a pinned chart (add the chart in lib/objects/bundle/sources.ts)';
  return { field: 'apiVersion', message: `${JSON.stringify(apiVersion)} is not served${where}` };
}

function checkHeader(v: Record<string, unknown>, at: (path: (string | number)[], m: string) => void): KindEntry | undefined {
  const { apiVersion, kind } = v;
  if (typeof apiVersion !== 'string' || !apiVersion) at(['apiVersion'], 'is required; write the API group/version, like apps/v1 (v1 for core kinds)');
  if (typeof kind !== 'string' || !kind) at(['kind'], 'is required; write the kind, like Deployment');
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) return undefined;
  const entry = kindEntry(apiVersion, kind);
  if (!entry) {
    const u = unknownKind(apiVersion, kind);
    at([u.field], u.message);
  }
  return entry;
}

interface Checked { object: KubeObject; namespaced: boolean; defaulted: boolean }

function checkOne(value: unknown, origin: Origin, defaultNamespace: string, problems: Problem[]): Checked | undefined {
  const at = (path: (string | number)[], message: string) => problems.push(problemAt(origin, path, message));
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    at([], 'is not a mapping; an object is a YAML map with apiVersion, kind, metadata and its fields');
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const before = problems.length;
  const entry = checkHeader(v, at);
  const meta = v['metadata'];
  const m = meta && typeof meta === 'object' && !Array.isArray(meta) ? meta as Record<string, unknown> : undefined;
  if (!m) at(['metadata'], 'is required; add metadata with at least a name');
  else if (typeof m['name'] !== 'string' || !m['name']) at(['metadata', 'name'], 'is required; give the object a name (generateName cannot be applied)');
  else if (typeof v['kind'] === 'string') {
    const bad = nameProblem(v['kind'], m['name']);
    if (bad) at(['metadata', 'name'], bad);
  }
  const ns = m?.['namespace'];
  if (ns !== undefined && (typeof ns !== 'string' || !dns1123Label.safeParse(ns).success)) {
    at(['metadata', 'namespace'], `${JSON.stringify(ns)} is not a namespace name; use a DNS-1123 label (lower-case letters, digits, '-')`);
  }
  if (entry && !entry.namespaced && ns !== undefined) {
    at(['metadata', 'namespace'], `${String(v['kind'])} is cluster-scoped; remove metadata.namespace`);
  }
  if (entry?.namespaced && ns === undefined && !defaultNamespace) {
    at(['metadata', 'namespace'], `${String(v['kind'])} is namespaced and no namespace is set; add metadata.namespace (or set k8s_objects_namespace)`);
  }
  if (entry) {
    const found: FieldProblem[] = [];
    checkValue(v, entry.schema, [], found);
    for (const f of found) at([...f.path], f.message);
  }
  if (problems.length > before || !entry || !m) return undefined;
  const defaulted = entry.namespaced && ns === undefined;
  const metadata = defaulted ? { ...m, namespace: defaultNamespace } : m;
  return { object: { ...v, metadata } as KubeObject, namespaced: entry.namespaced, defaulted };
}

/** Validates every object; valid ones come back with their namespace filled in. */
export function validateObjects(items: readonly SourcedObject[], o: { defaultNamespace: string }): ValidationResult {
  const problems: Problem[] = [];
  const objects: ValidObject[] = [];
  const seen = new Map<string, Origin>();
  for (const item of items) {
    const c = checkOne(item.value, item.origin, o.defaultNamespace, problems);
    if (!c) continue;
    const { apiVersion, kind, metadata } = c.object;
    const id = `${groupOf(apiVersion)}/${kind}/${metadata.namespace ?? ''}/${metadata.name}`;
    const first = seen.get(id);
    if (first) {
      problems.push(problemAt(item.origin, ['metadata', 'name'], `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name} is also declared at ${originName(first)}; keep one of them`));
      continue;
    }
    seen.set(id, item.origin);
    objects.push({ object: c.object, origin: item.origin, namespaced: c.namespaced, defaultedNamespace: c.defaulted, id });
  }
  return { objects, problems };
}

/**
 * The check role-generated objects go through (lib/role-kit renderObjects): the same validator,
 * no default namespace (a role names the namespace of every namespaced object it makes).
 */
export function assertValidObjects(objects: readonly unknown[], file: string): void {
  const r = validateObjects(objects.map((value) => ({ value, origin: { file } })), { defaultNamespace: '' });
  if (r.problems.length) throw new InputError(r.problems, `invalid objects from ${file}`);
}
