// Through the REAL pods/portforward on the real control plane (lib/lab/cluster, helm 3, the real charts,
// all four installed): capstan -> the API server -> kwok's kubelet server -> STAND-IN endpoints on
// 127.0.0.1 (kwok PortForward rules named as the pods). `npm run dashboard -- kiali`: a request through
// the printed URL reaches the Kiali stand-in, bytes both ways, Ctrl-C ends it. The verify table's live
// rows: warn "not reachable here" without rules, ok against the stand-ins, FAIL naming a down target.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import { portForwardObject } from '../../../lib/lab/cluster/port-forward.ts';
import { freePort } from '../../../lib/lab/cluster/processes.ts';
import { inventoryCopy } from '../../fixtures/istio/inventory-copy.ts';
import { useCluster } from '../../support/cluster.ts';
import { httpStandIn, type HttpStandIn, type StandInRequest } from '../../support/http-stand-in.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
const NS = 'istio-system';
const PASSWORD = 'grafana-Admin-pw-dash4';
type Row = { check: string; result: string; actual: string };
interface Run { code: number; rows: Row[]; out: string; err: string }

const json = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });
const target = (job: string, instance: string, health: string, lastError = '') => ({ labels: { job, instance }, health, lastError });
/** The STAND-IN Prometheus API: GET /api/v1/targets with the given targets. */
const prometheusAnswer = (targets: unknown[]) => (r: StandInRequest) =>
  (r.url.startsWith('/api/v1/targets') ? json({ status: 'success', data: { activeTargets: targets } }) : { status: 404, body: 'not found' });
/** The STAND-IN Grafana: the data source health, for the admin login only. */
const grafanaAnswer = (r: StandInRequest) => (r.headers.authorization !== `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`
  ? { status: 401, body: JSON.stringify({ message: 'Invalid username or password' }) }
  : r.url === '/api/datasources/uid/prometheus/health' ? json({ status: 'OK', message: 'Successfully queried the Prometheus API.' }) : { status: 404, body: '{}' });

/** Output of a child until a pattern shows (bounded); the match. */
function waitForOutput(child: ChildProcess, pattern: RegExp, ms: number, out: { text: string }): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${ms / 1000}s:\n${out.text}`)), ms);
    const check = () => {
      const m = pattern.exec(out.text);
      if (m) { clearTimeout(timer); resolvePromise(m); }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before ${pattern}:\n${out.text}`)); });
    check();
  });
}

function exitOf(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${ms / 1000}s after Ctrl-C`)), ms);
    child.once('exit', (code, signal) => { clearTimeout(timer); resolvePromise({ code, signal }); });
  });
}

describe('npm run dashboard -- kiali through the real pods/portforward', () => {
  const c = useCluster({ lbIps: false });
  let dir: string;
  let inv: string;
  let kiali: HttpStandIn;

  const standIns: Record<string, HttpStandIn> = {};
  const podBehind = async (service: string) => {
    const svc = await c().get('v1', 'Service', NS, service);
    const selector = Object.entries(svc.spec.selector as Record<string, string>);
    const pod = (await c().list('v1', 'Pod', NS)).find((p: any) => p.status?.phase === 'Running' && selector.every(([k, v]) => p.metadata.labels?.[k] === v));
    expect(pod, `a running pod behind Service ${service} (the chart's, made Ready by kwok)`).toBeDefined();
    return pod.metadata.name as string;
  };
  async function play(args: string[]): Promise<Run> {
    let out = '';
    let err = '';
    const io = {
      stdout: { write: (x: string) => { out += x; return true; } }, stderr: { write: (x: string) => { err += x; return true; } },
      projectDir: PROJECT, cwd: PROJECT, env: { ...process.env },
    };
    const code = await playMain(['--inventory', inv, '--tags', 'observability', '--json', ...args], io);
    const verify = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((e) => e.type === 'task_result' && e.task === 'observability verify');
    return { code, rows: verify?.data?.verify ?? [], out, err };
  }
  const live = (r: Run) => r.rows.filter((row) => !/^(deploy|svc) /.test(row.check)).map((row) => `${row.check}: ${row.result} ${row.actual}`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'capstan-dashboard-forward-'));
    // Through the fixture's fault proxy (it passes upgraded requests through), as every cluster test.
    inv = inventoryCopy(dir, c().kubeconfig, kubeBinaries(3).helm, {
      helm_timeout: 180, prometheus_persistence: false, grafana_admin_password: PASSWORD, capstan_allow_plain_secrets: true, observability_verify_timeout: 20,
    });
    standIns['kiali'] = kiali = await httpStandIn('kiali-stand-in', (r) => (r.url === '/kiali/healthz' ? { status: 200, body: '' }
      : { status: 200, type: 'text/plain', body: `kiali-stand-in ${r.method} ${r.url} ${r.body.length}\n${Buffer.from(r.body).reverse().toString()}` }));
    standIns['prometheus'] = await httpStandIn('prometheus-stand-in', prometheusAnswer([target('istiod', '10.0.0.4:15014', 'up'), target('kubernetes-pods', '10.0.0.9:15020', 'up')]));
    standIns['grafana'] = await httpStandIn('grafana-stand-in', grafanaAnswer);
    standIns['tracing'] = await httpStandIn('jaeger-stand-in', (r) => (r.url === '/status' ? json({ status: 'Server available' }) : { status: 404, body: '' }));
  }, 120_000);
  afterAll(async () => {
    for (const x of Object.values(standIns)) await x.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('install from empty: the verify table\'s live rows say plainly that no process is reachable (kwok has no rule yet)', async () => {
    const r = await play([]);
    expect(r.code, r.err).toBe(0);
    expect(r.rows.filter((row) => row.result === 'ok')).toHaveLength(8); // objects, through the API server
    expect(live(r)).toEqual([
      expect.stringMatching(/^prometheus targets: warn not reachable here: prometheus-\S+:9090\/api\/v1\/targets: .*no forward found for port 9090/),
      expect.stringMatching(/^grafana datasource prometheus: warn not reachable here: grafana-\S+:3000\/api\/datasources\/uid\/prometheus\/health: .*no forward found for port 3000/),
      expect.stringMatching(/^kiali health: warn not reachable here: kiali-\S+:20001\/kiali\/healthz: .*no forward found for port 20001/),
      expect.stringMatching(/^jaeger health: warn not reachable here: jaeger-\S+:13133\/status: .*no forward found for port 13133/),
    ]);
  }, 600_000);

  it('with each pod forwarded to its stand-in: the verify table is all ok, each live row from a request the stand-in saw', async () => {
    for (const [service, standIn] of Object.entries(standIns)) {
      await c().create(portForwardObject(NS, await podBehind(service), [{ address: '127.0.0.1', port: standIn.port }]));
    }
    const r = await play([]);
    expect(r.code, r.err).toBe(0);
    expect(r.rows.map((row) => row.result)).toEqual(Array(12).fill('ok'));
    expect(live(r)).toEqual([
      'prometheus targets: ok 2/2 up', 'grafana datasource prometheus: ok HTTP 200: OK Successfully queried the Prometheus API.',
      'kiali health: ok HTTP 200', 'jaeger health: ok HTTP 200',
    ]);
    expect(standIns['prometheus']!.requests.map((q) => q.url)).toEqual(['/api/v1/targets?state=active']);
    expect(standIns['grafana']!.requests.map((q) => q.url)).toEqual(['/api/datasources/uid/prometheus/health']);
    expect(standIns['kiali']!.requests.map((q) => q.url)).toEqual(['/kiali/healthz']);
    expect(standIns['tracing']!.requests.map((q) => q.url)).toEqual(['/status']);
    expect(r.out + r.err, 'the Grafana password').not.toContain(PASSWORD);
  }, 600_000);

  it('a target down: the run fails, its row naming the target and its error', async () => {
    standIns['prometheus']!.answerWith(prometheusAnswer([target('istiod', '10.0.0.4:15014', 'up'), target('kubernetes-pods', '10.0.0.9:15020', 'down', 'connection refused')]));
    const r = await play([]);
    expect(r.code).not.toBe(0);
    expect(r.out + r.err).toMatch(/prometheus targets\s+every active target up\s+1 of 2 not up: kubernetes-pods 10\.0\.0\.9:15020 down \(connection refused\)\s+FAIL/);
  }, 300_000);

  // Uses the Kiali pod's PortForward rule made above.
  it('npm run dashboard -- kiali: a request from the printed URL reaches the stand-in behind the Kiali pod and back; Ctrl-C ends it', async () => {
    const pod = { metadata: { name: await podBehind('kiali') } };
    kiali.requests.length = 0;
    const port = await freePort();
    // As a user runs it; its own process group, so a Ctrl-C reaches npm and node as from a terminal.
    const child = spawn('npm', ['run', '--silent', 'dashboard', '--', 'kiali', '-i', inv, '-e', JSON.stringify({ observability_dashboard_port: port })], {
      cwd: PROJECT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env },
    });
    const out = { text: '' };
    child.stdout!.on('data', (d) => { out.text += d; });
    child.stderr!.on('data', (d) => { out.text += d; });
    try {
      const url = (await waitForOutput(child, /kiali: (http:\/\/127\.0\.0\.1:\d+\/kiali) -> istio-system\/(\S+):20001/, 180_000, out));
      expect(url[1]).toBe(`http://127.0.0.1:${port}/kiali`);
      expect(url[2]).toBe(pod.metadata.name);
      const sent = 'capstan->kiali '.repeat(4096); // 60 KiB up, as much back
      const res = await fetch(`${url[1]}/api/status`, { method: 'POST', body: sent, signal: AbortSignal.timeout(60_000) });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-stand-in')).toBe('kiali-stand-in');
      expect(text).toBe(`kiali-stand-in POST /kiali/api/status ${sent.length}\n${sent.split('').reverse().join('')}`);
      expect(kiali.requests.map((r) => `${r.method} ${r.url} ${r.body.toString() === sent}`)).toEqual(['POST /kiali/api/status true']);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGINT'); // Ctrl-C, to the group this test started
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // it ended already: exitOf says how
      }
    }
    const exit = await exitOf(child, 60_000);
    // The dashboard closed its forward and its task ended ok; npm, Ctrl-C'd too, ends by that signal (a shell shows 130).
    expect(out.text).toMatch(new RegExp(`ok: \\[k8s-node1\\] .*kiali: forward from 127\\.0\\.0\\.1:${port} closed`));
    expect(exit, out.text).toEqual({ code: null, signal: 'SIGINT' });
    expect(out.text, 'no stream failed').not.toMatch(/WARNING.*port-forward/);
    await expect(new Promise((ok, bad) => { const s = connect(port, '127.0.0.1', () => ok('still listening')); s.on('error', bad); })).rejects.toThrow(/ECONNREFUSED/);
  }, 300_000);
});
