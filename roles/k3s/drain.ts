/**
 * upgrade with k3s_upgrade_drain: cordon the node (server-side apply of spec.unschedulable),
 * evict its pods as `kubectl drain --ignore-daemonsets` does — through the Eviction API, so
 * PodDisruptionBudgets are honoured: a refused eviction (HTTP 429) is asked again every
 * few seconds until k3s_upgrade_drain_timeout — then wait until those pods are gone, and
 * uncordon the node once it is Ready on the new version. DaemonSet and mirror (static) pods stay.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../lib/kube/object.ts';
import { HealthTimeoutError } from '../../lib/errors.ts';
import type { TaskContext } from '../../lib/role.ts';

/** How often a refused eviction is asked again (kubectl drain: 5 s). */
const RETRY_MS = 2000;

export async function setUnschedulable(ctx: TaskContext, node: string, unschedulable: boolean): Promise<void> {
  const cluster = await ctx.cluster();
  await cluster.apply([{ apiVersion: 'v1', kind: 'Node', metadata: { name: node }, spec: { unschedulable } }], { check: ctx.check, diff: false, force: true });
}

/** The pods a drain moves off `node`: everything bound to it but DaemonSet pods and mirror pods. */
export function podsToEvict(pods: readonly KubeObject[], node: string): KubeObject[] {
  return pods.filter((p) => {
    const spec = p['spec'] as { nodeName?: string } | undefined;
    const owners = (p.metadata['ownerReferences'] as { kind: string }[] | undefined) ?? [];
    const annotations = (p.metadata['annotations'] as Record<string, string> | undefined) ?? {};
    const phase = (p['status'] as { phase?: string } | undefined)?.phase;
    return spec?.nodeName === node && !owners.some((o) => o.kind === 'DaemonSet')
      && !('kubernetes.io/config.mirror' in annotations) && phase !== 'Succeeded' && phase !== 'Failed';
  });
}

export async function drainNode(ctx: TaskContext, node: string, timeoutSeconds: number): Promise<number> {
  await setUnschedulable(ctx, node, true);
  const cluster = await ctx.cluster();
  const pods = podsToEvict(await cluster.list('v1', 'Pod'), node);
  ctx.log.progress(`draining ${node}: ${pods.length} pod(s)${ctx.check ? ' (check: none evicted)' : ''}`);
  if (ctx.check || pods.length === 0) return pods.length;
  const evict = cluster.api.evict?.bind(cluster.api);
  if (!evict) throw new Error(`draining ${node}: this API client cannot evict pods`);
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (const pod of pods) await evictOne(ctx, evict, pod, node, deadline, timeoutSeconds);
  await untilGone(ctx, pods, node, deadline, timeoutSeconds);
  return pods.length;
}

type Evict = NonNullable<Awaited<ReturnType<TaskContext['cluster']>>['api']['evict']>;

async function evictOne(ctx: TaskContext, evict: Evict, pod: KubeObject, node: string, deadline: number, timeoutSeconds: number): Promise<void> {
  const { namespace, name } = pod.metadata as { namespace: string; name: string };
  let said = false;
  for (;;) {
    const r = await evict(namespace, name);
    if (r.result !== 'blocked') return;
    if (!said) ctx.log.progress(`draining ${node}: pod ${namespace}/${name} not evicted yet: ${r.message}`);
    said = true;
    // bounded by the drain's deadline
    if (Date.now() + RETRY_MS > deadline) {
      throw new Error(`draining ${node}: pod ${namespace}/${name} could not be evicted within ${timeoutSeconds}s: ${r.message}; fix: let its PodDisruptionBudget allow a disruption (more replicas, or a lower minAvailable), or raise k3s_upgrade_drain_timeout (${node} stays cordoned until the next run, or kubectl uncordon ${node})`);
    }
    await sleep(RETRY_MS, undefined, { signal: ctx.signal });
  }
}

/** Evicted pods terminate (grace period): wait until each is gone, as kubectl drain does (a watch, lib/wait). */
async function untilGone(ctx: TaskContext, pods: readonly KubeObject[], node: string, deadline: number, timeoutSeconds: number): Promise<void> {
  const cluster = await ctx.cluster();
  try {
    await cluster.wait.podsGone(node, pods, {
      timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)), log: (m) => ctx.log.progress(m), ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (err) {
    if (!(err instanceof HealthTimeoutError)) throw err;
    throw new Error(`draining ${node}: ${err.lastStatus} after ${timeoutSeconds}s; fix: look at the pod's finalizers and grace period, or raise k3s_upgrade_drain_timeout`, { cause: err });
  }
}
