/**
 * Cross-field checks of the security and gateway vars, as `file › key` problems before anything
 * connects: a policy whose selector matches none of the workloads the inventory declares in its
 * namespace (k8s_objects), an empty selector, an ALLOW policy without rules, CUSTOM without a
 * provider, a JWT rule with both jwks and jwks_uri, a rate limit with no target, and
 * istio_gateways together with istio_shared_gateway.
 */
import type { Problem } from '../../lib/errors.ts';
import type { ValidateContext } from '../../lib/role.ts';
import type { IstioVars } from './vars.ts';

type Obj = Record<string, unknown>;
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod', 'Job']);

/** Pod labels of the workloads the inventory declares (k8s_objects), per namespace. */
export function declaredWorkloads(objects: unknown): Map<string, Record<string, string>[]> {
  const byNs = new Map<string, Record<string, string>[]>();
  for (const o of Array.isArray(objects) ? objects as Obj[] : []) {
    if (!o || typeof o !== 'object' || !WORKLOADS.has(String(o['kind']))) continue;
    const meta = (o['metadata'] ?? {}) as Obj;
    const spec = (o['spec'] ?? {}) as Obj;
    const template = (spec['template'] ?? {}) as Obj;
    const labels = (o['kind'] === 'Pod' ? meta['labels'] : (template['metadata'] as Obj | undefined)?.['labels']) as Record<string, string> | undefined;
    const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    byNs.set(ns, [...(byNs.get(ns) ?? []), labels ?? {}]);
  }
  return byNs;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

interface Scoped { readonly namespace?: string | undefined; readonly selector?: Record<string, string> | undefined; readonly name?: string | undefined }

function selectorProblems(kind: string, varName: string, items: readonly Scoped[], workloads: Map<string, Record<string, string>[]>, file: string): Problem[] {
  return items.flatMap((item, i): Problem[] => {
    const key = `${varName}[${i}].selector`;
    if (!item.selector) return [];
    const id = `${kind} ${item.namespace ?? ''}/${item.name ?? 'default'}`;
    if (Object.keys(item.selector).length === 0) {
      return [{ file, key, message: `${id}: an empty selector selects nothing; remove selector to apply to the whole namespace, or list the workload's labels` }];
    }
    const declared = workloads.get(item.namespace ?? '');
    if (!declared?.length || declared.some((l) => matches(item.selector!, l))) return [];
    const shown = Object.entries(item.selector).map(([k, v]) => `${k}=${v}`).join(',');
    return [{ file, key, message: `${id}: selector ${shown} matches none of the workloads k8s_objects declares in ${item.namespace}; fix the labels or declare the workload` }];
  });
}

function authzProblems(vars: IstioVars, file: string): Problem[] {
  return vars.istio_authorization_policies.flatMap((a, i): Problem[] => {
    const id = `AuthorizationPolicy ${a.namespace}/${a.name}`;
    const key = `istio_authorization_policies[${i}]`;
    const out: Problem[] = [];
    if (a.action === 'CUSTOM' && !a.provider) out.push({ file, key: `${key}.provider`, message: `${id}: a CUSTOM policy needs provider (an extensionProviders name of the mesh config)` });
    if (a.provider && a.action !== 'CUSTOM') out.push({ file, key: `${key}.provider`, message: `${id}: provider is for action: CUSTOM only; set action: CUSTOM or remove provider` });
    if ((a.action === 'ALLOW' || a.action === 'DENY' || a.action === 'AUDIT') && !a.rules?.length) {
      out.push({ file, key: `${key}.rules`, message: `${id}: action ${a.action} without rules ${a.action === 'ALLOW' ? 'allows nothing' : 'matches nothing'}; add rules, or drop action and rules for the deny-all policy` });
    }
    if (!a.action && a.rules?.length) out.push({ file, key: `${key}.action`, message: `${id}: rules without action; set action: ALLOW (or DENY, AUDIT, CUSTOM)` });
    return out;
  });
}

function jwtProblems(vars: IstioVars, file: string): Problem[] {
  return vars.istio_request_authentications.flatMap((r, i) => r.jwt_rules.flatMap((j, k): Problem[] => (j.jwks && j.jwks_uri
    ? [{ file, key: `istio_request_authentications[${i}].jwt_rules[${k}]`, message: `RequestAuthentication ${r.namespace}/${r.name}: set jwks_uri or jwks, not both` }] : [])));
}

function rateLimitProblems(vars: IstioVars, file: string): Problem[] {
  return vars.istio_rate_limits.flatMap((r, i): Problem[] => {
    const key = `istio_rate_limits[${i}]`;
    if (r.gateway) return [];
    const out: Problem[] = [];
    if (!r.selector) out.push({ file, key: `${key}.selector`, message: `rate limit ${r.name}: give selector (the workload's labels) or gateway: true` });
    if (!r.namespace) out.push({ file, key: `${key}.namespace`, message: `rate limit ${r.name}: a workload's limit needs the workload's namespace` });
    return out;
  });
}

function uniqueIds(kind: string, varName: string, items: readonly { namespace?: string | undefined; name: string }[], fallbackNs: string, file: string): Problem[] {
  const seen = new Set<string>();
  return items.flatMap((item, i): Problem[] => {
    const id = `${item.namespace ?? fallbackNs}/${item.name}`;
    const dup = seen.has(id);
    seen.add(id);
    return dup ? [{ file, key: `${varName}[${i}].name`, message: `${kind} ${id} is defined twice; give each its own name or namespace` }] : [];
  });
}

export function securityProblems(vars: IstioVars, ctx: ValidateContext): Problem[] {
  const workloads = declaredWorkloads(ctx.allVars['k8s_objects']);
  const src = (n: string) => ctx.sourceOf(n);
  const problems: Problem[] = [
    ...selectorProblems('AuthorizationPolicy', 'istio_authorization_policies', vars.istio_authorization_policies, workloads, src('istio_authorization_policies')),
    ...selectorProblems('RequestAuthentication', 'istio_request_authentications', vars.istio_request_authentications, workloads, src('istio_request_authentications')),
    ...selectorProblems('PeerAuthentication', 'istio_peer_authentications', vars.istio_peer_authentications, workloads, src('istio_peer_authentications')),
    ...selectorProblems('EnvoyFilter', 'istio_rate_limits', vars.istio_rate_limits.filter((r) => !r.gateway), workloads, src('istio_rate_limits')),
    ...authzProblems(vars, src('istio_authorization_policies')),
    ...jwtProblems(vars, src('istio_request_authentications')),
    ...rateLimitProblems(vars, src('istio_rate_limits')),
    ...uniqueIds('AuthorizationPolicy', 'istio_authorization_policies', vars.istio_authorization_policies, '', src('istio_authorization_policies')),
    ...uniqueIds('RequestAuthentication', 'istio_request_authentications', vars.istio_request_authentications, '', src('istio_request_authentications')),
    ...uniqueIds('EnvoyFilter', 'istio_rate_limits', vars.istio_rate_limits, vars.istio_gateway_namespace, src('istio_rate_limits')),
  ];
  if (vars.istio_shared_gateway && vars.istio_gateways.length) {
    problems.push({ file: src('istio_gateways'), key: 'istio_gateways', message: `istio_gateways and istio_shared_gateway (${src('istio_shared_gateway')}) are both set; list the shared gateway in istio_gateways and remove istio_shared_gateway` });
  }
  vars.istio_gateways.forEach((g, i) => {
    if (g.http === false && !g.https) problems.push({ file: src('istio_gateways'), key: `istio_gateways[${i}]`, message: `Gateway ${g.name} has no server: set http: true or https: {credential_name}` });
  });
  problems.push(...uniqueIds('Gateway', 'istio_gateways', vars.istio_gateways, vars.istio_gateway_namespace, src('istio_gateways')));
  return problems;
}
