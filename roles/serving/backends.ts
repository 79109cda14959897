/**
 * "A backend Service declared nowhere": every Ingress path's Service must be one the inventory
 * declares — in `k8s_objects`, `k8s_services` or `<inventory>/manifests/` (the objects role), or
 * one a selected chart's operator creates (Seldon's `seldon-mesh`, `seldon-scheduler` and the
 * seldon role's `seldon-mesh-nodeport`, in seldon_namespace, with enable_seldon). Offline, every
 * problem at once, as `file › ingress_nginx_ingresses[0].paths[0].service`.
 *
 * The objects role owns and validates `k8s_objects`, `k8s_services` and `k8s_objects_namespace`;
 * they are read here from the host's vars for Service names only (importing that role's schemas
 * would make serving depend on objects, which runs after it so its objects may use every CRD).
 */
import type { Problem } from '../../lib/errors.ts';
import { readManifests, varsScope } from '../../lib/objects/sources.ts';
import type { RoleContext } from '../../lib/role.ts';
import { SELDON_NODEPORT_SERVICE, SELDON_OPERATOR_SERVICES } from '../seldon/plan.ts';
import type { ServingVars } from './vars.ts';

type Raw = { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `namespace/name` of each Service the inventory (host vars, manifests/) or an enabled role declares. */
export function declaredServices(vars: ServingVars, hostVars: Readonly<Record<string, unknown>>, manifestObjects: readonly unknown[]): Set<string> {
  const defaultNs = str(hostVars['k8s_objects_namespace']) ?? 'default';
  const shortcuts = list(hostVars['k8s_services']).flatMap((s) => {
    const e = s as { name?: unknown; namespace?: unknown } | null;
    return str(e?.name) ? [`${str(e?.namespace) ?? defaultNs}/${str(e?.name)}`] : [];
  });
  const fromObjects = [...list(hostVars['k8s_objects']), ...manifestObjects].flatMap((o) => {
    const r = o as Raw;
    return r?.kind === 'Service' && typeof r.metadata?.name === 'string' ? [`${typeof r.metadata.namespace === 'string' ? r.metadata.namespace : defaultNs}/${r.metadata.name}`] : [];
  });
  const seldon = vars.enable_seldon ? [...SELDON_OPERATOR_SERVICES, SELDON_NODEPORT_SERVICE].map((s) => `${vars.seldon_namespace}/${s}`) : [];
  return new Set([...fromObjects, ...shortcuts, ...seldon]);
}

export function backendProblems(vars: ServingVars, declared: ReadonlySet<string>, sourceOf: (v: string) => string): Problem[] {
  return vars.ingress_nginx_ingresses.flatMap((ing, i) => ing.paths.flatMap((p, j) => (declared.has(`${ing.namespace}/${p.service}`) ? [] : [{
    file: sourceOf('ingress_nginx_ingresses'), key: `ingress_nginx_ingresses[${i}].paths[${j}].service`,
    message: `Service ${ing.namespace}/${p.service} is declared nowhere (not in k8s_objects, k8s_services, manifests/ or a selected role${vars.enable_seldon ? `; Seldon's are ${[...SELDON_OPERATOR_SERVICES, SELDON_NODEPORT_SERVICE].join(', ')} in ${vars.seldon_namespace}` : ''}); declare it or name one that is`,
  }])));
}

/** The Services of `<inventory>/manifests/` as raw objects; their own problems are the objects role's to report. */
export function manifestObjects(ctx: Pick<RoleContext, 'inventoryDir' | 'playHosts' | 'host'>, projectDir: string): unknown[] {
  const first = ctx.playHosts[0] ?? ctx.host;
  const reportedByTheObjectsRole: Problem[] = [];
  return readManifests(ctx.inventoryDir, projectDir, varsScope(first.vars), reportedByTheObjectsRole).map((s) => s.value);
}
