/**
 * Real traffic through a real haproxy running the generated config inside a lab namespace, to
 * lab hosts that answer on the NodePort numbers with their name. Health checks take a stopped
 * member out and put it back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readClusterVars, readLbVars } from '../lib/lb/cluster-vars.ts';
import { haproxyConfig } from '../lib/lb/generate.ts';
import { serverStatuses, waitUntil } from './fixtures/lb/haproxy-stats.ts';
import { selfSignedPem } from './fixtures/lb/tls.ts';
import type { SpawnedProcess } from './support/lab.ts';
import { useLab } from './support/lab-vitest.ts';

const NODES = ['lbt1', 'lbt2', 'lbt3'];
const LB = 'lbt4';
const PASSWORD = "tr#ffic 'pass\"word";
const lab = useLab({ hosts: 4, name: 'lb-traffic', hostNamePrefix: 'lbt' });
const work = mkdtempSync(join(tmpdir(), 'capstan-lb-traffic-'));
const socket = join(work, 'admin.sock');
const servers = new Map<string, SpawnedProcess>();
const processes: SpawnedProcess[] = [];
const echoScript = join(import.meta.dirname, 'fixtures/lb/node-http.ts');

afterAll(async () => {
  for (const p of processes) await p.stop();
});

async function startNode(name: string): Promise<void> {
  const p = await lab().spawn(name, [process.execPath, echoScript, name, '31080', '31021']);
  processes.push(p);
  servers.set(name, p);
}

function lbUrl(path = '/'): string {
  return `http://${lab().hosts.find((h) => h.name === LB)!.ip}${path}`;
}

/** n sequential requests; the answering host names, counted. */
async function spread(n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const res = await fetch(lbUrl(), { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    const [who = '', proto] = (await res.text()).trim().split(' ');
    expect(proto).toBe('http');
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  return seen;
}

let haproxyExit: string | undefined;
/** The statuses from haproxy's socket; fails at once if haproxy is gone. */
async function statuses(): Promise<Map<string, string>> {
  if (haproxyExit) throw new Error(haproxyExit);
  return serverStatuses(socket);
}
const memberStatus = (name: string) => async () => (await statuses()).get(`financial-mlops/${name}`);

describe('traffic through the generated haproxy.cfg', () => {
  it('spreads requests, routes around a stopped member, and takes it back', async () => {
    const hosts = lab().hosts;
    const vars = {
      lb_api_frontend: false, lb_check_interval: '200ms', lb_check_fall: 2, lb_check_rise: 1, lb_timeout_connect: '1s',
      lb_stats_enabled: true, lb_stats_password: PASSWORD,
      lb_https_mode: 'terminate', lb_tls_certificate: await selfSignedPem(work),
      haproxy_stats_socket: socket, haproxy_chroot: '', haproxy_log_target: 'stdout format raw local0',
    };
    const { text } = haproxyConfig({
      vars: readLbVars(vars), cluster: readClusterVars(vars),
      hostvars: Object.fromEntries(hosts.map((h) => [h.name, { ansible_host: h.ip }])),
      groups: { server: [NODES[0]!], agent: NODES.slice(1) },
    });
    const cfg = join(work, 'haproxy.cfg');
    writeFileSync(cfg, text);
    for (const n of NODES) await startNode(n);
    const haproxy = await lab().spawn(LB, ['haproxy', '-db', '-f', cfg], { logFile: join(work, 'haproxy.log') });
    processes.push(haproxy);
    void haproxy.exited.then((code) => { haproxyExit = `haproxy exited (${code}): ${readFileSync(join(work, 'haproxy.log'), 'utf8')}`; });

    await waitUntil('every member UP in haproxy', statuses,
      (s) => NODES.every((n) => s.get(`financial-mlops/${n}`) === 'UP'));
    const before = await spread(30);
    expect([...before.keys()].sort()).toEqual(NODES);
    expect([...before.values()]).toEqual([10, 10, 10]);

    await servers.get('lbt2')!.stop();
    await waitUntil('lbt2 marked DOWN by the health check', memberStatus('lbt2'), (s) => s?.startsWith('DOWN') ?? false);
    const during = await spread(20);
    expect([...during.keys()].sort()).toEqual(['lbt1', 'lbt3']);

    await startNode('lbt2');
    await waitUntil('lbt2 back UP', memberStatus('lbt2'), (s) => s === 'UP');
    const after = await spread(30);
    expect(after.get('lbt2')).toBe(10);
  });

  it('terminates TLS on 443 with the configured certificate and sends plain HTTP to the NodePort', async () => {
    const lbIp = lab().hosts.find((h) => h.name === LB)!.ip;
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsGet({ host: lbIp, port: 443, path: '/', rejectUnauthorized: false, servername: 'lb.test', timeout: 5000 }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => { text += String(d); });
          res.on('end', () => resolve(text.trim()));
        });
        req.on('timeout', () => req.destroy(new Error('https request timed out')));
        req.on('error', reject);
      });
      const [who = '', proto] = body.split(' ');
      expect(proto).toBe('https');
      seen.add(who);
    }
    expect([...seen].sort()).toEqual(NODES);
  });

  it('serves the stats page to the vault password only', async () => {
    const stats = `http://${lab().hosts.find((h) => h.name === LB)!.ip}:8404/stats`;
    const auth = (p: string) => ({ authorization: `Basic ${Buffer.from(`admin:${p}`).toString('base64')}` });
    expect((await fetch(stats, { headers: auth(PASSWORD), signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect((await fetch(stats, { headers: auth('wrong-password'), signal: AbortSignal.timeout(5000) })).status).toBe(401);
  });
});
