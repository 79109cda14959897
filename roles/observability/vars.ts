/**
 * Observability role vars: which parts are on, the pinned charts, Prometheus retention and
 * storage, Grafana's admin account (password from vault), Kiali's auth strategy and the alerting
 * rules. enable_observability, observability_namespace and istio_tracing_sampling are platform vars
 * (lib/vars/platform.ts): the istio role reads the same declarations for istiod's tracing config;
 * so are the dashboards' load-balancer frontends (observability_lb_dashboards, <name>_nodeport),
 * which lib/lb reads through the role's exposes().
 */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';
import { port, quantity } from '../../lib/vars/types.ts';
import { alertRule, promDuration } from './alert-vars.ts';

const chartVersion = z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'must be a chart version such as 1.2.3' });
const on = (what: string) => ({ schema: z.boolean(), default: true, description: `Install ${what} (with enable_observability)` });

export const observabilityVars = defineVars({
  ...clusterVars,
  ...platform('enable_observability', 'enable_istio', 'observability_namespace', 'istio_tracing_sampling',
    'observability_lb_dashboards', 'grafana_nodeport', 'kiali_nodeport', 'jaeger_nodeport', 'prometheus_nodeport'),
  observability_prometheus: on('Prometheus (and its alerting rules)'),
  observability_grafana: on('Grafana with the Istio dashboards'),
  observability_kiali: on('Kiali'),
  observability_jaeger: on('Jaeger (Istio\'s all-in-one manifest); off needs istio_tracing_sampling: 0'),
  prometheus_version: { schema: chartVersion, default: '29.27.0', description: 'prometheus Helm chart version (pinned)' },
  prometheus_chart_repo: {
    schema: z.string().url(), default: 'https://prometheus-community.github.io/helm-charts',
    description: 'Helm repository of the prometheus chart (with helm_chart_dir set, taken from that directory)',
  },
  prometheus_retention: { schema: promDuration, default: '15d', description: 'How long Prometheus keeps samples (--storage.tsdb.retention.time)' },
  prometheus_persistence: { schema: z.boolean(), default: true, description: 'Prometheus (and Alertmanager) keep data on a PersistentVolumeClaim (false: emptyDir)' },
  prometheus_storage_size: { schema: quantity, default: '8Gi', description: 'Size of Prometheus\'s PersistentVolumeClaim' },
  prometheus_scrape_interval: { schema: promDuration, default: '15s', description: 'Prometheus global scrape interval' },
  grafana_version: { schema: chartVersion, default: '12.11.1', description: 'grafana Helm chart version (pinned)' },
  grafana_chart_repo: {
    schema: z.string().url(), default: 'https://grafana-community.github.io/helm-charts',
    description: 'Helm repository of the grafana chart (with helm_chart_dir set, taken from that directory)',
  },
  grafana_admin_user: { schema: z.string().min(1), default: 'admin', description: 'Grafana admin user name' },
  grafana_admin_password: {
    schema: z.string().min(8).regex(/^[^\n\r]+$/, { message: 'must be one line' }), optional: true, secret: true,
    description: 'Grafana admin password (from vault). Absent: generated once, kept in the grafana-admin Secret and read back; never printed',
  },
  kiali_version: { schema: chartVersion, default: '2.29.0', description: 'kiali-server Helm chart version (pinned)' },
  kiali_chart_repo: {
    schema: z.string().url(), default: 'https://kiali.org/helm-charts',
    description: 'Helm repository of the kiali-server chart (with helm_chart_dir set, taken from that directory)',
  },
  kiali_auth_strategy: {
    schema: z.enum(['token', 'anonymous']), default: 'token',
    description: 'Kiali login: token (a ServiceAccount token) or anonymous (a homelab: anyone who reaches it)',
  },
  observability_dashboard: {
    schema: z.enum(['kiali', 'grafana', 'jaeger', 'prometheus']), optional: true,
    description: 'The UI `npm run dashboard -- <name>` forwards to (set by that command; --tags dashboard)',
  },
  observability_dashboard_port: { schema: port, optional: true, description: 'Local port of the dashboard forward (default: kiali 20001, grafana 3000, jaeger 16686, prometheus 9090)' },
  observability_verify_live: {
    schema: z.boolean(), default: true,
    description: 'verify also asks each process through a port-forward: Prometheus targets up, Grafana\'s data source healthy, Kiali\'s and Jaeger\'s health (unreachable: a warn row, not a failure)',
  },
  observability_verify_timeout: { schema: z.number().int().min(1).max(300), default: 10, description: 'Seconds each live verify check waits for its answer' },
  observability_default_alerts: {
    schema: z.boolean(), default: true,
    description: 'The built-in alerts: 5xx error rate and p99 latency per service, a model server down',
  },
  observability_alert_error_rate: { schema: z.number().gt(0).max(1), default: 0.05, description: 'Error rate (5xx share of requests, 0-1) per service above which the built-in alert fires' },
  observability_alert_p99_latency_ms: { schema: z.number().positive(), default: 1000, description: 'p99 request latency (ms) per service above which the built-in alert fires' },
  observability_alert_for: { schema: promDuration, default: '5m', description: 'How long a built-in alert condition must hold before it fires' },
  observability_model_server_job: {
    schema: z.string().min(1), default: 'kubernetes-pods',
    description: 'Prometheus job whose up{namespace=seldon_namespace} series stand for the model servers (the built-in "model server down" alert)',
  },
  observability_model_namespace: { schema: z.string().min(1), default: 'seldon-mesh', description: 'Namespace of the model servers the built-in "model server down" alert watches' },
  observability_alert_labels: {
    schema: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a label name' })), default: [],
    description: 'Label names the alert check accepts beyond Istio\'s and the Kubernetes ones (your pods\' own labels)',
  },
  observability_alert_rules: {
    schema: z.array(alertRule), default: [],
    description: 'More alerting rules: {alert, expr, for, severity, summary}; expr is checked for balanced syntax and known label names',
    example: [{ alert: 'HighRequestRate', expr: 'sum by (destination_service) (rate(istio_requests_total[5m])) > 100', for: '10m', severity: 'warning', summary: 'Many requests' }],
  },
});

export type ObservabilityVars = VarsOf<typeof observabilityVars>;
