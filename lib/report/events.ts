/**
 * What a run reports, as events: the console reporter renders them Ansible-style, the JSON
 * reporter writes one per line for CI. Both mask every string through lib/secrets.ts.
 */
import { ExitCode } from '../errors.ts';
import type { Problem } from '../errors.ts';
import type { PlanEntry, TaskStatus } from '../results.ts';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** Every event the runner emits; the wire form (--json) is lib/report/event-schema.ts. */
export type RunEvent =
  | { type: 'run_start'; playbook: string; mode: 'run' | 'check' | 'plan' | 'list'; check: boolean; diff: boolean; list?: ListKind[] }
  | { type: 'play_start'; play: string; hosts: string[]; skipped?: string }
  | { type: 'task_start'; play: string; role: string; task: string; hosts: string[] }
  /** Every host of the task has its result (console: the task's output is complete). */
  | { type: 'task_end'; play: string; role: string; task: string; duration_ms: number }
  | {
    type: 'task_result'; role: string; task: string; host: string; status: TaskStatus;
    duration_ms: number; msg?: string; diff?: string; data?: Record<string, unknown>;
  }
  | { type: 'progress'; role: string; task: string; host: string; level: 'progress' | 'verbose' | 'warn'; message: string }
  /** A Helm release or a health wait inside a task finished; it began duration_ms earlier. */
  | { type: 'span'; role: string; task: string; host: string; kind: 'helm' | 'wait'; name: string; duration_ms: number; failed: boolean }
  | { type: 'warning'; message: string }
  | { type: 'plan'; play: string; host: string; roles: PlanRole[] }
  | { type: 'list'; kind: ListKind; playbook: string; plays: ListPlay[] }
  | { type: 'recap'; hosts: Record<string, HostStats>; duration_ms: number; exit_code: number }
  /** --json only: the run could not start (bad input: every problem), or failed inside capstan. */
  | { type: 'error'; message: string; problems: Problem[]; exit_code: number };

export interface PlanRole {
  role: string;
  vars: Record<string, { value: unknown; source: string }>;
  tasks: { name: string; tags: string[]; runOnce: boolean; skipReason?: string; entries: PlanEntry[] }[];
}

export type ListKind = 'hosts' | 'tasks' | 'tags';

/** One play as --list-* shows it. */
export interface ListPlay {
  name: string;
  pattern: string;
  hosts: string[];
  skipped?: string;
  tasks: { role: string; task: string; tags: string[] }[];
}

export interface Reporter {
  emit(event: RunEvent): void;
}

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** Counts results per host as Ansible's recap does (a changed task also counts as ok). */
export class Stats {
  readonly hosts = new Map<string, HostStats>();

  add(host: string, status: TaskStatus): void {
    const s = this.of(host);
    if (status === 'changed') { s.changed++; s.ok++; }
    else if (status === 'ok') s.ok++;
    else if (status === 'skipped') s.skipped++;
    else if (status === 'failed') s.failed++;
    else s.unreachable++;
  }

  of(host: string): HostStats {
    let s = this.hosts.get(host);
    if (!s) { s = emptyStats(); this.hosts.set(host, s); }
    return s;
  }

  /**
   * Ansible's exit code: 2 when a host failed, else 4 when one was unreachable, else 0; with
   * `detailed` (--detailed-exitcode), 6 instead of 0 when a task changed (or would change).
   */
  exitCode(detailed = false): number {
    const all = [...this.hosts.values()];
    if (all.some((s) => s.failed > 0)) return ExitCode.hostFailed;
    if (all.some((s) => s.unreachable > 0)) return ExitCode.hostUnreachable;
    return detailed && all.some((s) => s.changed > 0) ? ExitCode.changesPending : ExitCode.ok;
  }

  toJSON(): Record<string, HostStats> {
    return Object.fromEntries(this.hosts);
  }
}

/** A fan-out reporter. */
export function multiReporter(...reporters: Reporter[]): Reporter {
  return { emit: (e) => reporters.forEach((r) => r.emit(e)) };
}
