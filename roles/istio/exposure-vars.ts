/**
 * How the ingress gateway is exposed (the networking guide's LoadBalancer / NodePort / ClusterIP
 * variants), which label its pods carry for Gateway selectors, and the role's state.
 */
import { z } from 'zod';
import { defineVars } from '../../lib/vars/schema.ts';
import { rule } from '../../lib/vars/types.ts';

const annotations = rule(z.record(z.string(), z.string()), (a) => Object.keys(a).find((k) => !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k))
  ? 'annotation keys are [prefix/]name, e.g. service.beta.kubernetes.io/aws-load-balancer-type' : undefined);

export const exposureVars = defineVars({
  istio_state: {
    schema: z.enum(['present', 'absent']),
    default: 'present',
    description: 'present installs Istio; absent removes mesh config, gateway, istiod and base (in that order; the CRDs stay), takes the injection labels off and names the workloads still carrying sidecars (enable_istio: false skips the role and touches nothing)',
  },
  istio_gateway_service_type: {
    schema: z.enum(['LoadBalancer', 'NodePort', 'ClusterIP']),
    optional: true,
    description: 'Type of the gateway Service; unset: LoadBalancer when metallb_state is present, else NodePort. ClusterIP has no NodePorts, so external load balancers cannot reach it',
  },
  istio_gateway_service_annotations: {
    schema: annotations,
    default: {},
    description: 'Annotations of the gateway Service (e.g. a cloud LoadBalancer\'s); with any set and metallb_state absent, a LoadBalancer is the cloud\'s and no MetalLB pool is checked',
  },
  istio_gateway_external_traffic_policy: {
    schema: z.enum(['Cluster', 'Local']),
    optional: true,
    description: 'externalTrafficPolicy of the gateway Service (Local keeps the client source IP); unset: the cluster default (Cluster)',
  },
  istio_gateway_pod_label: {
    schema: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'a label value such as ingressgateway' }),
    optional: true,
    description: 'Value of the gateway pods\' `istio` label that Gateways select (the docs\' `istio: ingressgateway`); unset: derived from istio_gateway_name (istio-gateway → gateway). The Service keeps its name; changing it on an installed gateway needs istio_state: absent first (a Deployment selector is immutable)',
  },
});
