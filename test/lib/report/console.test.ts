// The console reporter as ansible-playbook users expect it: colours (and when they are on),
// warnings and errors on stderr, the terminal width, concurrent tasks without empty or repeated
// TASK headers, each progress line once, and the timing summary after PLAY RECAP.
import { describe, expect, it } from 'vitest';
import { colourEnabled } from '../../../lib/report/colour.ts';
import { consoleReporter } from '../../../lib/report/console.ts';
import type { RunEvent } from '../../../lib/report/events.ts';

function sink(isTTY = false) {
  let text = '';
  return { out: { write: (s: string) => { text += s; }, isTTY }, text: () => text };
}

function render(events: RunEvent[], o: { colour?: boolean; columns?: number; tty?: boolean } = {}) {
  const out = sink(o.tty);
  const err = sink();
  const r = consoleReporter(out.out, { err: err.out, colour: o.colour ?? false, ...(o.columns ? { columns: o.columns } : {}) });
  for (const e of events) r.emit(e);
  return { out: out.text(), err: err.text() };
}

const result = (task: string, host: string, status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable', ms = 100): RunEvent =>
  ({ type: 'task_result', role: 'r', task, host, status, duration_ms: ms });
const start = (task: string, hosts = ['h1']): RunEvent => ({ type: 'task_start', play: 'p', role: 'r', task, hosts });
const end = (task: string): RunEvent => ({ type: 'task_end', play: 'p', role: 'r', task, duration_ms: 1 });
const recap: RunEvent = { type: 'recap', hosts: { h1: { ok: 2, changed: 1, unreachable: 0, failed: 1, skipped: 1, rescued: 0, ignored: 0 } }, duration_ms: 3000, exit_code: 2 };

describe('colour', () => {
  it('is on for a terminal, off otherwise, off with NO_COLOR, forced with FORCE_COLOR', () => {
    expect(colourEnabled({}, true)).toBe(true);
    expect(colourEnabled({}, false)).toBe(false);
    expect(colourEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colourEnabled({ NO_COLOR: '' }, true)).toBe(true); // no-color.org: only a non-empty value counts
    expect(colourEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colourEnabled({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
    expect(colourEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colourEnabled({ ANSIBLE_NOCOLOR: 'true' }, true)).toBe(false);
    expect(colourEnabled({ ANSIBLE_FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colourEnabled({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('ok green, changed yellow, failed red, skipped cyan, as ansible-playbook; none when off', () => {
    const events = [start('t'), result('t', 'a', 'ok'), result('t', 'b', 'changed'), result('t', 'c', 'failed'), result('t', 'd', 'skipped'), end('t')];
    const on = render(events, { colour: true }).out;
    expect(on).toContain('\x1b[32mok: [a]');
    expect(on).toContain('\x1b[33mchanged: [b]');
    expect(on).toContain('\x1b[31mfailed: [c]');
    expect(on).toContain('\x1b[36mskipping: [d]');
    expect(render(events).out).not.toContain('\x1b[');
  });

  it('colours the recap like Ansible: the host by its worst status, each non-zero count by its kind', () => {
    const line = render([recap], { colour: true }).out.split('\n').find((l) => l.includes('h1'))!;
    expect(line).toMatch(/^\x1b\[31mh1\x1b\[0m {24} : \x1b\[32mok=2   \x1b\[0m \x1b\[33mchanged=1   \x1b\[0m unreachable=0    \x1b\[31mfailed=1   \x1b\[0m \x1b\[36mskipped=1   \x1b\[0m rescued=0    ignored=0   $/);
  });
});

describe('streams and width', () => {
  it('warnings and errors go to stderr, task lines to stdout', () => {
    const r = render([
      start('t'), { type: 'progress', role: 'r', task: 't', host: 'h1', level: 'warn', message: 'careful' },
      { type: 'warning', message: 'NO MORE HOSTS LEFT' }, result('t', 'h1', 'ok'), end('t'),
    ]);
    expect(r.err).toBe('[WARNING]: [h1] careful\n[WARNING]: NO MORE HOSTS LEFT\n');
    expect(r.out).toContain('ok: [h1]');
    expect(r.out).not.toContain('WARNING');
  });

  it('banners fill the terminal width; a live progress line is cut to it', () => {
    const wide = render([start('t'), end('t')], { columns: 120 }).out;
    expect(wide.split('\n').find((l) => l.startsWith('TASK'))).toHaveLength(120);
    const live = render([start('t'), { type: 'progress', role: 'r', task: 't', host: 'h1', level: 'progress', message: 'x'.repeat(200) }], { columns: 60, tty: true }).out;
    const shown = live.slice(live.lastIndexOf('\n') + 1);
    expect(shown.length).toBeLessThanOrEqual(59);
    expect(shown).toMatch(/…$/);
  });
});

describe('concurrent tasks and progress', () => {
  it('prints each TASK header once, never empty, with its own lines under it', () => {
    // istio gateway and two more run together; the gateway finishes last (as in a real run)
    const { out } = render([
      start('gateway'), start('restart'), start('mesh'),
      { type: 'progress', role: 'r', task: 'gateway', host: 'h1', level: 'progress', message: 'helm upgrade' },
      result('restart', 'h1', 'skipped'), end('restart'), result('mesh', 'h1', 'skipped'), end('mesh'),
      result('gateway', 'h1', 'changed'), end('gateway'),
    ]);
    const headers = out.match(/^TASK \[.*$/gm) ?? [];
    expect(headers.map((h) => h.replace(/ \*+$/, ''))).toEqual(['TASK [r : gateway]', 'TASK [r : restart]', 'TASK [r : mesh]']);
    const sections = out.split(/\nTASK /).slice(1);
    expect(sections.every((s) => /\n(ok|changed|skipping|failed): /.test(s))).toBe(true);
    expect(sections[0]).toMatch(/helm upgrade[\s\S]*changed: \[h1\]/);
  });

  it('shows the same progress line once per host, not at every poll', () => {
    const p = (message: string, host = 'h1'): RunEvent => ({ type: 'progress', role: 'r', task: 't', host, level: 'progress', message });
    const { out } = render([start('t'), ...Array.from({ length: 6 }, () => p('ingress IP 10.0.0.1, 0s')), p('ingress IP 10.0.0.1, 0s', 'h2'), p('done'), end('t')]);
    expect(out.match(/\[h1\] ingress IP/g)).toHaveLength(1);
    expect(out.match(/\[h2\] ingress IP/g)).toHaveLength(1);
    expect(out).toContain('[h1] done');
  });
});

describe('timing summary', () => {
  it('lists the slowest tasks first and the time per host, after PLAY RECAP', () => {
    const { out } = render([
      start('fast', ['h1', 'h2']), result('fast', 'h1', 'ok', 200), result('fast', 'h2', 'ok', 300), end('fast'),
      start('slow'), result('slow', 'h1', 'changed', 5000), end('slow'), start('skip'), result('skip', 'h1', 'skipped', 0), end('skip'), recap,
    ]);
    const after = out.slice(out.indexOf('PLAY RECAP'));
    expect(after).toMatch(/TASKS RECAP \(slowest 3\) \*+\nr : slow \[h1\] -+ 5\.00s\nr : fast \[h2\] -+ 0\.30s\nr : fast \[h1\] -+ 0\.20s\n/);
    expect(after).toMatch(/HOSTS RECAP \(time in tasks\) \*+\nh1 -+ 5\.20s \(2 tasks\)\nh2 -+ 0\.30s \(1 task\)\n/);
    expect(after.split('\n').filter((l) => / -+ /.test(l)).every((l) => l.length === 80)).toBe(true);
  });
});

describe('concurrent tasks of a real run (the probe fixture role, through the runner)', () => {
  it('shows each TASK header once and never empty while the tasks overlap', async () => {
    const { resolve } = await import('node:path');
    const { loadInventory, resolveHost } = await import('../../../lib/inventory/index.ts');
    const { runPlaybook } = await import('../../../lib/runner/index.ts');
    const projectDir = resolve(import.meta.dirname, '../../..');
    const fixtures = resolve(projectDir, 'test/fixtures/runner');
    const inventory = await loadInventory(resolve(fixtures, 'inventory/multi'), { projectDir });
    const out = sink();
    await runPlaybook({
      projectDir, playbook: resolve(fixtures, 'playbooks/probe.ts'), limit: 'n1',
      source: { inventory, resolve: (h, o) => resolveHost(inventory, h, o) },
      extraVars: [{ source: '-e', vars: { probe_tasks: [
        { name: 'slow', concurrent: true, runOnce: true, work_ms: 60 },
        { name: 'quick', concurrent: true, runOnce: true, work_ms: 1 },
        { name: 'skipped', concurrent: true, runOnce: true, skip: 'not wanted' },
      ] } }],
      reporter: consoleReporter(out.out),
      openTransport: async () => { throw new Error('no connection in this test'); },
    });
    const text = out.text();
    // the fixture's second role (a dependency of probe) runs its task first
    const headers = (text.match(/^TASK \[[^\]]+\]/gm) ?? []);
    expect(headers).toEqual(['TASK [second : second task]', 'TASK [probe : slow]', 'TASK [probe : quick]', 'TASK [probe : skipped]']);
    for (const section of text.split(/\nTASK /).slice(1)) expect(section).toMatch(/\n(ok|changed|skipping): \[n1\]/);
    expect(text).toMatch(/TASK \[probe : slow\][^\n]*\n(  \[n1\] probe slow working\n)?changed: \[n1\][^\n]*did slow/);
  });
});
