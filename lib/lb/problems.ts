/** Cross-field checks of the load-balancer vars: every problem at once, each with its fix. */
import type { Problem } from '../errors.ts';
import { nodePortClashes, nodePortUses } from '../vars/nodeports.ts';
import type { ClusterVars } from './cluster-vars.ts';
import { ingresses, serviceSpecs } from './services.ts';
import type { LbVars } from './vars.ts';

/** Listen ports used twice (on the main address); the stats port counts too. */
function portClashes(vars: LbVars, cluster: ClusterVars): Problem[] {
  const users = new Map<number, string[]>();
  const add = (port: number, who: string): void => { users.set(port, [...(users.get(port) ?? []), who]); };
  for (const spec of serviceSpecs(vars, cluster)) {
    for (const f of spec.frontends) for (const b of f.binds) add(b.port, f.name);
  }
  if (vars.lb_stats_enabled) add(vars.lb_stats_port, 'stats (lb_stats_port)');
  return [...users].filter(([, who]) => who.length > 1).map(([port, who]) => ({
    file: '', key: 'lb_extra_services',
    message: `port ${port} is used by ${who.join(' and ')}; give each frontend its own port (lb_*_port, lb_extra_services[].port)`,
  }));
}

/** Names the generated sections already use: the exposed services', and the fixed ones. */
function reservedNames(cluster: ClusterVars): Set<string> {
  return new Set(['https', 'api', 'frontend', 'monitor', ...cluster.services.map((s) => s.name)]);
}

/** The NodePorts of lb_extra_services against those the roles expose (and each other). */
function extraNodePortClashes(vars: LbVars, cluster: ClusterVars, sourceOf: (name: string) => string): Problem[] {
  const extras = vars.lb_extra_services.map((s, i) => ({ nodePort: s.node_port, var: `lb_extra_services[${i}].node_port` }));
  return nodePortClashes([...nodePortUses(cluster.services), ...extras], sourceOf);
}

export function lbProblems(vars: LbVars, cluster: ClusterVars, sourceOf: (name: string) => string = () => ''): Problem[] {
  const problems: Problem[] = [];
  /** `from`: the var whose value makes this one needed (its file is where the user looks). */
  const at = (key: string, message: string, from = key): void => { problems.push({ file: sourceOf(key) || sourceOf(from), key, message }); };
  if (vars.lb_https_mode === 'terminate' && !vars.lb_tls_certificate) {
    at('lb_tls_certificate', 'lb_https_mode is terminate but no certificate is set; set lb_tls_certificate to the PEM path on the load balancer, or use lb_https_mode: passthrough', 'lb_https_mode');
  }
  if (vars.lb_stats_enabled && !vars.lb_stats_password) {
    at('lb_stats_password', 'lb_stats_enabled is true but there is no password; put lb_stats_password in a vault file (ansible-vault encrypt_string), or set lb_stats_enabled: false', 'lb_stats_enabled');
  }
  const names = vars.lb_extra_services.map((s) => s.name);
  const reserved = reservedNames(cluster);
  for (const [i, n] of names.entries()) {
    if (names.indexOf(n) !== i || reserved.has(n)) at(`lb_extra_services[${i}].name`, `${JSON.stringify(n)} is used twice or reserved (${[...reserved].join(', ')}); pick another name`);
  }
  const enabled = ingresses(cluster).map((s) => s.name);
  if (vars.lb_ingress && !cluster.ingressNames.includes(vars.lb_ingress)) {
    at('lb_ingress', `${vars.lb_ingress} is no ingress capstan deploys; use one of ${cluster.ingressNames.map((n) => JSON.stringify(n)).join(', ')}, or unset lb_ingress`);
  } else if (vars.lb_ingress && !enabled.includes(vars.lb_ingress)) {
    at('lb_ingress', `${vars.lb_ingress} is not enabled (enabled: ${enabled.join(', ') || 'none'}); enable it (enable_${vars.lb_ingress.replace(/-/g, '_')}) or unset lb_ingress`);
  }
  for (const p of portClashes(vars, cluster)) problems.push({ ...p, file: sourceOf(p.key) });
  problems.push(...extraNodePortClashes(vars, cluster, sourceOf));
  return problems;
}
