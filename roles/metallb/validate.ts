/**
 * MetalLB cross-field checks, before anything connects: pool names unique, pools not overlapping,
 * and the Istio gateway's LoadBalancer IP inside a pool (shared with the Istio role, which runs the
 * same check when it is selected).
 */
import type { Problem } from '../../lib/errors.ts';
import type { ValidateContext } from '../../lib/role.ts';
import { gatewayIpProblems, overlappingPools } from '../../lib/vars/address-pools.ts';
import type { MetallbVars } from './vars.ts';

function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

export function validateMetallb(vars: MetallbVars, ctx: ValidateContext): Problem[] {
  if (vars.metallb_state === 'absent') return [];
  const poolsFile = ctx.sourceOf('metallb_address_pools');
  const problems: Problem[] = [];
  for (const name of duplicates(vars.metallb_address_pools.map((p) => p.name))) {
    problems.push({ file: poolsFile, key: 'metallb_address_pools', message: `pool name "${name}" is used twice; give each pool its own name` });
  }
  for (const [a, b] of overlappingPools(vars.metallb_address_pools)) {
    problems.push({ file: poolsFile, key: 'metallb_address_pools', message: `pools "${a}" and "${b}" overlap; MetalLB rejects overlapping pools, so make their ranges disjoint` });
  }
  const peerNames = vars.metallb_bgp_peers.map((p) => p.name ?? p.peer_address);
  for (const name of duplicates(peerNames)) {
    problems.push({ file: ctx.sourceOf('metallb_bgp_peers'), key: 'metallb_bgp_peers', message: `BGP peer "${name}" is listed twice; list each peer once` });
  }
  // When the Istio role runs too, it makes this check itself.
  if (!ctx.selectedRoles.includes('istio') && vars.enable_istio) {
    problems.push(...gatewayIpProblems({
      ip: vars.istio_gateway_loadbalancer_ip, ipSource: ctx.sourceOf('istio_gateway_loadbalancer_ip'), pools: vars.metallb_address_pools, poolsSource: poolsFile,
    }));
  }
  return problems;
}
