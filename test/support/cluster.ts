/**
 * The test fixture for anything that talks to a Kubernetes API: `cluster()` hands a test a real
 * control plane (lib/lab/cluster: etcd, kube-apiserver, controllers, scheduler, kwok), reached
 * through a fault-injecting proxy that logs every request, as user `capstan`.
 *
 *   const c = useCluster();                  // own cluster per test file (beforeAll/afterAll)
 *   const c = useCluster({ shared: true });  // the run's shared cluster (no charts, no cluster-wide objects)
 *   c().kubeconfig; c().requests; c().faults.failNext(3, 503, { pathPrefix: '/api/v1/secrets' });
 *   await c().faults.neverReady('Deployment', 'ns', 'name');
 *   const mark = await c().auditMark(); ...; await c().auditWritesSince(mark)  // writes by `capstan`
 *
 * Its shape is the one the (deleted) API simulator's fixture had (requests, faults, writesSince,
 * get); `await` the calls that are async here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startCluster, type AuditWrite, type Cluster } from '../../lib/lab/cluster/index.ts';
import { startFaultProxy, type FaultProxy, type ProxyFaults, type ProxyRequest } from '../../lib/lab/cluster/fault-proxy.ts';
import { kubeconfigText } from '../../lib/lab/cluster/manifests.ts';
import { sharedCluster } from '../../lib/lab/cluster/shared.ts';
import { connectKube, loadKubeConfig, type KubeApi } from '../../lib/kube/client.ts';

export interface TestCluster {
  readonly backend: 'real';
  /** Through the fault proxy, as user `capstan`. */
  readonly kubeconfig: string;
  /** Straight to the API server, as user `capstan` (no request log, no faults). */
  readonly directKubeconfig: string;
  readonly adminKubeconfig: string;
  /** The proxy's URL (what `kubeconfig` points at). */
  readonly url: string;
  /** Every request through the proxy, in arrival order. */
  readonly requests: ProxyRequest[];
  /** The proxy's faults, and kwok's: clear() ends both (a never-ready workload becomes ready). */
  readonly faults: Omit<ProxyFaults, 'clear'> & { neverReady(kind: string, namespace: string, name: string): Promise<void>; clear(): Promise<void> };
  /** Write requests (POST/PUT/PATCH/DELETE) through the proxy since request index `from`, as "METHOD path". */
  writesSince(from: number): string[];
  /** A position in the audit log (count of writes by `user`, default capstan, so far). */
  auditMark(user?: string): Promise<number>;
  /** Writes by `user` (default capstan) in the audit log since a mark: every client, not only the proxy's. */
  auditWritesSince(mark: number, user?: string): Promise<AuditWrite[]>;
  /** An object as the admin reads it, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<any | undefined>;
  /** Objects of a kind (in a namespace), as the admin reads them. */
  list(apiVersion: string, kind: string, namespace?: string): Promise<any[]>;
  /** Create an object as another client would (user capstan-admin, field manager `fieldManager`, default seed). */
  create(obj: any, o?: { fieldManager?: string }): Promise<any>;
  readonly cluster: Cluster;
  close(): Promise<void>;
}

export interface TestClusterOptions {
  /** The run's shared cluster instead of one of this file's own. */
  shared?: boolean;
  /** Also reachable on a lab's bridge (lab.gatewayIp); never with shared. */
  labGatewayIp?: string;
  /** Run the LoadBalancer-IP stand-in (default true; the shared cluster always does). */
  lbIps?: boolean;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function cluster(o: TestClusterOptions = {}): Promise<TestCluster> {
  if (o.shared && o.labGatewayIp) throw new Error('cluster(): a lab cluster is never the shared one');
  const c = o.shared ? await sharedCluster() : await startCluster({ ...(o.labGatewayIp ? { labGatewayIp: o.labGatewayIp } : {}), lbIps: o.lbIps ?? true });
  let proxy: FaultProxy | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'capstan-cluster-test-'));
  try {
    const capstan = c.pki.client('capstan');
    proxy = await startFaultProxy({ target: c.server, ca: c.caFile, ...capstan, serverCert: c.pki.serverCert, serverKey: c.pki.serverKey });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigText(proxy.url, c.caFile, { name: 'capstan', ...capstan }), { mode: 0o600 });
    const p = proxy;
    return {
      backend: 'real', kubeconfig, directKubeconfig: c.kubeconfig, adminKubeconfig: c.adminKubeconfig, url: p.url, requests: p.requests,
      faults: {
        failNext: (n, status, m) => p.faults.failNext(n, status, m), resetNext: (n, m) => p.faults.resetNext(n, m), delay: (ms, m) => p.faults.delay(ms, m),
        neverReady: (kind, ns, name) => c.neverReady(kind, ns, name),
        clear: async () => { p.faults.clear(); await c.clearNeverReady(); },
      },
      writesSince: (from) => p.requests.slice(from).filter((r) => WRITE_METHODS.has(r.method)).map((r) => `${r.method} ${r.path}`),
      auditMark: async (user = 'capstan') => (await c.auditWrites(user)).length,
      auditWritesSince: async (mark, user = 'capstan') => (await c.auditWrites(user)).slice(mark),
      get: (apiVersion, kind, ns, name) => c.api.get(apiVersion, kind, ns, name),
      list: (apiVersion, kind, ns) => c.api.list(apiVersion, kind, ns),
      create: async (obj, co = {}) => {
        const path = await c.api.resourcePath(obj.apiVersion, obj.kind, obj.metadata?.namespace);
        return c.api.must('POST', `${path}?fieldManager=${encodeURIComponent(co.fieldManager ?? 'seed')}`, obj);
      },
      cluster: c,
      async close() {
        await p.close();
        rmSync(dir, { recursive: true, force: true });
        await c.down();
      },
    };
  } catch (err) {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
    await c.down();
    throw err;
  }
}

/** One cluster per test file (or the shared one), started in beforeAll, removed in afterAll. */
export function useCluster(o: TestClusterOptions = {}): () => TestCluster {
  let c: TestCluster | undefined;
  beforeAll(async () => {
    c = await cluster(o);
  }, 180_000);
  afterAll(async () => {
    await c?.close();
  });
  return () => {
    if (!c) throw new Error('useCluster: the cluster is not started (use it inside tests, after beforeAll)');
    return c;
  };
}

/**
 * A namespace of the test file's own on its cluster (`<prefix>-<pid>`: files sharing the run's
 * cluster never meet), made in beforeAll and deleted in afterAll, with a lib/kube client as
 * user `capstan` (short retry backoffs).
 */
export function useTestNamespace(c: () => TestCluster, prefix: string): { readonly name: string; api(): KubeApi } {
  const name = `${prefix}-${process.pid}`;
  let api: KubeApi | undefined;
  beforeAll(async () => {
    api = connectKube(loadKubeConfig(c().kubeconfig), { minTimeoutMs: 20 });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });
  afterAll(async () => {
    await api?.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });
  return {
    name,
    api: () => {
      if (!api) throw new Error('useTestNamespace: the namespace is made in beforeAll; use it inside a test');
      return api;
    },
  };
}
