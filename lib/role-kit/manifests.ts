/**
 * Manifests in a role: their --plan entries, and the tasks that apply or delete them. Objects of a
 * kind a chart brings (its CRD) are applied after that chart: in --check, while the CRD is not on
 * the cluster yet, the task reports what it would do instead of failing on an unknown kind.
 */
import { stringify } from 'yaml';
import type { Cluster, KubeObject } from '../kube/types.ts';
import type { PlanEntry, Task, TaskContext, TaskResult } from '../role.ts';
import type { TaskOrdering } from './helm.ts';
import { describeObject } from '../kube/compare.ts';

export function manifestEntries(objects: readonly KubeObject[], verb = 'apply'): PlanEntry[] {
  return objects.map((o) => ({ kind: 'manifest', description: `${verb} ${describeObject(o)}`, yaml: stringify(o) }));
}

/** Whether a CustomResourceDefinition is on the cluster (`ipaddresspools.metallb.io`). */
export async function hasCrd(cluster: Cluster, name: string): Promise<boolean> {
  return (await cluster.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name)) !== undefined;
}

/**
 * The apply-after-CRD guard: in --check, with `crd` not installed yet, what the task would do
 * (the chart that brings it has not run for real); else undefined and the caller applies.
 */
export async function crdMissingInCheck(ctx: TaskContext, cluster: Cluster, crd: string | undefined, what: string): Promise<TaskResult | undefined> {
  if (!ctx.check || crd === undefined || (await hasCrd(cluster, crd))) return undefined;
  return { status: 'changed', msg: `check mode: ${what} would be applied once ${crd} is installed` };
}

export interface ApplyTaskOptions extends TaskOrdering {
  /** The CRD the objects need (their kind's), e.g. `ipaddresspools.metallb.io`. */
  readonly crd?: string;
  /** kube_apply_force: take over fields owned by another field manager. */
  readonly force?: boolean;
  /** The message when the apply says nothing more. */
  readonly okMsg?: string;
}

/** Server-side apply of computed objects (after the CRD guard). */
export function applyTask(name: string, objects: readonly KubeObject[], o: ApplyTaskOptions = {}): Task {
  const { crd, force, okMsg, ...ordering } = o;
  const what = `${objects.length} object${objects.length === 1 ? '' : 's'}`;
  return {
    name, runOnce: true, ...ordering,
    describe: () => manifestEntries(objects),
    async run(ctx) {
      const cluster = await ctx.cluster();
      const early = await crdMissingInCheck(ctx, cluster, crd, what);
      if (early) return early;
      const result = await cluster.apply([...objects], { check: ctx.check, diff: ctx.diff, ...(force === undefined ? {} : { force }) });
      return { ...result, msg: result.msg ?? okMsg ?? `${what} applied` };
    },
  };
}

/** Deletes the objects (a role's `absent` state); ok when they are already gone. */
export function deleteTask(name: string, objects: readonly KubeObject[], ordering: TaskOrdering = {}): Task {
  return {
    name, runOnce: true, ...ordering,
    describe: () => manifestEntries(objects, 'delete'),
    run: async (ctx) => (await ctx.cluster()).delete([...objects], { check: ctx.check }),
  };
}
