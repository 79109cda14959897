/**
 * The three Helm releases (prometheus, grafana, kiali-server) and their values, pure. Service
 * names and ports are Istio's addon ones (prometheus:9090, grafana:3000, kiali:20001, tracing:80),
 * so Kiali, Grafana's data source and the networking guide's port-forward lines find them.
 *
 * Prometheus scrapes the mesh the way Istio documents for merged metrics: istiod, the gateways and
 * every sidecar carry prometheus.io/scrape|port|path annotations, which the chart's
 * kubernetes-pods job follows (and kubernetes-service-endpoints for annotated Services).
 */
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { pinnedChart } from '../../lib/role-kit/index.ts';
import { rulesFile } from './alerts.ts';
import { dashboardNodePort } from './lb.ts';
import type { ObservabilityVars } from './vars.ts';

export const SERVICES = {
  prometheus: { name: 'prometheus', port: 9090 },
  grafana: { name: 'grafana', port: 3000 },
  kiali: { name: 'kiali', port: 20001 },
  jaeger: { name: 'tracing', port: 80 },
} as const;
export type Component = keyof typeof SERVICES;
export const COMPONENTS = Object.keys(SERVICES) as Component[];

/** The Secret Grafana reads its admin account from (the role writes it; the chart never sees the password). */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } as const;
/** The uid of Grafana's Prometheus data source (verify asks for its health by it). */
export const GRAFANA_DATASOURCE_UID = 'prometheus';
/** The Istio dashboard ConfigMaps (manifests/istio-dashboards.yaml), by Grafana dashboard provider. */
export const DASHBOARD_CONFIGMAPS = { istio: 'istio-grafana-dashboards', 'istio-services': 'istio-services-grafana-dashboards' } as const;

const url = (v: ObservabilityVars, c: Component) => `http://${SERVICES[c].name}.${v.observability_namespace}:${SERVICES[c].port}`;

function release(v: ObservabilityVars, name: string, chart: ReturnType<typeof pinnedChart>, values: Record<string, unknown>): HelmReleaseSpec {
  return { name, namespace: v.observability_namespace, chart, values, state: 'present', createNamespace: false, wait: true, timeoutSeconds: v.helm_timeout };
}

/** The prometheus and grafana charts' Service type and nodePort, when the load balancers publish it (lb.ts). */
function nodePortService(v: ObservabilityVars, c: Component): Record<string, unknown> {
  const nodePort = dashboardNodePort(v, c);
  return nodePort ? { type: 'NodePort', nodePort } : {};
}

export function prometheusValues(v: ObservabilityVars): Record<string, unknown> {
  const storage = { enabled: v.prometheus_persistence, size: v.prometheus_storage_size };
  return {
    server: {
      fullnameOverride: SERVICES.prometheus.name,
      service: { servicePort: SERVICES.prometheus.port, ...nodePortService(v, 'prometheus') },
      retention: v.prometheus_retention,
      persistentVolume: storage,
      global: { scrape_interval: v.prometheus_scrape_interval },
    },
    alertmanager: { enabled: true, persistence: { enabled: v.prometheus_persistence } },
    'prometheus-pushgateway': { enabled: false },
    serverFiles: { 'alerting_rules.yml': rulesFile(v) },
  };
}

export function grafanaValues(v: ObservabilityVars): Record<string, unknown> {
  const provider = (name: string) => ({ name, folder: 'istio', orgId: 1, type: 'file', disableDeletion: false, options: { path: `/var/lib/grafana/dashboards/${name}` } });
  return {
    fullnameOverride: SERVICES.grafana.name,
    service: { port: SERVICES.grafana.port, ...nodePortService(v, 'grafana') },
    admin: { existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey },
    persistence: { enabled: false },
    testFramework: { enabled: false },
    datasources: {
      'datasources.yaml': {
        apiVersion: 1,
        datasources: [{ name: 'Prometheus', uid: GRAFANA_DATASOURCE_UID, type: 'prometheus', access: 'proxy', isDefault: true, url: url(v, 'prometheus'), jsonData: { timeInterval: '15s' } }],
      },
    },
    dashboardProviders: { 'dashboardproviders.yaml': { apiVersion: 1, providers: Object.keys(DASHBOARD_CONFIGMAPS).map(provider) } },
    dashboardsConfigMaps: { ...DASHBOARD_CONFIGMAPS },
  };
}

export function kialiValues(v: ObservabilityVars): Record<string, unknown> {
  return {
    auth: { strategy: v.kiali_auth_strategy },
    deployment: { instance_name: SERVICES.kiali.name, cluster_wide_access: true, ...(dashboardNodePort(v, 'kiali') ? { service_type: 'NodePort' } : {}) },
    external_services: {
      istio: { root_namespace: 'istio-system' },
      prometheus: { enabled: v.observability_prometheus, url: url(v, 'prometheus') },
      grafana: { enabled: v.observability_grafana, internal_url: url(v, 'grafana'), external_url: `http://localhost:${SERVICES.grafana.port}` },
      tracing: {
        enabled: v.observability_jaeger, provider: 'jaeger', use_grpc: false,
        internal_url: `${url(v, 'jaeger')}/jaeger`, external_url: `http://localhost:16686/jaeger`,
      },
    },
    server: { port: SERVICES.kiali.port, ...(dashboardNodePort(v, 'kiali') ? { node_port: dashboardNodePort(v, 'kiali') } : {}) },
  };
}

export interface ObservabilityReleases {
  prometheus: HelmReleaseSpec;
  grafana: HelmReleaseSpec;
  kiali: HelmReleaseSpec;
}

export function observabilityReleases(v: ObservabilityVars): ObservabilityReleases {
  return {
    prometheus: release(v, 'prometheus', pinnedChart(v.prometheus_chart_repo, 'prometheus', v.prometheus_version), prometheusValues(v)),
    grafana: release(v, 'grafana', pinnedChart(v.grafana_chart_repo, 'grafana', v.grafana_version), grafanaValues(v)),
    kiali: release(v, 'kiali-server', pinnedChart(v.kiali_chart_repo, 'kiali-server', v.kiali_version), kialiValues(v)),
  };
}
