/**
 * The report's timeline: an inline SVG Gantt chart. One row per task and host (grouped by play,
 * in run order), a bar from the task's start to its end coloured by its status, and under it
 * the task's Helm releases and waits as thinner bars. Skipped tasks take no time and are counted,
 * not drawn.
 */
import { formatDuration } from '../format.ts';
import { esc } from './html.ts';
import type { ReportData, ReportResult, ReportSpan } from './model.ts';

export const STATUS_FILL = { ok: '#16a34a', changed: '#d97706', failed: '#dc2626', unreachable: '#7f1d1d', skipped: '#0891b2' } as const;
export const SPAN_FILL = { helm: '#6d28d9', wait: '#0284c7' } as const;

const LABEL_W = 360;
const PLOT_W = 820;
const ROW_H = 24;
const PLAY_H = 26;
const AXIS_H = 28;

/** A tick step giving 5-10 ticks over `total` ms. */
function tickStep(total: number): number {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
  return steps.find((s) => total / s <= 10) ?? 3_600_000;
}

type Row = { kind: 'play'; name: string } | { kind: 'task'; r: ReportResult; spans: ReportSpan[] };

function rowsOf(d: ReportData): Row[] {
  const rows: Row[] = [];
  let play: string | undefined;
  for (const r of d.results) {
    if (r.status === 'skipped') continue;
    if (r.play !== play) { play = r.play; rows.push({ kind: 'play', name: r.play }); }
    const spans = d.spans.filter((s) => s.role === r.role && s.task === r.task && s.host === r.host);
    rows.push({ kind: 'task', r, spans });
  }
  return rows;
}

function axis(total: number, x: (ms: number) => number, height: number): string {
  const step = tickStep(total);
  const out: string[] = [];
  for (let t = 0; t <= total + 1; t += step) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${AXIS_H - 6}" y2="${height}" class="grid"/>`,
      `<text x="${x(t)}" y="${AXIS_H - 10}" class="tick">${esc(formatDuration(t).replace('.00s', 's'))}</text>`);
  }
  return out.join('');
}

function taskRow(row: Extract<Row, { kind: 'task' }>, y: number, x: (ms: number) => number, w: (ms: number) => number): string {
  const { r, spans } = row;
  const tip = `${r.role} : ${r.task} [${r.host}] ${r.status} ${formatDuration(r.duration_ms)}${r.msg ? `\n${r.msg.slice(0, 400)}` : ''}`;
  const bars = [`<rect x="${x(r.start)}" y="${y + 4}" width="${w(r.duration_ms)}" height="${ROW_H - (spans.length ? 12 : 8)}" rx="3" fill="${STATUS_FILL[r.status]}" class="bar ${r.status}"><title>${esc(tip)}</title></rect>`];
  for (const s of spans) {
    const spanTip = `${s.kind} ${s.name}: ${formatDuration(s.duration_ms)}${s.failed ? ' (failed)' : ''}`;
    bars.push(`<rect x="${x(s.start)}" y="${y + ROW_H - 7}" width="${w(s.duration_ms)}" height="5" rx="2" fill="${SPAN_FILL[s.kind]}" class="span ${s.kind}${s.failed ? ' failed' : ''}"><title>${esc(spanTip)}</title></rect>`);
  }
  const label = `<text x="8" y="${y + ROW_H / 2 + 4}" class="label"><tspan class="host">${esc(r.host)}</tspan>  ${esc(`${r.role} : ${r.task}`)}</text>`;
  // the duration after the bar, or before it when the bar ends near the right edge
  const after = x(r.start) + w(r.duration_ms) + 4;
  const durX = after + 40 <= LABEL_W + PLOT_W + 60 ? `x="${after}"` : `x="${x(r.start) - 4}" text-anchor="end"`;
  const dur = `<text ${durX} y="${y + ROW_H / 2 + 4}" class="dur">${esc(formatDuration(r.duration_ms))}</text>`;
  return `<g class="row" data-host="${esc(r.host)}"><rect x="0" y="${y}" width="${LABEL_W + PLOT_W + 60}" height="${ROW_H}" class="stripe"/>${label}${bars.join('')}${dur}</g>`;
}

export function timelineSvg(d: ReportData): string {
  const rows = rowsOf(d);
  const ends = [...d.results.map((r) => r.start + r.duration_ms), ...d.spans.map((s) => s.start + s.duration_ms), d.endedAt ?? 0];
  const total = Math.max(1, ...ends);
  const x = (ms: number): number => Math.round((LABEL_W + (ms / total) * PLOT_W) * 10) / 10;
  const w = (ms: number): number => Math.max(2, Math.round((ms / total) * PLOT_W * 10) / 10);
  let y = AXIS_H;
  const body: string[] = [];
  for (const row of rows) {
    if (row.kind === 'play') {
      body.push(`<text x="8" y="${y + PLAY_H - 8}" class="play">PLAY ${esc(row.name)}</text>`);
      y += PLAY_H;
    } else {
      body.push(taskRow(row, y, x, w));
      y += ROW_H;
    }
  }
  const height = y + 8;
  return `<svg id="timeline-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${LABEL_W + PLOT_W + 60} ${height}" width="100%" role="img" aria-label="timeline">` +
    `${axis(total, x, height)}${body.join('')}</svg>`;
}

/** How many results the chart does not draw (skipped tasks take no time). */
export function skippedCount(d: ReportData): number {
  return d.results.filter((r) => r.status === 'skipped').length;
}
