/**
 * Ansible-shaped console output: `PLAY [..] ***`, `TASK [role : task] ***`, one line per host
 * with status, duration and msg, progress lines (live on a TTY), diffs, and `PLAY RECAP`.
 * Every string is masked before it is written.
 */
import { mask } from '../secrets.ts';
import type { HostStats, Output, Reporter, RunEvent } from './events.ts';
import { renderPlan } from './plan.ts';

export interface ConsoleOptions {
  /** -v count: 1 shows verbose lines and result data. */
  verbosity?: number;
  /** --diff: print result diffs. */
  diff?: boolean;
  /** Banner width (Ansible uses the terminal width, 80 when unknown). */
  columns?: number;
}

/** `PLAY RECAP ****` as Ansible's banner() writes it: the line fills the width, at least 3 stars. */
export function banner(message: string, columns = 80): string {
  return `\n${message} ${'*'.repeat(Math.max(3, columns - 1 - message.length))}\n`;
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** One PLAY RECAP line, byte for byte as Ansible prints it without colour. */
export function recapLine(host: string, s: HostStats): string {
  const col = (name: string, n: number): string => `${name}=${String(n).padEnd(4)}`;
  return `${host.padEnd(26)} : ${col('ok', s.ok)} ${col('changed', s.changed)} ${col('unreachable', s.unreachable)} ` +
    `${col('failed', s.failed)} ${col('skipped', s.skipped)} ${col('rescued', s.rescued)} ${col('ignored', s.ignored)}`;
}

const LABEL = { ok: 'ok', changed: 'changed', skipped: 'skipping', failed: 'failed', unreachable: 'unreachable' } as const;

function indentBody(text: string): string {
  return text.split('\n').map((l, i) => (i === 0 ? l : `    ${l}`)).join('\n');
}

export function consoleReporter(out: Output, options: ConsoleOptions = {}): Reporter {
  const columns = options.columns ?? 80;
  let currentTask = '';
  let liveLine = false;
  const write = (text: string): void => {
    if (liveLine) { out.write('\r\x1b[K'); liveLine = false; }
    out.write(mask(text));
  };
  const taskHeader = (role: string, task: string): void => {
    const key = `${role}\0${task}`;
    if (key === currentTask) return;
    currentTask = key;
    write(banner(`TASK [${role} : ${task}]`, columns));
  };
  const handlers: { [K in RunEvent['type']]: (e: Extract<RunEvent, { type: K }>) => void } = {
    play_start: (e) => {
      currentTask = '';
      write(banner(`PLAY [${e.play}]`, columns));
      if (e.skipped) write(`skipping: ${e.skipped}\n`);
    },
    task_start: (e) => taskHeader(e.role, e.task),
    task_result: (e) => {
      taskHeader(e.role, e.task);
      const msg = e.msg ? ` => ${indentBody(e.msg)}` : '';
      write(`${LABEL[e.status]}: [${e.host}] (${formatDuration(e.duration_ms)})${msg}\n`);
      if (options.diff && e.diff) write(`${e.diff.endsWith('\n') ? e.diff : `${e.diff}\n`}`);
      if ((options.verbosity ?? 0) > 0 && e.data) {
        const { stack, ...rest } = e.data;
        if (Object.keys(rest).length) write(`    ${JSON.stringify(rest)}\n`);
        if (typeof stack === 'string') write(`${stack.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
      }
    },
    progress: (e) => {
      if (e.level === 'verbose' && (options.verbosity ?? 0) === 0) return;
      taskHeader(e.role, e.task);
      const prefix = e.level === 'warn' ? '[WARNING]: ' : '';
      if (e.level === 'progress' && out.isTTY) {
        write(`  … [${e.host}] ${e.message}`);
        liveLine = true;
        return;
      }
      write(`  ${prefix}[${e.host}] ${e.message}\n`);
    },
    warning: (e) => write(`[WARNING]: ${e.message}\n`),
    error: (e) => write(`ERROR! ${e.message}\n`),
    plan: (e) => write(renderPlan(e)),
    recap: (e) => {
      write(banner('PLAY RECAP', columns));
      // Sorted by name, as Ansible's default callback prints the recap.
      for (const host of Object.keys(e.hosts).sort()) write(`${recapLine(host, e.hosts[host]!)}\n`);
      write(`\ntotal time: ${formatDuration(e.duration_ms)}\n`);
    },
  };
  return { emit: (e) => (handlers[e.type] as (ev: RunEvent) => void)(e) };
}
