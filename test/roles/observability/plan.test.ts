// The observability role as data: its tasks and --plan entries from vars, the Helm values of the
// three releases, the vendored Jaeger and dashboard objects, istiod's tracing values, and validation.
import { describe, expect, it } from 'vitest';
import type { RoleContext } from '../../../lib/role.ts';
import istio from '../../../roles/istio/index.ts';
import { istiodValues } from '../../../roles/istio/releases.ts';
import observability, { OBSERVABILITY_TASKS } from '../../../roles/observability/index.ts';
import { dashboardObjects, jaegerObjects } from '../../../roles/observability/manifests.ts';
import { grafanaValues, kialiValues, observabilityReleases, prometheusValues } from '../../../roles/observability/releases.ts';
import { fakeValidateContext, messages, typedVars } from '../../fixtures/istio/role-vars.ts';
import { platformView } from '../../support/platform.ts';

type Obj = Record<string, any>;
const roleCtx: RoleContext = {
  ...platformView(),
  host: { name: 'k8s-node1', groups: ['server'], vars: {} }, playHosts: [], groups: {}, hostvars: {}, selectedRoles: ['observability'], inventoryDir: '/nonexistent',
};
const on = (o: Record<string, unknown> = {}) => typedVars(observability, { enable_observability: true, ...o });

describe('observability tasks from vars', () => {
  it('off by default: one task, skipped with the reason', () => {
    const tasks = observability.tasks(typedVars(observability), roleCtx);
    expect(tasks.map((t) => [t.name, t.skipReason])).toEqual([['observability', 'enable_observability is false']]);
  });

  it('on: namespace, jaeger, prometheus, grafana secret, dashboards, grafana, kiali, ready, verify; nothing skipped', () => {
    const tasks = observability.tasks(on(), roleCtx);
    expect(tasks.map((t) => t.name)).toEqual(Object.values(OBSERVABILITY_TASKS));
    expect(tasks.filter((t) => t.skipReason)).toEqual([]);
  });

  it('each part has its tag; a part switched off is skipped with its var named, the rest still run', () => {
    const tasks = observability.tasks(on({ observability_kiali: false }), roleCtx);
    const kiali = tasks.find((t) => t.name === OBSERVABILITY_TASKS.kiali)!;
    expect(kiali.tags).toEqual(['kiali']);
    expect(kiali.skipReason).toBe('observability_kiali is false');
    expect(tasks.find((t) => t.name === OBSERVABILITY_TASKS.prometheus)!.tags).toEqual(['prometheus']);
    expect(tasks.find((t) => t.name === OBSERVABILITY_TASKS.namespace)!.tags).toEqual(['prometheus', 'grafana', 'kiali', 'jaeger']);
    expect(tasks.find((t) => t.name === OBSERVABILITY_TASKS.ready)!.describe!()).toEqual([{ kind: 'note', text: 'wait for deployment prometheus, deployment grafana and deployment jaeger in istio-system' }]);
  });

  it('--plan: the three pinned releases, the Jaeger objects in full, the dashboards as a note each', () => {
    const tasks = observability.tasks(on(), roleCtx);
    const plan = tasks.flatMap((t) => t.describe?.() ?? []);
    expect(plan.filter((e) => e.kind === 'helm').map((e: Obj) => `${e.namespace}/${e.release} ${e.chart} ${e.version}`)).toEqual([
      'istio-system/prometheus https://prometheus-community.github.io/helm-charts prometheus 29.27.0',
      'istio-system/grafana https://grafana-community.github.io/helm-charts grafana 12.11.1',
      'istio-system/kiali-server https://kiali.org/helm-charts kiali-server 2.29.0',
    ]);
    expect(plan.filter((e) => e.kind === 'manifest').map((e: Obj) => e.description)).toEqual([
      'apply deployment istio-system/jaeger', 'apply service istio-system/tracing', 'apply configmap istio-system/jaeger',
      'apply service istio-system/zipkin', 'apply service istio-system/jaeger-collector',
    ]);
    const notes = plan.filter((e) => e.kind === 'note').map((e: Obj) => e.text as string);
    expect(notes.filter((n) => n.startsWith('apply configmap'))).toHaveLength(2);
    expect(notes.join('\n')).toMatch(/pilot-dashboard\.json.*\n.*istio-mesh-dashboard\.json, istio-service-dashboard\.json, istio-workload-dashboard\.json/);
  });
});

describe('observability values', () => {
  it('Prometheus: Istio\'s service name and port, retention, storage, the rules file, no pushgateway', () => {
    const v = prometheusValues(on({ prometheus_retention: '30d', prometheus_storage_size: '20Gi', prometheus_persistence: false })) as Obj;
    expect(v.server).toMatchObject({ fullnameOverride: 'prometheus', service: { servicePort: 9090 }, retention: '30d', persistentVolume: { enabled: false, size: '20Gi' } });
    expect(v['prometheus-pushgateway']).toEqual({ enabled: false });
    expect(v.alertmanager.persistence).toEqual({ enabled: false });
    const rules = v.serverFiles['alerting_rules.yml'].groups[0].rules.map((r: Obj) => r.alert);
    expect(rules).toEqual(['MeshServiceErrorRate', 'MeshServiceP99Latency', 'ModelServerDown']);
  });

  it('Grafana: Prometheus data source, the two dashboard ConfigMaps, the admin account from the Secret, no password in the values', () => {
    const vars = on({ grafana_admin_password: 'vaulted-grafana-pw' });
    const v = grafanaValues(vars) as Obj;
    expect(v.datasources['datasources.yaml'].datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus.istio-system:9090', isDefault: true });
    expect(v.dashboardsConfigMaps).toEqual({ istio: 'istio-grafana-dashboards', 'istio-services': 'istio-services-grafana-dashboards' });
    expect(v.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(JSON.stringify(observabilityReleases(vars))).not.toContain('vaulted-grafana-pw');
    expect(dashboardObjects(vars).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(Object.values(v.dashboardsConfigMaps).map((n) => `istio-system/${n}`));
  });

  it('Kiali: auth strategy, pointed at Prometheus, Grafana and Jaeger in the observability namespace', () => {
    const v = kialiValues(on({ kiali_auth_strategy: 'anonymous', observability_namespace: 'monitoring' })) as Obj;
    expect(v.auth).toEqual({ strategy: 'anonymous' });
    expect(v.external_services.prometheus.url).toBe('http://prometheus.monitoring:9090');
    expect(v.external_services.grafana.internal_url).toBe('http://grafana.monitoring:3000');
    expect(v.external_services.tracing).toMatchObject({ enabled: true, internal_url: 'http://tracing.monitoring:80/jaeger' });
  });

  it('Jaeger: Istio\'s objects moved to the observability namespace, the collector Service with OTLP gRPC 4317', () => {
    const objects = jaegerObjects(on({ observability_namespace: 'monitoring' }));
    expect(objects.every((o) => o.metadata.namespace === 'monitoring')).toBe(true);
    const collector = objects.find((o) => o.metadata.name === 'jaeger-collector') as Obj;
    expect(collector.spec.ports.map((p: Obj) => p.port)).toContain(4317);
    expect(jaegerObjects(on())[0]!.metadata.namespace).toBe('istio-system'); // copies: the first call changed nothing
  });
});

describe('istiod tracing from the platform vars', () => {
  const mesh = (o: Record<string, unknown>) => (istiodValues(typedVars(istio, o)) as Obj).meshConfig;

  it('observability on: the jaeger provider, its collector, the sampling percentage', () => {
    expect(mesh({ enable_observability: true, istio_tracing_sampling: 100 })).toMatchObject({
      enableTracing: true,
      defaultConfig: { tracing: { sampling: 100 } },
      defaultProviders: { tracing: ['jaeger'] },
      extensionProviders: [{ name: 'jaeger', opentelemetry: { service: 'jaeger-collector.istio-system.svc.cluster.local', port: 4317 } }],
    });
  });

  it('observability off, or sampling 0: no tracing keys at all', () => {
    for (const o of [{}, { enable_observability: true, istio_tracing_sampling: 0 }]) {
      const m = mesh(o);
      expect(Object.keys(m).sort()).toEqual(['accessLogFile', 'enablePrometheusMerge', 'outboundTrafficPolicy']);
    }
  });
});

describe('observability validation', () => {
  const problems = (o: Record<string, unknown>) => {
    const vars = on(o);
    return messages(observability.validate!(vars, fakeValidateContext({ allVars: { ...vars }, selectedRoles: ['observability'] })));
  };

  it('defaults pass', () => expect(problems({})).toEqual([]));

  it('Jaeger off with tracing on, Kiali without Istio: each named with its fix', () => {
    expect(problems({ observability_jaeger: false, enable_istio: false })).toEqual([
      'observability_jaeger: is false but istio_tracing_sampling is 1: istiod would send traces to a missing jaeger-collector; set istio_tracing_sampling: 0 or keep observability_jaeger on',
      'observability_kiali: needs Istio (enable_istio is false); set observability_kiali: false or enable_istio: true',
    ]);
    expect(problems({ observability_jaeger: false, istio_tracing_sampling: 0 })).toEqual([]);
  });

  it('alert rules: a cut-off expression and an unknown label, each at its index; a duplicate name', () => {
    const rules = [
      { alert: 'Ok', expr: 'sum by (destination_service) (rate(istio_requests_total[5m])) > 1' },
      { alert: 'CutOff', expr: 'sum(rate(istio_requests_total[5m]) > 1' },
      { alert: 'Typo', expr: 'up{namespce="x"} == 0' },
      { alert: 'ModelServerDown', expr: 'up == 0' },
    ];
    expect(problems({ observability_alert_rules: rules })).toEqual([
      'observability_alert_rules[1].expr: ( at 3 is never closed: sum(rate(istio_requests_total[5m]) > 1',
      'observability_alert_rules[2].expr: label namespce is not known; did you mean namespace? (or list it in observability_alert_labels): up{namespce="x"} == 0',
      'observability_alert_rules[3].alert: ModelServerDown is defined twice; give each alert its own name',
    ]);
  });

  it('a label listed in observability_alert_labels is accepted', () => {
    expect(problems({ observability_alert_labels: ['team'], observability_alert_rules: [{ alert: 'A', expr: 'up{team="ml"} == 0' }] })).toEqual([]);
  });
});
