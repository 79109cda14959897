/**
 * Mesh config that users used to apply by hand (platform-docs: lecture-service-mesh.md,
 * networking-guide.md), as typed vars: PeerAuthentication, one shared Gateway, VirtualServices,
 * DestinationRules and namespace-isolation NetworkPolicies. Each is optional (empty by default).
 * Keys are snake_case like every inventory var; mesh.ts turns them into Istio objects.
 */
import { z } from 'zod';
import { defineVars } from '../../lib/vars/schema.ts';
import { dns1123Label, dns1123Subdomain, duration, k8sLabels, port, rule } from '../../lib/vars/types.ts';

/** A VirtualService/Gateway host: a DNS name, optionally with a leading `*.` wildcard, or `*`. */
export const meshHost = rule(z.string(), (v) => {
  const name = v.startsWith('*.') ? v.slice(2) : v;
  return v === '*' || /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) ? undefined
    : `${JSON.stringify(v)} is not a host; use a DNS name such as fraud-api.local, or *.local`;
});

const stringMatch = z.union([
  z.object({ exact: z.string() }).strict(),
  z.object({ prefix: z.string() }).strict(),
  z.object({ regex: z.string() }).strict(),
]);

const match = z.object({
  uri_prefix: z.string().startsWith('/').optional(),
  uri_exact: z.string().startsWith('/').optional(),
  headers: z.record(z.string(), stringMatch).optional(),
}).strict();

const destination = z.object({
  host: dns1123Subdomain,
  port: port.optional(),
  subset: dns1123Label.optional(),
  weight: z.number().int().min(0).max(100).optional(),
}).strict();

const percentage = z.number().min(0).max(100);

/** Fault injection: a fixed delay and/or an HTTP abort, each on a share of the requests. */
const fault = z.object({
  delay: z.object({ fixed_delay: duration, percentage: percentage.optional() }).strict().optional(),
  abort: z.object({ http_status: z.number().int().min(200).max(599), percentage: percentage.optional() }).strict().optional(),
}).strict().refine((f) => f.delay || f.abort, { message: 'fault needs delay: {fixed_delay} or abort: {http_status}' });

const cors = z.object({
  allow_origins: z.array(stringMatch).min(1),
  allow_methods: z.array(z.string().min(1)).optional(),
  allow_headers: z.array(z.string().min(1)).optional(),
  expose_headers: z.array(z.string().min(1)).optional(),
  max_age: duration.optional(),
  allow_credentials: z.boolean().optional(),
}).strict();

const headerOps = z.object({
  set: z.record(z.string(), z.string()).optional(),
  add: z.record(z.string(), z.string()).optional(),
  remove: z.array(z.string().min(1)).optional(),
}).strict();

const route = z.object({
  name: z.string().optional(),
  match: z.array(match).optional(),
  destinations: z.array(destination).min(1, { message: 'a route needs at least one destination' }),
  timeout: duration.optional(),
  retries: z.object({
    attempts: z.number().int().min(0).max(100),
    per_try_timeout: duration.optional(),
    retry_on: z.string().optional(),
  }).strict().optional(),
  mirror: z.object({
    host: dns1123Subdomain,
    subset: dns1123Label.optional(),
    port: port.optional(),
    percentage: z.number().min(0).max(100).optional(),
  }).strict().optional(),
  fault: fault.optional(),
  cors: cors.optional(),
  /** Header manipulation on the request to the destination and on the response. */
  headers: z.object({ request: headerOps.optional(), response: headerOps.optional() }).strict().optional(),
}).strict();

export const virtualService = z.object({
  name: dns1123Subdomain,
  namespace: dns1123Label,
  hosts: z.array(meshHost).min(1, { message: 'a VirtualService needs at least one host' }),
  /** Default: the shared gateway when istio_shared_gateway is set, else mesh-internal only. */
  gateways: z.array(z.string().min(1)).optional(),
  routes: z.array(route).min(1, { message: 'a VirtualService needs at least one route' }),
}).strict();

export const destinationRule = z.object({
  name: dns1123Subdomain,
  namespace: dns1123Label,
  host: dns1123Subdomain,
  subsets: z.array(z.object({ name: dns1123Label, labels: k8sLabels }).strict()).optional(),
  connection_pool: z.object({
    max_connections: z.number().int().min(1).optional(),
    http1_max_pending_requests: z.number().int().min(1).optional(),
    http2_max_requests: z.number().int().min(1).optional(),
    max_requests_per_connection: z.number().int().min(1).optional(),
  }).strict().optional(),
  outlier_detection: z.object({
    consecutive_5xx_errors: z.number().int().min(1).optional(),
    interval: duration.optional(),
    base_ejection_time: duration.optional(),
    max_ejection_percent: z.number().int().min(0).max(100).optional(),
    min_health_percent: z.number().int().min(0).max(100).optional(),
  }).strict().optional(),
  /** loadBalancer: {simple: ROUND_ROBIN|LEAST_REQUEST|RANDOM|PASSTHROUGH} or {consistent_hash: ...}. */
  load_balancer: z.union([
    z.object({ simple: z.enum(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH', 'UNSPECIFIED']) }).strict(),
    z.object({
      consistent_hash: z.union([
        z.object({ http_header_name: z.string().min(1) }).strict(),
        z.object({ http_cookie: z.object({ name: z.string().min(1), ttl: duration.optional(), path: z.string().optional() }).strict() }).strict(),
        z.object({ use_source_ip: z.literal(true) }).strict(),
        z.object({ http_query_parameter_name: z.string().min(1) }).strict(),
      ]),
    }).strict(),
  ]).optional(),
  /** trafficPolicy.tls.mode: ISTIO_MUTUAL for mesh mTLS to the host. */
  tls_mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
}).strict();

export const sharedGateway = z.object({
  name: dns1123Label,
  /** Default: istio_gateway_namespace. */
  namespace: dns1123Label.optional(),
  hosts: z.array(meshHost).min(1, { message: 'the gateway needs at least one host' }),
  http: z.boolean().optional(),
  https: z.object({
    credential_name: dns1123Subdomain,
    mode: z.enum(['SIMPLE', 'MUTUAL']).optional(),
  }).strict().optional(),
  /** Answer plain HTTP with a redirect to HTTPS. */
  https_redirect: z.boolean().optional(),
  /** Gateway pods it binds to (matchLabels); default: the role's gateway (`istio: <istio_gateway_pod_label>`). */
  selector: k8sLabels.optional(),
}).strict();

export const networkPolicy = z.object({
  namespace: dns1123Label,
  allow_from_namespaces: z.array(dns1123Label).optional(),
  allow_egress_to_namespaces: z.array(dns1123Label).optional(),
}).strict();

const mtlsMode = z.enum(['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET']);

export const peerAuthentication = z.object({
  /** The namespace; istio_namespace (istio-system) makes it mesh-wide. */
  namespace: dns1123Label,
  mode: mtlsMode,
  /** Default: `default` (the namespace-wide policy); name a workload-scoped one. */
  name: dns1123Label.optional(),
  /** Workloads it applies to (matchLabels); omitted: the whole namespace. */
  selector: k8sLabels.optional(),
  /** Per-port mode on the selected workloads, e.g. {8080: DISABLE} for health checks. */
  port_level_mtls: z.record(z.string().regex(/^\d+$/, { message: 'a port number' }), mtlsMode).optional(),
}).strict();

export type VirtualServiceVar = z.infer<typeof virtualService>;
export type DestinationRuleVar = z.infer<typeof destinationRule>;
export type SharedGatewayVar = z.infer<typeof sharedGateway>;
export type NetworkPolicyVar = z.infer<typeof networkPolicy>;
export type PeerAuthenticationVar = z.infer<typeof peerAuthentication>;

export const meshVars = defineVars({
  istio_mesh_outbound_traffic_policy: {
    schema: z.enum(['ALLOW_ANY', 'REGISTRY_ONLY']),
    default: 'ALLOW_ANY',
    description: 'meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY blocks egress to hosts not in the mesh registry',
  },
  istio_mesh_access_log_file: {
    schema: z.string(),
    default: '',
    description: 'meshConfig.accessLogFile: /dev/stdout turns on Envoy access logs; empty leaves them off',
  },
  istio_peer_authentications: {
    schema: z.array(peerAuthentication),
    default: [],
    description: 'mTLS per namespace, mesh-wide (namespace: istio-system) or per workload: [{namespace, mode: STRICT|PERMISSIVE|DISABLE, name, selector, port_level_mtls: {8080: DISABLE}}]',
  },
  istio_shared_gateway: {
    schema: sharedGateway,
    optional: true,
    description: 'One shared Gateway on the ingress gateway: {name, hosts, http, https: {credential_name}}',
    example: { name: 'ml-gateway', hosts: ['*.local'], http: true, https: { credential_name: 'ml-tls-cert' } },
  },
  istio_gateways: {
    schema: z.array(sharedGateway),
    default: [],
    description: 'Several Gateways, each {name, namespace, hosts, http, https: {credential_name, mode: SIMPLE|MUTUAL}, https_redirect, selector}; not together with istio_shared_gateway',
  },
  istio_virtual_services: {
    schema: z.array(virtualService),
    default: [],
    description: 'VirtualServices: hosts, routes with uri/header matches, weighted destinations (sum 100), retries, timeouts, mirroring, fault (delay/abort), cors, headers (request/response set/add/remove)',
  },
  istio_destination_rules: {
    schema: z.array(destinationRule),
    default: [],
    description: 'DestinationRules: subsets by label, connection pools, outlier detection (min_health_percent), load_balancer (simple or consistent_hash), tls_mode ISTIO_MUTUAL',
  },
  istio_network_policies: {
    schema: z.array(networkPolicy),
    default: [],
    description: 'Namespace isolation: allows DNS, the gateway namespace, istiod on 15012 and the listed namespaces only',
  },
});
