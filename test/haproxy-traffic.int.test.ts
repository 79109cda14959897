/**
 * Real traffic through a real haproxy running the generated config inside a lab namespace, to
 * lab hosts that answer on the NodePort numbers with their name. Health checks take a stopped
 * member out and put it back; TLS is terminated on 443, or passed through to the nodes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClusterVars, readLbVars } from '../lib/lb/cluster-vars.ts';
import { SITE_SERVICE_ROLES } from './support/platform.ts';
import { haproxyConfig } from '../lib/lb/generate.ts';
import { serverStatuses, waitUntil } from './fixtures/lb/haproxy-stats.ts';
import { selfSignedPem } from './fixtures/lb/tls.ts';
import type { SpawnedProcess } from '../lib/lab/lab.ts';
import { useLab } from './support/lab-vitest.ts';

const NODES = ['lbt1', 'lbt2', 'lbt3'];
const LB = 'lbt4';
const PASSWORD = "tr#ffic 'pass\"word";
const lab = useLab({ hosts: 4, name: 'lb-traffic', hostNamePrefix: 'lbt' });
const work = mkdtempSync(join(tmpdir(), 'capstan-lb-traffic-'));
const socket = join(work, 'admin.sock');
const servers = new Map<string, SpawnedProcess>();
const processes: SpawnedProcess[] = [];
const nodeStandInScript = join(import.meta.dirname, 'fixtures/lb/node-http-stand-in.ts');
let pem = '';

beforeAll(async () => {
  pem = await selfSignedPem(work);
});

afterAll(async () => {
  for (const p of processes) await p.stop();
});

/** The node stand-in: plain HTTP on the HTTP and status NodePorts, TLS on the HTTPS NodePort. */
async function startNode(name: string): Promise<void> {
  const p = await lab().spawn(name, [process.execPath, nodeStandInScript, name, '31080', '31021', '31443s', pem]);
  processes.push(p);
  servers.set(name, p);
}

const lbIp = (): string => lab().hosts.find((h) => h.name === LB)!.ip;

interface RunningHaproxy { process: SpawnedProcess; exit: () => string | undefined }
let current: RunningHaproxy | undefined;

/** Generate haproxy.cfg for the lab nodes with `vars` and run it in the LB namespace (one at a time). */
async function startHaproxy(label: string, vars: Record<string, unknown>): Promise<void> {
  await current?.process.stop();
  const all = {
    lb_api_frontend: false, lb_check_interval: '200ms', lb_check_fall: 2, lb_check_rise: 1, lb_timeout_connect: '1s',
    haproxy_stats_socket: socket, haproxy_chroot: '', haproxy_log_target: 'stdout format raw local0', ...vars,
  };
  const { text } = haproxyConfig({
    vars: readLbVars(all), cluster: readClusterVars(all, SITE_SERVICE_ROLES),
    hostvars: Object.fromEntries(lab().hosts.map((h) => [h.name, { ansible_host: h.ip }])),
    groups: { server: [NODES[0]!], agent: NODES.slice(1) },
  });
  const cfg = join(work, `${label}.cfg`);
  const log = join(work, `${label}.log`);
  writeFileSync(cfg, text);
  const p = await lab().spawn(LB, ['haproxy', '-db', '-f', cfg], { logFile: log });
  processes.push(p);
  let exited: string | undefined;
  void p.exited.then((code) => { exited = `haproxy exited (${code}): ${readFileSync(log, 'utf8')}`; });
  current = { process: p, exit: () => exited };
}

/** The statuses from haproxy's socket; fails at once if haproxy is gone. */
async function statuses(): Promise<Map<string, string>> {
  const exited = current?.exit();
  if (exited) throw new Error(exited);
  return serverStatuses(socket);
}
const memberStatus = (backend: string, name: string) => async () => (await statuses()).get(`${backend}/${name}`);
const allUp = (backend: string) => waitUntil(`every member of ${backend} UP`, statuses, (s) => NODES.every((n) => s.get(`${backend}/${n}`) === 'UP'));

/** n sequential plain HTTP requests; the answering host names, counted. */
async function spread(n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`http://${lbIp()}/`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    const [who = '', proto] = (await res.text()).trim().split(' ');
    expect(proto).toBe('http');
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  return seen;
}

/** One HTTPS request to the LB (self-signed certificates on both sides); the body. */
function httpsBody(): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = httpsGet({ host: lbIp(), port: 443, path: '/', rejectUnauthorized: false, servername: 'lb.test', timeout: 5000, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += String(d); });
      res.on('end', () => resolve(text.trim()));
    });
    req.on('timeout', () => req.destroy(new Error('https request timed out')));
    req.on('error', reject);
  });
}

describe('traffic through the generated haproxy.cfg', () => {
  it('spreads requests, routes around a stopped member, and takes it back', async () => {
    for (const n of NODES) await startNode(n);
    await startHaproxy('terminate', { lb_stats_enabled: true, lb_stats_password: PASSWORD, lb_https_mode: 'terminate', lb_tls_certificate: pem });
    await allUp('financial-mlops');
    const before = await spread(30);
    expect([...before.keys()].sort()).toEqual(NODES);
    expect([...before.values()]).toEqual([10, 10, 10]);

    await servers.get('lbt2')!.stop();
    await waitUntil('lbt2 marked DOWN by the health check', memberStatus('financial-mlops', 'lbt2'), (s) => s?.startsWith('DOWN') ?? false);
    const during = await spread(20);
    expect([...during.keys()].sort()).toEqual(['lbt1', 'lbt3']);

    await startNode('lbt2');
    await waitUntil('lbt2 back UP', memberStatus('financial-mlops', 'lbt2'), (s) => s === 'UP');
    const after = await spread(30);
    expect(after.get('lbt2')).toBe(10);
  });

  it('terminates TLS on 443 with the configured certificate and sends plain HTTP to the NodePort', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const [who = '', proto] = (await httpsBody()).split(' ');
      expect(proto).toBe('https');
      seen.add(who);
    }
    expect([...seen].sort()).toEqual(NODES);
  });

  it('serves the stats page to the vault password only', async () => {
    const stats = `http://${lbIp()}:8404/stats`;
    const auth = (p: string) => ({ authorization: `Basic ${Buffer.from(`admin:${p}`).toString('base64')}` });
    expect((await fetch(stats, { headers: auth(PASSWORD), signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect((await fetch(stats, { headers: auth('wrong-password'), signal: AbortSignal.timeout(5000) })).status).toBe(401);
  });

  it('passes TLS through to the HTTPS NodePort, checked by the readiness endpoint', async () => {
    await startHaproxy('passthrough', { lb_https_mode: 'passthrough' });
    await allUp('financial-mlops-https');
    const seen = new Map<string, number>();
    for (let i = 0; i < 9; i++) {
      const [who = '', proto] = (await httpsBody()).split(' ');
      expect(proto).toBe('tls');
      seen.set(who, (seen.get(who) ?? 0) + 1);
    }
    expect([...seen.entries()].sort()).toEqual(NODES.map((n) => [n, 3]));
  });
});
