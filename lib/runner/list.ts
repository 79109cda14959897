/** `--list-hosts`, `--list-tasks`, `--list-tags`, shaped as ansible-playbook prints them. Offline. */
import type { PreparedRun } from './prepare.ts';

export type ListKind = 'hosts' | 'tasks' | 'tags';

const tagList = (tags: Iterable<string>): string => `[${[...new Set(tags)].sort().join(', ')}]`;

export function listRun(run: PreparedRun, kind: ListKind, playbookName: string): string {
  const lines = [`playbook: ${playbookName}`];
  run.plays.forEach((p, i) => {
    lines.push('', `  play #${i + 1} (${p.play.hosts}): ${p.play.name}\tTAGS: []`);
    if (kind === 'hosts') {
      lines.push(`    pattern: ['${p.play.hosts}']`, `    hosts (${p.hosts.length}):`, ...p.hosts.map((h) => `      ${h.info.name}`));
      if (p.skipped) lines.push(`    skipped: ${p.skipped}`);
      return;
    }
    const seen = new Map<string, string[]>();
    for (const h of p.hosts) for (const t of h.tasks) seen.set(`${t.role.name} : ${t.task.name}`, t.tags);
    if (kind === 'tasks') {
      lines.push('    tasks:', ...[...seen].map(([name, tags]) => `      ${name}\tTAGS: ${tagList(tags)}`));
    } else {
      lines.push(`      TASK TAGS: ${tagList([...seen.values()].flat())}`);
    }
  });
  return `${lines.join('\n')}\n`;
}
