/** `--plan` output as text: per play and host, the selected roles' vars and each task's describe(). */
import { stringify } from 'yaml';
import type { PlanEntry } from '../role.ts';
import type { PlanRole, RunEvent } from './events.ts';

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text.replace(/\n$/, '').split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

function chart(e: Extract<PlanEntry, { kind: 'helm' }>): string {
  return `${e.chart}${e.version ? ` ${e.version}` : ''}`;
}

function renderEntry(e: PlanEntry): string {
  switch (e.kind) {
    case 'helm':
      return `helm release ${e.namespace}/${e.release}: ${chart(e)} (${e.state})\n` +
        `  values:\n${indent(stringify(e.values ?? {}, { sortMapEntries: true }), 4)}`;
    case 'manifest':
      return `manifest: ${e.description}\n${indent(e.yaml, 2)}`;
    case 'file':
      return `file ${e.path}${e.mode ? ` (mode ${e.mode})` : ''}:\n${indent(e.content, 2)}`;
    case 'command':
      return `command: ${e.text}`;
    case 'note':
      return `note: ${e.text}`;
  }
}

function renderRole(r: PlanRole): string {
  const vars = Object.entries(r.vars).map(([name, v]) => {
    const value = v.value === undefined ? `${name}: (unset)` : stringify({ [name]: v.value }).trimEnd();
    const [first, ...rest] = indent(value, 6).split('\n');
    return [`${first}    # ${v.source}`, ...rest].join('\n');
  });
  const tasks = r.tasks.map((t) => {
    const flags = [t.runOnce ? 'run once' : '', t.skipReason ? `skipped: ${t.skipReason}` : ''].filter(Boolean);
    const head = `    - ${t.name} [${t.tags.join(', ')}]${flags.length ? ` (${flags.join('; ')})` : ''}`;
    return [head, ...t.entries.map((e) => indent(renderEntry(e), 8))].join('\n');
  });
  return [`  role ${r.role}`, '    vars:', ...vars, '    tasks:', ...(tasks.length ? tasks : ['    (none selected)'])].join('\n');
}

export function renderPlan(e: Extract<RunEvent, { type: 'plan' }>): string {
  return `PLAN [${e.play}] host ${e.host}\n${e.roles.map(renderRole).join('\n')}\n`;
}
