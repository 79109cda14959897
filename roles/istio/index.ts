/**
 * Istio: base (CRDs), istiod and the ingress gateway through Helm; namespaces labelled for
 * sidecar injection; mesh config from vars; a verify table at the end. Independent steps run
 * concurrently along their dependencies (namespaces → base → istiod → gateway / mesh config).
 * `istio_state: absent` removes it all in reverse (absent.ts).
 */
import { defineRole, type RoleContext, type Task } from '../../lib/role.ts';
import { crdMissingInCheck, helmEntry, helmTask, manifestEntries, renderObjects } from '../../lib/role-kit/index.ts';
import { applyStep, pruneStep, type ApplySetVars } from '../../lib/objects/applyset-steps.ts';
import { METALLB_TASKS } from '../metallb/index.ts';
import { absentTasks } from './absent.ts';
import { meshManifests } from './mesh.ts';
import { gatewayIsLoadBalancer, istioReleases } from './releases.ts';
import { checkPool, ensureNamespaces, installGateway, namespaceLabels, restartUninjected, verify } from './steps.ts';
import { validateIstio } from './validate.ts';
import { istioVars, type IstioVars } from './vars.ts';

export const ISTIO_TASKS = {
  namespaces: 'istio namespaces and injection labels',
  base: 'istio base (CRDs)',
  istiod: 'istiod',
  pool: 'metallb pool for the istio gateway',
  gateway: 'istio gateway',
  restart: 'restart deployments without a sidecar',
  mesh: 'istio mesh config',
  prune: 'istio mesh config prune',
  verify: 'istio verify',
} as const;

/** The ApplySet parent (a ConfigMap in istio_namespace) recording the mesh objects the role applied. */
export const MESH_APPLYSET = 'capstan-istio-mesh';
const meshApplySet = (vars: IstioVars): ApplySetVars => ({
  k8s_objects_applyset: MESH_APPLYSET, k8s_objects_applyset_namespace: vars.istio_namespace, kube_apply_force: vars.kube_apply_force,
});

/** What the gateway waits for on MetalLB: the pools task of this run, or a check that a pool exists. */
function poolTasks(vars: IstioVars, ctx: RoleContext): { tasks: Task[]; after: string[] } {
  if (!gatewayIsLoadBalancer(vars)) return { tasks: [], after: [] };
  if (ctx.selectedRoles.includes('metallb')) return { tasks: [], after: [METALLB_TASKS.pools] };
  const task: Task = {
    name: ISTIO_TASKS.pool, runOnce: true, concurrent: true,
    describe: () => [{ kind: 'note', text: `check that a MetalLB IPAddressPool holds ${vars.istio_gateway_loadbalancer_ip} (metallb is not selected in this run)` }],
    run: async (c) => checkPool(await c.cluster(), vars),
  };
  return { tasks: [task], after: [ISTIO_TASKS.pool] };
}

function istioTasks(vars: IstioVars, ctx: RoleContext): Task[] {
  const releases = istioReleases(vars);
  const labels = namespaceLabels(vars);
  const mesh = renderObjects('istio', meshManifests(vars), ctx.inventoryDir);
  const pool = poolTasks(vars, ctx);
  const T = ISTIO_TASKS;
  return [
    ...pool.tasks,
    {
      // A missing pool fails the run before anything changes.
      name: T.namespaces, runOnce: true, concurrent: true, after: pool.tasks.map((t) => t.name),
      describe: () => [...labels].map(([ns, l]) => ({ kind: 'note', text: `namespace ${ns} ${Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',') || '(exists)'}` })),
      run: async (c) => ensureNamespaces(await c.cluster(), labels, c),
    },
    // beside the namespaces (its own namespace helm creates): on a busy API server they stall while metallb's CRDs are created
    helmTask(T.base, releases.base, { concurrent: true, after: pool.tasks.map((t) => t.name) }),
    helmTask(T.istiod, releases.istiod, { concurrent: true, after: [T.base] }),
    {
      name: T.gateway, runOnce: true, concurrent: true, after: [T.istiod, T.namespaces, ...pool.after],
      describe: () => [helmEntry(releases.gateway)],
      run: async (c) => installGateway(await c.cluster(), releases.gateway, vars, c),
    },
    {
      name: T.restart, runOnce: true, concurrent: true, after: [T.istiod, T.namespaces],
      ...(vars.istio_restart_uninjected ? {} : { skipReason: 'istio_restart_uninjected is false' }),
      describe: () => [{ kind: 'note', text: `rollout restart deployments in ${vars.istio_injection_namespaces.join(', ')} whose pods have no istio-proxy` }],
      run: async (c) => restartUninjected(await c.cluster(), vars, c),
    },
    {
      // Through the objects role's ApplySet steps (own parent): validated, compare-first SSA, pruned when removed from the vars.
      name: T.mesh, runOnce: true, concurrent: true, after: [T.istiod, T.namespaces],
      describe: () => (mesh.length ? manifestEntries(mesh) : [{ kind: 'note', text: 'no mesh config in the vars (istio_virtual_services, istio_authorization_policies, ...)' }]),
      run: async (c) => (await crdMissingInCheck(c, await c.cluster(), 'virtualservices.networking.istio.io', `${mesh.length} mesh objects`)) ?? applyStep(c, meshApplySet(vars), mesh),
    },
    {
      name: T.prune, runOnce: true, after: [T.mesh],
      describe: () => [{ kind: 'note', text: `delete mesh objects of ApplySet configmap ${vars.istio_namespace}/${MESH_APPLYSET} the vars no longer declare` }],
      run: async (c) => pruneStep(c, meshApplySet(vars), mesh),
    },
    {
      // Not concurrent: it starts once everything before it has finished, and runs alone under --tags verify.
      name: T.verify, tags: ['verify'], runOnce: true,
      describe: () => [{ kind: 'note', text: 'verify: istiod and gateway available, istiod image, gateway address, namespace labels, injector webhook, pods ready with sidecar, security per namespace, VirtualService gateways and hosts, subsets with pods' }],
      run: async (c) => verify(await c.cluster(), vars, c),
    },
  ];
}

export default defineRole({
  name: 'istio',
  usesCluster: true,
  description: 'Istio service mesh: base, istiod, ingress gateway (MetalLB LoadBalancer or NodePort), injection labels, mesh config, verify',
  tags: ['istio'],
  dependencies: ['metallb'],
  vars: istioVars,
  validate: (vars, ctx) => validateIstio(vars, ctx),
  exposes: (p) => (p.enable_istio ? [{
    kind: 'ingress', name: 'istio',
    http: { nodePort: p.istio_gateway_http_nodeport, var: 'istio_gateway_http_nodeport' },
    https: { nodePort: p.istio_gateway_https_nodeport, var: 'istio_gateway_https_nodeport' },
    ready: { path: '/healthz/ready', nodePort: p.istio_gateway_status_nodeport, var: 'istio_gateway_status_nodeport' },
  }] : []),
  k3sComponents: (p) => (p.enable_istio ? ['traefik'] : []),
  tasks: (vars, ctx): Task[] => (vars.enable_istio
    ? (vars.istio_state === 'absent' ? absentTasks(vars, meshApplySet(vars)) : istioTasks(vars, ctx))
    : [{ name: 'istio', runOnce: true, skipReason: 'enable_istio is false', run: async () => ({ status: 'skipped', msg: 'enable_istio is false' }) }]),
});
