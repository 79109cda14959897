/**
 * Istio cross-field checks, all reported at once before anything connects: the gateway IP inside a
 * MetalLB pool (NodePort clashes are the runner's, lib/vars/nodeports.ts), VirtualService
 * weights summing to 100, a ClusterIP gateway behind external load balancers, subsets that exist, unique mesh object names, memory requests within
 * their limits and HPA minimums within their maximums.
 */
import type { Problem } from '../../lib/errors.ts';
import type { ValidateContext } from '../../lib/role.ts';
import { gatewayIpProblems } from '../../lib/vars/address-pools.ts';
import { minNotAboveMax, requestWithinLimit } from '../../lib/vars/bounds.ts';
import type { DestinationRuleVar, VirtualServiceVar } from './mesh-vars.ts';
import { gatewayServiceType } from './releases.ts';
import { securityProblems } from './security-validate.ts';
import type { IstioVars } from './vars.ts';


function poolProblems(vars: IstioVars, ctx: ValidateContext): Problem[] {
  if (vars.metallb_state !== 'present') return [];
  return gatewayIpProblems({
    ip: vars.istio_gateway_loadbalancer_ip, ipSource: ctx.sourceOf('istio_gateway_loadbalancer_ip'),
    pools: vars.metallb_address_pools, poolsSource: ctx.sourceOf('metallb_address_pools'),
  });
}

function weightProblems(v: VirtualServiceVar, i: number, file: string): Problem[] {
  const problems: Problem[] = [];
  v.routes.forEach((r, j) => {
    const key = `istio_virtual_services[${i}].routes[${j}].destinations`;
    const weights = r.destinations.map((d) => d.weight);
    if (weights.every((w) => w === undefined) && r.destinations.length === 1) return;
    if (weights.some((w) => w === undefined)) {
      problems.push({ file, key, message: `VirtualService ${v.namespace}/${v.name}: give every destination a weight when splitting traffic (they must sum to 100)` });
      return;
    }
    const sum = weights.reduce<number>((a, w) => a + (w ?? 0), 0);
    if (sum !== 100) {
      problems.push({ file, key, message: `VirtualService ${v.namespace}/${v.name}: destination weights sum to ${sum}; make them sum to 100 (e.g. ${weights.length === 2 ? '90 and 10' : 'adjust the last one'})` });
    }
  });
  return problems;
}

/** A subset named by a route must be defined by the DestinationRule for that host, when the vars hold one. */
function subsetProblems(v: VirtualServiceVar, i: number, rules: readonly DestinationRuleVar[], file: string): Problem[] {
  const problems: Problem[] = [];
  v.routes.forEach((r, j) => r.destinations.forEach((d, k) => {
    if (!d.subset) return;
    const rule = rules.find((dr) => dr.host === d.host && dr.namespace === v.namespace) ?? rules.find((dr) => dr.host === d.host);
    if (!rule || rule.subsets?.some((s) => s.name === d.subset)) return;
    problems.push({
      file, key: `istio_virtual_services[${i}].routes[${j}].destinations[${k}].subset`,
      message: `subset "${d.subset}" of host ${d.host} is not defined by DestinationRule ${rule.namespace}/${rule.name}; add it to that rule's subsets`,
    });
  }));
  return problems;
}

function uniqueNames(kind: string, key: string, items: readonly { namespace: string; name?: string | undefined }[], file: string): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const item of items) {
    const id = `${item.namespace}/${item.name ?? 'default'}`;
    if (seen.has(id)) problems.push({ file, key, message: `${kind} ${id} is defined twice; give each its own name or namespace` });
    seen.add(id);
  }
  return problems;
}

function meshProblems(vars: IstioVars, ctx: ValidateContext): Problem[] {
  const vsFile = ctx.sourceOf('istio_virtual_services');
  const problems = vars.istio_virtual_services.flatMap((v, i) => [
    ...weightProblems(v, i, vsFile),
    ...subsetProblems(v, i, vars.istio_destination_rules, vsFile),
  ]);
  const g = vars.istio_shared_gateway;
  if (g && g.http === false && !g.https) {
    problems.push({ file: ctx.sourceOf('istio_shared_gateway'), key: 'istio_shared_gateway', message: 'the gateway has no server: set http: true or https: {credential_name}' });
  }
  problems.push(
    ...uniqueNames('VirtualService', 'istio_virtual_services', vars.istio_virtual_services, vsFile),
    ...uniqueNames('DestinationRule', 'istio_destination_rules', vars.istio_destination_rules, ctx.sourceOf('istio_destination_rules')),
    ...uniqueNames('PeerAuthentication', 'istio_peer_authentications', vars.istio_peer_authentications, ctx.sourceOf('istio_peer_authentications')),
    ...uniqueNames('NetworkPolicy for namespace', 'istio_network_policies', vars.istio_network_policies, ctx.sourceOf('istio_network_policies')),
  );
  return problems;
}

/** The group playbooks/site.ts runs the HAProxy load balancers on. */
export const LOAD_BALANCER_GROUP = 'loadbalancers';

/**
 * The external load balancers (HAProxy on the load balancer group, F5 with f5_virtual_address)
 * route to the gateway's NodePorts; a ClusterIP Service has none, so they would reach nothing.
 */
function exposureProblems(vars: IstioVars, ctx: ValidateContext): Problem[] {
  if (gatewayServiceType(vars) !== 'ClusterIP') return [];
  const haproxy = ctx.groups?.[LOAD_BALANCER_GROUP] ?? [];
  const f5 = ctx.host.vars['f5_virtual_address'];
  const lbs = [
    ...(haproxy.length ? [`HAProxy on group ${LOAD_BALANCER_GROUP} (${haproxy.join(', ')})`] : []),
    ...(typeof f5 === 'string' && f5 ? [`F5 (f5_virtual_address ${f5})`] : []),
  ];
  if (!lbs.length) return [];
  return [{
    file: ctx.sourceOf('istio_gateway_service_type'), key: 'istio_gateway_service_type',
    message: `ClusterIP gives the gateway Service no NodePorts, but the inventory's external load balancers, ${lbs.join(' and ')}, ` +
      `route to istio_gateway_http_nodeport ${vars.istio_gateway_http_nodeport} and istio_gateway_https_nodeport ${vars.istio_gateway_https_nodeport}; ` +
      'set istio_gateway_service_type: NodePort (or LoadBalancer), or remove the load balancers from the inventory',
  }];
}

/** Requests within limits and HPA minimums within maximums, for istiod and the gateway. */
function boundProblems(vars: IstioVars, ctx: ValidateContext): Problem[] {
  return (['pilot', 'gateway'] as const).flatMap((part) => [
    ...requestWithinLimit(vars, `istio_${part}_memory_request`, `istio_${part}_memory_limit`, ctx.sourceOf),
    ...minNotAboveMax(vars, `istio_${part}_hpa_min_replicas`, `istio_${part}_hpa_max_replicas`, ctx.sourceOf),
  ]);
}

export function validateIstio(vars: IstioVars, ctx: ValidateContext): Problem[] {
  if (!vars.enable_istio || vars.istio_state === 'absent') return [];
  return [...poolProblems(vars, ctx), ...exposureProblems(vars, ctx), ...boundProblems(vars, ctx), ...meshProblems(vars, ctx), ...securityProblems(vars, ctx)];
}
