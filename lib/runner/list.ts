/** `--list-hosts`, `--list-tasks`, `--list-tags`: what each play would target and run. Offline. */
import type { ListPlay } from '../report/events.ts';
import type { PreparedRun } from './prepare.ts';

export type { ListKind } from '../report/events.ts';

/** Per play: its pattern, hosts and the tasks that would run (in order, each once). */
export function listPlays(run: PreparedRun): ListPlay[] {
  return run.plays.map((p) => {
    const seen = new Map<string, ListPlay['tasks'][number]>();
    for (const h of p.hosts) {
      for (const t of h.tasks) seen.set(`${t.role.name} : ${t.task.name}`, { role: t.role.name, task: t.task.name, tags: [...t.tags] });
    }
    return {
      name: p.play.name, pattern: p.play.hosts, hosts: p.hosts.map((h) => h.info.name), tasks: [...seen.values()],
      ...(p.skipped ? { skipped: p.skipped } : {}),
    };
  });
}
