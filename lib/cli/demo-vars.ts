/**
 * The demo's embedded default inventory, beyond what the k3s lab writes itself (k3s_version,
 * api_endpoint, the stand-in's install URL, ...): MetalLB with a pool in the lab subnet, Istio on
 * fixed NodePorts, real helm and the pinned charts, the load balancers' output; and the
 * model-serving path of inventory/homelab (docs/serving.md): cert-manager with a selfSigned
 * ClusterIssuer and the gateway's Certificate, ingress-nginx on NodePorts with the Ingress, Seldon
 * with two Models and the A/B Experiment, the Istio gateway and VirtualService for
 * financial-predictor.local.
 */
import { ETCD_VERSION, KUBERNETES_VERSION, KWOK_VERSION } from '../lab/cluster/versions.ts';
import { SHARED_CHARTS } from '../lab/shared-dir.ts';

/** What the demo says it runs on (docs/demo.md says the same). */
export const REAL_API_SERVER = `real API server (kube-apiserver v${KUBERNETES_VERSION}, etcd, controllers, scheduler; kubelets and containers simulated by kwok)`;
export const CLUSTER_VERSIONS = `kube-apiserver/kube-controller-manager/kube-scheduler v${KUBERNETES_VERSION}, etcd v${ETCD_VERSION}, kwok v${KWOK_VERSION}`;

export const K3S_VERSION = 'v1.31.4+k3s1';
export const GATEWAY_HTTP_NODEPORT = 31080;
export const SELDON_NODEPORT = 32000;
/** The load balancers' Seldon mesh frontend (lb_seldon_port's default). */
export const LB_SELDON_PORT = 9000;
export const SERVING_HOST = 'financial-predictor.local';
export const EXPERIMENT = 'financial-ab-test-experiment';
export const MODELS = ['financial-predictor-a', 'financial-predictor-b'] as const;
export const SELDON_NAMESPACE = 'seldon-mesh';
export const GATEWAY_NAMESPACE = 'istio-gateway';
export const CERTIFICATE = 'ml-tls-cert';
export const INGRESS = 'financial-mlops-ingress';
export const VIRTUAL_SERVICE = 'seldon-vs';

/** Every port the k3s stand-in answers HTTP on, on every node: Istio's gateway, ingress-nginx's, Seldon's mesh. */
export const DEMO_NODE_PORTS = [GATEWAY_HTTP_NODEPORT, 31443, 31021, 30080, 30443, SELDON_NODEPORT];

/** The base demo vars: MetalLB, Istio, helm, the load balancers (also test/lab/report.int.test.ts's). */
export function demoVars(subnet: string, helm: string, outDir: string): Record<string, unknown> {
  return {
    metallb_state: 'present',
    metallb_address_pools: [{ name: 'default', addresses: [`${subnet}.200-${subnet}.210`], auto_assign: true }],
    enable_istio: true, istio_gateway_loadbalancer_ip: `${subnet}.200`,
    istio_gateway_http_nodeport: GATEWAY_HTTP_NODEPORT, istio_gateway_https_nodeport: 31443, istio_gateway_status_nodeport: 31021,
    helm_binary: helm, helm_chart_dir: SHARED_CHARTS,
    // the lab is thrown away after Ctrl-C: no reason to let a running helm finish first
    helm_interrupt_grace: 1,
    // the API frontend would point at api_port on the servers; in the lab the API server runs on this machine
    lb_api_frontend: false, lb_output_dir: outDir,
    // lab hosts have no systemd: HAProxy is (re)started with its pid file in the host's private /etc/haproxy
    haproxy_reload_command: ['sh', '-c', 'p=/etc/haproxy/haproxy.pid; if [ -f $p ]; then exec haproxy -D -f /etc/haproxy/haproxy.cfg -p $p -sf $(cat $p); else exec haproxy -D -f /etc/haproxy/haproxy.cfg -p $p; fi'],
  };
}

/** The serving path (inventory/homelab's, docs' names): cert-manager, ingress-nginx, Seldon and the `serving` role's objects. */
export function demoServingVars(): Record<string, unknown> {
  return {
    enable_cert_manager: true, enable_ingress_nginx: true, enable_seldon: true,
    ingress_nginx_service_type: 'NodePort', seldon_mesh_nodeport: SELDON_NODEPORT, lb_seldon_port: LB_SELDON_PORT,
    // the serving controllers answer within seconds here; a demo that fails should say so in 2 minutes, not the default 5
    serving_wait_timeout: 120,
    cert_manager_cluster_issuers: [{ name: 'ml-selfsigned', self_signed: true }],
    cert_manager_certificates: [{ name: CERTIFICATE, namespace: GATEWAY_NAMESPACE, secret_name: CERTIFICATE, dns_names: [SERVING_HOST], issuer: 'ml-selfsigned' }],
    istio_shared_gateway: { name: 'ml-gateway', hosts: [SERVING_HOST], http: true, https: { credential_name: CERTIFICATE } },
    istio_virtual_services: [{
      name: VIRTUAL_SERVICE, namespace: SELDON_NAMESPACE, hosts: [SERVING_HOST],
      routes: [{ name: 'financial-ab-test', destinations: [{ host: 'seldon-mesh', port: 80 }], headers: { request: { set: { 'seldon-model': `${EXPERIMENT}.experiment` } } } }],
    }],
    ingress_nginx_ingresses: [{
      name: INGRESS, namespace: SELDON_NAMESPACE, host: SERVING_HOST,
      paths: [{ path: '/v2', service: 'seldon-mesh', port: 80 }],
      proxy_set_headers: { 'seldon-model': `${EXPERIMENT}.experiment` },
      tls: { secret_name: 'financial-predictor-nginx-tls', issuer: 'ml-selfsigned' }, ssl_redirect: false,
    }],
    seldon_models: MODELS.map((name) => ({ name, storage_uri: 'gs://seldon-models/scv2/samples/mlserver_1.5.0/iris-sklearn', requirements: ['sklearn'] })),
    seldon_experiments: [{ name: EXPERIMENT, default: MODELS[0], candidates: [{ name: MODELS[0], weight: 90 }, { name: MODELS[1], weight: 10 }] }],
  };
}
