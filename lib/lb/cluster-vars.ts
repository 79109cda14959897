/**
 * What the load balancers need from the rest of the platform: the services the enabled roles
 * expose (Role.exposes: lib/lb never names a role), the API port and the k3s group names
 * (k3s_server_group, k3s_agent_group: the nodes are their union, as k3s-ansible's k3s_cluster
 * group is). Inside the runner they come from the PlatformView; readClusterVars reads them from
 * raw vars for callers outside it (tests, bench).
 */
import type { PlatformView, ExposedService, Role } from '../role.ts';
import { exposedServices } from '../role-kit/platform.ts';
import { platformVars, type PlatformVars } from '../vars/platform.ts';
import { readWithDefaults } from '../vars/read-defaults.ts';
import { lbVars, type LbVars } from './vars.ts';

export interface ClusterVars {
  readonly api_port: number;
  readonly k3s_server_group: string;
  readonly k3s_agent_group: string;
  /** What the enabled roles publish on NodePorts, in playbook order. */
  readonly services: readonly ExposedService[];
  /** Every ingress some role would expose were it enabled (for lb_ingress's "use one of"). */
  readonly ingressNames: readonly string[];
}

/** The platform with every enable_* switched on: what the roles could expose. */
function everythingOn(p: PlatformVars): PlatformVars {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, k.startsWith('enable_') ? true : v])) as unknown as PlatformVars;
}

export function clusterVarsOf(view: PlatformView): ClusterVars {
  const { api_port, k3s_server_group, k3s_agent_group } = view.platform;
  const ingressNames = exposedServices({ ...view, platform: everythingOn(view.platform) }).filter((s) => s.kind === 'ingress').map((s) => s.name);
  return { api_port, k3s_server_group, k3s_agent_group, services: exposedServices(view), ingressNames };
}

/** The cluster vars from raw vars (defaults applied) and the platform's roles. Throws InputError naming each bad key. */
export function readClusterVars(vars: Readonly<Record<string, unknown>>, roles: readonly Pick<Role, 'exposes'>[], sourceOf?: (name: string) => string): ClusterVars {
  const platform = readWithDefaults<PlatformVars>(platformVars, vars, 'invalid vars for the load balancer', sourceOf);
  return clusterVarsOf({ platform, platformRoles: roles as readonly Role[] });
}

/** lb_* vars from raw vars (defaults applied), for callers outside the runner (tests, bench). */
export function readLbVars(vars: Readonly<Record<string, unknown>>, sourceOf?: (name: string) => string): LbVars {
  return readWithDefaults<LbVars>(lbVars, vars, 'invalid load-balancer vars', sourceOf);
}
