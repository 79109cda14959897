/**
 * The typed shortcuts rendered into native objects, pure: application namespaces (labels, a
 * default-deny policy, DNS always allowed, allow policies), RBAC per app, Services. The output
 * is what the platform docs paste, so both paths give the same objects.
 */
import type { KubeObject } from '../../lib/kube/types.ts';
import type { AllowPolicy, AppNamespace, AppRbac, AppService } from './shortcut-vars.ts';

const NETPOL = 'networking.k8s.io/v1';
const RBAC = 'rbac.authorization.k8s.io/v1';

/** `{}` for no labels, else `{ matchLabels }`: how the docs write a selector. */
const selector = (labels: Readonly<Record<string, string>> | undefined) => (labels && Object.keys(labels).length ? { matchLabels: { ...labels } } : {});

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

type Peer = NonNullable<NonNullable<AllowPolicy['ingress']>[number]['from']>[number];
type PolicyPort = NonNullable<NonNullable<AllowPolicy['ingress']>[number]['ports']>[number];

const peer = (p: Peer) => compact({
  podSelector: p.pods === undefined ? undefined : selector(p.pods),
  namespaceSelector: p.namespaces === undefined ? undefined : selector(p.namespaces),
  ipBlock: p.cidr === undefined ? undefined : compact({ cidr: p.cidr, except: p.except && [...p.except] }),
});

const policyPort = (p: PolicyPort) => (typeof p === 'number' ? { protocol: 'TCP', port: p } : compact({ protocol: p.protocol ?? 'TCP', port: p.port, endPort: p.end_port }));

/** DNS to kube-dns (UDP and TCP 53), the rule every restricted pod still needs. */
export const DNS_EGRESS = { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };

export function allowPolicy(namespace: string, p: AllowPolicy): KubeObject {
  const types = p.policy_types ?? [...(p.ingress ? ['Ingress'] : []), ...(p.egress ? ['Egress'] : [])];
  return {
    apiVersion: NETPOL, kind: 'NetworkPolicy', metadata: { name: p.name, namespace },
    spec: compact({
      podSelector: selector(p.pod_selector),
      policyTypes: types.length ? [...types] : ['Ingress'],
      ingress: p.ingress?.map((r) => compact({ from: r.from?.map(peer), ports: r.ports?.map(policyPort) })),
      egress: p.egress?.map((r) => compact({ to: r.to?.map(peer), ports: r.ports?.map(policyPort) })),
    }),
  };
}

function namespaceLabels(ns: AppNamespace): Record<string, string> {
  const out: Record<string, string> = { name: ns.name };
  if (ns.istio_injection !== undefined) out['istio-injection'] = ns.istio_injection ? 'enabled' : 'disabled';
  const ps = typeof ns.pod_security === 'string' ? { enforce: ns.pod_security, audit: ns.pod_security, warn: ns.pod_security } : ns.pod_security ?? {};
  for (const [mode, level] of Object.entries(ps)) if (level) out[`pod-security.kubernetes.io/${mode}`] = level;
  return { ...out, ...ns.labels };
}

/** The Namespace, default-deny-all, allow-dns (whenever egress is restricted) and the allow policies. */
export function namespaceObjects(ns: AppNamespace): KubeObject[] {
  const out: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: namespaceLabels(ns) } }];
  const policies = (ns.policies ?? []).map((p) => allowPolicy(ns.name, p));
  const deny = ns.default_deny ?? true;
  if (deny) out.push({ apiVersion: NETPOL, kind: 'NetworkPolicy', metadata: { name: 'default-deny-all', namespace: ns.name }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  const restrictsEgress = deny || policies.some((p) => (p['spec'] as { policyTypes: string[] }).policyTypes.includes('Egress'));
  if (restrictsEgress) {
    out.push({ apiVersion: NETPOL, kind: 'NetworkPolicy', metadata: { name: 'allow-dns', namespace: ns.name }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [DNS_EGRESS] } });
  }
  return [...out, ...policies];
}

export function rbacObjects(r: AppRbac): KubeObject[] {
  const sa = r.service_account ?? `${r.name}-sa`;
  const role = r.role ?? `${r.name}-role`;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: r.namespace } },
    {
      apiVersion: RBAC, kind: 'Role', metadata: { name: role, namespace: r.namespace },
      rules: r.rules.map((x) => compact({ apiGroups: [...x.api_groups], resources: [...x.resources], verbs: [...x.verbs], resourceNames: x.resource_names && [...x.resource_names] })),
    },
    {
      apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: r.role_binding ?? `${r.name}-rolebinding`, namespace: r.namespace },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: r.namespace }],
      roleRef: { kind: 'Role', name: role, apiGroup: 'rbac.authorization.k8s.io' },
    },
  ];
}

const SERVICE_TYPES = { external_name: 'ExternalName', node_port: 'NodePort', load_balancer: 'LoadBalancer' } as const;

/** A Service; without a namespace it goes to `defaultNamespace` (k8s_objects_namespace). */
export function serviceObject(s: AppService, defaultNamespace: string | undefined): KubeObject {
  const annotations: Record<string, string> | undefined = s.prometheus && {
    'prometheus.io/scrape': 'true', 'prometheus.io/port': String(s.prometheus.port), 'prometheus.io/path': s.prometheus.path ?? '/metrics',
    ...(s.prometheus.scheme ? { 'prometheus.io/scheme': s.prometheus.scheme } : {}),
  };
  const type = s.type && s.type in SERVICE_TYPES ? SERVICE_TYPES[s.type as keyof typeof SERVICE_TYPES] : undefined;
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: compact({ name: s.name, namespace: s.namespace ?? defaultNamespace, labels: s.labels && { ...s.labels }, annotations }),
    spec: compact({
      type,
      clusterIP: s.type === 'headless' ? 'None' : undefined,
      externalName: s.external_name,
      ports: s.ports?.map((p) => (typeof p === 'number' ? { port: p } : compact({ name: p.name, port: p.port, targetPort: p.target_port, protocol: p.protocol, nodePort: p.node_port }))),
      selector: s.selector && { ...s.selector },
    }),
  };
}
