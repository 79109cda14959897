// The dashboard forward (roles/observability/dashboard.ts, lib/kube/port-forward.ts) as a unit: the pod
// and port behind a Service, bytes both ways through the local listener to a STAND-IN endpoint on
// 127.0.0.1, with the API server's pods/portforward replaced by a stand-in that pipes each connection
// there. Through the REAL API server and kwok's kubelet server: dashboard-forward.int.test.ts.
import { createServer, connect, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, KubeObject } from '../../../lib/kube/types.ts';
import { dashboardArgs } from '../../../lib/cli/dashboard.ts';
import { forwardPort } from '../../../lib/kube/port-forward.ts';
import { forwardTarget } from '../../../roles/observability/dashboard.ts';

const kialiService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kiali', namespace: 'istio-system' }, spec: { selector: { app: 'kiali' }, ports: [{ port: 20001, targetPort: 'api-port' }] } };
const pod = (name: string, phase: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'istio-system' }, status: { phase }, spec: { containers: [{ name: 'kiali', ports: [{ name: 'api-port', containerPort: 20001 }] }] } });

/** A Cluster stand-in: the Service and pods above; portForward pipes to `target` and records where it was asked to go. */
function standInCluster(target: () => number, asked: string[]): Cluster {
  return {
    get: async (_a: string, kind: string, name: string) => (kind === 'Service' && name === 'kiali' ? kialiService : undefined) as KubeObject | undefined,
    list: async (_a: string, _k: string, o?: { labelSelector?: string }) => (o?.labelSelector === 'app=kiali' ? [pod('kiali-pending', 'Pending'), pod('kiali-7d9f', 'Running')] : []) as KubeObject[],
    api: {
      portForward: async (ns: string, p: string, port: number, socket: Duplex) => {
        asked.push(`${ns}/${p}:${port}`);
        const upstream = connect(target(), '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
      },
    },
  } as unknown as Cluster;
}

describe('dashboard forward', () => {
  let standIn: Server;
  let standInPort = 0;
  beforeAll(async () => {
    // The STAND-IN Kiali endpoint: answers each request with what it received, reversed, so both directions are checked.
    standIn = createServer((s) => s.on('data', (b) => s.end(`kiali-stand-in got ${b.length} bytes: ${b.toString().split('').reverse().join('')}`)));
    await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', () => r()));
    standInPort = (standIn.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => standIn.close(() => r())));

  it('picks the running pod behind the Service and resolves the named target port', async () => {
    expect(await forwardTarget(standInCluster(() => standInPort, []), 'istio-system', 'kiali')).toEqual({ pod: 'kiali-7d9f', port: 20001 });
  });

  it('a missing Service is an error naming it', async () => {
    await expect(forwardTarget(standInCluster(() => standInPort, []), 'istio-system', 'grafana')).rejects.toThrow('Service istio-system/grafana not found');
  });

  it('bytes both ways: a request through 127.0.0.1 reaches the stand-in behind the pod, and its answer comes back', async () => {
    const asked: string[] = [];
    const cluster = standInCluster(() => standInPort, asked);
    const forward = await forwardPort(cluster.api, { namespace: 'istio-system', ...await forwardTarget(cluster, 'istio-system', 'kiali') }, 0, (m) => { throw new Error(m); });
    try {
      const port = forward.port;
      const answer = await new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.write('GET /kiali'));
        let got = '';
        s.on('data', (b) => { got += b.toString(); });
        s.on('end', () => resolve(got));
        s.on('error', reject);
      });
      expect(answer).toBe('kiali-stand-in got 10 bytes: ilaik/ TEG');
      expect(asked).toEqual(['istio-system/kiali-7d9f:20001']);
    } finally {
      await forward.close();
    }
  });

  it('a stream that fails is reported with its reason; close() ends open connections', async () => {
    const cluster = { api: { portForward: async (_ns: string, _p: string, _port: number, socket: Duplex, onError?: (m: string) => void) => {
      onError?.('port-forward istio-system/kiali-7d9f:20001: no forward found for port 20001'); // as kwok answers without a rule
      socket.on('data', () => {}); // keeps the connection open
    } } } as unknown as Cluster;
    const seen: string[] = [];
    const forward = await forwardPort(cluster.api, { namespace: 'istio-system', pod: 'kiali-7d9f', port: 20001 }, 0, (m) => seen.push(m));
    const s = connect(forward.port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', () => r()));
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    await expect.poll(() => forward.errors).toEqual(['port-forward istio-system/kiali-7d9f:20001: no forward found for port 20001']);
    expect(seen).toEqual(forward.errors);
    await forward.close();
    await closed;
    await expect(new Promise((resolve, reject) => { const c = connect(forward.port, '127.0.0.1', () => resolve('connected')); c.on('error', reject); })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('the command line: play --tags dashboard with the component; an unknown name is refused', () => {
    expect(dashboardArgs(['kiali', '-i', 'inventory/production'])).toEqual(['--tags', 'dashboard', '-e', '{"observability_dashboard":"kiali"}', '-i', 'inventory/production']);
    expect(dashboardArgs(['kibana'])).toBeUndefined();
  });
});
