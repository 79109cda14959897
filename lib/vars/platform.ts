/**
 * Platform vars: the vars several roles (and lib/lb) read, declared once. Which parts of the
 * platform are on (enable_*, metallb_state), the NodePorts the external load balancers send
 * traffic to, the API port, the k3s group names, and platform-wide settings later roles share.
 *
 * A role spreads in the ones it reads (`...platform('enable_istio', 'metallb_state')`),
 * never declares them again. The runner layers these defaults into every play (source
 * `platform defaults`), so a role sees that MetalLB, Istio or ingress-nginx is on whether or not
 * that role is in the same play or playbook.
 */
import { z } from 'zod';
import { defineVars, type VarDefs, type VarsOf } from './schema.ts';
import { dns1123Label, ipAddress, nodePort, poolAddress, port, state } from './types.ts';

/** One MetalLB IPAddressPool, as metallb_address_pools lists it. */
export const addressPool = z.object({
  name: dns1123Label,
  addresses: z.array(poolAddress).min(1, { message: 'a pool needs at least one address range' }),
  /** Absent means true, as in MetalLB. */
  auto_assign: z.boolean().optional(),
}).strict();
export type AddressPool = z.infer<typeof addressPool>;

export const ISTIO_DEFAULT_LB_IP = '192.168.1.240';

/** The source `--plan` and `file › key` messages name for a platform default. */
export const PLATFORM_DEFAULTS_SOURCE = 'platform defaults (lib/vars/platform.ts)';

const groupName = z.string().min(1);

export const platformVars = defineVars({
  metallb_state: {
    schema: state, default: 'present',
    description: 'present: MetalLB is installed with its address pools (the Istio gateway is a LoadBalancer, k3s\'s servicelb is off); absent: MetalLB is removed',
  },
  metallb_address_pools: {
    schema: z.array(addressPool),
    default: [{ name: 'default', addresses: ['192.168.1.240-192.168.1.250'], auto_assign: true }],
    description: 'MetalLB IPAddressPools: {name, addresses (ranges, CIDRs or single IPs), auto_assign}; the Istio gateway IP must lie in one',
  },
  istio_gateway_loadbalancer_ip: {
    schema: ipAddress, default: ISTIO_DEFAULT_LB_IP,
    description: 'EXTERNAL-IP of the Istio gateway when metallb_state is present; must lie in a MetalLB pool',
  },
  enable_istio: { schema: z.boolean(), default: true, description: 'Istio is installed (false skips the istio role with a reason; k3s\'s traefik is off while it is on)' },
  enable_ingress_nginx: { schema: z.boolean(), default: false, description: 'ingress-nginx is installed (false skips the nginx-ingress role with a reason; k3s\'s traefik is off while it is on)' },
  enable_cert_manager: { schema: z.boolean(), default: false, description: 'cert-manager is installed (false skips the cert-manager role with a reason)' },
  enable_seldon: { schema: z.boolean(), default: false, description: 'Seldon Core v2 is installed (false skips the seldon role with a reason)' },
  enable_observability: { schema: z.boolean(), default: false, description: 'The observability stack is installed (false skips its role with a reason)' },
  istio_tracing_sampling: {
    schema: z.number().min(0).max(100), default: 1.0,
    description: 'Percentage of requests Istio traces (meshConfig tracing sampling, 0-100), read by the observability stack too',
  },
  observability_namespace: {
    schema: dns1123Label, default: 'istio-system',
    description: 'Namespace of Prometheus, Grafana, Kiali and Jaeger (istiod sends traces to jaeger-collector there)',
  },
  istio_gateway_http_nodeport: { schema: nodePort, default: 31080, description: 'Istio gateway HTTP NodePort (port 80); pinned as a LoadBalancer too, for external load balancers' },
  istio_gateway_https_nodeport: { schema: nodePort, default: 31443, description: 'Istio gateway HTTPS NodePort (port 443); pinned as a LoadBalancer too, for external load balancers' },
  istio_gateway_status_nodeport: {
    schema: nodePort, default: 31021,
    description: 'Istio gateway readiness port 15021 as a NodePort, for external load balancers to check /healthz/ready',
  },
  ingress_nginx_http_nodeport: { schema: nodePort, default: 30080, description: 'ingress-nginx controller HTTP NodePort (the external load balancers send port 80 there)' },
  ingress_nginx_https_nodeport: { schema: nodePort, default: 30443, description: 'ingress-nginx controller HTTPS NodePort' },
  observability_lb_dashboards: {
    schema: z.array(z.enum(['grafana', 'kiali', 'jaeger', 'prometheus'])), default: [],
    description: 'Dashboards the external load balancers publish (none by default: Prometheus, Jaeger and an anonymous Kiali have no login), each through a NodePort (<name>_nodeport) to a TCP frontend on its usual port: grafana 3000, kiali 20001, jaeger 16686, prometheus 9090',
  },
  grafana_nodeport: { schema: nodePort, default: 32300, description: 'NodePort of the grafana Service when observability_lb_dashboards lists grafana' },
  kiali_nodeport: { schema: nodePort, default: 32301, description: 'NodePort of the kiali Service when observability_lb_dashboards lists kiali' },
  jaeger_nodeport: { schema: nodePort, default: 32302, description: 'NodePort of the tracing (Jaeger UI) Service when observability_lb_dashboards lists jaeger' },
  prometheus_nodeport: { schema: nodePort, default: 32303, description: 'NodePort of the prometheus Service when observability_lb_dashboards lists prometheus' },
  seldon_mesh_nodeport: {
    schema: nodePort, default: 32000,
    description: 'NodePort of the seldon-mesh-nodeport Service (envoy, HTTP and gRPC inference); the external load balancers forward lb_seldon_port there',
  },
  lb_seldon_port: { schema: port, default: 9000, description: 'Port of the load balancers\' Seldon mesh frontend (TCP, to seldon_mesh_nodeport) when enable_seldon' },
  api_port: { schema: z.number().int().min(1).max(65535), default: 6443, description: 'Port of the Kubernetes API on api_endpoint (the load balancers\' API frontend too).' },
  k3s_server_group: { schema: groupName, default: 'server', description: 'Inventory group of the k3s servers; its first host runs cluster-init.' },
  k3s_agent_group: { schema: groupName, default: 'agent', description: 'Inventory group of the k3s agents.' },
});

export type PlatformVarDefs = typeof platformVars;
export type PlatformVarName = keyof PlatformVarDefs;
export type PlatformVars = VarsOf<PlatformVarDefs>;

/** The named platform vars, as a var table a role spreads into its own: the same definitions, not copies. */
export function platform<K extends PlatformVarName>(...names: K[]): Pick<PlatformVarDefs, K> {
  return Object.fromEntries(names.map((n) => [n, platformVars[n]])) as Pick<PlatformVarDefs, K>;
}

export function isPlatformVar(name: string): name is PlatformVarName {
  return Object.hasOwn(platformVars, name);
}

/** The platform vars as a var table of their own, parsed like a role's (`file › key` problems alike). */
export const PLATFORM_TABLE = { name: 'platform', vars: platformVars } as const;

/** The platform vars with every default: what a host gets when its inventory sets none. */
export function platformDefaultVars(): PlatformVars {
  return platformDefaults() as unknown as PlatformVars;
}

/** The platform defaults as a var layer, lowest of all. */
export function platformDefaults(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(platformVars as VarDefs).map(([k, d]) => [k, d.default]));
}
