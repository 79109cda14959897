/**
 * A real Kubernetes control plane for tests, the demo and people: etcd, kube-apiserver (TLS,
 * RBAC, audit log), kube-controller-manager and kube-scheduler built from their Go modules,
 * with kwok standing in for kubelets and containers (fake Nodes; Pods become Ready through its
 * stages) and a LoadBalancer-IP stand-in for MetalLB's controller. See docs/cluster.md.
 *
 *   const c = await startCluster();            // c.kubeconfig: user `capstan`
 *   await c.auditWrites('capstan');            // write requests of a user (audit log)
 *   await c.down();
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterApi } from './api.ts';
import { readWrites, type AuditWrite } from './audit.ts';
import { makePki, type ClusterUser, type Pki } from './certs.ts';
import { apiserverArgs, controllerManagerArgs, etcdArgs, kwokArgs, ranges, schedulerArgs, type Ranges } from './flags.ts';
import { auditPolicy, capstanClusterAdmin, fakeNode, kubeconfigText } from './manifests.ts';
import { KUBELET_ADDRESS } from './port-forward.ts';
import { freePort, healthz, residentMiB, startProcess, waitFor } from './processes.ts';
import { addNeverReady, applyStages, kwokCrds, setNeverReady } from './stages.ts';
import { addUnreachableRoute, allocateCluster, cleanupStaleClusters, saveState, teardownState, teardownStateAsync, type ClusterState } from './state.ts';
import { binaryPath } from './versions.ts';

export interface ClusterOptions {
  /** Kept after this process exits (`npm run cluster -- up`), removed only by `down`. */
  persistent?: boolean;
  /** Also listen on this lab bridge address (the lab's gatewayIp), same port. */
  labGatewayIp?: string;
  /** Run the LoadBalancer-IP stand-in (default true). */
  lbIps?: boolean;
  /** Names of the fake Nodes (default kwok-node-1..3). */
  nodeNames?: readonly string[];
  log?: (line: string) => void;
  /**
   * Tear down on SIGINT/SIGTERM/SIGHUP and re-raise it (default true). false: the caller handles
   * Ctrl-C and calls down() (`npm run demo`); the teardown on process exit stays either way.
   */
  handleSignals?: boolean;
  /** Stops a start-up under way (Ctrl-C of the demo): what was started is torn down, the signal's reason thrown. */
  signal?: AbortSignal;
}

export type { Cluster } from './types.ts';
import type { Cluster } from './types.ts';

const live = new Map<string, ClusterState>();
let hooked = false;

/** Tear down this process's clusters when it exits or is signalled (a crashed test leaves nothing). */
function installExitHooks(handleSignals: boolean): void {
  if (hooked) return;
  hooked = true;
  const downAll = () => {
    for (const s of live.values()) if (!s.persistent) teardownState(s);
    live.clear();
  };
  process.on('exit', downAll);
  if (!handleSignals) return;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      downAll();
      process.kill(process.pid, sig);
    });
  }
}

function writeKubeconfigs(s: ClusterState, pki: Pki, server: string): void {
  const users: Record<ClusterUser, string> = {
    admin: 'capstan-admin', capstan: 'capstan', 'kube-controller-manager': 'system:kube-controller-manager', 'kube-scheduler': 'system:kube-scheduler', kwok: 'kwok',
    'lb-ip-stand-in': 'lb-ip-stand-in', 'cert-manager': 'cert-manager',
  };
  for (const [file, name] of Object.entries(users) as [ClusterUser, string][]) {
    writeFileSync(join(s.dir, `${file}.kubeconfig`), kubeconfigText(server, pki.ca, { name, ...pki.client(file) }), { mode: 0o600 });
  }
}

async function startControlPlane(s: ClusterState, pki: Pki, r: Ranges, api: ClusterApi, signal?: AbortSignal): Promise<void> {
  const [etcdPort, peerPort] = [await freePort(), await freePort()];
  startProcess(s, 'etcd', binaryPath('etcd'), etcdArgs(s.dir, etcdPort, peerPort));
  await waitFor(s, 'etcd', 'etcd health', async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok, 30_000, signal);
  startProcess(s, 'kube-apiserver', binaryPath('kube-apiserver'), apiserverArgs(s.dir, pki, { etcdPort, port: s.apiPort!, ranges: r }));
  await waitFor(s, 'kube-apiserver', 'kube-apiserver /readyz', async () => (await api.call('GET', '/readyz', undefined, { timeoutMs: 2000 })).status === 200, 90_000, signal);
}

async function seed(s: ClusterState, api: ClusterApi, r: Ranges, nodeNames: readonly string[], signal?: AbortSignal): Promise<void> {
  await api.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', capstanClusterAdmin());
  const crds = kwokCrds();
  for (const crd of crds) await api.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  await waitFor(s, 'kube-apiserver', `kwok CRDs established (${crds.map((c) => c.spec.names.kind).join(', ')})`, async () => {
    const all = await Promise.all(crds.map((c) => api.must('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${c.metadata.name}`)));
    return all.every((crd) => (crd.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True'));
  }, 30_000, signal);
  await applyStages(api);
  await Promise.all(nodeNames.map((name, i) => api.create('/api/v1/nodes', fakeNode(name, r.nodeIp(i + 1)))));
}

async function waitReady(s: ClusterState, api: ClusterApi, nodeNames: readonly string[], kubeletPort: number, ca: string, signal?: AbortSignal): Promise<void> {
  await Promise.all([
    waitFor(s, 'kwok', `kwok's kubelet server https://${KUBELET_ADDRESS}:${kubeletPort}/healthz`, () => healthz(KUBELET_ADDRESS, kubeletPort, ca), undefined, signal),
    waitFor(s, 'kwok', `fake Nodes ${nodeNames.join(', ')} Ready`, async () => {
      const nodes = (await api.must('GET', '/api/v1/nodes')).items as any[];
      const ready = nodes.filter((n) => (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'));
      return nodeNames.every((name) => ready.some((n) => n.metadata.name === name));
    }, undefined, signal),
    waitFor(s, 'kube-controller-manager', 'the default ServiceAccount (controllers running)', async () =>
      (await api.call('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200, undefined, signal),
  ]);
}

export async function startCluster(o: ClusterOptions = {}): Promise<Cluster> {
  if (process.getuid?.() !== 0) throw new Error('cluster: must run as root (it routes its own address range 10.<n>.0.0/16 as unreachable)');
  const t0 = Date.now();
  o.signal?.throwIfAborted();
  cleanupStaleClusters();
  installExitHooks(o.handleSignals ?? true);
  const nodeNames = o.nodeNames ?? ['kwok-node-1', 'kwok-node-2', 'kwok-node-3'];
  const s = allocateCluster(o.persistent ?? false, o.labGatewayIp ? ['127.0.0.1', o.labGatewayIp] : ['127.0.0.1']);
  live.set(s.id, s);
  try {
    addUnreachableRoute(s);
    const r = ranges(s.n, o.labGatewayIp);
    mkdirSync(join(s.dir, 'pki'));
    const pki = await makePki(join(s.dir, 'pki'), [r.advertise, `10.${s.n}.128.1`, ...(o.labGatewayIp ? [o.labGatewayIp] : [])]);
    s.apiPort = await freePort();
    saveState(s);
    const server = `https://127.0.0.1:${s.apiPort}`;
    writeFileSync(join(s.dir, 'audit-policy.yaml'), auditPolicy());
    writeKubeconfigs(s, pki, server);
    const api = new ClusterApi({ server, ca: pki.ca, ...pki.client('admin') });
    await startControlPlane(s, pki, r, api, o.signal);
    await seed(s, api, r, nodeNames, o.signal);
    startProcess(s, 'kube-controller-manager', binaryPath('kube-controller-manager'), controllerManagerArgs(s.dir, pki));
    startProcess(s, 'kube-scheduler', binaryPath('kube-scheduler'), schedulerArgs(s.dir));
    const kubeletPort = await freePort();
    startProcess(s, 'kwok', binaryPath('kwok'), kwokArgs(s.dir, r, pki, kubeletPort));
    if (o.lbIps ?? true) startProcess(s, 'lb-ip-stand-in', process.execPath, [join(import.meta.dirname, 'lb-ip-stand-in.ts'), s.dir]);
    if (o.labGatewayIp) startProcess(s, 'forward', process.execPath, [join(import.meta.dirname, 'forward.ts'), s.dir, o.labGatewayIp, String(s.apiPort), String(s.apiPort)]);
    await waitReady(s, api, nodeNames, kubeletPort, pki.ca, o.signal);
    return handle(s, pki, r, api, server, (Date.now() - t0) / 1000, o.labGatewayIp);
  } catch (err) {
    teardownState(s); // a cluster that did not start is never kept, persistent or not
    live.delete(s.id);
    throw err;
  }
}

function handle(s: ClusterState, pki: Pki, r: Ranges, api: ClusterApi, server: string, startupSeconds: number, gw?: string): Cluster {
  return {
    id: s.id, dir: s.dir, server, labServer: gw ? `https://${gw}:${s.apiPort}` : undefined,
    kubeconfig: join(s.dir, 'capstan.kubeconfig'), adminKubeconfig: join(s.dir, 'admin.kubeconfig'), caFile: pki.ca, pki, ranges: r,
    auditLog: join(s.dir, 'audit.log'), api, startupSeconds,
    memoryMiB: () => residentMiB(s),
    auditWrites: (user) => readWrites(api, join(s.dir, 'audit.log'), user),
    neverReady: (kind, namespace, name) => addNeverReady(api, `${namespace}/${kind}/${name}`),
    clearNeverReady: () => setNeverReady(api, []),
    async down() {
      await teardownStateAsync(s);
      live.delete(s.id);
    },
  };
}

export { attachCluster } from './attach.ts';
export type { AuditWrite } from './audit.ts';
