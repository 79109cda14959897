/**
 * serving role vars: the model-serving path's objects (issuers, certificates, Ingresses, Seldon
 * Models and Experiments), and the vars of other roles it reads to check them: where Seldon runs
 * (seldon_namespace, the operator's only watched namespace), the Istio shared gateway's hosts and
 * the VirtualServices whose routes the verify table checks.
 */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';
import { dns1123Label, dns1123Subdomain } from '../../lib/vars/types.ts';
import { meshVars } from '../istio/mesh-vars.ts';
import { istioVars } from '../istio/vars.ts';
import { certManagerVars } from '../cert-manager/vars.ts';
import { seldonVars } from '../seldon/vars.ts';
import { certificate, clusterIssuer, experiment, ingress, model } from './schemas.ts';

export const servingVars = defineVars({
  ...clusterVars,
  ...platform('enable_cert_manager', 'enable_ingress_nginx', 'enable_seldon', 'enable_istio'),
  seldon_namespace: seldonVars.seldon_namespace,
  cert_manager_namespace: certManagerVars.cert_manager_namespace,
  istio_gateway_namespace: istioVars.istio_gateway_namespace,
  istio_shared_gateway: meshVars.istio_shared_gateway,
  istio_virtual_services: meshVars.istio_virtual_services,
  cert_manager_cluster_issuers: {
    schema: z.array(clusterIssuer), default: [],
    description: 'cert-manager issuers: {name, self_signed: true | ca: {secret_name, cert, key} (from vault) | acme: {server: production|staging|URL, email, http01: {ingress_class} | {istio_gateway: true}}, kind: ClusterIssuer|Issuer}',
    docs: 'docs/serving.md#issuers', example: [{ name: 'selfsigned', self_signed: true }],
  },
  cert_manager_certificates: {
    schema: z.array(certificate), default: [],
    description: 'Certificates: {name, namespace, secret_name, dns_names, issuer, duration, renew_before}; each DNS name must be a host an Ingress or the Istio shared gateway serves',
    docs: 'docs/serving.md#certificates',
  },
  ingress_nginx_ingresses: {
    schema: z.array(ingress), default: [],
    description: 'Ingresses for ingress-nginx: {name, namespace, host, paths: [{path, type, service, port}], tls, rewrite_target, ssl_redirect, limit_rps, limit_connections, cors, proxy_body_size, canary: {weight | header}}',
    docs: 'docs/serving.md#ingresses',
  },
  seldon_models: {
    schema: z.array(model), default: [],
    description: 'Seldon Core v2 Models: {name, storage_uri, requirements, memory, replicas, server}, in seldon_namespace',
    docs: 'docs/serving.md#models-and-experiments',
  },
  seldon_experiments: {
    schema: z.array(experiment), default: [],
    description: 'Seldon Core v2 Experiments: {name, default, candidates: [{name, weight}] (weights sum to 100), mirror: {name, percent}}',
    docs: 'docs/serving.md#models-and-experiments',
  },
  serving_applyset: {
    schema: dns1123Subdomain, default: 'capstan-serving',
    description: 'Name of the ApplySet parent ConfigMap of the serving objects (pruned when removed from the inventory)',
  },
  serving_applyset_namespace: { schema: dns1123Label, default: 'kube-system', description: 'Namespace of the serving ApplySet parent ConfigMap' },
  serving_wait_timeout: {
    schema: z.number().int().positive(), default: 300,
    description: 'Seconds to wait for the Certificates, Ingresses, Models and Experiments to be Ready before failing, naming what is pending',
  },
});

export type ServingVars = VarsOf<typeof servingVars>;
