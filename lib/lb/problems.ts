/** Cross-field checks of the load-balancer vars: every problem at once, each with its fix. */
import type { Problem } from '../errors.ts';
import type { ClusterVars } from './cluster-vars.ts';
import { serviceSpecs } from './services.ts';
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
  const reserved = new Set(['https', 'istio', 'ingress-nginx', 'seldon', 'api', 'frontend', 'monitor']);
  for (const [i, n] of names.entries()) {
    if (names.indexOf(n) !== i || reserved.has(n)) at(`lb_extra_services[${i}].name`, `${JSON.stringify(n)} is used twice or reserved (${[...reserved].join(', ')}); pick another name`);
  }
  if (vars.lb_ingress && !(vars.lb_ingress === 'istio' ? cluster.enable_istio : cluster.enable_ingress_nginx)) {
    at('lb_ingress', `${vars.lb_ingress} is not enabled (enable_${vars.lb_ingress.replace('-', '_')}); enable it or unset lb_ingress`);
  }
  for (const p of portClashes(vars, cluster)) problems.push({ ...p, file: sourceOf(p.key) });
  return problems;
}
