/**
 * Reading `capstan play --json` output in the benches: the recap's totals, and a timeline of
 * the run (each task's start and end, the Helm releases and waits inside it) that says what a
 * run waited for.
 */
interface Event {
  type: string;
  time: string;
  role?: string;
  task?: string;
  kind?: 'helm' | 'wait';
  name?: string;
  duration_ms?: number;
  failed?: boolean;
  hosts?: Record<string, Record<string, number>>;
}

export function events(stdout: string): Event[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
}

/** Sums of the recap's per-host counts (changed, failed, ...). */
export function capstanRecap(stdout: string): Record<string, number> {
  const recap = events(stdout).find((e) => e.type === 'recap');
  if (!recap?.hosts) throw new Error(`capstan printed no recap:\n${stdout.slice(-2000)}`);
  const out: Record<string, number> = {};
  for (const counts of Object.values(recap.hosts)) for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + v;
  return out;
}

interface Row { task: string; start: number; end: number; spans: string[] }

/** A markdown table: task, start and end (s from the first task's start), the spans inside it. */
export function timeline(stdout: string): string {
  const ev = events(stdout);
  const t = (e: Event) => Date.parse(e.time);
  const first = ev.find((e) => e.type === 'task_start');
  if (!first) return '(no tasks)';
  const t0 = t(first);
  const rows = new Map<string, Row>();
  const key = (e: Event) => `${e.role}/${e.task}`;
  for (const e of ev) {
    if (e.type === 'task_start') rows.set(key(e), { task: key(e), start: t(e) - t0, end: NaN, spans: [] });
    else if (e.type === 'task_end') rows.get(key(e))!.end = t(e) - t0;
    else if (e.type === 'span') {
      const end = t(e) - t0;
      rows.get(key(e))?.spans.push(`${e.kind} ${e.name} ${sec(end - e.duration_ms!)}–${sec(end)}${e.failed ? ' failed' : ''}`);
    }
  }
  const recap = ev.find((e) => e.type === 'recap');
  const lines = ['| task | start | end | took | helm releases and waits inside it |', '|---|---|---|---|---|'];
  for (const r of rows.values()) lines.push(`| ${r.task} | ${sec(r.start)} | ${sec(r.end)} | ${sec(r.end - r.start)} | ${r.spans.join('; ')} |`);
  if (recap) lines.push(`| (run, from start to recap) | | ${sec(t(recap) - t0)} | | before the first task: ${sec(t0 - t(ev[0]!))} after run_start |`);
  return lines.join('\n');
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export interface ParsedProfile {
  /** Seconds per phase (wall). */
  phases: Record<string, number>;
  /** Count and summed seconds per item (ssh connect, remote command, api read, ..., helm process). */
  items: Record<string, { count: number; seconds: number }>;
}

/** The table `capstan play --profile` prints on stderr (lib/report/profile.ts), read back. */
export function parseProfile(stderr: string): ParsedProfile {
  const at = stderr.indexOf('PROFILE (');
  if (at < 0) throw new Error(`capstan printed no --profile table:\n${stderr.slice(-2000)}`);
  const out: ParsedProfile = { phases: {}, items: {} };
  for (const line of stderr.slice(at).split('\n').slice(1)) {
    const phase = /^phase (.+?)\s+(\d+\.\d+) s$/.exec(line);
    const item = /^(.+?)\s+(\d+) ×\s+(\d+\.\d+) s summed$/.exec(line);
    if (phase) out.phases[phase[1]!] = Number(phase[2]);
    else if (item) out.items[item[1]!] = { count: Number(item[2]), seconds: Number(item[3]) };
  }
  return out;
}

/** A parsed --profile as a markdown table. */
export function profileTable(p: ParsedProfile): string {
  const rows = ['| part | count | time |', '|---|---|---|'];
  for (const [name, s] of Object.entries(p.phases)) rows.push(`| phase: ${name} | | ${s.toFixed(3)} s |`);
  for (const [name, v] of Object.entries(p.items)) rows.push(`| ${name} | ${v.count} | ${v.seconds.toFixed(3)} s summed |`);
  return rows.join('\n');
}
