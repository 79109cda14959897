/**
 * The load-balancer model: one typed description of frontends, backends, members and health
 * checks, built from the inventory by a pure function. haproxy.cfg, the AS3 declaration and the
 * tmsh commands are all rendered from it, so they cannot disagree.
 */
import { isIP } from 'node:net';
import type { Problem } from '../errors.ts';
import { InputError } from '../errors.ts';
import { lbProblems } from './problems.ts';
import { serviceSpecs } from './services.ts';
import type { Backend, Frontend, LbInput, LbModel } from './types.ts';

export type { Backend, Balance, Bind, Frontend, HealthCheck, LbInput, LbModel, Member } from './types.ts';

const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;

/** Addresses go into haproxy.cfg and tmsh as words: only IPs and DNS names. */
function addressProblems(hosts: readonly { name: string; address: string }[]): Problem[] {
  return hosts.filter((h) => isIP(h.address) === 0 && !HOST_NAME.test(h.address)).map((h) => ({
    file: '', key: 'ansible_host', host: h.name,
    message: `${JSON.stringify(h.address)} is not an IP address or a host name; set ansible_host of ${h.name} to the node's address`,
  }));
}

/** Host names and addresses of the given groups, in inventory order, each host once. */
function groupMembers(input: LbInput, groups: readonly string[]): { name: string; address: string }[] {
  const hosts = [...new Set(groups.flatMap((g) => input.groups[g] ?? []))];
  return hosts.map((host) => {
    const address = input.hostvars[host]?.ansible_host;
    return { name: host.replace(/[^A-Za-z0-9._:-]/g, '_'), address: typeof address === 'string' && address ? address : host };
  });
}

/**
 * Build the model, or throw InputError with every problem (missing nodes, terminate without a
 * certificate, ...). Roles pass checkVars false: their validate() already reported the var problems.
 */
export function buildModel(input: LbInput, options: { checkVars?: boolean } = {}): LbModel {
  const { vars, cluster } = input;
  const problems: Problem[] = options.checkVars === false ? [] : lbProblems(vars, cluster);
  const servers = groupMembers(input, [cluster.k3s_server_group]);
  const nodes = groupMembers(input, [cluster.k3s_server_group, cluster.k3s_agent_group]);
  if (nodes.length === 0) {
    problems.push({ file: '', key: 'k3s_server_group', message: `groups ${cluster.k3s_server_group} and ${cluster.k3s_agent_group} have no hosts; list the k3s nodes under [${cluster.k3s_server_group}] and [${cluster.k3s_agent_group}] in the hosts file` });
  }
  problems.push(...addressProblems(nodes));
  const specs = serviceSpecs(vars, cluster);
  if (vars.lb_api_frontend && servers.length === 0) {
    problems.push({ file: '', key: 'lb_api_frontend', message: `group ${cluster.k3s_server_group} has no hosts for the API frontend; list the servers under [${cluster.k3s_server_group}] or set lb_api_frontend: false` });
  }
  if (problems.length) throw new InputError(problems, 'cannot build the load-balancer config');
  const address = vars.lb_bind_address;
  const frontends: Frontend[] = [];
  const backends: Backend[] = [];
  for (const spec of specs) {
    const hosts = spec.members === 'servers' ? servers : nodes;
    for (const b of spec.backends) {
      backends.push({
        name: b.name, service: b.service, mode: b.mode, balance: vars.lb_balance,
        members: hosts.map((h) => ({ name: h.name, address: h.address, port: b.nodePort })),
        health: b.health, proxyProtocol: b.proxyProtocol,
      });
    }
    for (const f of spec.frontends) frontends.push({ ...f, address });
  }
  return {
    name: vars.lb_frontend_name,
    frontends,
    backends,
    check: { interval: vars.lb_check_interval, fall: vars.lb_check_fall, rise: vars.lb_check_rise },
    timeouts: { connect: vars.lb_timeout_connect, client: vars.lb_timeout_client, server: vars.lb_timeout_server },
    maxconn: vars.lb_maxconn,
    ...(vars.lb_stats_enabled && vars.lb_stats_password
      ? { stats: { port: vars.lb_stats_port, user: vars.lb_stats_user, password: vars.lb_stats_password, address } }
      : {}),
  };
}
