// cluster_access: ssh end to end on a lab host (real sshd in a network namespace): the host's
// k3s.yaml says https://127.0.0.1:6443, which a small TCP relay inside the host forwards to the
// Kubernetes API simulator on the lab bridge. capstan fetches k3s.yaml over SFTP, tunnels the
// API port through SSH, and helm + client-node work through the tunnel; helm_on_node runs helm
// on the host itself.
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openCluster, type OpenCluster } from '../lib/cluster/index.ts';
import type { TaskLog } from '../lib/role.ts';
import { openTransport } from '../lib/transport/index.ts';
import type { Transport } from '../lib/transport/types.ts';
import { kubeBinaries } from '../lib/lab/helm-bin.ts';
import { startSimulator, type Simulator } from '../lib/lab/kube-sim/index.ts';
import { useLab } from './support/lab-vitest.ts';
import type { SpawnedProcess } from '../lib/lab/lab.ts';
import { SHARED_CHARTS } from '../lib/lab/shared-dir.ts';

const CHARTS = SHARED_CHARTS;
const lab = useLab({ hosts: 1, name: 'cluster-ssh', hostNamePrefix: 'k3s' });
let sim: Simulator;
let relay: SpawnedProcess;
let transport: Transport;
const lines: string[] = [];
const log: TaskLog = { progress: (m) => lines.push(m), verbose: (m) => lines.push(m), warn: (m) => lines.push(m) };

/** A TCP relay (node, inside the lab host's namespaces): 127.0.0.1:6443 -> the simulator. */
function relayScript(target: URL): string {
  return `const net=require('node:net');net.createServer((c)=>{const u=net.connect(${Number(target.port)},${JSON.stringify(target.hostname)});` +
    `c.pipe(u);u.pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(6443,'127.0.0.1',()=>console.log('relay up'));`;
}

beforeAll(async () => {
  const host = lab().hosts[0]!;
  sim = await startSimulator({ host: lab().gatewayIp, controllerDelayMs: 20 });
  const k3sDir = join(host.fsDir, 'etc/rancher/k3s');
  mkdirSync(k3sDir, { recursive: true });
  writeFileSync(join(k3sDir, 'k3s.yaml'), sim.kubeconfig({ server: 'https://127.0.0.1:6443', context: 'default' }), { mode: 0o600 });
  mkdirSync(join(host.fsDir, 'usr/local/bin'), { recursive: true });
  copyFileSync(kubeBinaries(4).helm, join(host.fsDir, 'usr/local/bin/helm'));
  relay = await lab().spawn(host.name, [process.execPath, '-e', relayScript(new URL(sim.url))]);
  // Bounded wait for the relay: probe the API through it from inside the host.
  for (let i = 0; ; i++) {
    const probe = await lab().exec(host.name, ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/6443'], { allowFail: true });
    if (probe.code === 0) break;
    if (i >= 50) throw new Error('the relay on 127.0.0.1:6443 did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
  transport = await openTransport({
    host: host.name, connection: 'ssh', address: host.ip, port: 22, user: 'root',
    privateKeyFile: lab().privateKeyFile, knownHostsFile: lab().knownHostsFile, become: false, becomeUser: 'root',
  });
}, 60_000);

afterAll(async () => {
  await transport?.close();
  await relay?.stop();
  await sim?.close();
});

async function open(vars: Record<string, unknown>): Promise<OpenCluster> {
  return openCluster({
    host: { name: 'k3s1', groups: ['server'], vars: { cluster_access: 'ssh', helm_chart_dir: CHARTS, helm_timeout: 60, ...vars } },
    transport: async () => transport, shared: new Map(), log, signal: new AbortController().signal,
  });
}

describe('cluster_access: ssh', () => {
  it('fetches k3s.yaml, tunnels the API port, and helm + client-node work through the tunnel', async () => {
    const cluster = await open({ helm_binary: kubeBinaries(3).helm });
    const kc = cluster.kubeconfigPath;
    expect(statSync(kc).mode & 0o777).toBe(0o600);
    const server = (parse((await import('node:fs')).readFileSync(kc, 'utf8')) as { clusters: { cluster: { server: string } }[] }).clusters[0]!.cluster.server;
    expect(server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server).not.toBe('https://127.0.0.1:6443');
    expect(lines.some((l) => /^tunnel 127\.0\.0\.1:\d+ -> k3s1 -> 127\.0\.0\.1:6443$/.test(l))).toBe(true);

    const mark = sim.requests.length;
    expect((await cluster.ensureNamespace('via-ssh', { by: 'tunnel' }, { check: false })).status).toBe('changed');
    const res = await cluster.helmRelease({ name: 'istio-base', namespace: 'istio-system', chart: { repo: 'https://charts.invalid', name: 'base', version: '1.30.3' }, values: {} }, { check: false, diff: false, log: log.progress });
    expect(res.status).toBe('changed');
    expect(sim.requests.slice(mark).some((r) => r.userAgent.startsWith('Helm/'))).toBe(true);
    expect(sim.store.get('v1', 'Namespace', undefined, 'via-ssh')?.metadata.labels).toMatchObject({ by: 'tunnel' });
    await cluster.close();
    expect(existsSync(kc)).toBe(false);
  });

  it('helm_on_node runs helm on the server over SSH', async () => {
    const cluster = await open({ helm_on_node: true, helm_binary: '/usr/local/bin/helm' });
    const res = await cluster.helmRelease({ name: 'istiod', namespace: 'istio-system', chart: { repo: 'https://charts.invalid', name: 'istiod', version: '1.30.3' }, values: {} }, { check: false, diff: false, log: log.progress });
    expect(res).toMatchObject({ status: 'changed', data: { revision: 1 } });
    expect(lines.some((l) => l.startsWith('helm 4: upgrade --install istiod'))).toBe(true);
    expect((await cluster.helmRelease({ name: 'istiod', namespace: 'istio-system', chart: { repo: 'https://charts.invalid', name: 'istiod', version: '1.30.3' }, values: {} }, { check: false, diff: false, log: log.progress })).status).toBe('ok');
    await cluster.close();
  });
});
