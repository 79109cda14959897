/**
 * Seldon Core v2: the namespace (istio-injection when Istio is on), the four pinned charts in
 * order (CRDs, setup = the operator, runtime, servers), a wait for the operator, and the
 * `seldon-mesh-nodeport` Service the external load balancers reach Seldon through.
 * enable_seldon: false (the default) skips it with the reason.
 */
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { defineRole, type Task } from '../../lib/role.ts';
import { applyTask, deployments, helmTask, readyTask } from '../../lib/role-kit/index.ts';
import { SELDON_NODEPORT_SERVICE, SELDON_OPERATOR, seldonNamespaceLabels, seldonNodePortService, seldonReleases } from './plan.ts';
import { seldonVars, type SeldonVars } from './vars.ts';

export const SELDON_TASKS = {
  namespace: 'seldon namespace',
  operatorReady: 'seldon operator ready',
  nodePort: 'seldon mesh NodePort',
} as const;

function releaseTask(release: HelmReleaseSpec, skip: { skipReason?: string }): Task {
  return helmTask(`seldon release ${release.name}`, release, skip);
}

function tasks(vars: SeldonVars): Task[] {
  const skip = vars.enable_seldon ? {} : { skipReason: 'enable_seldon is false' };
  const ns = vars.seldon_namespace;
  const labels = seldonNamespaceLabels(vars);
  const [crds, setup, ...rest] = seldonReleases(vars);
  const service = seldonNodePortService(vars);
  const labelText = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'no labels';
  return [
    {
      name: SELDON_TASKS.namespace, runOnce: true, ...skip,
      describe: () => [{ kind: 'note', text: `namespace ${ns} (${labelText})` }],
      run: async (ctx) => (await ctx.cluster()).ensureNamespace(ns, labels, { check: ctx.check }),
    },
    releaseTask(crds!, skip),
    releaseTask(setup!, skip),
    readyTask(SELDON_TASKS.operatorReady, {
      namespace: ns, what: 'the Seldon operator', timeoutSeconds: vars.helm_timeout, workloads: deployments(SELDON_OPERATOR),
    }, skip),
    ...rest.map((r) => releaseTask(r, skip)),
    applyTask(SELDON_TASKS.nodePort, [service], {
      ...skip, force: vars.kube_apply_force, okMsg: `${ns}/${SELDON_NODEPORT_SERVICE} on NodePort ${vars.seldon_mesh_nodeport}`,
    }),
  ];
}

export default defineRole({
  name: 'seldon',
  usesCluster: true,
  description: 'Seldon Core v2: pinned CRDs, operator, runtime and servers charts; envoy on a fixed NodePort for the load balancers',
  tags: ['seldon'],
  dependencies: ['istio'],
  vars: seldonVars,
  tasks,
  exposes: (p) => (p.enable_seldon ? [{
    kind: 'tcp', name: 'seldon', service: 'seldon-mesh', port: p.lb_seldon_port,
    nodePort: { nodePort: p.seldon_mesh_nodeport, var: 'seldon_mesh_nodeport' },
  }] : []),
});
