/**
 * Command steps: run a command with Ansible's creates/removes/changed_when rules, and read a
 * fact (a read-only command + a parser, cached per host for the run through ctx.fact).
 */
import { CommandError } from '../errors.ts';
import type { TaskContext, TaskResult } from '../role.ts';
import { sh, type Cmd } from '../shell.ts';
import type { CommandResult } from '../transport/types.ts';

export interface CommandArgs {
  /** Skip when this path exists on the host (Ansible's `creates`). */
  creates?: string;
  /** Skip unless this path exists on the host (Ansible's `removes`). */
  removes?: string;
  /** Decide changed from the result (Ansible's `changed_when`); default: changed when it ran. */
  changedWhen?: (r: CommandResult) => boolean;
  /** Exit codes that count as success (default [0]). */
  okCodes?: readonly number[];
  /** Only reads: runs in check mode too and reports ok (changed_when: false, check_mode: false). */
  readOnly?: boolean;
  become?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
  stdin?: string;
}

export interface CommandTaskResult extends TaskResult {
  data?: { rc: number | null; stdout: string; stderr: string };
}

export async function command(ctx: TaskContext, cmd: Cmd, args: CommandArgs = {}): Promise<CommandTaskResult> {
  const t = await ctx.transport();
  const opts = {
    ...(args.become !== undefined ? { become: args.become } : {}),
    ...(args.env ? { env: args.env } : {}),
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
    ...(args.stdin !== undefined ? { stdin: args.stdin } : {}),
    signal: ctx.signal,
  };
  if (args.creates || args.removes) {
    const guard = args.creates ?? args.removes!;
    const exists = (await t.run(sh`test -e ${guard}`, { become: opts.become ?? false, readOnly: true })).code === 0;
    if (args.creates && exists) return { status: 'ok', msg: `skipped: ${args.creates} exists` };
    if (args.removes && !exists) return { status: 'ok', msg: `skipped: ${args.removes} does not exist` };
  }
  if (ctx.check && !args.readOnly) return { status: 'changed', msg: `would run: ${cmd.text}` };
  const r = await t.run(cmd, args.readOnly ? { ...opts, readOnly: true } : opts);
  const ok = args.okCodes ?? [0];
  if (r.code === null || !ok.includes(r.code)) {
    throw new CommandError(t.host, cmd.text, r.code, r.stderr || r.stdout, r.timedOut ? { hint: `timed out after ${args.timeoutMs} ms` } : undefined);
  }
  const changed = args.readOnly ? false : (args.changedWhen ? args.changedWhen(r) : true);
  return { status: changed ? 'changed' : 'ok', data: { rc: r.code, stdout: r.stdout, stderr: r.stderr } };
}

/**
 * A fact: run a read-only command once per host per run and parse its stdout. The command must
 * succeed; runs in check mode too (it only reads).
 */
export function fact<T>(ctx: TaskContext, key: string, cmd: Cmd, parse: (stdout: string) => T, options: { become?: boolean } = {}): Promise<T> {
  return ctx.fact(key, async () => {
    const t = await ctx.transport();
    return parse((await t.must(cmd, { ...options, signal: ctx.signal, readOnly: true })).stdout);
  });
}
