/** The report page: one HTML document with its CSS inline; no script, no external asset. */
import { stringify } from 'yaml';
import type { PlanEntry } from '../../role.ts';
import type { HostStats } from '../events.ts';
import { formatDuration } from '../format.ts';
import { esc } from './html.ts';
import { verifyRows } from './model.ts';
import type { ReportData } from './model.ts';
import { STYLE } from './style.ts';
import { skippedCount, SPAN_FILL, STATUS_FILL, timelineSvg } from './timeline.ts';

const COUNTS: (keyof HostStats)[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];

function header(d: ReportData): string {
  const code = d.recap?.exit_code ?? d.error?.exit_code;
  const verdict = code === undefined ? 'incomplete' : code === 0 ? 'ok' : code === 6 ? 'changes pending' : 'failed';
  const cls = code === 0 ? 'ok' : code === 6 ? 'changed' : 'failed';
  const mode = d.run ? (d.run.mode === 'list' ? `list ${d.run.list?.join(', ') ?? ''}` : d.run.mode) : 'run';
  const facts = [
    ['playbook', d.run?.playbook ?? '?'], ['mode', `${mode}${d.run?.diff ? ' + diff' : ''}`], ['started', d.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
    ['duration', formatDuration(d.recap?.duration_ms ?? d.endedAt ?? 0)], ['exit code', String(code ?? '—')],
  ];
  return `<header><div class="title"><h1>capstan run</h1><span class="verdict ${cls}">${esc(verdict)}</span></div>` +
    `<dl>${facts.map(([k, v]) => `<div><dt>${esc(k!)}</dt><dd>${esc(v!)}</dd></div>`).join('')}</dl></header>`;
}

/** Per host: a bar of its results by status, the recap counts, and its time in tasks. */
function recap(d: ReportData): string {
  const hosts = Object.keys(d.recap?.hosts ?? {}).sort();
  if (hosts.length === 0) return `<section id="recap"><h2>Recap</h2><p class="muted">no host ran a task${d.error ? `: ${esc(d.error.message)}` : ''}</p></section>`;
  const timeIn = (h: string) => d.results.filter((r) => r.host === h).reduce((ms, r) => ms + r.duration_ms, 0);
  const rows = hosts.map((h) => {
    const s = d.recap!.hosts[h]!;
    const state = s.failed || s.unreachable ? 'failed' : s.changed ? 'changed' : 'ok';
    const parts: [string, number][] = [['ok', s.ok - s.changed], ['changed', s.changed], ['failed', s.failed], ['unreachable', s.unreachable], ['skipped', s.skipped]];
    const total = Math.max(1, parts.reduce((n, [, v]) => n + v, 0));
    const bar = parts.filter(([, v]) => v > 0).map(([k, v]) => `<i class="${k}" style="width:${(100 * v / total).toFixed(1)}%" title="${v} ${k}"></i>`).join('');
    const cells = COUNTS.map((k) => `<td class="n ${k}${s[k] ? '' : ' zero'}">${s[k]}</td>`).join('');
    return `<tr class="${state}"><td class="host">${esc(h)}</td><td class="mix"><div class="stack">${bar}</div></td>${cells}<td class="n time">${esc(formatDuration(timeIn(h)))}</td></tr>`;
  });
  const head = `<tr><th>host</th><th>results</th>${COUNTS.map((k) => `<th class="n">${k}</th>`).join('')}<th class="n">time in tasks</th></tr>`;
  return `<section id="recap"><h2>Recap</h2><table class="recap"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function timeline(d: ReportData): string {
  const keys: [string, string][] = [['ok', STATUS_FILL.ok], ['changed', STATUS_FILL.changed], ['failed', STATUS_FILL.failed],
    ['unreachable', STATUS_FILL.unreachable], ['helm release', SPAN_FILL.helm], ['wait', SPAN_FILL.wait]];
  const legend = keys.map(([k, v]) => `<span class="key"><i style="background:${v}"></i>${esc(k)}</span>`).join('');
  const skipped = skippedCount(d);
  const note = skipped ? `<p class="muted">${skipped} skipped task result${skipped === 1 ? '' : 's'} not drawn (they take no time).</p>` : '';
  const chart = d.results.some((r) => r.status !== 'skipped') ? timelineSvg(d) : '<p class="muted">no task ran</p>';
  return `<section id="timeline"><h2>Timeline</h2><div class="legend">${legend}</div>${chart}${note}</section>`;
}

function verify(d: ReportData): string {
  const tables = d.results.flatMap((r) => {
    const rows = verifyRows(r);
    if (!rows) return [];
    const body = rows.map((x) => `<tr class="${x.result === 'ok' ? 'ok' : x.result === 'warn' ? 'warn' : 'fail'}"><td>${esc(x.check)}</td><td>${esc(x.expected)}</td><td>${esc(x.actual)}</td><td class="result">${esc(x.result)}</td></tr>`);
    return [`<div class="verify-table"><h3>${esc(`${r.role} : ${r.task}`)} <span class="muted">[${esc(r.host)}]</span></h3>` +
      `<table><thead><tr><th>check</th><th>expected</th><th>actual</th><th>result</th></tr></thead><tbody>${body.join('')}</tbody></table></div>`];
  });
  return tables.length ? `<section id="verify"><h2>Verify</h2>${tables.join('')}</section>` : '';
}

function diffLines(diff: string): string {
  return diff.split('\n').map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') ? 'file' : l.startsWith('@@') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : '';
    return `<span class="${cls}">${esc(l)}</span>`;
  }).join('\n');
}

function diffs(d: ReportData): string {
  const items = d.results.filter((r) => r.diff).map((r) =>
    `<details class="diff"><summary><span class="status ${r.status}">${esc(r.status)}</span> ${esc(`${r.role} : ${r.task}`)} <span class="muted">[${esc(r.host)}]</span></summary><pre>${diffLines(r.diff!)}</pre></details>`);
  return items.length ? `<section id="diffs"><h2>Diffs</h2>${items.join('')}</section>` : '';
}

function entry(e: PlanEntry): string {
  switch (e.kind) {
    case 'helm': return `<details class="obj"><summary><span class="kind helm">helm</span> ${esc(`${e.namespace}/${e.release}`)} <span class="muted">${esc(`${e.chart} ${e.version ?? ''} (${e.state})`)}</span></summary><pre>${esc(stringify(e.values ?? {}, { sortMapEntries: true }))}</pre></details>`;
    case 'manifest': return `<details class="obj"><summary><span class="kind manifest">manifest</span> ${esc(e.description)}</summary><pre>${esc(e.yaml)}</pre></details>`;
    case 'file': return `<details class="obj"><summary><span class="kind file">file</span> ${esc(e.path)}${e.mode ? ` <span class="muted">${esc(e.mode)}</span>` : ''}</summary><pre>${esc(e.content)}</pre></details>`;
    case 'command': return `<div class="obj"><span class="kind command">command</span> <code>${esc(e.text)}</code></div>`;
    case 'note': return `<div class="obj"><span class="kind note">note</span> ${esc(e.text)}</div>`;
  }
}

function plan(d: ReportData): string {
  const hosts = d.plans.map((p) => {
    const roles = p.roles.map((r) => {
      const tasks = r.tasks.filter((t) => t.entries.length).map((t) => `<div class="task"><div class="tname">${esc(t.name)}</div>${t.entries.map(entry).join('')}</div>`);
      return tasks.length ? `<div class="role"><h4>${esc(r.role)}</h4>${tasks.join('')}</div>` : '';
    }).join('');
    return roles ? `<div class="plan-host"><h3>${esc(p.play)} <span class="muted">[${esc(p.host)}]</span></h3>${roles}</div>` : '';
  }).filter(Boolean);
  return hosts.length ? `<section id="plan"><h2>Plan: the objects each task manages</h2>${hosts.join('')}</section>` : '';
}

function warnings(d: ReportData): string {
  if (!d.warnings.length) return '';
  return `<section id="warnings"><h2>Warnings</h2><ul>${d.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>`;
}

export function renderReport(d: ReportData): string {
  const title = `capstan ${d.run?.playbook ?? ''} ${d.startedAt}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>` +
    `${header(d)}${recap(d)}${timeline(d)}${verify(d)}${diffs(d)}${warnings(d)}${plan(d)}` +
    '<footer>written by capstan --report: one file, no external assets</footer></main></body></html>\n';
}
