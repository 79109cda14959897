/**
 * STAND-INS for controllers a test cluster does not run, driven from outside through the API as
 * the real controllers would (on the simulator both; on the real control plane only cert-manager,
 * since kube-controller-manager binds PVs itself): a PV binder (kube-controller-manager's PV
 * controller: a Pending claim is bound to an Available PersistentVolume of its StorageClass, as
 * with a pre-created PV; nothing provisions volumes) and a cert-manager stand-in that marks every
 * Certificate Ready=False with cert-manager's message for a missing Issuer. Each watches until
 * stopped (bounded by the test that starts it).
 */
import { connectKube, loadKubeConfig, type KubeApi } from '../../lib/kube/client.ts';
import type { KubeObject } from '../../lib/kube/types.ts';
import { rawRequest, type Simulator } from '../../lib/lab/kube-sim/index.ts';

/** Where a stand-in sends its merge patches: the simulator, or a real API server's admin client. */
export type MergePatch = (path: string, body: unknown) => Promise<void>;

/** Merge patches through the simulator's raw client. */
export function simPatch(sim: Simulator): MergePatch {
  return async (path, body) => {
    const res = await rawRequest(sim, 'PATCH', path, { body, contentType: 'application/merge-patch+json' });
    if (res.status >= 300) throw new Error(`stand-in: PATCH ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  };
}

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

export interface StandIn { stop(): Promise<void> }


/** Runs `onObject` for each object of a kind as it is listed and then watched, until stopped. */
function watchKind(api: KubeApi, apiVersion: string, kind: string, onObject: (o: Obj) => Promise<void>): StandIn {
  const stop = new AbortController();
  const errors: unknown[] = [];
  const handle = (o: Obj) => void onObject(o).catch((e: unknown) => errors.push(e));
  const loop: Promise<unknown> = (async () => {
    const path = await api.collectionPath(apiVersion, kind);
    while (!stop.signal.aborted) {
      const listed = await api.list(apiVersion, kind);
      for (const o of listed.items) handle(o as Obj);
      await api.watch(path, { resourceVersion: listed.resourceVersion }, (e) => { if (e.type !== 'DELETED' && e.object?.metadata) handle(e.object as Obj); }, stop.signal);
    }
  })().catch((e: unknown) => errors.push(e));
  return {
    async stop() {
      stop.abort();
      await loop;
      if (errors.length) throw errors[0];
    },
  };
}

function apiFor(kubeconfig: string): KubeApi {
  return connectKube(loadKubeConfig(kubeconfig), { minTimeoutMs: 100 });
}

/** Binds each Pending PVC to an Available PV with the same storageClassName and enough capacity. */
export function startPvBinderStandIn(patch: MergePatch, kubeconfig: string): StandIn {
  const api = apiFor(kubeconfig);
  const claimed = new Set<string>();
  return watchKind(api, 'v1', 'PersistentVolumeClaim', async (pvc) => {
    if (pvc.status?.['phase'] === 'Bound') return;
    const { items } = await api.list('v1', 'PersistentVolume');
    const pv = (items as Obj[]).find((v) => !v.spec?.['claimRef'] && !claimed.has(v.metadata.name) && v.spec?.['storageClassName'] === pvc.spec?.['storageClassName']);
    if (!pv) return;
    claimed.add(pv.metadata.name);
    const ns = pvc.metadata.namespace!;
    await patch(`/api/v1/persistentvolumes/${pv.metadata.name}`, { spec: { claimRef: { kind: 'PersistentVolumeClaim', namespace: ns, name: pvc.metadata.name, uid: pvc.metadata['uid'] } } });
    await patch(`/api/v1/persistentvolumes/${pv.metadata.name}/status`, { status: { phase: 'Bound' } });
    await patch(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${pvc.metadata.name}`, { spec: { volumeName: pv.metadata.name } });
    await patch(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${pvc.metadata.name}/status`, { status: { phase: 'Bound', accessModes: pvc.spec?.['accessModes'], capacity: pv.spec?.['capacity'] } });
  });
}

export const CERT_NOT_READY = 'Issuing certificate as Secret does not exist';

/** Marks each Certificate Ready=False (DoesNotExist), as cert-manager does while it cannot issue. */
export function startCertManagerStandIn(patch: MergePatch, kubeconfig: string): StandIn {
  const api = apiFor(kubeconfig);
  return watchKind(api, 'cert-manager.io/v1', 'Certificate', async (cert) => {
    if (cert.status?.['conditions']) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await patch(`/apis/cert-manager.io/v1/namespaces/${cert.metadata.namespace}/certificates/${cert.metadata.name}/status`, { status: {
      conditions: [{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: CERT_NOT_READY, lastTransitionTime: now, observedGeneration: cert.metadata['generation'] }],
    } });
  });
}

/** What the serving STAND-IN marks Ready, and the status path of each. */
const SERVING_KINDS = [
  { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', plural: 'clusterissuers' },
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', plural: 'certificates' },
  { apiVersion: 'mlops.seldon.io/v1alpha1', kind: 'Model', plural: 'models' },
  { apiVersion: 'mlops.seldon.io/v1alpha1', kind: 'Experiment', plural: 'experiments' },
] as const;

/**
 * A STAND-IN for cert-manager's and Seldon's controllers on the serving path (neither runs here):
 * every ClusterIssuer, Certificate (with notAfter = now + 90 days), Model and Experiment gets
 * Ready=True for its generation, as the real controllers report once issued / loaded.
 */
export function startServingReadyStandIn(patch: MergePatch, kubeconfig: string): StandIn {
  const api = apiFor(kubeconfig);
  const watchers = SERVING_KINDS.map((k) => watchKind(api, k.apiVersion, k.kind, async (o) => {
    const gen = o.metadata['generation'];
    if (!o.metadata.name) return; // a watch bookmark, not an object
    if ((o.status?.['conditions'] as { observedGeneration?: number }[] | undefined)?.some((c) => c.observedGeneration === gen)) return;
    const now = new Date();
    const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
    const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
    await patch(`/apis/${k.apiVersion}${ns}/${k.plural}/${o.metadata.name}/status`, { status: {
      ...(k.kind === 'Certificate' ? { notAfter: stamp(new Date(now.getTime() + 90 * 86400_000)) } : {}),
      observedGeneration: gen,
      conditions: [{ type: 'Ready', status: 'True', reason: 'StandIn', message: `marked Ready by the serving stand-in (no ${k.kind.startsWith('C') ? 'cert-manager' : 'Seldon'} controller runs here)`, lastTransitionTime: stamp(now), observedGeneration: gen }],
    } });
  }));
  return { async stop() { for (const w of watchers) await w.stop(); } };
}
