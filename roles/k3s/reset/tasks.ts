/**
 * reset: confirmation (once), then on every node k3s's uninstall scripts (agent first, then
 * server) and whatever k3s data they left, then the controller's kubeconfig entry. Without
 * confirmation no node is touched: every node's task checks it.
 */
import { createInterface } from 'node:readline/promises';
import { CapstanError } from '../../../lib/errors.ts';
import type { RoleContext, Task, TaskContext, TaskResult } from '../../../lib/role.ts';
import { raw, sh } from '../../../lib/shell.ts';
import { envFilePath, INSTALL_STAMP_PATH } from '../config.ts';
import { BECOME } from '../files.ts';
import { controllerPath, readLocal, removeFromKubeconfig, writeLocalPrivate } from '../kubeconfig.ts';
import { kubeconfigPathOf } from '../publish.ts';
import { AIRGAP_SCRIPT_PATH } from '../source.ts';

const CONFIRMED = 'k3s:reset-confirmed';

interface ResetVars {
  readonly k3s_server_group: string;
  readonly k3s_agent_group: string;
  readonly kubeconfig: string | undefined;
  readonly kubeconfig_merge: string | undefined;
  readonly cluster_context: string;
  readonly systemd_dir: string;
  readonly k3s_reset_confirm: boolean;
}

async function confirm(ctx: TaskContext, vars: ResetVars): Promise<TaskResult> {
  const hosts = ctx.playHosts.map((h) => h.name).join(', ');
  if (vars.k3s_reset_confirm) {
    ctx.shared.set(CONFIRMED, true);
    return { status: 'ok', msg: 'confirmed by k3s_reset_confirm' };
  }
  if (!process.stdin.isTTY) {
    throw new CapstanError(`reset removes k3s and all its data from ${hosts}; not confirmed`, { hint: 'run it again with -e k3s_reset_confirm=true' });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`\nreset removes k3s and ALL its data from ${hosts}. Type "yes" to go on: `, { signal: ctx.signal });
    if (answer.trim() !== 'yes') throw new CapstanError('reset not confirmed: nothing was changed');
  } finally {
    rl.close();
  }
  ctx.shared.set(CONFIRMED, true);
  return { status: 'ok', msg: 'confirmed' };
}

async function uninstall(ctx: TaskContext, vars: ResetVars): Promise<TaskResult> {
  if (ctx.shared.get(CONFIRMED) !== true) throw new CapstanError('reset was not confirmed: this node was left alone');
  const t = await ctx.transport();
  const found = (await t.must(sh`for f in /usr/local/bin/k3s-agent-uninstall.sh /usr/local/bin/k3s-uninstall.sh; do [ -x "$f" ] && echo "$f"; done; ${raw('true')}`, BECOME)).stdout
    .split('\n').filter(Boolean);
  if (ctx.check) return { status: found.length ? 'changed' : 'ok', msg: found.length ? `would run ${found.join(', ')}` : 'k3s is not installed' };
  for (const script of found) await t.must(sh`${script}`, BECOME);
  const leftovers = ['/etc/rancher/k3s', '/var/lib/rancher/k3s', INSTALL_STAMP_PATH, AIRGAP_SCRIPT_PATH,
    envFilePath(vars.systemd_dir, 'agent'), envFilePath(vars.systemd_dir, 'server')];
  const removed = (await t.must(sh`for p in ${leftovers}; do [ -e "$p" ] && rm -rf "$p" && echo "$p"; done; ${raw('true')}`, BECOME)).stdout.split('\n').filter(Boolean);
  if (!found.length && !removed.length) return { status: 'ok', msg: 'k3s is not installed' };
  return { status: 'changed', msg: [...found.map((s) => `ran ${s}`), ...removed.map((p) => `removed ${p}`)].join(', ') };
}

function forgetKubeconfig(ctx: TaskContext, vars: ResetVars, inventoryDir: string): TaskResult {
  const paths = [kubeconfigPathOf({ vars, inventoryDir }), ...(vars.kubeconfig_merge ? [controllerPath(vars.kubeconfig_merge, inventoryDir)] : [])];
  const changed: string[] = [];
  for (const path of paths) {
    const text = readLocal(path);
    if (text === undefined) continue;
    if (writeLocalPrivate(path, removeFromKubeconfig(text, vars.cluster_context), ctx.check)) changed.push(path);
  }
  return changed.length
    ? { status: 'changed', msg: `removed context ${vars.cluster_context} from ${changed.join(', ')}` }
    : { status: 'ok', msg: `no context ${vars.cluster_context} in ${paths.join(', ')}` };
}

export function resetTasks(vars: ResetVars, ctx: RoleContext): Task[] {
  return [
    { name: 'k3s reset confirmation', runOnce: true, run: (c) => confirm(c, vars) },
    { name: 'k3s uninstall', run: (c) => uninstall(c, vars) },
    { name: 'k3s kubeconfig entry removed', runOnce: true, run: async (c) => forgetKubeconfig(c, vars, ctx.inventoryDir) },
  ];
}
