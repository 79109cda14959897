/**
 * `--report run.html`: collects a run's events (masked as they arrive) and, at the recap, writes
 * one self-contained HTML page (no external assets): the recap, a timeline of every task on
 * every host with its Helm releases and waits as bars, each verify table, each diff, the plan's
 * objects and the warnings. Written to a temporary file and renamed: never half-written.
 */
import { accessSync, constants, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mask, maskDeep } from '../../secrets.ts';
import type { Reporter, RunEvent } from '../events.ts';
import { renderReport } from './render.ts';
import type { ReportData } from './model.ts';

/** Turns the event stream into ReportData (times in ms since the run started). */
export function reportCollector(now: () => number = Date.now): { emit(e: RunEvent): void; data: ReportData } {
  const t0 = now();
  const data: ReportData = { startedAt: new Date(t0).toISOString(), plays: [], results: [], spans: [], plans: [], warnings: [] };
  let play = '';
  const emit = (raw: RunEvent): void => {
    const e = maskDeep(raw);
    const at = now() - t0;
    switch (e.type) {
      case 'run_start': data.run = e; break;
      case 'play_start': play = e.play; data.plays.push({ name: e.play, hosts: e.hosts, ...(e.skipped ? { skipped: e.skipped } : {}) }); break;
      case 'task_result': data.results.push({ ...e, play, start: Math.max(0, at - e.duration_ms) }); break;
      case 'span': data.spans.push({ ...e, start: Math.max(0, at - e.duration_ms) }); break;
      case 'plan': data.plans.push(e); break;
      case 'warning': data.warnings.push(e.message); break;
      case 'progress': if (e.level === 'warn') data.warnings.push(`[${e.host}] ${e.message}`); break;
      case 'error': data.error = e; break;
      case 'recap': data.recap = e; data.endedAt = at; break;
      default: break;
    }
  };
  return { emit, data };
}

export function htmlReporter(path: string, now: () => number = Date.now): Reporter {
  // Fail before the run when the page could not be written at the end.
  accessSync(dirname(path), constants.W_OK);
  const c = reportCollector(now);
  return {
    emit(e) {
      c.emit(e);
      if (e.type !== 'recap') return;
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, mask(renderReport(c.data)));
      renameSync(tmp, path);
    },
  };
}
