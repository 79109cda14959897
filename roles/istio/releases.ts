/**
 * The three Istio releases (base, istiod, gateway) and their values, pure. The gateway Service is
 * a LoadBalancer with the MetalLB-assigned IP when metallb_state is present, else a NodePort
 * Service; the NodePorts from the vars (80, 443 and the readiness port 15021, so external load
 * balancers can health-check /healthz/ready) are pinned in both cases.
 */
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { pinnedChart } from '../../lib/role-kit/index.ts';
import type { IstioVars } from './vars.ts';


export const ISTIO_RELEASES = { base: 'istio-base', istiod: 'istiod' } as const;

type ExposureVars = Pick<IstioVars, 'metallb_state' | 'istio_gateway_service_type'>;

/** The gateway Service's type: istio_gateway_service_type when set, else LoadBalancer with MetalLB, else NodePort. */
export function gatewayServiceType(vars: ExposureVars): 'LoadBalancer' | 'NodePort' | 'ClusterIP' {
  return vars.istio_gateway_service_type ?? (vars.metallb_state === 'present' ? 'LoadBalancer' : 'NodePort');
}

/** The gateway is a MetalLB LoadBalancer (pool check, pinned IP): a LoadBalancer while MetalLB is present. */
export function gatewayIsLoadBalancer(vars: ExposureVars): boolean {
  return vars.metallb_state === 'present' && gatewayServiceType(vars) === 'LoadBalancer';
}

function release(vars: IstioVars, name: string, namespace: string, chart: string, values: Record<string, unknown>): HelmReleaseSpec {
  return {
    name,
    namespace,
    chart: pinnedChart(vars.istio_chart_repo, chart, vars.istio_version),
    values,
    state: 'present',
    createNamespace: false, // the role creates and labels the namespaces itself
    wait: true,
    timeoutSeconds: vars.helm_timeout,
  };
}

export function baseValues(vars: IstioVars): Record<string, unknown> {
  return { defaultRevision: 'default', global: { istioNamespace: vars.istio_namespace } };
}

export function istiodValues(vars: IstioVars): Record<string, unknown> {
  return {
    global: { istioNamespace: vars.istio_namespace },
    resources: { requests: { memory: vars.istio_pilot_memory_request }, limits: { memory: vars.istio_pilot_memory_limit } },
    autoscaleEnabled: true,
    autoscaleMin: vars.istio_pilot_hpa_min_replicas,
    autoscaleMax: vars.istio_pilot_hpa_max_replicas,
    cpu: { targetAverageUtilization: vars.istio_pilot_hpa_cpu_target },
    meshConfig: {
      enablePrometheusMerge: true,
      accessLogFile: vars.istio_mesh_access_log_file,
      outboundTrafficPolicy: { mode: vars.istio_mesh_outbound_traffic_policy },
      ...tracingMeshConfig(vars),
    },
  };
}

/** The tracing provider istiod configures: the observability role's Jaeger collector (OTLP gRPC). */
export const TRACING_PROVIDER = 'jaeger';
export const JAEGER_COLLECTOR = { service: 'jaeger-collector', otlpGrpcPort: 4317 } as const;

/** Tracing is on with the observability stack, unless istio_tracing_sampling is 0. */
export function tracingEnabled(vars: Pick<IstioVars, 'enable_observability' | 'istio_tracing_sampling'>): boolean {
  return vars.enable_observability && vars.istio_tracing_sampling > 0;
}

/**
 * Istio's documented Jaeger setup (OpenTelemetry provider to jaeger-collector:4317) as the mesh
 * default, sampling istio_tracing_sampling percent of requests; nothing while tracing is off.
 */
export function tracingMeshConfig(vars: IstioVars): Record<string, unknown> {
  if (!tracingEnabled(vars)) return {};
  return {
    enableTracing: true,
    defaultConfig: { tracing: { sampling: vars.istio_tracing_sampling } },
    defaultProviders: { tracing: [TRACING_PROVIDER] },
    extensionProviders: [{
      name: TRACING_PROVIDER,
      opentelemetry: { service: `${JAEGER_COLLECTOR.service}.${vars.observability_namespace}.svc.cluster.local`, port: JAEGER_COLLECTOR.otlpGrpcPort },
    }],
  };
}

/**
 * The NodePorts are pinned in both modes: a LoadBalancer Service has NodePorts too, and the
 * external load balancers (HAProxy/F5 in front of the nodes) send traffic and health checks there.
 */
function servicePorts(vars: IstioVars): Record<string, unknown>[] {
  // A ClusterIP Service has no NodePorts (the API server refuses nodePort on one).
  const np = (n: number) => (gatewayServiceType(vars) === 'ClusterIP' ? {} : { nodePort: n });
  return [
    { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021, ...np(vars.istio_gateway_status_nodeport) },
    { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80, ...np(vars.istio_gateway_http_nodeport) },
    { name: 'https', port: 443, protocol: 'TCP', targetPort: 443, ...np(vars.istio_gateway_https_nodeport) },
  ];
}

function serviceAnnotations(vars: IstioVars): Record<string, string> {
  // MetalLB reads the wanted IP from this annotation (spec.loadBalancerIP is deprecated upstream).
  const metallb: Record<string, string> = gatewayIsLoadBalancer(vars) ? { 'metallb.io/loadBalancerIPs': vars.istio_gateway_loadbalancer_ip } : {};
  return { ...vars.istio_gateway_service_annotations, ...metallb };
}

export function gatewayValues(vars: IstioVars): Record<string, unknown> {
  const type = gatewayServiceType(vars);
  return {
    // The pods' `istio` label the Gateways select; the chart keeps the release name for the Service.
    ...(vars.istio_gateway_pod_label ? { labels: { istio: vars.istio_gateway_pod_label } } : {}),
    service: {
      type,
      annotations: serviceAnnotations(vars),
      ports: servicePorts(vars),
      // externalTrafficPolicy applies to NodePort and LoadBalancer Services only.
      ...(vars.istio_gateway_external_traffic_policy && type !== 'ClusterIP' ? { externalTrafficPolicy: vars.istio_gateway_external_traffic_policy } : {}),
    },
    resources: { requests: { memory: vars.istio_gateway_memory_request }, limits: { memory: vars.istio_gateway_memory_limit } },
    autoscaling: {
      enabled: true,
      minReplicas: vars.istio_gateway_hpa_min_replicas,
      maxReplicas: vars.istio_gateway_hpa_max_replicas,
      targetCPUUtilizationPercentage: vars.istio_gateway_hpa_cpu_target,
    },
  };
}

export interface IstioReleases {
  base: HelmReleaseSpec;
  istiod: HelmReleaseSpec;
  gateway: HelmReleaseSpec;
}

export function istioReleases(vars: IstioVars): IstioReleases {
  return {
    // CRDs and config only: helm's wait would poll its CRDs every 2 s; lib/helm waits for them by watch instead (crds.ts).
    // It starts beside the namespaces task (not after it): helm creates istio-system if that task has not yet, the task labels it.
    base: { ...release(vars, ISTIO_RELEASES.base, vars.istio_namespace, 'base', baseValues(vars)), wait: false, createNamespace: true },
    istiod: release(vars, ISTIO_RELEASES.istiod, vars.istio_namespace, 'istiod', istiodValues(vars)),
    gateway: release(vars, vars.istio_gateway_name, vars.istio_gateway_namespace, 'gateway', gatewayValues(vars)),
  };
}
