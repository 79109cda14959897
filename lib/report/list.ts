/** The `list` event as text, shaped as ansible-playbook's --list-hosts/--list-tasks/--list-tags print it. */
import type { RunEvent } from './events.ts';

const tagList = (tags: Iterable<string>): string => `[${[...new Set(tags)].sort().join(', ')}]`;

export function renderList(e: Extract<RunEvent, { type: 'list' }>): string {
  const lines = [`playbook: ${e.playbook}`];
  e.plays.forEach((p, i) => {
    lines.push('', `  play #${i + 1} (${p.pattern}): ${p.name}\tTAGS: []`);
    if (e.kind === 'hosts') {
      lines.push(`    pattern: ['${p.pattern}']`, `    hosts (${p.hosts.length}):`, ...p.hosts.map((h) => `      ${h}`));
      if (p.skipped) lines.push(`    skipped: ${p.skipped}`);
    } else if (e.kind === 'tasks') {
      lines.push('    tasks:', ...p.tasks.map((t) => `      ${t.role} : ${t.task}\tTAGS: ${tagList(t.tags)}`));
    } else {
      lines.push(`      TASK TAGS: ${tagList(p.tasks.flatMap((t) => t.tags))}`);
    }
  });
  return `${lines.join('\n')}\n`;
}
