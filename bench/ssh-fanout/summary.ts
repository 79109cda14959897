/** The benchmark's table: medians per mode and host count, and the no-op ratios against capstan. */
import type { Mode, Outcome } from './modes.ts';
import { TASKS } from './modes.ts';

export interface Row extends Outcome {
  mode: Mode;
  hosts: number;
  kind: 'first' | 'noop';
  run: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const f2 = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(2));

export function summarize(rows: Row[], modes: readonly Mode[]): string {
  const ok = (mode: Mode, hosts: number, kind: 'first' | 'noop') => rows.filter((r) => r.mode === mode && r.hosts === hosts && r.kind === kind && r.verified === 'yes');
  const hostCounts = [...new Set(rows.map((r) => r.hosts))];
  const lines = [
    '| mode | hosts | first run s | no-op s | no-op ms per task-host | no-op ctl CPU s | no-op machine CPU s | runs ok (first/no-op) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const noop = new Map<string, number>();
  for (const hosts of hostCounts) {
    for (const mode of modes) {
      const first = ok(mode, hosts, 'first');
      const nop = ok(mode, hosts, 'noop');
      const all = rows.filter((r) => r.mode === mode && r.hosts === hosts);
      const wall = median(nop.map((r) => r.wallS));
      noop.set(`${mode}/${hosts}`, wall);
      lines.push(`| ${mode} | ${hosts} | ${f2(median(first.map((r) => r.wallS)))} | ${f2(wall)} | ${(wall * 1000 / (TASKS * hosts)).toFixed(1)} | ` +
        `${f2(median(nop.map((r) => r.ctlCpuS)))} | ${f2(median(nop.map((r) => r.sysCpuS)))} | ${first.length}/${nop.length} of ${all.length} |`);
    }
  }
  lines.push('', 'no-op rerun ratios (median wall, this run only; >1 means capstan is faster; floor: capstan ÷ floor):', '');
  for (const hosts of hostCounts) {
    const c = noop.get(`capstan/${hosts}`) ?? Number.NaN;
    const ratio = (m: Mode) => f2((noop.get(`${m}/${hosts}`) ?? Number.NaN) / c);
    const vs = (m: Mode) => (modes.includes(m) ? `vs ${m} ${ratio(m)}x` : undefined);
    const floor = c / (noop.get(`floor/${hosts}`) ?? Number.NaN);
    const parts = [vs('pyinfra') && `${vs('pyinfra')} (target ≥ 3 at 100 hosts)`, vs('ansible-pipelining'), vs('mitogen'), vs('ansible-default'),
      vs('debian-ansible-pipelining'), vs('debian-mitogen'), vs('debian-ansible-default'),
      modes.includes('floor') ? `capstan ÷ floor ${f2(floor)} (target < 1 at 100 hosts)` : undefined].filter(Boolean);
    lines.push(`- ${hosts} hosts: ${parts.join(', ')}`);
  }
  const failed = rows.filter((r) => r.verified !== 'yes');
  if (failed.length) lines.push('', 'runs that failed verification (left out of the medians):', ...failed.map((r) => `- ${r.mode} n=${r.hosts} ${r.kind} #${r.run}: ${r.verified} (${r.log})`));
  lines.push('', 'all runs (wall s):', ...hostCounts.flatMap((h) => modes.map((m) =>
    `  ${m.padEnd(19)} n=${String(h).padEnd(3)} first: ${rows.filter((r) => r.mode === m && r.hosts === h && r.kind === 'first').map((r) => r.wallS.toFixed(2)).join(' ')}` +
    ` | no-op: ${rows.filter((r) => r.mode === m && r.hosts === h && r.kind === 'noop').map((r) => r.wallS.toFixed(2)).join(' ')}`)));
  return `${lines.join('\n')}\n`;
}
