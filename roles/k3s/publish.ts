/**
 * The first server's k3s.yaml, published on the controller: server rewritten to api_endpoint,
 * context renamed to cluster_context, written 0600 to `kubeconfig` (and merged into
 * `kubeconfig_merge` when set; an existing file keeps its other contexts), and handed to later
 * plays of the run through ctx.shared.
 */
import type { TaskContext } from '../../lib/role.ts';
import { registerSecret } from '../../lib/secrets.ts';
import type { Transport } from '../../lib/transport/types.ts';
import { controllerPath, mergeKubeconfig, readLocal, rewriteKubeconfig, writeLocalPrivate } from './kubeconfig.ts';
import type { NodeSetup } from './setup.ts';
import { fetchK3sYaml } from './wait.ts';

/** Where the controller keeps the cluster's kubeconfig (k3s-ansible's default: ~/.kube/config.new). */
export function kubeconfigPathOf(s: { vars: { kubeconfig: string | undefined }; inventoryDir: string }): string {
  return controllerPath(s.vars.kubeconfig ?? '~/.kube/config.new', s.inventoryDir);
}

/** Registers every credential of a kubeconfig (tokens, client keys) as a secret. */
function registerCredentials(yamlText: string): void {
  for (const m of yamlText.matchAll(/^\s*(client-key-data|token|password|client-certificate-data):\s*(\S+)\s*$/gm)) registerSecret(m[2]!);
}

export async function publishKubeconfig(ctx: TaskContext, t: Transport, s: NodeSetup): Promise<{ changed: boolean; msg: string }> {
  const k3sYaml = await fetchK3sYaml(t, s.vars.k3s_wait_timeout, (m) => ctx.log.progress(m));
  registerCredentials(k3sYaml);
  const ours = rewriteKubeconfig(k3sYaml, s.topology.apiUrl, s.vars.cluster_context);
  const targets = [kubeconfigPathOf(s), ...(s.vars.kubeconfig_merge ? [controllerPath(s.vars.kubeconfig_merge, s.inventoryDir)] : [])];
  let changed = false;
  // an existing file keeps its other contexts (kubeconfig may well be ~/.kube/config)
  for (const path of targets) {
    const existing = readLocal(path);
    changed = writeLocalPrivate(path, existing ? mergeKubeconfig(existing, ours, s.vars.cluster_context) : ours, ctx.check) || changed;
  }
  // later plays get exactly this cluster, whatever the file's current-context says
  if (!ctx.check) ctx.shared.set('kubeconfig', { content: ours });
  const written = targets;
  const what = `kubeconfig ${written.join(' and ')} (context ${s.vars.cluster_context}, server ${s.topology.apiUrl})`;
  return { changed, msg: changed ? `wrote ${what}` : `${what} unchanged` };
}
