/**
 * `istio_state: absent` (the networking guide's migration path: "Remove Istio components"): the
 * install in reverse — mesh config (every member of the role's ApplySet, then its parent), the
 * gateway, istiod and base (the chart marks Istio's CRDs helm.sh/resource-policy: keep: they
 * stay, as with Istio's own uninstall) — then the injection labels off, and a last task that names the workloads whose pods still carry an istio-proxy sidecar (they keep it until
 * restarted). Each step is a no-op when already done, so a second absent run writes nothing.
 */
import type { HelmReleaseSpec, KubeObject } from '../../lib/kube/types.ts';
import type { Task, TaskContext, TaskResult } from '../../lib/role.ts';
import { helmTask } from '../../lib/role-kit/index.ts';
import { pruneStep, type ApplySetVars } from '../../lib/objects/applyset-steps.ts';
import { istioReleases } from './releases.ts';
import { combine } from './steps.ts';
import type { IstioVars } from './vars.ts';
import { hasSidecar } from './verify.ts';

export const ISTIO_ABSENT_TASKS = {
  mesh: 'istio mesh config removed',
  gateway: 'istio gateway removed',
  istiod: 'istiod removed',
  base: 'istio base removed',
  labels: 'istio injection labels removed',
  sidecars: 'workloads still carrying sidecars',
} as const;

export const INJECTION_LABEL = 'istio-injection';

/** Every member of the mesh ApplySet pruned (none is declared any more), then the parent ConfigMap. */
async function removeMesh(ctx: TaskContext, set: ApplySetVars): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const name = set.k8s_objects_applyset;
  const namespace = set.k8s_objects_applyset_namespace;
  // Read first: an absent rerun sends no DELETE at all.
  if (!(await cluster.get('v1', 'ConfigMap', name, namespace))) return { status: 'ok', msg: `no mesh config applied by capstan (no ApplySet ${namespace}/${name})` };
  const pruned = await pruneStep(ctx, set, []);
  const gone = await cluster.delete([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } }], { check: ctx.check });
  return combine([pruned, gone], 'mesh config removed');
}

/** Namespaces among `names` whose injection label is still set (pure, for the plan and tests). */
export function labelledNamespaces(namespaces: readonly (KubeObject | undefined)[]): string[] {
  return namespaces.filter((n): n is KubeObject => n?.metadata.labels?.[INJECTION_LABEL] !== undefined).map((n) => n.metadata.name);
}

async function removeLabels(ctx: TaskContext, vars: IstioVars): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const live = await Promise.all(vars.istio_injection_namespaces.map((ns) => cluster.get('v1', 'Namespace', ns)));
  const labelled = labelledNamespaces(live);
  if (!labelled.length) return { status: 'ok', msg: `no ${INJECTION_LABEL} label on ${vars.istio_injection_namespaces.join(', ') || 'any namespace'}` };
  if (!ctx.check) {
    for (const ns of labelled) await cluster.api.mergePatch({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { metadata: { labels: { [INJECTION_LABEL]: null } } });
  }
  return { status: 'changed', msg: `${ctx.check ? 'would remove' : 'removed'} ${INJECTION_LABEL} from ${labelled.join(', ')}` };
}

/** The workload owning a pod, as `namespace/Kind name` (a ReplicaSet's pods: their Deployment). */
export function podWorkload(pod: KubeObject): string {
  const owner = (pod.metadata as { ownerReferences?: { kind: string; name: string }[] }).ownerReferences?.[0];
  const ns = pod.metadata.namespace ?? '';
  if (!owner) return `${ns}/Pod ${pod.metadata.name}`;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return `${ns}/Deployment ${owner.name.slice(0, -hash.length - 1)}`;
  return `${ns}/${owner.kind} ${owner.name}`;
}

/** Workloads with at least one pod carrying istio-proxy, each once, sorted. */
export function sidecarWorkloads(pods: readonly KubeObject[]): string[] {
  return [...new Set(pods.filter(hasSidecar).map(podWorkload))].sort();
}

async function reportSidecars(ctx: TaskContext): Promise<TaskResult> {
  const workloads = sidecarWorkloads(await (await ctx.cluster()).list('v1', 'Pod'));
  if (!workloads.length) return { status: 'ok', msg: 'no pod carries an istio-proxy sidecar', data: { sidecars: [] } };
  const msg = `${workloads.length} workload${workloads.length === 1 ? '' : 's'} still carry istio-proxy sidecars until restarted ` +
    `(kubectl rollout restart): ${workloads.join(', ')}`;
  ctx.log.warn(msg);
  return { status: 'ok', msg, data: { sidecars: workloads } };
}

/** The absent tasks, one after the other in reverse install order. */
export function absentTasks(vars: IstioVars, meshSet: ApplySetVars): Task[] {
  const T = ISTIO_ABSENT_TASKS;
  const releases = istioReleases(vars);
  // An uninstall takes no values: the plan shows none.
  const gone = (r: HelmReleaseSpec): HelmReleaseSpec => ({ ...r, state: 'absent', values: {} });
  return [
    {
      name: T.mesh, runOnce: true,
      describe: () => [{ kind: 'note', text: `delete every mesh object of ApplySet configmap ${vars.istio_namespace}/${meshSet.k8s_objects_applyset}, then the ConfigMap` }],
      run: (c) => removeMesh(c, meshSet),
    },
    helmTask(T.gateway, gone(releases.gateway)),
    helmTask(T.istiod, gone(releases.istiod)),
    helmTask(T.base, gone(releases.base)),
    {
      name: T.labels, runOnce: true,
      describe: () => [{ kind: 'note', text: `remove ${INJECTION_LABEL} from ${vars.istio_injection_namespaces.join(', ')}` }],
      run: (c) => removeLabels(c, vars),
    },
    {
      name: T.sidecars, runOnce: true,
      describe: () => [{ kind: 'note', text: 'list the workloads whose pods still carry an istio-proxy sidecar' }],
      run: (c) => reportSidecars(c),
    },
  ];
}
