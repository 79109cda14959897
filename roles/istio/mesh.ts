/**
 * Mesh config objects from vars, pure. The shapes follow the Istio v1 CRDs shipped in the base
 * chart (checked against their schemas in test/roles-istio-mesh.test.ts).
 */
import type { KubeObject } from '../../lib/kube/types.ts';
import { objectMeta } from '../../lib/role-kit/index.ts';
import type { DestinationRuleVar, NetworkPolicyVar, SharedGatewayVar, VirtualServiceVar } from './mesh-vars.ts';
import { peerAuthentication, securityManifests } from './security.ts';
import { compact, gatewaySelector } from './shape.ts';
import type { IstioVars } from './vars.ts';

export { compact, gatewaySelector } from './shape.ts';


export function sharedGatewayNamespace(vars: IstioVars, g: SharedGatewayVar): string {
  return g.namespace ?? vars.istio_gateway_namespace;
}

export function gateway(vars: IstioVars, g: SharedGatewayVar): KubeObject {
  const hosts = [...g.hosts];
  const servers: Record<string, unknown>[] = [];
  if (g.http !== false) {
    servers.push(compact({ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts, tls: g.https_redirect ? { httpsRedirect: true } : undefined }));
  }
  if (g.https) {
    servers.push({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts, tls: { mode: g.https.mode ?? 'SIMPLE', credentialName: g.https.credential_name } });
  }
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: objectMeta(g.name, sharedGatewayNamespace(vars, g)),
    spec: { selector: g.selector ? { ...g.selector } : gatewaySelector(vars), servers },
  };
}

type RouteVar = VirtualServiceVar['routes'][number];
type HeaderOpsVar = NonNullable<NonNullable<RouteVar['headers']>['request']>;

const copy = (a: readonly string[] | undefined) => (a ? [...a] : undefined);
const pct = (v: number | undefined) => (v === undefined ? undefined : { value: v });
const headerOps = (h: HeaderOpsVar | undefined) => h && compact({ set: h.set && { ...h.set }, add: h.add && { ...h.add }, remove: copy(h.remove) });

function httpRoute(r: RouteVar): Record<string, unknown> {
  const match = r.match?.map((m) => compact({
    uri: m.uri_prefix !== undefined ? { prefix: m.uri_prefix } : m.uri_exact !== undefined ? { exact: m.uri_exact } : undefined,
    headers: m.headers,
  }));
  return compact({
    name: r.name,
    match,
    route: r.destinations.map((d) => compact({
      destination: compact({ host: d.host, subset: d.subset, port: d.port === undefined ? undefined : { number: d.port } }),
      weight: d.weight,
    })),
    timeout: r.timeout,
    retries: r.retries && compact({ attempts: r.retries.attempts, perTryTimeout: r.retries.per_try_timeout, retryOn: r.retries.retry_on }),
    mirror: r.mirror && compact({ host: r.mirror.host, subset: r.mirror.subset, port: r.mirror.port === undefined ? undefined : { number: r.mirror.port } }),
    mirrorPercentage: r.mirror?.percentage === undefined ? undefined : { value: r.mirror.percentage },
    fault: r.fault && compact({
      delay: r.fault.delay && compact({ fixedDelay: r.fault.delay.fixed_delay, percentage: pct(r.fault.delay.percentage) }),
      abort: r.fault.abort && compact({ httpStatus: r.fault.abort.http_status, percentage: pct(r.fault.abort.percentage) }),
    }),
    corsPolicy: r.cors && compact({
      allowOrigins: r.cors.allow_origins.map((m) => ({ ...m })), allowMethods: copy(r.cors.allow_methods),
      allowHeaders: copy(r.cors.allow_headers), exposeHeaders: copy(r.cors.expose_headers),
      maxAge: r.cors.max_age, allowCredentials: r.cors.allow_credentials,
    }),
    headers: r.headers && compact({ request: headerOps(r.headers.request), response: headerOps(r.headers.response) }),
  });
}

/** `namespace/name` of the shared gateway, as a VirtualService refers to it. */
export function sharedGatewayRef(vars: IstioVars): string | undefined {
  const g = vars.istio_shared_gateway;
  return g ? `${sharedGatewayNamespace(vars, g)}/${g.name}` : undefined;
}

export function virtualService(vars: IstioVars, v: VirtualServiceVar): KubeObject {
  const shared = sharedGatewayRef(vars);
  const gateways = v.gateways ?? (shared ? [shared] : undefined);
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: objectMeta(v.name, v.namespace),
    spec: compact({ hosts: [...v.hosts], gateways: gateways && [...gateways], http: v.routes.map(httpRoute) }),
  };
}

function loadBalancer(lb: DestinationRuleVar['load_balancer']): Record<string, unknown> | undefined {
  if (!lb) return undefined;
  if ('simple' in lb) return { simple: lb.simple };
  const h = lb.consistent_hash;
  if ('http_header_name' in h) return { consistentHash: { httpHeaderName: h.http_header_name } };
  if ('http_cookie' in h) return { consistentHash: { httpCookie: compact({ name: h.http_cookie.name, ttl: h.http_cookie.ttl, path: h.http_cookie.path }) } };
  if ('use_source_ip' in h) return { consistentHash: { useSourceIp: true } };
  return { consistentHash: { httpQueryParameterName: h.http_query_parameter_name } };
}

export function destinationRule(d: DestinationRuleVar): KubeObject {
  const cp = d.connection_pool;
  const od = d.outlier_detection;
  const tcp = cp?.max_connections === undefined ? undefined : { maxConnections: cp.max_connections };
  const http = cp && compact({
    http1MaxPendingRequests: cp.http1_max_pending_requests,
    http2MaxRequests: cp.http2_max_requests,
    maxRequestsPerConnection: cp.max_requests_per_connection,
  });
  const connectionPool = cp && compact({ tcp, http: http && Object.keys(http).length ? http : undefined });
  const outlierDetection = od && compact({
    consecutive5xxErrors: od.consecutive_5xx_errors,
    interval: od.interval,
    baseEjectionTime: od.base_ejection_time,
    maxEjectionPercent: od.max_ejection_percent,
    minHealthPercent: od.min_health_percent,
  });
  const trafficPolicy = compact({ loadBalancer: loadBalancer(d.load_balancer), connectionPool, outlierDetection, tls: d.tls_mode && { mode: d.tls_mode } });
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: objectMeta(d.name, d.namespace),
    spec: compact({
      host: d.host,
      subsets: d.subsets?.map((s) => ({ name: s.name, labels: { ...s.labels } })),
      trafficPolicy: Object.keys(trafficPolicy).length ? trafficPolicy : undefined,
    }),
  };
}

const byName = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });

/**
 * Namespace isolation: ingress from the namespace itself, the gateway namespace, istio-system and
 * the listed namespaces; egress to DNS, istiod (15012, selected by the `name=istio-system` label
 * the role sets), the namespace itself and the listed namespaces.
 */
export function networkPolicy(vars: IstioVars, n: NetworkPolicyVar): KubeObject {
  const from = [vars.istio_gateway_namespace, vars.istio_namespace, ...(n.allow_from_namespaces ?? [])];
  const egressTo = n.allow_egress_to_namespaces ?? [];
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: objectMeta('istio-namespace-isolation', n.namespace),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }, ...[...new Set(from)].map(byName)] }],
      egress: [
        {
          to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
        { to: [{ namespaceSelector: { matchLabels: { name: vars.istio_namespace } } }], ports: [{ protocol: 'TCP', port: 15012 }] },
        { to: [{ podSelector: {} }, ...egressTo.map(byName)] },
      ],
    },
  };
}

/** Every mesh object, in apply order (Gateway before the VirtualServices that name it). */
export function meshManifests(vars: IstioVars): KubeObject[] {
  return [
    ...vars.istio_peer_authentications.map(peerAuthentication),
    ...securityManifests(vars),
    ...(vars.istio_shared_gateway ? [gateway(vars, vars.istio_shared_gateway)] : []),
    ...vars.istio_gateways.map((g) => gateway(vars, g)),
    ...vars.istio_destination_rules.map(destinationRule),
    ...vars.istio_virtual_services.map((v) => virtualService(vars, v)),
    ...vars.istio_network_policies.map((n) => networkPolicy(vars, n)),
  ];
}

/** Namespaces the mesh objects live in (created if missing, before the apply). */
export function meshNamespaces(objects: KubeObject[]): string[] {
  return [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n))];
}
