/**
 * The serving path's rules across entries, offline, every problem at once (`file › key`): each
 * certificate's DNS names served by an Ingress or the Istio shared gateway and its issuer
 * declared, each canary Ingress beside a main Ingress on its host, TLS hosts in the rules,
 * experiments over declared models in the namespace the Seldon operator watches, and each
 * part's controller enabled.
 */
import type { Problem } from '../../lib/errors.ts';
import type { IngressEntry } from './schemas.ts';
import type { ServingVars } from './vars.ts';

type At = (varName: string, key: string, message: string) => Problem;

/** `*` serves every host, `*.local` one label under local, anything else itself. */
export function hostServes(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const rest = host.slice(host.indexOf('.') + 1);
  return host.includes('.') && rest === pattern.slice(2);
}

/** The hosts something serves: each Ingress's host and the shared gateway's hosts. */
function servedHosts(vars: ServingVars): { pattern: string; by: string }[] {
  const g = vars.istio_shared_gateway;
  return [
    ...vars.ingress_nginx_ingresses.map((i) => ({ pattern: i.host, by: `Ingress ${i.namespace}/${i.name}` })),
    ...(g && vars.enable_istio ? g.hosts.map((h) => ({ pattern: h.includes('/') ? h.split('/').pop()! : h, by: `Gateway ${g.name}` })) : []),
  ];
}

function certificateProblems(vars: ServingVars, at: At): Problem[] {
  const served = servedHosts(vars);
  const issuers = new Set(vars.cert_manager_cluster_issuers.map((i) => `${i.kind ?? 'ClusterIssuer'}/${i.namespace ?? ''}/${i.name}`));
  return vars.cert_manager_certificates.flatMap((c, i) => {
    const out: Problem[] = [];
    c.dns_names.forEach((h, j) => {
      if (!served.some((s) => hostServes(s.pattern, h))) {
        out.push(at('cert_manager_certificates', `[${i}].dns_names[${j}]`,
          `no Ingress or Gateway serves ${h} (served: ${[...new Set(served.map((s) => s.pattern))].join(', ') || 'none'}); add an ingress_nginx_ingresses entry or an istio_shared_gateway host for it, or drop the name`));
      }
    });
    const kind = c.issuer_kind ?? 'ClusterIssuer';
    if (!issuers.has(`${kind}/${kind === 'Issuer' ? c.namespace : ''}/${c.issuer}`)) {
      out.push(at('cert_manager_certificates', `[${i}].issuer`, `${kind} ${c.issuer} is not in cert_manager_cluster_issuers${kind === 'Issuer' ? ` (namespace ${c.namespace})` : ''}; declare it there or name one that is`));
    }
    return out;
  });
}

function ingressProblems(vars: ServingVars, at: At): Problem[] {
  const list = vars.ingress_nginx_ingresses;
  const mains = (i: IngressEntry) => list.filter((m) => !m.canary && m.host === i.host && m.namespace === i.namespace);
  const issuers = new Set(vars.cert_manager_cluster_issuers.map((x) => x.name));
  return list.flatMap((ing, i) => {
    const out: Problem[] = [];
    if (ing.canary && !mains(ing).length) {
      out.push(at('ingress_nginx_ingresses', `[${i}].canary`, `a canary Ingress needs a main Ingress (without canary) for host ${ing.host} in namespace ${ing.namespace}; ingress-nginx ignores a canary alone. Add the main Ingress or drop canary`));
    }
    (ing.tls?.hosts ?? []).forEach((h, j) => {
      if (h !== ing.host) out.push(at('ingress_nginx_ingresses', `[${i}].tls.hosts[${j}]`, `${h} is not a host of this Ingress's rules (${ing.host}); use ${ing.host} or remove it`));
    });
    if (ing.tls?.issuer && !issuers.has(ing.tls.issuer)) {
      out.push(at('ingress_nginx_ingresses', `[${i}].tls.issuer`, `${ing.tls.issuer} is not in cert_manager_cluster_issuers; declare it there or name one that is`));
    }
    return out;
  });
}

function seldonProblems(vars: ServingVars, at: At): Problem[] {
  const ns = vars.seldon_namespace;
  const models = new Set(vars.seldon_models.map((m) => `${m.namespace ?? ns}/${m.name}`));
  const wrongNs = (v: string, key: string, n: string | undefined) => (n !== undefined && n !== ns
    ? [at(v, key, `${n} is not watched by the Seldon operator (it runs with clusterwide: false in seldon_namespace ${ns}); leave namespace out or use ${ns}`)] : []);
  return [
    ...vars.seldon_models.flatMap((m, i) => wrongNs('seldon_models', `[${i}].namespace`, m.namespace)),
    ...vars.seldon_experiments.flatMap((e, i) => [
      ...wrongNs('seldon_experiments', `[${i}].namespace`, e.namespace),
      ...[...e.candidates.map((c, j) => ({ name: c.name, key: `[${i}].candidates[${j}].name` })), ...(e.mirror ? [{ name: e.mirror.name, key: `[${i}].mirror.name` }] : [])]
        .filter((c) => !models.has(`${e.namespace ?? ns}/${c.name}`))
        .map((c) => at('seldon_experiments', c.key, `model ${c.name} is not in seldon_models (namespace ${e.namespace ?? ns}); declare it there or name one that is`)),
    ]),
  ];
}

function enabledProblems(vars: ServingVars, at: At): Problem[] {
  const need = (on: boolean, flag: string, v: string, list: readonly unknown[]) => (list.length && !on
    ? [at(v, '', `needs ${flag}: true (nothing would serve these ${list.length} entries); set ${flag}: true or remove them`)] : []);
  const viaIstio = vars.cert_manager_cluster_issuers.flatMap((x, i) => (x.acme && 'istio_gateway' in x.acme.http01 && !vars.enable_istio
    ? [at('cert_manager_cluster_issuers', `[${i}].acme.http01.istio_gateway`, 'the http01 solver goes through the Istio gateway, but enable_istio is false; set it or use ingress_class: nginx')] : []));
  return [
    ...need(vars.enable_cert_manager, 'enable_cert_manager', 'cert_manager_cluster_issuers', vars.cert_manager_cluster_issuers),
    ...need(vars.enable_cert_manager, 'enable_cert_manager', 'cert_manager_certificates', vars.cert_manager_certificates),
    ...need(vars.enable_ingress_nginx, 'enable_ingress_nginx', 'ingress_nginx_ingresses', vars.ingress_nginx_ingresses),
    ...need(vars.enable_seldon, 'enable_seldon', 'seldon_models', vars.seldon_models),
    ...need(vars.enable_seldon, 'enable_seldon', 'seldon_experiments', vars.seldon_experiments),
    ...viaIstio,
  ];
}

export function servingProblems(vars: ServingVars, sourceOf: (varName: string) => string): Problem[] {
  const at: At = (v, key, message) => ({ file: sourceOf(v), key: `${v}${key}`, message });
  return [...enabledProblems(vars, at), ...certificateProblems(vars, at), ...ingressProblems(vars, at), ...seldonProblems(vars, at)];
}
