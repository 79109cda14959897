/**
 * cert-manager: the pinned chart with its CRDs (crds.enabled), then a wait for the controller,
 * the cainjector and the webhook (whose endpoints must answer before Issuers can be created).
 * enable_cert_manager: false (the default) skips it with the reason.
 */
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { defineRole, type Task } from '../../lib/role.ts';
import { helmTask } from '../metallb/index.ts';
import { pinnedChart } from '../metallb/plan.ts';
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
  const release = certManagerRelease(vars);
  const ns = vars.cert_manager_namespace;
  return [
    helmTask('cert-manager release', release, skip),
    {
      name: 'cert-manager ready', runOnce: true, ...skip,
      describe: () => [{ kind: 'note', text: `wait for ${ns} deployments ${CERT_MANAGER_DEPLOYMENTS.join(', ')} and the webhook endpoints` }],
      async run(ctx) {
        const cluster = await ctx.cluster();
        if (ctx.check && !(await cluster.get('apps/v1', 'Deployment', CERT_MANAGER_RELEASE, ns))) {
          return { status: 'skipped', msg: 'check mode: cert-manager is not installed yet' };
        }
        const o = { timeoutSeconds: vars.helm_timeout, log: (m: string) => ctx.log.progress(m), signal: ctx.signal };
        await Promise.all([
          ...CERT_MANAGER_DEPLOYMENTS.map((d) => cluster.wait.rollout('Deployment', ns, d, o)),
          cluster.wait.serviceEndpointsReady(ns, `${CERT_MANAGER_RELEASE}-webhook`, o),
        ]);
        return { status: 'ok', msg: `${CERT_MANAGER_DEPLOYMENTS.join(', ')} and the webhook ready` };
      },
    },
  ];
}

export default defineRole({
  name: 'cert-manager',
  description: 'cert-manager: pinned chart with CRDs, controller, cainjector and webhook ready',
  tags: ['cert-manager'],
  vars: certManagerVars,
  tasks,
});
