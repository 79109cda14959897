/**
 * cert-manager: the pinned chart with its CRDs (crds.enabled), then a wait for the controller,
 * the cainjector and the webhook (whose endpoints must answer before Issuers can be created).
 * enable_cert_manager: false (the default) skips it with the reason.
 */
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { defineRole, type Task } from '../../lib/role.ts';
import { deployments, helmTask, pinnedChart, readyTask } from '../../lib/role-kit/index.ts';
import { certManagerVars, type CertManagerVars } from './vars.ts';

export const CERT_MANAGER_RELEASE = 'cert-manager';
/** The chart names its Deployments (and the webhook Service) after the release. */
export const CERT_MANAGER_DEPLOYMENTS = [CERT_MANAGER_RELEASE, `${CERT_MANAGER_RELEASE}-cainjector`, `${CERT_MANAGER_RELEASE}-webhook`];

export function certManagerRelease(vars: CertManagerVars): HelmReleaseSpec {
  return {
    name: CERT_MANAGER_RELEASE,
    namespace: vars.cert_manager_namespace,
    chart: pinnedChart(vars.cert_manager_chart_repo, 'cert-manager', vars.cert_manager_version),
    values: { crds: { enabled: true, keep: true } },
    createNamespace: true,
    wait: true,
    timeoutSeconds: vars.helm_timeout,
  };
}

function tasks(vars: CertManagerVars): Task[] {
  const skip = vars.enable_cert_manager ? {} : { skipReason: 'enable_cert_manager is false' };
  return [
    helmTask('cert-manager release', certManagerRelease(vars), skip),
    readyTask('cert-manager ready', {
      namespace: vars.cert_manager_namespace, what: 'cert-manager', timeoutSeconds: vars.helm_timeout,
      workloads: deployments(...CERT_MANAGER_DEPLOYMENTS), endpoints: [`${CERT_MANAGER_RELEASE}-webhook`],
    }, skip),
  ];
}

export default defineRole({
  name: 'cert-manager',
  usesCluster: true,
  description: 'cert-manager: pinned chart with CRDs, controller, cainjector and webhook ready',
  tags: ['cert-manager'],
  vars: certManagerVars,
  tasks,
});
