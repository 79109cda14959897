/**
 * upgrade with k3s_upgrade_drain: cordon the node (server-side apply of spec.unschedulable),
 * delete its pods except DaemonSet pods (their controllers re-create them elsewhere), and
 * uncordon it once it is Ready on the new version.
 */
import type { TaskContext } from '../../lib/role.ts';

export async function setUnschedulable(ctx: TaskContext, node: string, unschedulable: boolean): Promise<void> {
  const cluster = await ctx.cluster();
  await cluster.apply([{ apiVersion: 'v1', kind: 'Node', metadata: { name: node }, spec: { unschedulable } }], { check: ctx.check, diff: false, force: true });
}

export async function drainNode(ctx: TaskContext, node: string): Promise<number> {
  await setUnschedulable(ctx, node, true);
  const cluster = await ctx.cluster();
  const pods = (await cluster.list('v1', 'Pod')).filter((p) => {
    const spec = p['spec'] as { nodeName?: string } | undefined;
    const owners = (p.metadata['ownerReferences'] as { kind: string }[] | undefined) ?? [];
    return spec?.nodeName === node && !owners.some((o) => o.kind === 'DaemonSet');
  });
  ctx.log.progress(`draining ${node}: ${pods.length} pod(s)`);
  if (pods.length) await cluster.delete(pods, { check: ctx.check });
  return pods.length;
}
