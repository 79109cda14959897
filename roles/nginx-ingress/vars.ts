/** ingress-nginx role vars: the names the platform's inventories use (enable_ingress_nginx, ...). */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { dns1123Label } from '../../lib/vars/types.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';

export const nginxIngressVars = defineVars({
  ...clusterVars,
  ...platform('enable_ingress_nginx', 'ingress_nginx_http_nodeport', 'ingress_nginx_https_nodeport'),
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
