// Optional load-balancer frontends for the dashboards (roles/observability/lb.ts): none by default;
// listed dashboards become NodePort Services (chart values, Jaeger's manifest) and TCP frontends on the
// external HAProxy/F5 through the role contract (exposes), checked by the NodePort clash check; a listed
// dashboard that is off is refused naming the key.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../lib/lb/model.ts';
import { readClusterVars } from '../../../lib/lb/cluster-vars.ts';
import { nodePortClashes, nodePortUses } from '../../../lib/vars/nodeports.ts';
import { platformDefaultVars } from '../../../lib/vars/platform.ts';
import { exposedDashboards } from '../../../roles/observability/lb.ts';
import { jaegerObjects } from '../../../roles/observability/manifests.ts';
import { observabilityReleases } from '../../../roles/observability/releases.ts';
import { validateObservability } from '../../../roles/observability/validate.ts';
import { observabilityVars, type ObservabilityVars } from '../../../roles/observability/vars.ts';
import { syntheticInput } from '../../fixtures/lb/variations.ts';
import { SITE_SERVICE_ROLES } from '../../support/platform.ts';

const defaults = () => Object.fromEntries(Object.entries(observabilityVars).map(([k, d]) => [k, (d as { default?: unknown }).default])) as unknown as ObservabilityVars;
const vars = (extra: Partial<ObservabilityVars>): ObservabilityVars => ({ ...defaults(), enable_observability: true, ...extra });

describe('dashboard load-balancer frontends', () => {
  it('none by default: no exposure, every Service stays ClusterIP', () => {
    expect(exposedDashboards({ ...platformDefaultVars(), enable_observability: true })).toEqual([]);
    const r = observabilityReleases(vars({}));
    expect((r.grafana.values['service'] as Record<string, unknown>)['type']).toBeUndefined();
    expect(jaegerObjects(vars({})).find((o) => o.metadata.name === 'tracing')!['spec']).toMatchObject({ type: 'ClusterIP' });
  });

  it('listed dashboards: NodePort Services with their nodePorts, and TCP frontends on their usual ports', () => {
    const v = vars({ observability_lb_dashboards: ['grafana', 'kiali', 'jaeger', 'prometheus'] });
    const r = observabilityReleases(v);
    expect(r.grafana.values['service']).toEqual({ port: 3000, type: 'NodePort', nodePort: 32300 });
    expect((r.prometheus.values['server'] as Record<string, unknown>)['service']).toEqual({ servicePort: 9090, type: 'NodePort', nodePort: 32303 });
    expect(r.kiali.values).toMatchObject({ deployment: { service_type: 'NodePort' }, server: { port: 20001, node_port: 32301 } });
    const ui = jaegerObjects(v).find((o) => o.metadata.name === 'tracing')!['spec'] as { type: string; ports: { name: string; nodePort?: number }[] };
    expect([ui.type, ui.ports.map((p) => `${p.name}:${p.nodePort ?? '-'}`)]).toEqual(['NodePort', ['http-query:32302', 'grpc-query:-']]);

    const input = syntheticInput(3, { enable_observability: true, observability_lb_dashboards: ['grafana', 'kiali'], lb_api_frontend: false });
    const model = buildModel({ ...input, cluster: readClusterVars({ ...input.vars, enable_observability: true, observability_lb_dashboards: ['grafana', 'kiali'] }, SITE_SERVICE_ROLES) });
    const frontends = model.frontends.map((f) => `${f.name}:${f.binds.map((b) => b.port).join('+')}`);
    expect(frontends.filter((f) => /grafana|kiali/.test(f))).toEqual(['financial-mlops-grafana-frontend:3000', 'financial-mlops-kiali-frontend:20001']);
    expect(model.backends.find((b) => b.name === 'financial-mlops-kiali')!.members.map((m) => m.port)).toEqual([32301, 32301, 32301]);
  });

  it('the NodePort clash check sees them; a listed dashboard that is off is refused', () => {
    const services = readClusterVars({ enable_observability: true, enable_seldon: true, observability_lb_dashboards: ['grafana'], grafana_nodeport: 32000 }, SITE_SERVICE_ROLES).services;
    expect(nodePortClashes(nodePortUses(services), () => 'group_vars/all.yml').map((p) => `${p.key}: ${p.message}`)).toEqual([
      expect.stringMatching(/^(seldon_mesh_nodeport|grafana_nodeport): NodePort 32000 is also used by (grafana_nodeport|seldon_mesh_nodeport)/),
    ]);
    const problems = validateObservability(vars({ observability_lb_dashboards: ['jaeger'], observability_jaeger: false, istio_tracing_sampling: 0 }), { sourceOf: () => 'group_vars/all.yml' });
    expect(problems.map((p) => `${p.file} › ${p.key}: ${p.message}`)).toEqual([
      'group_vars/all.yml › observability_lb_dashboards: lists jaeger but observability_jaeger is false: the load balancers would publish a Service that is not there; drop jaeger from the list or set observability_jaeger: true',
    ]);
  });
});
