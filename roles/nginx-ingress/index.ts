/**
 * ingress-nginx: the pinned chart with a NodePort controller Service on the NodePorts the
 * external load balancers use (ingress_nginx_http_nodeport / _https_nodeport), then a wait for
 * the controller. enable_ingress_nginx: false (the default) skips it with the reason.
 */
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { defineRole, type Task } from '../../lib/role.ts';
import { helmTask } from '../metallb/index.ts';
import { pinnedChart } from '../metallb/plan.ts';
import { nginxIngressVars, type NginxIngressVars } from './vars.ts';

export const INGRESS_NGINX_RELEASE = 'ingress-nginx';
/** The chart names the controller Deployment after the release. */
export const INGRESS_NGINX_CONTROLLER = `${INGRESS_NGINX_RELEASE}-controller`;

export function ingressNginxRelease(vars: NginxIngressVars): HelmReleaseSpec {
  return {
    name: INGRESS_NGINX_RELEASE,
    namespace: vars.ingress_nginx_namespace,
    chart: pinnedChart(vars.ingress_nginx_chart_repo, 'ingress-nginx', vars.ingress_nginx_version),
    values: {
      controller: {
        service: { type: 'NodePort', nodePorts: { http: vars.ingress_nginx_http_nodeport, https: vars.ingress_nginx_https_nodeport } },
      },
    },
    createNamespace: true,
    wait: true,
    timeoutSeconds: vars.helm_timeout,
  };
}

function tasks(vars: NginxIngressVars): Task[] {
  const skip = vars.enable_ingress_nginx ? {} : { skipReason: 'enable_ingress_nginx is false' };
  const release = ingressNginxRelease(vars);
  return [
    helmTask('ingress-nginx release', release, skip),
    {
      name: 'ingress-nginx controller ready', runOnce: true, ...skip,
      describe: () => [{ kind: 'note', text: `wait for deployment ${vars.ingress_nginx_namespace}/${INGRESS_NGINX_CONTROLLER}` }],
      async run(ctx) {
        const cluster = await ctx.cluster();
        if (ctx.check && !(await cluster.get('apps/v1', 'Deployment', INGRESS_NGINX_CONTROLLER, vars.ingress_nginx_namespace))) {
          return { status: 'skipped', msg: 'check mode: ingress-nginx is not installed yet' };
        }
        await cluster.wait.rollout('Deployment', vars.ingress_nginx_namespace, INGRESS_NGINX_CONTROLLER,
          { timeoutSeconds: vars.helm_timeout, log: (m) => ctx.log.progress(m), signal: ctx.signal });
        return { status: 'ok', msg: `controller ready; HTTP NodePort ${vars.ingress_nginx_http_nodeport}, HTTPS ${vars.ingress_nginx_https_nodeport}` };
      },
    },
  ];
}

export default defineRole({
  name: 'nginx-ingress',
  description: 'ingress-nginx controller: pinned chart, NodePort Service on the load balancers\' NodePorts',
  tags: ['nginx-ingress', 'ingress-nginx'],
  vars: nginxIngressVars,
  tasks,
});
