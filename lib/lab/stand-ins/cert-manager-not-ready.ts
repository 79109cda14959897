/**
 * A cert-manager STAND-IN that cannot issue: marks each Certificate Ready=False with cert-manager's
 * message for a Secret it has not issued yet, as the real controller reports while an issuer is
 * missing. For tests of the wait that names a never-Ready object (the objects role's).
 */
import { connectKube, loadKubeConfig } from '../../kube/client.ts';
import { stamp, watchKind, type MergePatch, type StandIn } from './watch.ts';

export const CERT_NOT_READY = 'Issuing certificate as Secret does not exist';

export function startCertManagerNotReadyStandIn(patch: MergePatch, kubeconfig: string): StandIn {
  const api = connectKube(loadKubeConfig(kubeconfig), { minTimeoutMs: 100 });
  return watchKind(api, 'cert-manager.io/v1', 'Certificate', async (cert) => {
    if (cert.status?.['conditions']) return;
    await patch(`/apis/cert-manager.io/v1/namespaces/${cert.metadata.namespace}/certificates/${cert.metadata.name}/status`, { status: {
      conditions: [{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: CERT_NOT_READY, lastTransitionTime: stamp(), observedGeneration: cert.metadata['generation'] }],
    } });
  });
}
