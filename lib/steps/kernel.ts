/**
 * Kernel steps: a sysctl value (set live with `sysctl -w`, persisted in /etc/sysctl.d), and a
 * kernel module (loaded with modprobe, persisted in /etc/modules-load.d). Read first, change only
 * what differs, nothing in check mode.
 */
import type { TaskContext, TaskResult } from '../role.ts';
import { sh } from '../shell.ts';
import { result } from './common.ts';
import { ensureLine, putFile } from './files.ts';
import { modulesLoadFile, moduleProbe, runProbe, SYSCTL_DEFAULT_FILE, sysctlProbe } from './reads.ts';

const SYSCTL_NAME = /^[a-zA-Z0-9_.\-/]+$/;
const MODULE_NAME = /^[a-zA-Z0-9_-]+$/;

export interface SysctlArgs {
  name: string;
  value: string | number;
  /** Also write it to `file` so it survives a reboot (default true). */
  persist?: boolean;
  /** Default /etc/sysctl.d/99-capstan.conf. */
  file?: string;
  become?: boolean;
}

/** Merge two step results: changed if either changed, messages joined. */
function merge(a: TaskResult, b: TaskResult | undefined): TaskResult {
  if (!b) return a;
  const changed = a.status === 'changed' || b.status === 'changed';
  const msgs = [a, b].filter((r) => r.status === 'changed').map((r) => r.msg).filter(Boolean);
  const diff = [a.diff, b.diff].filter(Boolean).join('\n');
  return { status: changed ? 'changed' : 'ok', msg: changed ? msgs.join('; ') : a.msg ?? '', ...(diff ? { diff } : {}) };
}

export async function sysctl(ctx: TaskContext, args: SysctlArgs): Promise<TaskResult> {
  if (!SYSCTL_NAME.test(args.name)) throw new Error(`sysctl: invalid name ${JSON.stringify(args.name)}`);
  const t = await ctx.transport();
  const become = args.become === undefined ? {} : { become: args.become };
  const want = String(args.value).trim();
  const now = (await runProbe(t, sysctlProbe(args.name, args), true)).stdout.trim().replace(/\s+/g, ' ');
  const live = now === want.replace(/\s+/g, ' ') ? [] : [`${args.name} ${now} → ${want}`];
  if (live.length && !ctx.check) await t.must(sh`sysctl -q -w ${`${args.name}=${want}`}`, become);
  const liveResult = result(ctx, live, `${args.name} = ${now}`);
  if (args.persist === false) return liveResult;
  const escaped = args.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const persisted = await ensureLine(ctx, {
    path: args.file ?? SYSCTL_DEFAULT_FILE, line: `${args.name} = ${want}`,
    regexp: new RegExp(`^\\s*${escaped}\\s*=`), mode: 0o644, ...become,
  });
  return merge(liveResult, persisted);
}

export interface KernelModuleArgs {
  name: string;
  /** Also list it in /etc/modules-load.d/<name>.conf (default true). */
  persist?: boolean;
  become?: boolean;
}

export async function kernelModule(ctx: TaskContext, args: KernelModuleArgs): Promise<TaskResult> {
  if (!MODULE_NAME.test(args.name)) throw new Error(`kernelModule: invalid name ${JSON.stringify(args.name)}`);
  const t = await ctx.transport();
  const become = args.become === undefined ? {} : { become: args.become };
  const loaded = (await runProbe(t, moduleProbe(args.name, args))).code === 0;
  if (!loaded && !ctx.check) await t.must(sh`modprobe -- ${args.name}`, become);
  const liveResult = result(ctx, loaded ? [] : [`loaded module ${args.name}`], `module ${args.name} loaded`);
  if (args.persist === false) return liveResult;
  const persisted = await putFile(ctx, { path: modulesLoadFile(args.name), content: `${args.name}\n`, mode: 0o644, ...become });
  return merge(liveResult, persisted);
}
