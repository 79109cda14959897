// Istio role, offline: vars → releases and values, the task graph, and validation errors.
import { describe, expect, it } from 'vitest';
import type { RoleContext, Task } from '../lib/role.ts';
import istio, { ISTIO_TASKS } from '../roles/istio/index.ts';
import { istioReleases } from '../roles/istio/releases.ts';
import { validateIstio } from '../roles/istio/validate.ts';
import { fakeValidateContext, messages, schemaProblems, typedVars } from './fixtures/istio/role-vars.ts';
import { platformView } from './support/platform.ts';
import { SHARED_CHARTS } from '../lib/lab/shared-dir.ts';

const roleCtx = (selectedRoles: string[]): RoleContext => ({
  ...platformView(),
  host: { name: 'k8s-node1', groups: ['server'], vars: {} }, playHosts: [], groups: {}, hostvars: {}, selectedRoles, inventoryDir: '/nonexistent',
});

type Obj = Record<string, any>;

describe('istio releases from vars', () => {
  const cases: { name: string; vars: Record<string, unknown>; gateway: Obj }[] = [
    {
      name: 'metallb present: LoadBalancer with the MetalLB IP annotation, NodePorts pinned for external load balancers',
      vars: {},
      gateway: { type: 'LoadBalancer', annotations: { 'metallb.io/loadBalancerIPs': '192.168.1.240' }, nodePorts: [31021, 31080, 31443] },
    },
    {
      name: 'metallb absent: NodePort 31080/31443 (+ 31021 for health checks)',
      vars: { metallb_state: 'absent' },
      gateway: { type: 'NodePort', annotations: {}, nodePorts: [31021, 31080, 31443] },
    },
    {
      name: 'custom NodePorts and IP',
      vars: { metallb_state: 'absent', istio_gateway_http_nodeport: 30080, istio_gateway_https_nodeport: 30443, istio_gateway_status_nodeport: 30021 },
      gateway: { type: 'NodePort', annotations: {}, nodePorts: [30021, 30080, 30443] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = istioReleases(typedVars(istio, c.vars));
      const svc = (r.gateway.values as Obj).service;
      expect(svc.type).toBe(c.gateway.type);
      expect(svc.annotations).toEqual(c.gateway.annotations);
      expect(svc.ports.map((p: Obj) => p.port)).toEqual([15021, 80, 443]);
      expect(svc.ports.map((p: Obj) => p.nodePort)).toEqual(c.gateway.nodePorts);
    });
  }

  it('pins 1.30.3 from the repo (lib/helm swaps in helm_chart_dir by chart name and version)', () => {
    const r = istioReleases(typedVars(istio, { helm_chart_dir: SHARED_CHARTS }));
    expect([r.base.chart, r.istiod.chart, r.gateway.chart].map((c) => 'name' in c && `${c.name}@${c.version}`)).toEqual(['base@1.30.3', 'istiod@1.30.3', 'gateway@1.30.3']);
    expect(r.istiod.chart).toEqual({ repo: 'https://istio-release.storage.googleapis.com/charts', name: 'istiod', version: '1.30.3' });
    expect([r.base, r.istiod, r.gateway].map((x) => `${x.namespace}/${x.name}`))
      .toEqual(['istio-system/istio-base', 'istio-system/istiod', 'istio-gateway/istio-gateway']);
  });

  it('puts memory requests/limits and HPA settings into istiod and gateway values', () => {
    const r = istioReleases(typedVars(istio, { istio_pilot_memory_limit: '2Gi', istio_gateway_hpa_max_replicas: 3, istio_pilot_hpa_cpu_target: 70 }));
    expect((r.istiod.values as Obj).resources).toEqual({ requests: { memory: '512Mi' }, limits: { memory: '2Gi' } });
    expect((r.istiod.values as Obj).cpu).toEqual({ targetAverageUtilization: 70 });
    expect((r.gateway.values as Obj).resources).toEqual({ requests: { memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect((r.gateway.values as Obj).autoscaling).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 });
  });
});

describe('istio tasks', () => {
  const names = (tasks: Task[]) => tasks.map((t) => t.name);
  it('skips the whole role with a reason when enable_istio is false', () => {
    const tasks = istio.tasks(typedVars(istio, { enable_istio: false }), roleCtx(['istio']));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.skipReason).toBe('enable_istio is false');
  });

  it('with --tags istio alone (LoadBalancer) checks for a pool before the gateway', () => {
    const tasks = istio.tasks(typedVars(istio), roleCtx(['istio']));
    expect(names(tasks)[0]).toBe(ISTIO_TASKS.pool);
    expect(tasks[1]!.after).toEqual([ISTIO_TASKS.pool]);
    expect(tasks.find((t) => t.name === ISTIO_TASKS.gateway)!.after).toEqual([ISTIO_TASKS.istiod, ISTIO_TASKS.namespaces, ISTIO_TASKS.pool]);
    // istio-base starts beside the namespaces (helm creates istio-system), after the pool check only
    expect(tasks.find((t) => t.name === ISTIO_TASKS.base)!.after).toEqual([ISTIO_TASKS.pool]);
  });

  it('with metallb in the run, the gateway waits for the metallb pools task instead', () => {
    const tasks = istio.tasks(typedVars(istio), roleCtx(['metallb', 'istio']));
    expect(names(tasks)).not.toContain(ISTIO_TASKS.pool);
    expect(tasks.find((t) => t.name === ISTIO_TASKS.gateway)!.after).toEqual([ISTIO_TASKS.istiod, ISTIO_TASKS.namespaces, 'metallb address pools']);
    expect(tasks.find((t) => t.name === ISTIO_TASKS.base)!.after).toEqual([]);
  });

  it('NodePort gateway needs no pool; restart is skipped unless asked for, an empty mesh config only prunes', () => {
    const tasks = istio.tasks(typedVars(istio, { metallb_state: 'absent' }), roleCtx(['istio']));
    expect(names(tasks)).toEqual([
      ISTIO_TASKS.namespaces, ISTIO_TASKS.base, ISTIO_TASKS.istiod, ISTIO_TASKS.gateway, ISTIO_TASKS.restart, ISTIO_TASKS.mesh, ISTIO_TASKS.prune, ISTIO_TASKS.verify,
    ]);
    expect(tasks.find((t) => t.name === ISTIO_TASKS.restart)!.skipReason).toMatch(/istio_restart_uninjected/);
    // No mesh config still runs the apply (it prunes what an earlier run applied); the plan says so.
    expect(tasks.find((t) => t.name === ISTIO_TASKS.mesh)!.describe!()).toEqual([{ kind: 'note', text: expect.stringMatching(/no mesh config/) }]);
    expect(tasks.find((t) => t.name === ISTIO_TASKS.verify)!.tags).toEqual(['verify']);
  });

  it('describes releases with chart versions and values for --plan, offline', () => {
    const tasks = istio.tasks(typedVars(istio), roleCtx(['istio']));
    const entries = tasks.flatMap((t) => t.describe?.() ?? []);
    const helm = entries.filter((e) => e.kind === 'helm');
    expect(helm.map((e) => e.kind === 'helm' && `${e.release}@${e.version}`)).toEqual(['istio-base@1.30.3', 'istiod@1.30.3', 'istio-gateway@1.30.3']);
    const notes = entries.filter((e) => e.kind === 'note').map((e) => e.kind === 'note' && e.text);
    expect(notes).toContain('namespace istio-system name=istio-system');
    expect(notes).toContain('namespace fraud-detection istio-injection=enabled');
  });
});

describe('istio validation', () => {
  const check = (vars: Record<string, unknown>, hostVars: Record<string, unknown> = {}, selected = ['metallb', 'istio']) => {
    const typed = typedVars(istio, vars);
    const allVars = { ...typed, ...(selected.includes('metallb') ? { metallb_address_pools: vars.metallb_address_pools ?? [{ name: 'default', addresses: ['192.168.1.240-192.168.1.250'] }] } : {}) };
    return messages(validateIstio(typed, fakeValidateContext({ allVars, hostVars: { ...hostVars, ...vars }, selectedRoles: selected })));
  };

  it('accepts the defaults', () => {
    expect(check({})).toEqual([]);
  });

  it('rejects a LoadBalancer IP outside every pool, naming the pools and the fix', () => {
    const problems = check({ istio_gateway_loadbalancer_ip: '192.168.1.10' });
    expect(problems).toEqual([expect.stringMatching(/^istio_gateway_loadbalancer_ip: 192\.168\.1\.10 is outside every MetalLB address pool \(default: 192\.168\.1\.240-192\.168\.1\.250.*add it to metallb_address_pools/)]);
  });

  it('reads the pools (a platform var) when metallb is not selected', () => {
    const pools = { metallb_address_pools: [{ name: 'lab', addresses: ['10.0.0.0/24'] }] };
    expect(check({ ...pools, istio_gateway_loadbalancer_ip: '10.0.0.7' }, {}, ['istio'])).toEqual([]);
    expect(check({ ...pools, istio_gateway_loadbalancer_ip: '10.0.1.7' }, {}, ['istio'])).toHaveLength(1);
  });

  it('does not need a pool for a NodePort gateway', () => {
    expect(check({ metallb_state: 'absent', istio_gateway_loadbalancer_ip: '10.9.9.9' })).toEqual([]);
  });

  it('rejects VirtualService weights that do not sum to 100, and missing weights in a split', () => {
    const vs = (weights: (number | undefined)[]) => [{
      name: 'fraud-api', namespace: 'fraud-detection', hosts: ['fraud-api.local'],
      routes: [{ destinations: weights.map((w, i) => ({ host: 'fraud-service', subset: `v${i + 1}`, ...(w === undefined ? {} : { weight: w }) })) }],
    }];
    expect(check({ istio_virtual_services: vs([90, 10]) })).toEqual([]);
    expect(check({ istio_virtual_services: vs([90, 20]) })).toEqual([
      'istio_virtual_services[0].routes[0].destinations: VirtualService fraud-detection/fraud-api: destination weights sum to 110; make them sum to 100 (e.g. 90 and 10)',
    ]);
    expect(check({ istio_virtual_services: vs([90, undefined]) })[0]).toMatch(/give every destination a weight/);
  });

  it('rejects a destination host that is not a DNS name (schema)', () => {
    const bad = [{ name: 'x', namespace: 'fraud-detection', hosts: ['fraud-api.local'], routes: [{ destinations: [{ host: 'Fraud_Service:8080' }] }] }];
    expect(schemaProblems(istio, 'istio_virtual_services', bad)).toEqual([expect.stringMatching(/^0\.routes\.0\.destinations\.0\.host: "Fraud_Service:8080" is not a DNS-1123 subdomain/)]);
  });

  it('rejects a subset the DestinationRule for that host does not define', () => {
    const vars = {
      istio_destination_rules: [{ name: 'fraud-service', namespace: 'fraud-detection', host: 'fraud-service', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }],
      istio_virtual_services: [{ name: 'vs', namespace: 'fraud-detection', hosts: ['fraud-service'], routes: [{ destinations: [{ host: 'fraud-service', subset: 'v2' }] }] }],
    };
    expect(check(vars)).toEqual([expect.stringMatching(/subset: subset "v2" of host fraud-service is not defined by DestinationRule fraud-detection\/fraud-service/)]);
  });

  it('reports every problem at once', () => {
    const problems = check({
      istio_gateway_loadbalancer_ip: '192.168.2.1',
      istio_shared_gateway: { name: 'ml-gateway', hosts: ['*.local'], http: false },
      istio_peer_authentications: [{ namespace: 'a', mode: 'STRICT' }, { namespace: 'a', mode: 'PERMISSIVE' }],
    });
    expect(problems).toHaveLength(3);
  });

  it('checks nothing when istio is disabled', () => {
    expect(check({ enable_istio: false, istio_gateway_loadbalancer_ip: '10.1.1.1' })).toEqual([]);
  });
});
