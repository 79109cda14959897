/**
 * What a run reports, as events: the console reporter renders them Ansible-style, the JSON
 * reporter writes one per line for CI. Both mask every string through lib/secrets.ts.
 */
import type { Problem } from '../errors.ts';
import type { PlanEntry, TaskStatus } from '../role.ts';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type RunEvent =
  | { type: 'play_start'; play: string; hosts: string[]; skipped?: string }
  | { type: 'task_start'; play: string; role: string; task: string; hosts: string[] }
  | {
    type: 'task_result'; role: string; task: string; host: string; status: TaskStatus;
    duration_ms: number; msg?: string; diff?: string; data?: Record<string, unknown>;
  }
  | { type: 'progress'; role: string; task: string; host: string; level: 'progress' | 'verbose' | 'warn'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'plan'; play: string; host: string; roles: PlanRole[] }
  | { type: 'recap'; hosts: Record<string, HostStats>; duration_ms: number; exit_code: number }
  /** --json only: the run could not start (bad input: every problem), or failed inside capstan. */
  | { type: 'error'; message: string; problems: Problem[]; exit_code: number };

export interface PlanRole {
  role: string;
  vars: Record<string, { value: unknown; source: string }>;
  tasks: { name: string; tags: string[]; runOnce: boolean; skipReason?: string; entries: PlanEntry[] }[];
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

  /** Ansible's exit code: 2 when a host failed, else 4 when one was unreachable, else 0. */
  exitCode(): number {
    const all = [...this.hosts.values()];
    if (all.some((s) => s.failed > 0)) return 2;
    if (all.some((s) => s.unreachable > 0)) return 4;
    return 0;
  }

  toJSON(): Record<string, HostStats> {
    return Object.fromEntries(this.hosts);
  }
}

/** A fan-out reporter. */
export function multiReporter(...reporters: Reporter[]): Reporter {
  return { emit: (e) => reporters.forEach((r) => r.emit(e)) };
}
