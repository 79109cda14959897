/**
 * Istio role vars, in the names and defaults of the platform's Ansible role
 * (platform-docs/istio-ansible-role.md), plus the pinned version, HPA, verify and mesh-config vars.
 */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';
import { dns1123Label, quantity } from '../../lib/vars/types.ts';
import { exposureVars } from './exposure-vars.ts';
import { meshVars } from './mesh-vars.ts';
import { securityVars } from './security-vars.ts';

const replicas = z.number().int().min(1).max(100);
const percent = z.number().int().min(1).max(100);

export { ISTIO_DEFAULT_LB_IP } from '../../lib/vars/platform.ts';

export const istioVars = defineVars({
  ...clusterVars,
  ...platform('enable_istio', 'metallb_state', 'metallb_address_pools', 'istio_gateway_loadbalancer_ip', 'istio_gateway_http_nodeport', 'istio_gateway_https_nodeport', 'istio_gateway_status_nodeport',
    'enable_observability', 'istio_tracing_sampling', 'observability_namespace'),
  istio_version: {
    schema: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'must be an Istio release such as 1.30.3' }),
    default: '1.30.3',
    description: 'Istio chart version (base, istiod, gateway), pinned',
  },
  istio_chart_repo: {
    schema: z.string().url(),
    default: 'https://istio-release.storage.googleapis.com/charts',
    description: 'Helm repository of the Istio charts (with helm_chart_dir set, the base, istiod and gateway charts of this version are taken from that directory)',
  },
  istio_namespace: { schema: dns1123Label, default: 'istio-system', description: 'Namespace of base and istiod (labelled name=<namespace>)' },
  istio_gateway_namespace: { schema: dns1123Label, default: 'istio-gateway', description: 'Namespace of the ingress gateway' },
  istio_gateway_name: { schema: dns1123Label, default: 'istio-gateway', description: 'Release, Deployment and Service name of the ingress gateway' },
  istio_pilot_memory_request: { schema: quantity, default: '512Mi', description: 'istiod memory request' },
  istio_pilot_memory_limit: { schema: quantity, default: '1Gi', description: 'istiod memory limit' },
  istio_gateway_memory_request: { schema: quantity, default: '256Mi', description: 'Gateway memory request' },
  istio_gateway_memory_limit: { schema: quantity, default: '512Mi', description: 'Gateway memory limit' },
  istio_pilot_hpa_min_replicas: { schema: replicas, default: 1, description: 'istiod HPA minimum replicas' },
  istio_pilot_hpa_max_replicas: { schema: replicas, default: 5, description: 'istiod HPA maximum replicas' },
  istio_pilot_hpa_cpu_target: { schema: percent, default: 80, description: 'istiod HPA target CPU utilization (%)' },
  istio_gateway_hpa_min_replicas: { schema: replicas, default: 1, description: 'Gateway HPA minimum replicas' },
  istio_gateway_hpa_max_replicas: { schema: replicas, default: 5, description: 'Gateway HPA maximum replicas' },
  istio_gateway_hpa_cpu_target: { schema: percent, default: 80, description: 'Gateway HPA target CPU utilization (%)' },
  istio_injection_namespaces: {
    schema: z.array(dns1123Label),
    default: ['fraud-detection', 'financial-inference', 'financial-mlops-pytorch'],
    description: 'Namespaces labelled istio-injection=enabled (created when missing)',
  },
  istio_restart_uninjected: {
    schema: z.boolean(),
    default: false,
    description: 'Rollout-restart deployments in the injection namespaces whose pods have no istio-proxy sidecar yet',
  },
  istio_verify_require_sidecars: {
    schema: z.boolean(),
    default: false,
    description: 'Fail the verify step when a running pod in an injection namespace has no istio-proxy sidecar (else: reported only)',
  },
  ...exposureVars,
  ...meshVars,
  ...securityVars,
});

/** The Istio role's typed vars, as its tasks and checks receive them. */
export type IstioVars = VarsOf<typeof istioVars>;
