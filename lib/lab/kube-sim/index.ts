/**
 * kube-sim: an in-memory Kubernetes API *simulator* (not a cluster) for tests and the lab.
 * HTTPS over HTTP/2, bearer-token auth, discovery, /openapi/v3, generic objects for built-in
 * kinds and CRDs, selectors, watch, patch and server-side apply, protobuf request bodies,
 * validation against the real OpenAPI specs, and simulated controllers. See docs/simulator.md.
 *
 *   const sim = await startSimulator();
 *   await sim.writeKubeconfig('/tmp/kc.yaml');   // helm --kubeconfig /tmp/kc.yaml ...
 *   await sim.close();
 */
import { randomBytes } from 'node:crypto';
import { writeFile, rename, chmod } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { stringify } from 'yaml';
import type { SimContext } from './context.ts';
import { startControllers } from './controllers/index.ts';
import { internalCreate, keyOf } from './controllers/util.ts';
import { FaultInjector, type Faults } from './faults.ts';
import { createObject } from './objects.ts';
import { Registry } from './registry.ts';
import { listen, type RequestLogEntry } from './server.ts';
import { clone, ObjectStore } from './store.ts';
import { simulatorCerts } from './tls.ts';

export type { RequestLogEntry } from './server.ts';
export type { Faults, FaultMatch } from './faults.ts';

export interface SimulatorOptions {
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** How long until workloads, nodes and LoadBalancer IPs become ready; default 50. */
  controllerDelayMs?: number;
}

export interface KubeconfigOptions {
  /** Server URL to write instead of the simulator's own (e.g. an SSH tunnel's local end). */
  server?: string;
  /** Name of the context, cluster and user; default kube-sim. */
  context?: string;
}

export interface SimulatorStore {
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): any | undefined;
  list(apiVersion: string, kind: string, namespace?: string): any[];
  /** Create an object as a client would (defaults, admission, validation); for seeding. */
  create(obj: any): any;
}

export interface Simulator {
  url: string;
  caPem: string;
  token: string;
  kubeconfig(options?: KubeconfigOptions): string;
  /** Write the kubeconfig atomically with mode 0600. */
  writeKubeconfig(path: string, options?: KubeconfigOptions): Promise<void>;
  /** Every request served, in arrival order. */
  requests: RequestLogEntry[];
  clearRequests(): void;
  faults: Faults;
  store: SimulatorStore;
  close(): Promise<void>;
}

function seed(ctx: SimContext): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    internalCreate(ctx, 'v1', 'Namespace', { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  createObject(ctx, ctx.registry.byKind('v1', 'Service')!, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  }, 'default', { manager: 'kube-apiserver', dryRun: false, strict: false });
}

function storeFacade(ctx: SimContext): SimulatorStore {
  const typeFor = (apiVersion: string, kind: string) => {
    const t = ctx.registry.byKind(apiVersion, kind);
    if (!t) throw new Error(`kube-sim: the simulator serves no ${kind} in ${apiVersion}`);
    return t;
  };
  return {
    get: (apiVersion, kind, namespace, name) => clone(ctx.store.get(keyOf(ctx, apiVersion, kind), typeFor(apiVersion, kind).namespaced ? namespace : undefined, name)),
    list: (apiVersion, kind, namespace) => clone(ctx.store.list(keyOf(ctx, apiVersion, kind), namespace)),
    create: (obj) => createObject(ctx, typeFor(obj.apiVersion, obj.kind), obj, obj.metadata?.namespace, { manager: 'kube-sim', dryRun: false, strict: false }),
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const certs = await simulatorCerts([host]);
  const neverReady = new Set<string>();
  const ctx: SimContext = {
    registry: new Registry(), store: new ObjectStore(), controllerDelayMs: options.controllerDelayMs ?? 50,
    admission: [], neverReady, timers: new Set(), watchStops: new Set(), closed: false,
  };
  startControllers(ctx);
  seed(ctx);
  const token = randomBytes(24).toString('hex');
  const faults = new FaultInjector(neverReady);
  const requests: RequestLogEntry[] = [];
  let url = '';
  const server = await listen({ ctx, certs, token, faults, log: requests, serverAddress: () => url.replace(/^https:\/\//, '') }, host, options.port ?? 0);
  url = `https://${isIPv6(host) ? `[${host}]` : host}:${server.port}`;
  const kubeconfig = (o: KubeconfigOptions = {}): string => {
    const name = o.context ?? 'kube-sim';
    return stringify({
      apiVersion: 'v1', kind: 'Config',
      clusters: [{ name, cluster: { server: o.server ?? url, 'certificate-authority-data': Buffer.from(certs.caPem).toString('base64') } }],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name, preferences: {},
    });
  };
  return {
    url, caPem: certs.caPem, token, kubeconfig, requests, faults, store: storeFacade(ctx),
    clearRequests: () => void requests.splice(0, requests.length),
    async writeKubeconfig(path, o) {
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, kubeconfig(o), { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, path);
    },
    async close() {
      ctx.closed = true;
      for (const t of ctx.timers) clearTimeout(t);
      for (const stop of [...ctx.watchStops]) stop();
      await server.close();
    },
  };
}

export { rawRequest, type RawResponse, type RawRequestOptions } from './request.ts';
