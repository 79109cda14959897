/**
 * The whole-site bench's inventory vars, beyond what the k3s lab writes itself (k3s_version,
 * api_endpoint, the stand-in's install URL, the groups): every cluster role on — MetalLB with a
 * pool in the lab subnet, cert-manager, Istio, ingress-nginx, Seldon, the serving path (issuer,
 * certificate, Ingress, VirtualService; no Seldon Models, see below), observability — real helm
 * and the pinned charts, and the load balancer's HAProxy (lab hosts have no systemd).
 */
import { SHARED_CHARTS } from '../../lib/lab/shared-dir.ts';

const HOST = 'financial-predictor.local';
const EXPERIMENT = 'financial-ab-test-experiment';

/** Ports every lab node answers HTTP on (the k3s stand-in's NodePort answer): gateway, ingress-nginx, Seldon. */
export const SITE_NODE_PORTS = [31080, 31443, 31021, 30080, 30443, 32000];

export function siteVars(subnet: string, helm: string, outDir: string): Record<string, unknown> {
  return {
    metallb_state: 'present',
    metallb_address_pools: [{ name: 'default', addresses: [`${subnet}.200-${subnet}.210`], auto_assign: true }],
    enable_istio: true, istio_gateway_loadbalancer_ip: `${subnet}.200`,
    istio_gateway_http_nodeport: 31080, istio_gateway_https_nodeport: 31443, istio_gateway_status_nodeport: 31021,
    enable_cert_manager: true, enable_ingress_nginx: true, enable_seldon: true, enable_observability: true,
    ingress_nginx_service_type: 'NodePort', seldon_mesh_nodeport: 32000,
    // no volume provisioner on this control plane: Prometheus on emptyDir (a PVC would never bind and helm's wait would time out)
    prometheus_persistence: false,
    helm_binary: helm, helm_chart_dir: SHARED_CHARTS,
    lb_api_frontend: false, lb_output_dir: outDir,
    haproxy_reload_command: ['sh', '-c', 'p=/etc/haproxy/haproxy.pid; if [ -f $p ]; then exec haproxy -D -f /etc/haproxy/haproxy.cfg -p $p -sf $(cat $p); else exec haproxy -D -f /etc/haproxy/haproxy.cfg -p $p; fi'],
    // no cert_manager_cluster_issuers / certificates, no TLS: nothing issues certificates in the bench (run.ts)
    istio_shared_gateway: { name: 'ml-gateway', hosts: [HOST], http: true },
    istio_virtual_services: [{
      name: 'seldon-vs', namespace: 'seldon-mesh', hosts: [HOST],
      routes: [{ name: 'financial-ab-test', destinations: [{ host: 'seldon-mesh', port: 80 }], headers: { request: { set: { 'seldon-model': `${EXPERIMENT}.experiment` } } } }],
    }],
    ingress_nginx_ingresses: [{
      name: 'financial-mlops-ingress', namespace: 'seldon-mesh', host: HOST,
      paths: [{ path: '/v2', service: 'seldon-mesh', port: 80 }],
      proxy_set_headers: { 'seldon-model': `${EXPERIMENT}.experiment` },
      ssl_redirect: false,
    }],
    // No seldon_models / seldon_experiments yet: the bench's figures were taken before the Seldon
    // stand-in (lib/lab/serving-controllers.ts) that marks them Ready landed; not tried with it.
  };
}
