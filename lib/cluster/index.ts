/**
 * The cluster facade, openCluster: the run's one connection to the cluster (the runner calls it
 * lazily from ctx.cluster()). It wires what lives below it: access by kubeconfig or SSH tunnel
 * and the client-node adapter with its idempotent operations (lib/kube), Helm releases
 * (lib/helm), waits (lib/wait) and the run's Lease (lib/lock). lib/kube never imports these.
 */
import type { HostInfo, TaskLog } from '../role.ts';
import type { Transport } from '../transport/types.ts';
import { helmRelease } from '../helm/release.ts';
import { helmAuth, refuseOnNode, type HelmAuth } from '../helm/credentials.ts';
import { localHelm, nodeHelm, type HelmExec } from '../helm/exec.ts';
import { releaseStore, type ReleaseStore } from '../helm/state.ts';
import type { RunLock } from '../lock/index.ts';
import { readLease, takeLease, type HeldLease } from '../lock/lease.ts';
import { lockSettings } from '../lock/vars.ts';
import { createWaiter } from '../wait/index.ts';
import { openAccess } from '../kube/access.ts';
import { connectKube, loadKubeConfig, type KubeConnection } from '../kube/client.ts';
import { applyObjects, deleteObjects, ensureNamespace, rolloutRestart } from '../kube/ops.ts';
import type { Cluster } from '../kube/types.ts';
import { clusterSettings } from '../kube/vars.ts';

export interface OpenClusterOptions {
  host: HostInfo;
  transport: () => Promise<Transport>;
  shared: Map<string, unknown>;
  log: TaskLog;
  signal: AbortSignal;
  /** Second Ctrl-C: stop a running helm at once (the first, `signal`, gives it helm_interrupt_grace). */
  force?: AbortSignal;
  /** Take (a run) or read (--check) the cluster Lease; none: no lock (tests of lib/kube itself). */
  lock?: RunLock;
  /**
   * The run selects roles that use the cluster: start the reads they all make first (the Helm
   * release list, discovery of the built-in kinds) as soon as the cluster is open and locked,
   * beside the plays before them (the k3s plays open the cluster for their node waits).
   */
  warm?: boolean;
  /** Retry tuning for API calls (tests use short backoffs). */
  retry?: { retries?: number; minTimeoutMs?: number };
}

export type OpenCluster = Cluster & {
  close(): Promise<void>;
  /** The kubeconfig in use (a temporary one for SSH access), e.g. for a verify step. */
  readonly kubeconfigPath: string;
};

/** The run's Lease (held until close), or for --check a warning when another run holds it. */
/** The run's Lease, and whether another live run held it when this one first looked (it waited). */
async function clusterLock(api: KubeConnection, o: OpenClusterOptions): Promise<{ lease: HeldLease | undefined; waited: boolean }> {
  if (!o.lock) return { lease: undefined, waited: false };
  const { settings } = lockSettings(o.host.vars);
  const namespace = settings.capstan_lock_namespace;
  if (o.lock.mode === 'take') {
    const lease = await takeLease(api, o.lock.run, { namespace, timeoutSeconds: settings.capstan_lock_timeout, say: o.lock.say, signal: o.signal });
    return { lease, waited: lease.waited };
  }
  const holder = await readLease(api, namespace);
  if (holder) o.lock.say(`the cluster Lease ${namespace}/capstan-run is held by ${holder}: another run is changing the cluster while this check reads it, so what it reports may change`);
  return { lease: undefined, waited: false };
}

/** The built-in kinds the cluster roles' first reads and waits use (discovery is per group/version). */
const BUILT_IN_KINDS = [
  ['v1', 'Namespace'], ['apps/v1', 'Deployment'], ['discovery.k8s.io/v1', 'EndpointSlice'], ['networking.k8s.io/v1', 'Ingress'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'], ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
] as const;

/**
 * Reads started early, in the background; each is awaited by the task that needs it (the release
 * list by the first helmRelease, a kind's discovery by its first request), which meets a failure
 * then as it would have without the head start, so none is dropped here unseen.
 */
function warmUp(api: KubeConnection, store: ReleaseStore): void {
  store.prefetch?.();
  api.discover(BUILT_IN_KINDS).catch(() => undefined);
}

/** The API connection pool, Helm's credentials, then the access (tunnel, temporary kubeconfig): each attempted. */
async function closeAll(api: KubeConnection | undefined, auth: HelmAuth | undefined, access: { close(): Promise<void> }): Promise<void> {
  try {
    await api?.close();
  } finally {
    try {
      await auth?.close();
    } finally {
      await access.close();
    }
  }
}

export async function openCluster(o: OpenClusterOptions): Promise<OpenCluster> {
  const s = clusterSettings(o.host.vars);
  const access = await openAccess(s, { shared: o.shared, transport: o.transport, verbose: (m) => o.log.verbose(m) });
  o.log.verbose(`cluster access: ${access.via}`);
  const driver = process.env['HELM_DRIVER'];
  if (driver && !/^secrets?$/.test(driver)) {
    o.log.warn(`HELM_DRIVER=${driver}: capstan reads release state from Helm's release Secrets (the default driver), so releases stored elsewhere look not installed and are upgraded on every run`);
  }
  let auth: HelmAuth | undefined;
  let connection: KubeConnection | undefined;
  try {
    const kc = loadKubeConfig(access.kubeconfigPath, access.context);
    const api = connection = connectKube(kc, { ...o.retry, onRetry: (m) => o.log.verbose(m) });
    // the warm-up's reads go out beside the Lease's: they only read, and what they read is used
    // only once the Lease is held. A run that had to wait for another run's Lease reads the
    // releases again (that run changed them meanwhile); discovery stays good (new kinds are
    // looked up again when first asked for).
    let store = releaseStore(api);
    if (o.warm) warmUp(api, store);
    const { lease, waited } = await clusterLock(api, o);
    if (waited) {
      store = releaseStore(api);
      if (o.warm) store.prefetch?.();
    }
    let exec: HelmExec | undefined;
    const transport = s.helm_on_node ? await o.transport() : undefined;
    if (transport) refuseOnNode({ repositories: s.helm_repositories, registries: s.helm_registries });
    auth = transport ? undefined : helmAuth({ repositories: s.helm_repositories, registries: s.helm_registries, env: process.env });
    const wait = createWaiter(api);
    const deps = {
      auth,
      crdEstablished: wait.crdEstablished,
      exec: () => (exec ??= transport ? nodeHelm(s.helm_binary, transport, s.k3s_remote_kubeconfig)
        : localHelm(s.helm_binary, access.kubeconfigPath, access.context, auth?.env)),
      store,
      api,
      chartDir: s.helm_chart_dir,
      timeoutSeconds: s.helm_timeout,
    };
    return {
      kubeconfigPath: access.kubeconfigPath,
      helmRelease: (spec, opts) => helmRelease(deps, spec, {
        ...opts, signal: o.signal, graceSeconds: s.helm_interrupt_grace, say: (m) => o.log.warn(m), ...(o.force ? { force: o.force } : {}),
      }),
      apply: (objects, opts) => applyObjects(api, objects, { ...opts, force: opts.force ?? s.kube_apply_force }),
      ensureNamespace: (name, labels, opts) => ensureNamespace(api, name, labels, opts),
      delete: (objects, opts) => deleteObjects(api, objects, opts),
      get: (apiVersion, kind, name, namespace) => api.get({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }),
      list: async (apiVersion, kind, q = {}) => (await api.list(apiVersion, kind, q)).items,
      rolloutRestart: (namespace, names, opts) => rolloutRestart(api, namespace, names, opts),
      wait,
      api,
      async close() {
        try {
          await lease?.release();
        } finally {
          await closeAll(api, auth, access);
        }
      },
    };
  } catch (err) {
    await closeAll(connection, auth, access);
    throw err;
  }
}

export { clusterVars, clusterSettings, type ClusterSettings } from '../kube/vars.ts';
export type { Cluster } from '../kube/types.ts';
