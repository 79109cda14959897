/**
 * The one NodePort clash check: every NodePort the enabled roles expose (and the load balancers'
 * lb_extra_services) must be used once. The runner runs it for every host; lb-config and haproxy
 * run it with their extra services too (a repeat of the same problem is reported once).
 */
import type { Problem } from '../errors.ts';
import type { ExposedService, NodePortUse } from '../role.ts';

/** Each NodePort an exposed service takes (an ingress's readiness port may be its HTTP port). */
export function nodePortUses(services: readonly ExposedService[]): NodePortUse[] {
  const uses = services.flatMap((s) => (s.kind === 'ingress' ? [s.http, s.https, s.ready] : [s.nodePort]));
  return uses.filter((u, i) => uses.findIndex((x) => x.var === u.var) === i);
}

/** NodePorts used by two vars: each clash once, at the first var, naming the others and their files. */
export function nodePortClashes(uses: readonly NodePortUse[], sourceOf: (name: string) => string): Problem[] {
  /** `lb_extra_services[0].node_port` is set where lb_extra_services is. */
  const fileOf = (name: string): string => sourceOf(name.replace(/\[.*$/, ''));
  const byPort = new Map<number, string[]>();
  for (const u of uses) byPort.set(u.nodePort, [...(byPort.get(u.nodePort) ?? []), u.var]);
  const problems: Problem[] = [];
  for (const [port, names] of byPort) {
    if (names.length < 2) continue;
    const [first, ...others] = names as [string, ...string[]];
    const where = others.map((n) => `${n} (${fileOf(n) || 'default'})`).join(', ');
    problems.push({ file: fileOf(first), key: first, message: `NodePort ${port} is also used by ${where}; give each NodePort its own port in 30000-32767` });
  }
  return problems;
}
