/**
 * `--start-at-task NAME`, as ansible-playbook does it: the run starts at the first task whose
 * name (or `role : name`) matches NAME (shell wildcards allowed); every task before it, in that
 * play and in the plays before, is left out. No task matching is bad input, with the nearest name.
 */
import { InputError } from '../errors.ts';
import { closest } from '../vars/suggest.ts';
import type { HostTask, PreparedRun } from './prepare.ts';

function glob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function startAtTask(run: PreparedRun, pattern: string): PreparedRun {
  const re = glob(pattern);
  const matches = (t: HostTask) => re.test(t.task.name) || re.test(`${t.role.name} : ${t.task.name}`);
  let found = false;
  const plays = run.plays.map((p) => {
    if (found) return p;
    if (!p.hosts.some((h) => h.tasks.some(matches))) return { ...p, hosts: [], skipped: p.skipped ?? 'before the --start-at-task task' };
    found = true;
    return { ...p, hosts: p.hosts.map((h) => {
      const first = h.tasks.findIndex(matches);
      return { ...h, tasks: first < 0 ? [] : h.tasks.slice(first) };
    }) };
  });
  if (!found) {
    const names = [...new Set(run.plays.flatMap((p) => p.hosts.flatMap((h) => h.tasks.map((t) => `${t.role.name} : ${t.task.name}`))))];
    const near = closest(pattern, names) ?? closest(pattern, names.map((n) => n.split(' : ')[1]!));
    throw new InputError([{ file: '', key: '--start-at-task', message: `no task that would run is named ${JSON.stringify(pattern)}${near ? `; did you mean "${near}"?` : ''} (npm run play -- --list-tasks)` }]);
  }
  return { ...run, plays };
}
