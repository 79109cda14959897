/**
 * Ansible-shaped console output: `PLAY [..] ***`, `TASK [role : task] ***`, one line per host
 * with status, duration and msg, progress lines (live on a TTY, each shown once), diffs,
 * `PLAY RECAP` and a timing summary (slowest tasks, time per host, as profile_tasks gives it).
 * Colours as ansible-playbook's (lib/report/colour.ts); warnings and errors go to `err`
 * (stderr); banners fill the terminal width. Every string is masked before it is written.
 */
import { mask } from '../secrets.ts';
import { painter, STATUS_COLOUR } from './colour.ts';
import type { Paint } from './colour.ts';
import type { HostStats, Output, Reporter, RunEvent } from './events.ts';
import { fitWidth, formatDuration } from './format.ts';
import { renderList } from './list.ts';
import { renderPlan } from './plan.ts';
import { TaskSections } from './task-output.ts';
import { hostTimes, slowestTasks } from './timing.ts';
import type { TaskTime } from './timing.ts';

export interface ConsoleOptions {
  /** -v count: 1 shows verbose lines and result data. */
  verbosity?: number;
  /** --diff: print result diffs. */
  diff?: boolean;
  /** Banner width: the terminal's (Ansible uses the terminal width, 80 when unknown). */
  columns?: number;
  /** Where warnings and errors go (stderr); default: the same output. */
  err?: Output;
  /** ANSI colour (see colourEnabled); default off. */
  colour?: boolean;
}

/** `PLAY RECAP ****` as Ansible's banner() writes it: the line fills the width, at least 3 stars. */
export function banner(message: string, columns = 80): string {
  return `\n${message} ${'*'.repeat(Math.max(3, columns - 1 - message.length))}\n`;
}

/** One PLAY RECAP line, byte for byte as Ansible prints it (without colour: `paint` is the identity). */
export function recapLine(host: string, s: HostStats, paint: Paint = (_c, t) => t): string {
  const col = (name: string, n: number, c: Parameters<Paint>[0] | undefined): string => {
    const text = `${name}=${String(n).padEnd(4)}`;
    return n !== 0 && c ? paint(c, text) : text;
  };
  const hostColour = s.failed || s.unreachable ? 'red' : s.changed ? 'yellow' : 'green';
  const name = paint(hostColour, host);
  return `${name.padEnd(26 + name.length - host.length)} : ${col('ok', s.ok, 'green')} ${col('changed', s.changed, 'yellow')} ` +
    `${col('unreachable', s.unreachable, 'red')} ${col('failed', s.failed, 'red')} ${col('skipped', s.skipped, 'cyan')} ` +
    `${col('rescued', s.rescued, 'purple')} ${col('ignored', s.ignored, 'purple')}`;
}

const LABEL = { ok: 'ok', changed: 'changed', skipped: 'skipping', failed: 'failed', unreachable: 'unreachable' } as const;

function indentBody(text: string): string {
  return text.split('\n').map((l, i) => (i === 0 ? l : `    ${l}`)).join('\n');
}

function timingSummary(times: readonly TaskTime[], columns: number): string {
  if (times.length === 0) return '';
  return `${banner(`TASKS RECAP (slowest ${Math.min(10, times.length)})`, columns)}${slowestTasks(times, columns).join('\n')}\n` +
    `${banner('HOSTS RECAP (time in tasks)', columns)}${hostTimes(times, columns).join('\n')}\n`;
}

export function consoleReporter(out: Output, options: ConsoleOptions = {}): Reporter {
  const columns = options.columns ?? 80;
  const verbose = (options.verbosity ?? 0) > 0;
  const paint = painter(options.colour ?? false);
  const err = options.err ?? out;
  let liveLine = false;
  let mode: string = 'run';
  const times: TaskTime[] = [];
  /** Last progress line per task and host: a line is shown once, not at every poll. */
  const lastProgress = new Map<string, string>();
  const clearLive = (): void => {
    if (liveLine) { out.write('\r\x1b[K'); liveLine = false; }
  };
  const write = (text: string): void => {
    clearLive();
    out.write(mask(text));
  };
  const warn = (text: string): void => {
    clearLive();
    err.write(mask(paint('purple', text)));
  };
  const sections = new TaskSections(write);
  const keyOf = (e: { role: string; task: string }): string => `${e.role}\0${e.task}`;
  const header = (e: { role: string; task: string }): string => banner(`TASK [${e.role} : ${e.task}]`, columns);
  const taskLine = (e: { role: string; task: string }, text: string): void => sections.line(keyOf(e), header(e), text);

  const handlers: { [K in RunEvent['type']]: (e: Extract<RunEvent, { type: K }>) => void } = {
    run_start: (e) => { mode = e.mode; },
    play_start: (e) => {
      sections.flush();
      write(banner(`PLAY [${e.play}]`, columns));
      if (e.skipped) write(paint('cyan', `skipping: ${e.skipped}`) + '\n');
    },
    task_start: (e) => sections.start(keyOf(e), header(e)),
    task_end: (e) => sections.end(keyOf(e)),
    task_result: (e) => {
      if (e.status !== 'skipped') times.push({ role: e.role, task: e.task, host: e.host, ms: e.duration_ms });
      const msg = e.msg ? ` => ${indentBody(e.msg)}` : '';
      let text = `${paint(STATUS_COLOUR[e.status], `${LABEL[e.status]}: [${e.host}] (${formatDuration(e.duration_ms)})${msg}`)}\n`;
      if (options.diff && e.diff) text += e.diff.endsWith('\n') ? e.diff : `${e.diff}\n`;
      if (verbose && e.data) {
        const { stack, ...rest } = e.data;
        if (Object.keys(rest).length) text += `    ${JSON.stringify(rest)}\n`;
        if (typeof stack === 'string') text += `${stack.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
      }
      taskLine(e, text);
    },
    progress: (e) => {
      if (e.level === 'verbose' && !verbose) return;
      if (e.level === 'warn') { warn(`[WARNING]: [${e.host}] ${e.message}\n`); return; }
      const key = `${keyOf(e)}\0${e.host}`;
      if (lastProgress.get(key) === e.message) return;
      lastProgress.set(key, e.message);
      if (e.level === 'progress' && out.isTTY) {
        clearLive();
        out.write(mask(fitWidth(`  … [${e.host}] ${e.message}`, columns - 1)));
        liveLine = true;
        return;
      }
      taskLine(e, `  [${e.host}] ${e.message}\n`);
    },
    span: () => undefined,
    warning: (e) => warn(`[WARNING]: ${e.message}\n`),
    error: (e) => { clearLive(); err.write(mask(paint('red', `ERROR! ${e.message}`)) + '\n'); },
    plan: (e) => write(renderPlan(e)),
    list: (e) => write(renderList(e)),
    recap: (e) => {
      sections.flush();
      if (mode === 'plan' || mode === 'list') return; // nothing ran
      write(banner('PLAY RECAP', columns));
      // Sorted by name, as Ansible's default callback prints the recap.
      for (const host of Object.keys(e.hosts).sort()) write(`${recapLine(host, e.hosts[host]!, paint)}\n`);
      write(timingSummary(times, columns));
      write(`\ntotal time: ${formatDuration(e.duration_ms)}\n`);
    },
  };
  return { emit: (e) => (handlers[e.type] as (ev: RunEvent) => void)(e) };
}
