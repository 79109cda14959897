// The --report page from a run's events (no browser: the headless Chromium check is
// test/lab/report.int.test.ts): one self-contained file with the recap, a timeline bar per task
// and host with its Helm and wait bars, verify tables, diffs and plan objects; secrets masked,
// text escaped, written only when the run ends.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../lib/report/events.ts';
import { htmlReporter } from '../../../lib/report/html/index.ts';
import { clearSecretsForTest, registerSecret } from '../../../lib/secrets.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capstan-html-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => clearSecretsForTest());

const SECRET = 'vault-secret-value-42';

/** A small run, with a clock the test moves: (event, ms after the previous one). */
function run(): [RunEvent, number][] {
  return [
    [{ type: 'run_start', playbook: 'playbooks/site.ts', mode: 'run', check: false, diff: true }, 0],
    [{ type: 'plan', play: 'services', host: 'server1', roles: [{ role: 'istio', vars: {}, tasks: [{ name: 'istiod', tags: ['istio'], runOnce: true, entries: [
      { kind: 'helm', release: 'istiod', namespace: 'istio-system', chart: 'istiod', version: '1.30.3', values: { pilot: { token: SECRET } }, state: 'present' },
      { kind: 'manifest', description: 'PeerAuthentication istio-system/default', yaml: 'kind: PeerAuthentication\n' },
    ] }] }] }, 0],
    [{ type: 'play_start', play: 'services', hosts: ['server1', 'agent1'] }, 0],
    [{ type: 'task_start', play: 'services', role: 'istio', task: 'istiod', hosts: ['server1'] }, 0],
    [{ type: 'span', role: 'istio', task: 'istiod', host: 'server1', kind: 'helm', name: 'istio-system/istiod', duration_ms: 1500, failed: false }, 1500],
    [{ type: 'span', role: 'istio', task: 'istiod', host: 'server1', kind: 'wait', name: 'deployment istio-system/istiod', duration_ms: 400, failed: false }, 500],
    [{ type: 'task_result', role: 'istio', task: 'istiod', host: 'server1', status: 'changed', duration_ms: 2000, msg: 'installed <istiod>', diff: `--- a\n+++ b\n-old\n+token: ${SECRET}\n` }, 0],
    [{ type: 'task_result', role: 'istio', task: 'seldon', host: 'agent1', status: 'skipped', duration_ms: 0, msg: 'enable_seldon is false' }, 0],
    [{ type: 'task_result', role: 'istio', task: 'istio verify', host: 'server1', status: 'ok', duration_ms: 300, data: { verify: [
      { check: 'deploy istio-system/istiod', expected: 'available', actual: '1/1 available', result: 'ok' },
      { check: 'svc NodePorts', expected: '80:31080', actual: '80:-', result: 'FAIL' },
    ] } }, 300],
    [{ type: 'warning', message: 'careful & <b>' }, 0],
    [{ type: 'recap', hosts: { server1: { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 }, agent1: { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 0 } }, duration_ms: 2400, exit_code: 0 }, 100],
  ];
}

function emitAll(path: string, events = run()): void {
  let clock = 1_000_000;
  const reporter = htmlReporter(path, () => clock);
  for (const [e, after] of events) {
    clock += after;
    reporter.emit(e);
  }
}

function writeReport(path: string): string {
  emitAll(path);
  return readFileSync(path, 'utf8');
}

describe('--report run.html', () => {
  it('is one self-contained page: no script, no external asset', () => {
    const html = writeReport(join(tmp, 'a.html'));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('has the recap, the timeline with Helm and wait bars, the verify table, the diff and the plan', () => {
    const html = writeReport(join(tmp, 'b.html'));
    expect(html).toContain('<section id="recap">');
    expect(html.match(/<td class="host">/g)).toHaveLength(2);
    expect(html).toContain('<svg id="timeline-chart"');
    expect(html.match(/class="bar /g)).toHaveLength(2); // istiod and verify; the skipped task is not drawn
    expect(html).toContain('1 skipped task result not drawn');
    expect(html).toMatch(/class="span helm"><title>helm istio-system\/istiod: 1\.50s/);
    expect(html).toMatch(/class="span wait"><title>wait deployment istio-system\/istiod: 0\.40s/);
    expect(html).toMatch(/<section id="verify">[\s\S]*deploy istio-system\/istiod[\s\S]*<tr class="fail"><td>svc NodePorts/);
    expect(html).toMatch(/<section id="diffs">[\s\S]*<span class="del">-old<\/span>\n<span class="add">\+token: /);
    expect(html).toMatch(/<section id="plan">[\s\S]*istio-system\/istiod[\s\S]*PeerAuthentication istio-system\/default/);
    expect(html).toContain('<span class="verdict ok">ok</span>');
  });

  it('places bars by time: the helm bar starts with the task and is 3/4 of it', () => {
    const html = writeReport(join(tmp, 'c.html'));
    const task = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*class="bar changed"/.exec(html)!;
    const helm = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*class="span helm"/.exec(html)!;
    expect(Number(helm[1])).toBeCloseTo(Number(task[1]), 0);
    expect(Number(helm[2]) / Number(task[2])).toBeCloseTo(0.75, 1);
  });

  it('masks secrets everywhere and escapes text', () => {
    registerSecret(SECRET);
    const html = writeReport(join(tmp, 'd.html'));
    expect(html).not.toContain(SECRET);
    expect(html).toContain('careful &amp; &lt;b&gt;');
    expect(html).toContain('installed &lt;istiod&gt;');
    expect(html).toMatch(/<span class="add">\+token: \*{8}<\/span>/);
  });

  it('is written only at the recap (never half-written), and refuses a folder it cannot write to', () => {
    const path = join(tmp, 'e.html');
    emitAll(path, run().slice(0, -1));
    expect(existsSync(path)).toBe(false);
    expect(() => htmlReporter(join(tmp, 'no/such/dir/x.html'))).toThrow();
  });
});
