/** `--plan`: offline. Per play and host, the selected roles' resolved vars and each task's describe(). */
import { SECRET_MASK } from '../secrets.ts';
import type { PlanRole, Reporter } from '../report/events.ts';
import type { VarDefs } from '../vars/schema.ts';
import { errorMessage } from './execute.ts';
import type { PreparedHost, PreparedRun } from './prepare.ts';

function planRoles(h: PreparedHost): PlanRole[] {
  const roles = [...new Set(h.tasks.map((t) => t.role))];
  return roles.map((role) => {
    const typed = h.roleVars.get(role.name) ?? {};
    const defs = role.vars as VarDefs;
    const vars = Object.fromEntries(Object.entries(typed).map(([name, value]) => [name, {
      value: defs[name]?.secret && value !== undefined ? SECRET_MASK : value,
      source: h.resolved.has(name) ? h.resolved.sourceOf(name) : 'unset',
    }]));
    const tasks = h.tasks.filter((t) => t.role === role).map(({ task, tags }) => {
      let entries;
      try {
        entries = task.describe?.() ?? [];
      } catch (err) {
        entries = [{ kind: 'note' as const, text: `describe() failed: ${errorMessage(err)}` }];
      }
      return {
        name: task.name, tags, runOnce: task.runOnce ?? false, entries,
        ...(task.skipReason !== undefined ? { skipReason: task.skipReason } : {}),
      };
    });
    return { role: role.name, vars, tasks };
  });
}

export function emitPlan(run: PreparedRun, reporter: Reporter): void {
  for (const p of run.plays) {
    reporter.emit({ type: 'play_start', play: p.play.name, hosts: p.hosts.map((h) => h.info.name), ...(p.skipped ? { skipped: p.skipped } : {}) });
    const hosts = p.hosts.filter((h) => h.tasks.length > 0);
    // runOnce-only roles act once: plan them for the first host only, as they would run.
    for (const [i, h] of hosts.entries()) {
      const tasks = i === 0 ? h.tasks : h.tasks.filter((t) => !t.task.runOnce);
      if (tasks.length === 0) continue;
      reporter.emit({ type: 'plan', play: p.play.name, host: h.info.name, roles: planRoles({ ...h, tasks }) });
    }
  }
}
