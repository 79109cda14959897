/**
 * The timing summary after PLAY RECAP, as Ansible's profile_tasks (slowest tasks) and
 * profile_roles callbacks give it, plus the time each host spent in tasks.
 *
 *   TASKS RECAP (slowest 10) ********************************************************
 *   istio : istio gateway [server1] ----------------------------------------- 2.83s
 *   HOSTS RECAP (time in tasks) *****************************************************
 *   server1 ------------------------------------------------------ 9.71s (26 tasks)
 */
import { formatDuration } from './format.ts';

export interface TaskTime {
  role: string;
  task: string;
  host: string;
  ms: number;
}

const SLOWEST = 10;

/** `left ----- right`, dashes filling the line to `columns`, as profile_tasks pads. */
function dashed(left: string, right: string, columns: number): string {
  const dashes = Math.max(3, columns - left.length - right.length - 2);
  return `${left} ${'-'.repeat(dashes)} ${right}`;
}

export function slowestTasks(times: readonly TaskTime[], columns: number, n = SLOWEST): string[] {
  return [...times].sort((a, b) => b.ms - a.ms).slice(0, n)
    .map((t) => dashed(`${t.role} : ${t.task} [${t.host}]`, formatDuration(t.ms), columns));
}

export function hostTimes(times: readonly TaskTime[], columns: number): string[] {
  const per = new Map<string, { ms: number; tasks: number }>();
  for (const t of times) {
    const h = per.get(t.host) ?? { ms: 0, tasks: 0 };
    h.ms += t.ms;
    h.tasks += 1;
    per.set(t.host, h);
  }
  return [...per].sort(([a], [b]) => a.localeCompare(b))
    .map(([host, h]) => dashed(host, `${formatDuration(h.ms)} (${h.tasks} task${h.tasks === 1 ? '' : 's'})`, columns));
}
