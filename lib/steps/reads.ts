/**
 * What each step reads before it decides (its probes), built in one place: the steps run these
 * exact commands (read-only), and a role lists them for the steps a task will run so the
 * transport answers them all from one round trip (Transport.prefetch, lib/transport/prefetch.ts):
 *
 *   await prefetch(ctx, [...reads.putFile(a), ...reads.sysctl(b)]);  // one remote command
 *   await putFile(ctx, a); await sysctl(ctx, b);                      // no more on a no-op
 *
 * A read listed here that a step no longer makes costs nothing but its place in the batch; a
 * probe a step makes that is not listed runs on its own, as without prefetch. A task that lists
 * its reads as Task.reads has the runner do the prefetch for it (lib/runner/prefetch.ts).
 */
import type { TaskContext } from '../role.ts';
import { sh, type Cmd } from '../shell.ts';
import type { CommandResult, PrefetchRead, Transport } from '../transport/types.ts';
import { pathProbe, type CmdRead } from './path-probe.ts';

export { pathProbe, type CmdRead };

type Become = { become?: boolean };
const as = (o: Become) => o.become === undefined ? {} : { become: o.become };

/** A file's mode, owner, group and text (ensureLine). */
export function lineProbe(path: string, o: Become = {}): CmdRead {
  return { cmd: sh`if test -f ${path}; then stat -c '%a|%U|%G' -- ${path} && cat -- ${path}; else echo absent; fi`, ...as(o) };
}

/** A sysctl's live value. */
export function sysctlProbe(name: string, o: Become = {}): CmdRead {
  return { cmd: sh`sysctl -n ${name}`, ...as(o) };
}

/** Whether a kernel module is loaded. */
export function moduleProbe(name: string, o: Become = {}): CmdRead {
  return { cmd: sh`test -d ${`/sys/module/${name.replace(/-/g, '_')}`}`, ...as(o) };
}

export const SYSCTL_DEFAULT_FILE = '/etc/sysctl.d/99-capstan.conf';
export const modulesLoadFile = (name: string): string => `/etc/modules-load.d/${name}.conf`;

/** The reads of each step, by the step's own arguments. */
export const reads = {
  /** A read-only command: `fact(ctx, key, cmd, …)` or `command(ctx, cmd, { readOnly: true })`. */
  command: (cmd: Cmd, o: Become = {}): CmdRead[] => [{ cmd, ...as(o) }],
  putFile: (a: { path: string } & Become): CmdRead[] => [pathProbe(a.path, { ...a, checksum: true })],
  ensureDirectory: (a: { path: string } & Become): CmdRead[] => [pathProbe(a.path, a)],
  ensureLine: (a: { path: string } & Become): CmdRead[] => [lineProbe(a.path, a)],
  sysctl: (a: { name: string; persist?: boolean; file?: string } & Become): CmdRead[] => [
    sysctlProbe(a.name, a), ...(a.persist === false ? [] : [lineProbe(a.file ?? SYSCTL_DEFAULT_FILE, a)]),
  ],
  kernelModule: (a: { name: string; persist?: boolean } & Become): CmdRead[] => [
    moduleProbe(a.name, a), ...(a.persist === false ? [] : reads.putFile({ ...a, path: modulesLoadFile(a.name) })),
  ],
};

/** Run `list` as one remote command on the task's host (nothing when its transport cannot). */
export async function prefetch(ctx: Pick<TaskContext, 'transport'>, list: readonly PrefetchRead[]): Promise<void> {
  if (list.length === 0) return;
  const t = await ctx.transport();
  await t.prefetch?.(list);
}

/** Run a step's probe: read-only, so answered by a prefetch and not counted as a change. */
export function runProbe(t: Transport, probe: CmdRead, must: true): Promise<CommandResult>;
export function runProbe(t: Transport, probe: CmdRead, must?: false): Promise<CommandResult>;
export function runProbe(t: Transport, probe: CmdRead, must = false): Promise<CommandResult> {
  const o = { ...(probe.become === undefined ? {} : { become: probe.become }), readOnly: true };
  return must ? t.must(probe.cmd, o) : t.run(probe.cmd, o);
}
