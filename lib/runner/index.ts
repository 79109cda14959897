/**
 * The runner: load the playbook and its roles, prepare (hosts, tags, validated vars, tasks:
 * all before any connection), then plan, list or execute. Every transport and the cluster are
 * closed at the end, also when the run is interrupted.
 */
import { dirname, relative } from 'node:path';
import { ExitCode } from '../errors.ts';
import { newRunIdentity } from '../lock/identity.ts';
import type { VarLayer } from '../inventory/types.ts';
import type { Reporter } from '../report/events.ts';
import { profile } from '../report/profile.ts';
import type { HostStats } from '../report/events.ts';
import { RunServices } from './context.ts';
import type { OpenCluster, OpenHostTransport, ServicesOptions } from './context.ts';
import { ignoredSshOptionWarnings } from './ssh-warnings.ts';
import { executeRun } from './execute.ts';
import { listPlays } from './list.ts';
import type { ListKind } from './list.ts';
import { loadPlatformRoles, loadPlaybook, loadRoles, roleDirs } from './load.ts';
import { emitPlan } from './plan.ts';
import { prepareRun } from './prepare.ts';
import { startAtTask } from './start-at.ts';
import type { InventorySource, PreparedRun } from './prepare.ts';

export interface PlaybookRunOptions {
  readonly projectDir: string;
  /** A name under playbooks/ (default `site`) or a path. */
  readonly playbook?: string;
  /** Where roles are looked up first (then roles/ next to the playbook, then `<projectDir>/roles`). */
  readonly rolesDir?: string;
  readonly source: InventorySource;
  readonly extraVars?: readonly VarLayer[];
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  readonly limit?: string;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly forks?: number;
  /** run (default), plan (offline), or one or more lists (offline; --list-hosts with --list-tasks). */
  readonly mode?: 'run' | 'plan' | { list: ListKind | readonly ListKind[] };
  /** --start-at-task: leave out every task before the first one with this name (wildcards allowed). */
  readonly startAtTask?: string;
  readonly reporter: Reporter;
  /** --detailed-exitcode: exit 6 (changesPending) instead of 0 when a task changed or would change. */
  readonly detailedExitcode?: boolean;
  /** Emit the plan events in a run too (for --report: the objects each task manages). */
  readonly planInRun?: boolean;
  /** First Ctrl-C: start nothing more; a running helm may finish (helm_interrupt_grace). */
  readonly signal?: AbortSignal;
  /** Second Ctrl-C: stop what still runs at once. */
  readonly force?: AbortSignal;
  readonly acceptNewHostKeys?: boolean;
  /** The machine's SSH files (~/.ssh/config, /etc/ssh; tests inject temp ones) and the key passphrase prompt. */
  readonly ssh?: ServicesOptions['ssh'];
  readonly openTransport?: OpenHostTransport;
  readonly openCluster?: OpenCluster;
}

export interface PlaybookOutcome {
  readonly exitCode: number;
  readonly hosts: Record<string, HostStats>;
  readonly interrupted: boolean;
}

/** Whether a task of the run belongs to a role that uses the cluster (its tasks, after --tags and --limit). */
export function selectsClusterRole(run: PreparedRun): boolean {
  return run.plays.some((p) => p.hosts.some((h) => h.tasks.some((t) => t.role.usesCluster === true)));
}

/** Runs a playbook. Throws InputError (exit 5) for bad input, before anything connects. */
export async function runPlaybook(o: PlaybookRunOptions): Promise<PlaybookOutcome> {
  const started = Date.now();
  const t0 = performance.now();
  const signal = o.signal ?? new AbortController().signal;
  const { playbook, file } = await loadPlaybook(o.playbook ?? 'site', o.projectDir);
  const dirs = roleDirs(file, o.projectDir, o.rolesDir);
  const roles = await loadRoles(playbook, dirs);
  const platformRoles = await loadPlatformRoles(o.projectDir, file, roles, dirs);
  const mode = o.mode ?? 'run';
  const all = prepareRun({
    source: o.source, playbook, roles, platformRoles, limit: o.limit, extraVars: o.extraVars ?? [],
    filter: { tags: o.tags ?? [], skipTags: o.skipTags ?? [] },
    // listings do not validate vars (as Ansible's); play-context vars as Ansible defines them in a run
    lenient: typeof mode === 'object',
    play: { checkMode: o.check ?? false, diffMode: o.diff ?? false, playbookDir: dirname(file) },
  });
  const prepared = o.startAtTask !== undefined ? startAtTask(all, o.startAtTask) : all;
  const shownPlaybook = relative(o.projectDir, file) || file;
  profile.phase('playbook, roles, vars (validated)', t0);
  o.reporter.emit({
    type: 'run_start', playbook: shownPlaybook, check: o.check ?? false, diff: o.diff ?? false,
    ...(typeof mode === 'object' ? { mode: 'list', list: [mode.list].flat() } : { mode: mode === 'run' && o.check ? 'check' : mode }),
  });
  for (const message of [...prepared.warnings, ...ignoredSshOptionWarnings(prepared)]) o.reporter.emit({ type: 'warning', message });
  if (mode !== 'run') {
    if (mode === 'plan') emitPlan(prepared, o.reporter);
    else for (const kind of [mode.list].flat()) o.reporter.emit({ type: 'list', kind, playbook: shownPlaybook, plays: listPlays(prepared) });
    o.reporter.emit({ type: 'recap', hosts: {}, duration_ms: Date.now() - started, exit_code: ExitCode.ok });
    return { exitCode: ExitCode.ok, hosts: {}, interrupted: false };
  }
  if (o.planInRun) emitPlan(prepared, o.reporter);
  const run = newRunIdentity();
  const say = (message: string) => o.reporter.emit({ type: 'warning', message });
  const services = new RunServices({
    signal, acceptNewHostKeys: o.acceptNewHostKeys ?? false,
    ...(o.ssh ? { ssh: o.ssh } : {}),
    lock: { run, mode: o.check ? 'read' : 'take', say },
    ...(o.force ? { force: o.force } : {}),
    ...(o.openTransport ? { openTransport: o.openTransport } : {}),
    ...(o.openCluster ? { openCluster: o.openCluster } : {}),
  });
  if (selectsClusterRole(prepared)) services.preloadCluster();
  let stats;
  const t1 = performance.now();
  try {
    stats = await executeRun(prepared, {
      reporter: o.reporter, services, check: o.check ?? false, diff: o.diff ?? false, signal,
      ...(o.forks !== undefined ? { forks: o.forks } : {}),
    });
  } finally {
    profile.phase('tasks', t1);
    const t2 = performance.now();
    await services.close();
    profile.phase('closing connections', t2);
  }
  const interrupted = signal.aborted;
  const exitCode = interrupted ? ExitCode.interrupted : stats.exitCode(o.detailedExitcode ?? false);
  o.reporter.emit({ type: 'recap', hosts: stats.toJSON(), duration_ms: Date.now() - started, exit_code: exitCode });
  return { exitCode, hosts: stats.toJSON(), interrupted };
}

export { selectHosts, applyLimit, splitPattern } from './patterns.ts';
export { tagsSelected, parseTagList } from './tags.ts';
export type { InventorySource } from './prepare.ts';
export type { OpenCluster, OpenClusterArgs, ClusterHandle, OpenHostTransport } from './context.ts';
