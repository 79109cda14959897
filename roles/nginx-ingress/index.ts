/**
 * ingress-nginx: the pinned chart with a NodePort controller Service on the NodePorts the
 * external load balancers use (ingress_nginx_http_nodeport / _https_nodeport), then a wait for
 * the controller; or a LoadBalancer Service with a MetalLB address (ingress_nginx_service_type).
 * enable_ingress_nginx: false (the default) skips it with the reason.
 */
import type { Problem } from '../../lib/errors.ts';
import type { HelmReleaseSpec } from '../../lib/kube/types.ts';
import { gatewayIpProblems } from '../../lib/vars/address-pools.ts';
import { defineRole, type Task } from '../../lib/role.ts';
import { deployments, helmTask, pinnedChart, readyTask } from '../../lib/role-kit/index.ts';
import { nginxIngressVars, type NginxIngressVars } from './vars.ts';

export const INGRESS_NGINX_RELEASE = 'ingress-nginx';
/** The chart names the controller Deployment after the release. */
export const INGRESS_NGINX_CONTROLLER = `${INGRESS_NGINX_RELEASE}-controller`;

const lb = (vars: NginxIngressVars) => vars.ingress_nginx_service_type === 'LoadBalancer';

/** A LoadBalancer needs MetalLB to give it an address, inside a pool and not the Istio gateway's. */
export function serviceProblems(vars: NginxIngressVars, sourceOf: (v: string) => string): Problem[] {
  if (!lb(vars)) return [];
  const at = (key: string, message: string): Problem => ({ file: sourceOf(key), key, message });
  if (vars.metallb_state !== 'present') {
    return [at('ingress_nginx_service_type', 'LoadBalancer needs MetalLB (metallb_state: present) to assign an address, or it stays <pending>; use NodePort or set metallb_state: present')];
  }
  const ip = vars.ingress_nginx_loadbalancer_ip;
  if (ip === undefined) return [];
  if (vars.enable_istio && ip === vars.istio_gateway_loadbalancer_ip) {
    return [at('ingress_nginx_loadbalancer_ip', `${ip} is the Istio gateway's address (istio_gateway_loadbalancer_ip); give ingress-nginx another address in the pool`)];
  }
  return gatewayIpProblems({ ip, ipSource: sourceOf('ingress_nginx_loadbalancer_ip'), pools: vars.metallb_address_pools, poolsSource: sourceOf('metallb_address_pools'), key: 'ingress_nginx_loadbalancer_ip' });
}

export function ingressNginxRelease(vars: NginxIngressVars): HelmReleaseSpec {
  return {
    name: INGRESS_NGINX_RELEASE,
    namespace: vars.ingress_nginx_namespace,
    chart: pinnedChart(vars.ingress_nginx_chart_repo, 'ingress-nginx', vars.ingress_nginx_version),
    values: {
      controller: {
        service: {
          type: vars.ingress_nginx_service_type,
          nodePorts: { http: vars.ingress_nginx_http_nodeport, https: vars.ingress_nginx_https_nodeport },
          // MetalLB reads the wanted IP from this annotation (spec.loadBalancerIP is deprecated upstream).
          ...(lb(vars) && vars.ingress_nginx_loadbalancer_ip ? { annotations: { 'metallb.io/loadBalancerIPs': vars.ingress_nginx_loadbalancer_ip } } : {}),
        },
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
  usesCluster: true,
  description: 'ingress-nginx controller: pinned chart, NodePort Service on the load balancers\' NodePorts',
  tags: ['nginx-ingress', 'ingress-nginx'],
  vars: nginxIngressVars,
  validate: (vars, ctx) => serviceProblems(vars, ctx.sourceOf),
  tasks,
  exposes: (p) => (p.enable_ingress_nginx ? [{
    kind: 'ingress', name: 'ingress-nginx',
    http: { nodePort: p.ingress_nginx_http_nodeport, var: 'ingress_nginx_http_nodeport' },
    https: { nodePort: p.ingress_nginx_https_nodeport, var: 'ingress_nginx_https_nodeport' },
    ready: { path: '/healthz', nodePort: p.ingress_nginx_http_nodeport, var: 'ingress_nginx_http_nodeport' },
  }] : []),
  k3sComponents: (p) => (p.enable_ingress_nginx ? ['traefik'] : []),
});
