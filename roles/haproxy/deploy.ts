/**
 * Safe HAProxy deploy on one load balancer: compare, upload to a temp path next to the config,
 * `haproxy -c -f` it there, and only when valid keep a backup, rename it into place (atomic) and
 * reload. Identical config: no upload, no reload. Invalid: the temp file goes, the running config
 * stays, and the error carries haproxy's own message. A failed reload restores the backup.
 */
import { randomBytes } from 'node:crypto';
import { CapstanError, CommandError } from '../../lib/errors.ts';
import type { TaskContext, TaskResult } from '../../lib/role.ts';
import { probePath, sha256 } from '../../lib/steps/common.ts';
import { unifiedDiff } from '../../lib/diff.ts';
import { sh } from '../../lib/shell.ts';
import { ansibleBool } from '../../lib/transport/connection.ts';
import type { Cmd } from '../../lib/shell.ts';
import type { Transport } from '../../lib/transport/types.ts';
import { pruneBackups, writeBackup } from './backup.ts';
import type { HaproxyRoleVars } from './vars.ts';

export interface DeployPlan {
  readonly text: string;
  /** The config holds a secret (stats password): 0640 and the haproxy group. */
  readonly secret: boolean;
}

interface Remote {
  readonly t: Transport;
  readonly become: boolean;
  readonly timeoutMs: number;
}

const must = async (r: Remote, cmd: Cmd): Promise<string> => (await r.t.must(cmd, { become: r.become, timeoutMs: r.timeoutMs })).stdout;

/** The reload command: haproxy_reload_command, else systemd's reload where systemd runs. Decided before any change. */
async function reloadCommand(r: Remote, vars: HaproxyRoleVars): Promise<Cmd> {
  if (vars.haproxy_reload_command) return sh`${vars.haproxy_reload_command}`;
  const probe = await r.t.run(sh`test -d /run/systemd/system`, { become: r.become, timeoutMs: r.timeoutMs });
  if (probe.code === 0) return sh`systemctl reload-or-restart ${vars.haproxy_service}`;
  throw new CapstanError(`${r.t.host}: no systemd here to reload HAProxy, and haproxy_reload_command is not set; nothing was changed`, {
    hint: "set haproxy_reload_command in the loadbalancers' group_vars, e.g. ['sh', '-c', 'haproxy -D -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid -sf $(cat /run/haproxy.pid)']",
  });
}

/** Keep a backup and rename the validated file in; if either fails, the temp file goes too (nothing half-done). */
async function swapIn(r: Remote, vars: HaproxyRoleVars, tmp: string, text: string, hadOld: boolean): Promise<string | undefined> {
  const path = vars.haproxy_config_path;
  try {
    const backup = hadOld && vars.haproxy_backup ? await writeBackup(r, path, text) : undefined;
    await must(r, sh`mv -f -- ${tmp} ${path}`);
    return backup;
  } catch (err) {
    await r.t.run(sh`rm -f -- ${tmp}`, { become: r.become, timeoutMs: r.timeoutMs });
    throw err;
  }
}

/** Swap the validated file in (keeping a backup), reload; on a failed reload put the old file back. */
async function install(r: Remote, vars: HaproxyRoleVars, tmp: string, text: string, hadOld: boolean, reload: Cmd): Promise<string | undefined> {
  const path = vars.haproxy_config_path;
  const backup = await swapIn(r, vars, tmp, text, hadOld);
  const out = await r.t.run(reload, { become: r.become, timeoutMs: r.timeoutMs });
  if (out.code === 0) {
    if (backup) await pruneBackups(r, path, vars.haproxy_backup_keep, text);
    return backup;
  }
  const restored = backup ? await r.t.run(sh`cp -p ${backup} ${path}.capstan-restore && mv -f ${path}.capstan-restore ${path}`, { become: r.become, timeoutMs: r.timeoutMs }) : undefined;
  const notRestored = restored && restored.code !== 0 ? ` (restoring ${backup} failed: ${restored.stderr.trim() || `exit ${restored.code}`})` : '';
  throw new CommandError(r.t.host, reload.text, out.code, `${out.stderr}\n${out.stdout}`, {
    hint: restored?.code === 0 ? `the previous config was restored from ${backup}` : `the new config is in place at ${path}; the reload failed${notRestored}`,
  });
}

export async function deployHaproxy(ctx: TaskContext, vars: HaproxyRoleVars, plan: DeployPlan): Promise<TaskResult> {
  const t = await ctx.transport();
  const r: Remote = { t, become: ansibleBool(ctx.host.vars.ansible_become), timeoutMs: vars.haproxy_command_timeout * 1000 };
  const path = vars.haproxy_config_path;
  const state = await probePath(t, path, { checksum: true, become: r.become });
  if (state.kind !== 'absent' && state.kind !== 'file') throw new CapstanError(`${t.host}: ${path} is not a regular file (${state.kind}); move it away or set haproxy_config_path`);
  if (state.sha256 === sha256(plan.text)) return { status: 'ok', msg: `${path} unchanged: no upload, no reload` };
  const exists = state.kind === 'file';
  const diff = ctx.diff ? { diff: unifiedDiff(path, exists ? (await t.get(path, { become: r.become }))?.toString('utf8') ?? '' : '', plan.text) } : {};
  const reload = await reloadCommand(r, vars);
  if (ctx.check) return { status: 'changed', msg: `would upload, validate and install ${path}, then reload`, ...diff };
  // Unique per run: two runs never validate or install each other's file (the host lock keeps them apart too).
  const tmp = `${path}.capstan-new-${randomBytes(5).toString('hex')}`;
  await t.put(tmp, plan.text, { mode: plan.secret ? 0o640 : 0o644, ...(plan.secret ? { group: vars.haproxy_group } : {}), become: r.become });
  const checkCmd = sh`${vars.haproxy_bin} -c -f ${tmp}`;
  const check = await t.run(checkCmd, { become: r.become, timeoutMs: r.timeoutMs });
  if (check.code !== 0) {
    const rm = await t.run(sh`rm -f ${tmp}`, { become: r.become, timeoutMs: r.timeoutMs });
    const left = rm.code === 0 ? '' : `; removing ${tmp} failed (${rm.stderr.trim() || `exit ${rm.code}`}), delete it by hand`;
    throw new CommandError(t.host, checkCmd.text, check.code, `${check.stdout}\n${check.stderr}`, {
      hint: `the new config is invalid and was not installed; ${path} is unchanged and HAProxy was not reloaded${left}`,
    });
  }
  const backup = await install(r, vars, tmp, plan.text, exists, reload);
  return { status: 'changed', msg: `validated, installed ${path}${backup ? ` (backup ${backup})` : ''} and reloaded (${reload.text})`, ...diff };
}
