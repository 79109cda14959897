/**
 * The PV binder STAND-IN for kube-controller-manager's PV controller, for an API server that runs
 * none (the real control plane binds PVs itself): a Pending claim is bound to an Available
 * PersistentVolume of its StorageClass, as with a pre-created PV; nothing provisions volumes.
 */
import { connectKube, loadKubeConfig } from '../../kube/client.ts';
import { watchKind, type MergePatch, type Obj, type StandIn } from './watch.ts';

/** Binds each Pending PVC to an Available PV with the same storageClassName. */
export function startPvBinderStandIn(patch: MergePatch, kubeconfig: string): StandIn {
  const api = connectKube(loadKubeConfig(kubeconfig), { minTimeoutMs: 100 });
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
