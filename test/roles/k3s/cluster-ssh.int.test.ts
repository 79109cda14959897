// cluster_access: ssh end to end on a lab host (real sshd in a network namespace) against the real
// control plane: the k3s role installs the k3s STAND-IN on server1, whose k3s.yaml says
// https://127.0.0.1:6443 (the cluster's CA, user capstan's certificate) and which relays that port
// to the API server on the lab bridge, as k3s serves it. capstan fetches k3s.yaml over SFTP,
// tunnels the API port through SSH, and helm + client-node work through the tunnel; helm_on_node
// runs helm on the host itself.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openCluster, type OpenCluster } from '../../../lib/cluster/index.ts';
import type { TaskLog } from '../../../lib/role.ts';
import { openTransport } from '../../../lib/transport/index.ts';
import type { Transport } from '../../../lib/transport/types.ts';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import type { K3sLab } from '../../../lib/lab/k3s-standin/k3s-lab.ts';
import { startK3sLabOnCluster, type LabCluster } from '../../../lib/lab/k3s-standin/lab-cluster.ts';
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';

const CHARTS = SHARED_CHARTS;
let k: K3sLab<LabCluster>;
let transport: Transport;
const lines: string[] = [];
const log: TaskLog = { progress: (m) => lines.push(m), verbose: (m) => lines.push(m), warn: (m) => lines.push(m) };

beforeAll(async () => {
  k = await startK3sLabOnCluster({ servers: 1, agents: 0, version: 'v1.31.4+k3s1', name: 'cluster-ssh' });
  const r = await k.play(['--tags', 'k3s']);
  if (r.code !== 0) throw new Error(`--tags k3s failed:\n${r.stdout}${r.stderr}`);
  const host = k.lab.hosts[0]!;
  mkdirSync(join(host.fsDir, 'usr/local/bin'), { recursive: true });
  copyFileSync(kubeBinaries(4).helm, join(host.fsDir, 'usr/local/bin/helm'));
  transport = await openTransport({
    host: 'server1', connection: 'ssh', address: host.ip, port: 22, user: 'root',
    privateKeyFile: k.lab.privateKeyFile, knownHostsFile: k.lab.knownHostsFile, become: false, becomeUser: 'root',
  });
}, 240_000);

afterAll(async () => {
  await transport?.close();
  await k?.down();
});

async function open(vars: Record<string, unknown>): Promise<OpenCluster> {
  return openCluster({
    host: { name: 'server1', groups: ['server'], vars: { cluster_access: 'ssh', helm_chart_dir: CHARTS, helm_timeout: 60, ...vars } },
    transport: async () => transport, shared: new Map(), log, signal: new AbortController().signal,
  });
}

const istioChart = (name: string) => ({ repo: 'https://charts.invalid', name, version: '1.30.3' });

describe('cluster_access: ssh (k3s stand-in on the real control plane)', () => {
  it('the server\'s k3s.yaml is k3s\'s: 127.0.0.1:6443, the cluster\'s CA, a client certificate', async () => {
    const text = (await k.lab.exec(k.lab.hosts[0]!.name, ['cat', '/etc/rancher/k3s/k3s.yaml'])).stdout;
    const doc = parse(text);
    expect(doc.clusters[0].cluster.server).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(readFileSync(k.controlPlane.cluster.caFile, 'utf8'));
    expect(doc.users[0].user['client-certificate-data']).toMatch(/^[A-Za-z0-9+/=]{100,}$/);
  });

  it('fetches k3s.yaml, tunnels the API port, and helm + client-node work through the tunnel', async () => {
    const cluster = await open({ helm_binary: kubeBinaries(3).helm });
    const kc = cluster.kubeconfigPath;
    expect(statSync(kc).mode & 0o777).toBe(0o600);
    const server = (parse(readFileSync(kc, 'utf8')) as { clusters: { cluster: { server: string } }[] }).clusters[0]!.cluster.server;
    expect(server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server).not.toBe('https://127.0.0.1:6443');
    expect(lines.some((l) => /^tunnel 127\.0\.0\.1:\d+ -> server1 -> 127\.0\.0\.1:6443$/.test(l))).toBe(true);

    const mark = (await k.controlPlane.cluster.auditWrites('capstan')).length;
    expect((await cluster.ensureNamespace('via-ssh', { by: 'tunnel' }, { check: false })).status).toBe('changed');
    const res = await cluster.helmRelease({ name: 'istio-base', namespace: 'istio-system', chart: istioChart('base'), values: {} }, { check: false, diff: false, log: log.progress });
    expect(res.status).toBe('changed');
    const ns = await k.controlPlane.cluster.api.get('v1', 'Namespace', undefined, 'via-ssh');
    expect(ns?.metadata.labels).toMatchObject({ by: 'tunnel' });
    // helm's release record was written through the tunnel, as user capstan (k3s.yaml's certificate)
    const writes = (await k.controlPlane.cluster.auditWrites('capstan')).slice(mark);
    expect(writes.some((w) => w.verb === 'create' && w.resource === 'secrets' && w.name === 'sh.helm.release.v1.istio-base.v1')).toBe(true);
    await cluster.close();
    expect(existsSync(kc)).toBe(false);
  });

  it('helm_on_node runs helm on the server over SSH', async () => {
    const cluster = await open({ helm_on_node: true, helm_binary: '/usr/local/bin/helm' });
    const res = await cluster.helmRelease({ name: 'istiod', namespace: 'istio-system', chart: istioChart('istiod'), values: {} }, { check: false, diff: false, log: log.progress });
    expect(res).toMatchObject({ status: 'changed', data: { revision: 1 } });
    expect(lines.some((l) => l.startsWith('helm 4: upgrade --install istiod'))).toBe(true);
    expect((await cluster.helmRelease({ name: 'istiod', namespace: 'istio-system', chart: istioChart('istiod'), values: {} }, { check: false, diff: false, log: log.progress })).status).toBe('ok');
    expect(await k.controlPlane.cluster.api.get('apps/v1', 'Deployment', 'istio-system', 'istiod')).toBeDefined();
    await cluster.close();
  }, 180_000);
});
