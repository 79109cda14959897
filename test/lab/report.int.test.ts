// A full lab run (root; the lab, the real control plane and the k3s STAND-IN, as `npm run demo`) with
// --json-log and --report: every JSON event validates against docs/events.schema.json; the HTML
// report renders in headless Chromium (Debian's package, installed by .ci/setup): its DOM has the
// timeline, the recap and a verify table, and the screenshot shows the header, the bars and the
// recap in their colours. Then --check --detailed-exitcode says nothing is left to change.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoVars } from '../../lib/cli/demo.ts';
import { STATUS_FILL } from '../../lib/report/html/timeline.ts';
import { invalidEvents } from '../support/event-schema-check.ts';
import { kubeBinaries } from '../../lib/lab/helm-bin.ts';
import type { K3sLab } from '../../lib/lab/k3s-standin/k3s-lab.ts';
import { startK3sLabOnCluster, type LabCluster } from '../../lib/lab/k3s-standin/lab-cluster.ts';
import { countColour, readPng } from '../support/png-pixels.ts';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
let k: K3sLab<LabCluster>;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run .ci/setup (apt-get install -y chromium)`);
  k = await startK3sLabOnCluster({ servers: 1, agents: 2, loadBalancers: 1, version: 'v1.31.4+k3s1', nodePorts: [31080, 31443, 31021], name: 'report' });
  const subnet = k.lab.gatewayIp.split('.').slice(0, 3).join('.');
  dir = join(k.lab.dir, 'out');
  mkdirSync(dir, { recursive: true });
  k.writeVars(demoVars(subnet, kubeBinaries(3).helm, join(k.lab.dir, 'lb')));
}, 180_000);
afterAll(async () => { await k?.down(); });

/** Chromium, headless, on a profile of its own inside the lab dir. */
async function chromium(...args: string[]): Promise<string> {
  const { stdout } = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${join(dir, 'chromium')}`, ...args],
    { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

describe('a full site run on the lab with --json-log and --report', () => {
  const log = () => join(dir, 'run.jsonl');
  const page = () => join(dir, 'run.html');

  it('runs the site playbook, logging and reporting at once', async () => {
    const r = await k.play(['--diff', '--json-log', log(), '--report', page()], { timeoutMs: 200_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PLAY RECAP[\s\S]*TASKS RECAP[\s\S]*HOSTS RECAP/);
  }, 210_000);

  it('every event of the run validates against the schema; it starts with run_start and ends with recap', () => {
    const text = readFileSync(log(), 'utf8');
    expect(invalidEvents(text)).toEqual([]);
    const events = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.length).toBeGreaterThan(100);
    expect(events[0].type).toBe('run_start');
    expect(events.at(-1)).toMatchObject({ type: 'recap', exit_code: 0 });
    const types = new Set(events.map((e) => e.type));
    for (const t of ['play_start', 'task_start', 'task_result', 'task_end', 'progress', 'span']) expect(types).toContain(t);
    expect(events.some((e) => e.type === 'span' && e.kind === 'helm')).toBe(true);
    expect(events.some((e) => e.type === 'span' && e.kind === 'wait')).toBe(true);
    expect(events.some((e) => e.type === 'task_result' && Array.isArray(e.data?.verify))).toBe(true);
  });

  it('the report renders in headless Chromium with the timeline, the recap and a verify table', async () => {
    const dom = await chromium('--dump-dom', `file://${page()}`);
    expect(dom).toMatch(/<section id="timeline">[\s\S]*<svg id="timeline-chart"/);
    expect((dom.match(/class="bar (ok|changed)"/g) ?? []).length).toBeGreaterThan(10);
    expect(dom).toMatch(/class="span helm"/);
    expect(dom).toMatch(/class="span wait"/);
    expect(dom).toMatch(/<section id="recap">/);
    for (const host of ['server1', 'agent1', 'agent2', 'lb1']) expect(dom).toContain(`<td class="host">${host}</td>`);
    expect(dom).toMatch(/<section id="verify">[\s\S]*istio verify[\s\S]*deploy istio-system\/istiod/);
    expect(dom).toMatch(/<section id="plan">[\s\S]*istio-system\/istiod/);

    const shot = join(dir, 'run.png');
    await chromium('--window-size=1280,1800', `--screenshot=${shot}`, `file://${page()}`);
    // CAPSTAN_REPORT_ARTIFACTS=dir keeps the page and the screenshot for a person to look at
    const keep = process.env['CAPSTAN_REPORT_ARTIFACTS'];
    if (keep) for (const f of [page(), shot, log()]) copyFileSync(f, join(keep, f.split('/').pop()!));
    const png = readPng(shot);
    expect([png.width, png.height]).toEqual([1280, 1800]);
    // the header band, the changed and ok bars and recap stacks, the helm bars
    expect(countColour(png, '#0f172a', 6)).toBeGreaterThan(2000);
    expect(countColour(png, STATUS_FILL.changed)).toBeGreaterThan(1000);
    expect(countColour(png, STATUS_FILL.ok)).toBeGreaterThan(1000);
    expect(countColour(png, '#6d28d9')).toBeGreaterThan(100);
  }, 150_000);

  it('--check --detailed-exitcode afterwards: 0, nothing left to change', async () => {
    const r = await k.play(['--check', '--detailed-exitcode'], { timeoutMs: 150_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^changed: /m);
  }, 160_000);
});
