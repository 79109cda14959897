/**
 * "Rollout ready": wait for a release's workloads (Deployments, DaemonSets, StatefulSets) and the
 * Services whose endpoints must answer (admission webhooks). In --check, when the first workload is
 * not on the cluster, it says so instead of waiting for something a real run would install.
 */
import type { Cluster, WaitOptions } from '../kube/types.ts';
import { allReady } from '../wait/index.ts';
import type { Task, TaskContext, TaskResult } from '../role.ts';
import type { TaskOrdering } from './helm.ts';

export type WorkloadKind = 'Deployment' | 'DaemonSet' | 'StatefulSet';

export interface Workload {
  readonly kind: WorkloadKind;
  readonly name: string;
}

export interface ReadySpec {
  readonly namespace: string;
  readonly workloads: readonly Workload[];
  /** Services whose endpoints must be ready (webhooks). */
  readonly endpoints?: readonly string[];
  readonly timeoutSeconds: number;
  /** What is not installed yet in --check ("MetalLB"); default: the first workload. */
  readonly what?: string;
}

export function waitOptions(ctx: TaskContext, timeoutSeconds: number): WaitOptions {
  return { timeoutSeconds, log: (m) => ctx.log.progress(m), signal: ctx.signal };
}

const API_VERSION: Record<WorkloadKind, string> = { Deployment: 'apps/v1', DaemonSet: 'apps/v1', StatefulSet: 'apps/v1' };

/** One line naming what is waited for: `deployment a, daemonset b and endpoints of c in ns`. */
export function readyText(s: ReadySpec): string {
  const parts = [...s.workloads.map((w) => `${w.kind.toLowerCase()} ${w.name}`), ...(s.endpoints ?? []).map((e) => `endpoints of ${e}`)];
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts.join('');
  return `${list} in ${s.namespace}`;
}

/** Wait for the rollout, unless --check finds the first workload not installed yet. */
export async function waitReady(cluster: Cluster, ctx: TaskContext, s: ReadySpec): Promise<TaskResult> {
  const first = s.workloads[0];
  if (ctx.check && first && !(await cluster.get(API_VERSION[first.kind], first.kind, first.name, s.namespace))) {
    return { status: 'skipped', msg: `check mode: ${s.what ?? `${first.kind} ${s.namespace}/${first.name}`} is not installed yet, nothing to wait for` };
  }
  const o = waitOptions(ctx, s.timeoutSeconds);
  await allReady([
    ...s.workloads.map((w) => cluster.wait.rollout(w.kind, s.namespace, w.name, o)),
    ...(s.endpoints ?? []).map((e) => cluster.wait.serviceEndpointsReady(s.namespace, e, o)),
  ]);
  return { status: 'ok', msg: `${readyText(s)} ready` };
}

/** The task form of waitReady, with the plan note. */
export function readyTask(name: string, s: ReadySpec, ordering: TaskOrdering = {}): Task {
  return {
    name, runOnce: true, ...ordering,
    describe: () => [{ kind: 'note', text: `wait for ${readyText(s)}` }],
    run: async (ctx) => waitReady(await ctx.cluster(), ctx, s),
  };
}

export const deployments = (...names: string[]): Workload[] => names.map((name) => ({ kind: 'Deployment', name }));
