// Seldon role, offline: vars → namespace labels, releases and values, the NodePort Service, the
// task list (--plan), the skip reason, and the var checks (range, clash with another role's NodePort).
import { describe, expect, it } from 'vitest';
import { readClusterVars } from '../../../lib/lb/cluster-vars.ts';
import { exposedServices } from '../../../lib/role-kit/index.ts';
import { nodePortClashes, nodePortUses } from '../../../lib/vars/nodeports.ts';
import type { RoleContext } from '../../../lib/role.ts';
import seldon, { SELDON_TASKS } from '../../../roles/seldon/index.ts';
import { seldonNamespaceLabels, seldonNodePortService, seldonReleases } from '../../../roles/seldon/plan.ts';
import { schemaProblems, typedVars } from '../../fixtures/istio/role-vars.ts';
import { platformView, SITE_SERVICE_ROLES } from '../../support/platform.ts';

type Obj = Record<string, any>;
const roleCtx: RoleContext = {
  ...platformView(),
  host: { name: 'k8s-node1', groups: ['server'], vars: {} }, playHosts: [], groups: {}, hostvars: {}, selectedRoles: ['seldon'], inventoryDir: '/nonexistent',
};

// The components whose labels/annotations the setup chart would render as null (a real API server rejects them).
const EMPTY_META = Object.fromEntries(['scheduler', 'pipelinegateway', 'modelgateway', 'dataflow', 'envoy', 'hodometer'].map((c) => [c, { labels: {}, annotations: {} }]));

describe('seldon releases from vars', () => {
  const cases: { name: string; vars: Record<string, unknown>; releases: string[]; values: Obj }[] = [
    {
      name: 'defaults: four releases in order, operator Services ClusterIP, one replica per server',
      vars: {},
      releases: ['seldon-core-v2-crds', 'seldon-core-v2-setup', 'seldon-core-v2-runtime', 'seldon-core-v2-servers'],
      values: {
        'seldon-core-v2-crds': {},
        'seldon-core-v2-setup': { ...EMPTY_META, controller: { clusterwide: false }, services: { defaultServiceType: 'ClusterIP' } },
        'seldon-core-v2-runtime': { envoy: { serviceType: 'ClusterIP' }, scheduler: { serviceType: 'ClusterIP' } },
        'seldon-core-v2-servers': { mlserver: { replicas: 1 }, triton: { replicas: 1 } },
      },
    },
    {
      name: 'no servers, LoadBalancer mesh, external Kafka',
      vars: { seldon_install_servers: false, seldon_mesh_service_type: 'LoadBalancer', seldon_kafka_bootstrap: 'kafka.kafka:9092' },
      releases: ['seldon-core-v2-crds', 'seldon-core-v2-setup', 'seldon-core-v2-runtime'],
      values: {
        'seldon-core-v2-setup': { ...EMPTY_META, controller: { clusterwide: false }, kafka: { bootstrap: 'kafka.kafka:9092' }, services: { defaultServiceType: 'LoadBalancer' } },
        'seldon-core-v2-runtime': { envoy: { serviceType: 'LoadBalancer' }, scheduler: { serviceType: 'LoadBalancer' } },
      },
    },
    {
      name: 'server replicas',
      vars: { seldon_mlserver_replicas: 2, seldon_triton_replicas: 0 },
      releases: ['seldon-core-v2-crds', 'seldon-core-v2-setup', 'seldon-core-v2-runtime', 'seldon-core-v2-servers'],
      values: { 'seldon-core-v2-servers': { mlserver: { replicas: 2 }, triton: { replicas: 0 } } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const releases = seldonReleases(typedVars(seldon, c.vars));
      expect(releases.map((r) => r.name)).toEqual(c.releases);
      const byName = Object.fromEntries(releases.map((r) => [r.name, r.values]));
      for (const [name, values] of Object.entries(c.values)) expect(byName[name], name).toEqual(values);
    });
  }

  it('pins each chart at seldon_version from the Seldon repo, in seldon_namespace', () => {
    const releases = seldonReleases(typedVars(seldon, { seldon_namespace: 'models', seldon_version: '2.10.1' }));
    for (const r of releases) {
      expect(r.chart).toEqual({ repo: 'https://seldonio.github.io/helm-charts', name: r.name, version: '2.10.1' });
      expect(r.namespace).toBe('models');
    }
  });

  it('applies the runtime and servers charts client-side (helm 4 refuses their rendered nulls server-side)', () => {
    const releases = seldonReleases(typedVars(seldon, {}));
    expect(Object.fromEntries(releases.map((r) => [r.name, r.clientSideApply ?? false]))).toEqual({
      'seldon-core-v2-crds': false, 'seldon-core-v2-setup': false, 'seldon-core-v2-runtime': true, 'seldon-core-v2-servers': true,
    });
  });
});

describe('seldon namespace and NodePort Service', () => {
  const labelCases: { vars: Record<string, unknown>; labels: Record<string, string> }[] = [
    { vars: {}, labels: { 'istio-injection': 'enabled' } },
    { vars: { enable_istio: false }, labels: {} },
    { vars: { seldon_istio_injection: false }, labels: {} },
  ];
  for (const c of labelCases) {
    it(`namespace labels with ${JSON.stringify(c.vars)}`, () => {
      expect(seldonNamespaceLabels(typedVars(seldon, c.vars))).toEqual(c.labels);
    });
  }

  it('a NodePort Service on seldon_mesh_nodeport selecting the envoy pods on port 9000', () => {
    const svc = seldonNodePortService(typedVars(seldon, { seldon_mesh_nodeport: 31999, seldon_namespace: 'models' })) as Obj;
    expect(svc.metadata).toMatchObject({ name: 'seldon-mesh-nodeport', namespace: 'models' });
    expect(svc.spec).toEqual({
      type: 'NodePort', selector: { app: 'seldon-envoy' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 9000, nodePort: 31999 }],
    });
  });
});

describe('seldon tasks and --plan', () => {
  it('disabled (the default): every task skipped with the reason', () => {
    const tasks = seldon.tasks(typedVars(seldon), roleCtx);
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) expect(t.skipReason, t.name).toBe('enable_seldon is false');
  });

  it('enabled: namespace, crds, setup, operator wait, runtime, servers, NodePort; describe() lists each', () => {
    const tasks = seldon.tasks(typedVars(seldon, { enable_seldon: true }), roleCtx);
    expect(tasks.map((t) => t.name)).toEqual([
      SELDON_TASKS.namespace, 'seldon release seldon-core-v2-crds', 'seldon release seldon-core-v2-setup', SELDON_TASKS.operatorReady,
      'seldon release seldon-core-v2-runtime', 'seldon release seldon-core-v2-servers', SELDON_TASKS.nodePort,
    ]);
    expect(tasks.every((t) => t.skipReason === undefined && t.runOnce)).toBe(true);
    const plan = tasks.flatMap((t) => t.describe?.() ?? []);
    expect(plan.filter((e) => e.kind === 'helm').map((e) => e.kind === 'helm' && `${e.release}@${e.version}`))
      .toEqual(['seldon-core-v2-crds@2.10.2', 'seldon-core-v2-setup@2.10.2', 'seldon-core-v2-runtime@2.10.2', 'seldon-core-v2-servers@2.10.2']);
    const manifest = plan.find((e) => e.kind === 'manifest');
    expect(manifest).toMatchObject({ description: 'apply service seldon-mesh/seldon-mesh-nodeport' });
    expect(manifest?.kind === 'manifest' && manifest.yaml).toMatch(/nodePort: 32000/);
    expect(plan).toContainEqual({ kind: 'note', text: 'namespace seldon-mesh (istio-injection=enabled)' });
  });
});

describe('seldon var checks', () => {
  it('seldon_mesh_nodeport outside 30000-32767 says the range', () => {
    expect(schemaProblems(seldon, 'seldon_mesh_nodeport', 40000)).toEqual([': 40000 is outside the NodePort range 30000-32767; use a port in 30000-32767']);
    expect(schemaProblems(seldon, 'seldon_mesh_nodeport', 32000)).toEqual([]);
  });

  it('the one NodePort clash check covers seldon_mesh_nodeport against another role', () => {
    const view = platformView({ enable_seldon: true, enable_ingress_nginx: true, seldon_mesh_nodeport: 30080 });
    const problems = nodePortClashes(nodePortUses(exposedServices(view)), (n) => (n === 'seldon_mesh_nodeport' ? 'group_vars/all.yml' : ''));
    expect(problems.map((p) => p.message)).toEqual(['NodePort 30080 is also used by seldon_mesh_nodeport (group_vars/all.yml); give each NodePort its own port in 30000-32767']);
  });

  it('exposes seldon-mesh on seldon_mesh_nodeport to the load balancers when enabled, nothing when not', () => {
    expect(readClusterVars({}, SITE_SERVICE_ROLES).services.map((s) => s.name)).toEqual(['istio']);
    const own = typedVars(seldon, { enable_seldon: true });
    expect(readClusterVars({ enable_seldon: true }, SITE_SERVICE_ROLES).services.find((s) => s.name === 'seldon'))
      .toEqual({ kind: 'tcp', name: 'seldon', service: 'seldon-mesh', port: 9000, nodePort: { nodePort: own.seldon_mesh_nodeport, var: 'seldon_mesh_nodeport' } });
  });
});
