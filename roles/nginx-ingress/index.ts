/**
 * ingress-nginx: the pinned chart with a NodePort controller Service on the NodePorts the
 * external load balancers use (ingress_nginx_http_nodeport / _https_nodeport), then a wait for
 * the controller. enable_ingress_nginx: false (the default) skips it with the reason.
 */
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { defineRole, type Task } from '../../lib/role.ts';
import { deployments, helmTask, pinnedChart, readyTask } from '../../lib/role-kit/index.ts';
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
  return [
    helmTask('ingress-nginx release', ingressNginxRelease(vars), skip),
    readyTask('ingress-nginx controller ready', {
      namespace: vars.ingress_nginx_namespace, what: 'ingress-nginx', timeoutSeconds: vars.helm_timeout,
      workloads: deployments(INGRESS_NGINX_CONTROLLER),
    }, skip),
  ];
}

export default defineRole({
  name: 'nginx-ingress',
  description: 'ingress-nginx controller: pinned chart, NodePort Service on the load balancers\' NodePorts',
  tags: ['nginx-ingress', 'ingress-nginx'],
  vars: nginxIngressVars,
  tasks,
  exposes: (p) => (p.enable_ingress_nginx ? [{
    kind: 'ingress', name: 'ingress-nginx',
    http: { nodePort: p.ingress_nginx_http_nodeport, var: 'ingress_nginx_http_nodeport' },
    https: { nodePort: p.ingress_nginx_https_nodeport, var: 'ingress_nginx_https_nodeport' },
    ready: { path: '/healthz', nodePort: p.ingress_nginx_http_nodeport, var: 'ingress_nginx_http_nodeport' },
  }] : []),
  k3sComponents: (p) => (p.enable_ingress_nginx ? ['traefik'] : []),
});
