/** ingress-nginx role vars: the names the platform's inventories use (enable_ingress_nginx, ...). */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { dns1123Label, ipAddress } from '../../lib/vars/types.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';

export const nginxIngressVars = defineVars({
  ...clusterVars,
  ...platform('enable_ingress_nginx', 'ingress_nginx_http_nodeport', 'ingress_nginx_https_nodeport', 'metallb_state', 'metallb_address_pools', 'enable_istio', 'istio_gateway_loadbalancer_ip'),
  ingress_nginx_service_type: {
    schema: z.enum(['NodePort', 'LoadBalancer']), default: 'NodePort',
    description: 'Type of the controller Service: NodePort (on the NodePorts above), or LoadBalancer (a MetalLB address; the NodePorts stay for the external load balancers)',
  },
  ingress_nginx_loadbalancer_ip: {
    schema: ipAddress, optional: true,
    description: 'EXTERNAL-IP of the controller Service when ingress_nginx_service_type is LoadBalancer; must lie in a MetalLB pool (unset: MetalLB picks one)',
    example: '192.168.1.241',
  },
  ingress_nginx_version: {
    schema: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'must be a chart version such as 4.15.1' }),
    default: '4.15.1', description: 'ingress-nginx Helm chart version (pinned)',
  },
  ingress_nginx_chart_repo: {
    schema: z.string().url(), default: 'https://kubernetes.github.io/ingress-nginx',
    description: 'Helm repository of the ingress-nginx chart (with helm_chart_dir set, taken from that directory)',
  },
  ingress_nginx_namespace: { schema: dns1123Label, default: 'ingress-nginx', description: 'Namespace of the release' },
});

export type NginxIngressVars = VarsOf<typeof nginxIngressVars>;
