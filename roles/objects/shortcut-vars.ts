/**
 * The typed shortcuts' schemas (snake_case like every inventory var); shortcuts.ts renders them
 * into the same native objects the platform docs paste, which then go through the validator,
 * the diff, pruning and the health wait like any other object.
 */
import { z } from 'zod';
import { cidr, dns1123Label, dns1123Subdomain, hostname, k8sLabels, port, rule } from '../../lib/vars/types.ts';

const labels = k8sLabels;
const protocol = z.enum(['TCP', 'UDP', 'SCTP']);

/** `8080`, or `{ port: 53, protocol: UDP }` (a named port is a string). */
const policyPort = z.union([port, z.object({ port: z.union([port, z.string().min(1)]), protocol: protocol.optional(), end_port: port.optional() }).strict()]);

const peer = z.object({
  /** podSelector matchLabels ({} selects every pod). */
  pods: labels.optional(),
  /** namespaceSelector matchLabels ({} selects every namespace). */
  namespaces: labels.optional(),
  cidr: cidr.optional(),
  except: z.array(cidr).optional(),
}).strict().refine((p) => p.pods !== undefined || p.namespaces !== undefined || p.cidr !== undefined, { message: 'a peer needs pods, namespaces or cidr' });

const ingressRule = z.object({ from: z.array(peer).optional(), ports: z.array(policyPort).optional() }).strict();
const egressRule = z.object({ to: z.array(peer).optional(), ports: z.array(policyPort).optional() }).strict();

export const allowPolicy = z.object({
  name: dns1123Subdomain,
  /** podSelector matchLabels of the pods the policy is about; {} (the default) is every pod. */
  pod_selector: labels.optional(),
  ingress: z.array(ingressRule).optional(),
  egress: z.array(egressRule).optional(),
  /** Default: Ingress when ingress is given, Egress when egress is given. */
  policy_types: z.array(z.enum(['Ingress', 'Egress'])).optional(),
}).strict();

const podSecurityLevel = z.enum(['privileged', 'baseline', 'restricted']);

export const appNamespace = z.object({
  name: dns1123Label,
  /** true: istio-injection=enabled; false: istio-injection=disabled; absent: no label. */
  istio_injection: z.boolean().optional(),
  /** One level for enforce, audit and warn, or each of them. */
  pod_security: z.union([podSecurityLevel, z.object({ enforce: podSecurityLevel.optional(), audit: podSecurityLevel.optional(), warn: podSecurityLevel.optional() }).strict()]).optional(),
  labels: labels.optional(),
  /** A default-deny-all NetworkPolicy (Ingress and Egress), with DNS to kube-dns still allowed. */
  default_deny: z.boolean().optional(),
  /** Per-app allow policies. */
  policies: z.array(allowPolicy).optional(),
}).strict();

const rbacRule = z.object({
  api_groups: z.array(z.string()),
  resources: z.array(z.string().min(1)).min(1),
  verbs: z.array(z.string().min(1)).min(1, { message: 'a rule needs at least one verb, like get' }),
  resource_names: z.array(z.string().min(1)).optional(),
}).strict();

export const appRbac = z.object({
  /** The app: names default to <name>-sa, <name>-role and <name>-rolebinding. */
  name: dns1123Subdomain,
  namespace: dns1123Label,
  rules: z.array(rbacRule).min(1, { message: 'give the Role at least one rule' }),
  service_account: dns1123Subdomain.optional(),
  role: z.string().min(1).optional(),
  role_binding: z.string().min(1).optional(),
}).strict();

const servicePort = z.union([port, z.object({
  port,
  name: dns1123Label.optional(),
  target_port: z.union([port, z.string().min(1)]).optional(),
  protocol: protocol.optional(),
  node_port: rule(z.number().int(), (v) => (v >= 30000 && v <= 32767 ? undefined : `${v} is outside the NodePort range 30000-32767`)).optional(),
}).strict()]);

export const appService = z.object({
  name: rule(z.string(), (v) => (/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v) ? undefined
    : `${JSON.stringify(v)} is not a Service name; use at most 63 lower-case letters, digits and '-', starting with a letter`)),
  /** Default: k8s_objects_namespace. */
  namespace: dns1123Label.optional(),
  type: z.enum(['cluster_ip', 'headless', 'external_name', 'node_port', 'load_balancer']).optional(),
  /** The DNS name an external_name Service points at. */
  external_name: hostname.optional(),
  selector: labels.optional(),
  ports: z.array(servicePort).optional(),
  labels: labels.optional(),
  /** prometheus.io/scrape, /port and /path annotations. */
  prometheus: z.object({ port, path: z.string().startsWith('/').optional(), scheme: z.enum(['http', 'https']).optional() }).strict().optional(),
}).strict().superRefine((s, ctx) => {
  if ((s.type === 'external_name') !== (s.external_name !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['external_name'], message: s.type === 'external_name' ? 'an external_name Service needs external_name: the DNS name it points at' : 'external_name is only for type: external_name' });
  }
  if (s.type !== 'external_name' && !s.ports?.length && s.type !== 'headless') ctx.addIssue({ code: 'custom', path: ['ports'], message: 'give the Service at least one port' });
});

export type AppNamespace = z.infer<typeof appNamespace>;
export type AllowPolicy = z.infer<typeof allowPolicy>;
export type AppRbac = z.infer<typeof appRbac>;
export type AppService = z.infer<typeof appService>;
