/**
 * What the cluster exposes, as frontend/backend pairs: the Istio gateway and ingress-nginx
 * (HTTP + HTTPS), the Seldon mesh, the Kubernetes API and any lb_extra_services. Pure: vars in,
 * specs out; model.ts adds the members.
 */
import type { ClusterVars } from './cluster-vars.ts';
import type { Backend, Frontend, HealthCheck } from './model.ts';
import type { ExtraService, LbVars } from './vars.ts';

export interface BackendSpec extends Omit<Backend, 'balance' | 'members'> {
  readonly nodePort: number;
}

export interface ServiceSpec {
  readonly members: 'nodes' | 'servers';
  readonly frontends: readonly Omit<Frontend, 'address'>[];
  readonly backends: readonly BackendSpec[];
}

interface Ingress {
  readonly service: 'istio' | 'ingress-nginx';
  readonly httpNodePort: number;
  readonly httpsNodePort: number;
  /** The readiness endpoint, as a path on a NodePort. */
  readonly ready: { readonly path: string; readonly port: number };
}

const HTTP_OK = 200;

function ingresses(cluster: ClusterVars): Ingress[] {
  const list: Ingress[] = [];
  if (cluster.enable_istio) {
    list.push({
      service: 'istio', httpNodePort: cluster.istio_gateway_http_nodeport, httpsNodePort: cluster.istio_gateway_https_nodeport,
      ready: { path: '/healthz/ready', port: cluster.istio_gateway_status_nodeport },
    });
  }
  if (cluster.enable_ingress_nginx) {
    list.push({
      service: 'ingress-nginx', httpNodePort: cluster.ingress_nginx_http_nodeport, httpsNodePort: cluster.ingress_nginx_https_nodeport,
      ready: { path: '/healthz', port: cluster.ingress_nginx_http_nodeport },
    });
  }
  return list;
}

function httpCheck(vars: LbVars, ready: { path: string; port: number } | undefined): HealthCheck {
  return vars.lb_health_check === 'http' && ready
    ? { type: 'http', path: ready.path, port: ready.port, expectStatus: HTTP_OK }
    : { type: 'tcp' };
}

/** An ingress on its ports: the primary one keeps the plain names (financial-mlops, financial-mlops-frontend). */
function ingressSpec(vars: LbVars, ing: Ingress, primary: boolean): ServiceSpec {
  const base = primary ? vars.lb_frontend_name : `${vars.lb_frontend_name}-${ing.service}`;
  const httpPort = primary ? vars.lb_http_port : vars.lb_secondary_http_port;
  const httpsPort = primary ? vars.lb_https_port : vars.lb_secondary_https_port;
  const health = httpCheck(vars, ing.ready);
  const proxyProtocol = vars.lb_proxy_protocol;
  const http: BackendSpec = { name: base, service: `${ing.service}-http`, mode: 'http', nodePort: ing.httpNodePort, health, proxyProtocol };
  const common = { service: ing.service, mode: 'http' as const, redirectToHttps: vars.lb_http_redirect, vip: 'main' as const };
  if (vars.lb_https_mode === 'terminate') {
    const binds = [{ port: httpPort }, { port: httpsPort, certificate: vars.lb_tls_certificate ?? '' }];
    return { members: 'nodes', backends: [http], frontends: [{ ...common, name: `${base}-frontend`, binds, backend: base }] };
  }
  const https: BackendSpec = { name: `${base}-https`, service: `${ing.service}-https`, mode: 'tcp', nodePort: ing.httpsNodePort, health, proxyProtocol };
  return {
    members: 'nodes',
    backends: [http, https],
    frontends: [
      { ...common, name: `${base}-frontend`, binds: [{ port: httpPort }], backend: base },
      { service: `${ing.service}-https`, mode: 'tcp', redirectToHttps: false, vip: 'main', name: `${base}-https-frontend`, binds: [{ port: httpsPort }], backend: https.name },
    ],
  };
}

/** A plain TCP or HTTP pass-through service: one frontend port to one NodePort. */
function simpleSpec(name: string, service: string, port: number, backend: Omit<BackendSpec, 'name' | 'service'>, members: 'nodes' | 'servers', vip: 'main' | 'api'): ServiceSpec {
  return {
    members,
    backends: [{ ...backend, name, service }],
    frontends: [{ name: `${name}-frontend`, service, mode: backend.mode, binds: [{ port }], redirectToHttps: false, backend: name, vip }],
  };
}

function extraSpec(vars: LbVars, svc: ExtraService): ServiceSpec {
  const mode = svc.mode ?? 'tcp';
  const ready = svc.health_path ? { path: svc.health_path, port: svc.health_port ?? svc.node_port } : undefined;
  return simpleSpec(`${vars.lb_frontend_name}-${svc.name}`, svc.name, svc.port,
    { mode, nodePort: svc.node_port, health: httpCheck(vars, ready), proxyProtocol: false }, svc.members ?? 'nodes', 'main');
}

/** Every service to balance, in a stable order: ingresses, Seldon, API, extras. */
export function serviceSpecs(vars: LbVars, cluster: ClusterVars): ServiceSpec[] {
  const ing = ingresses(cluster);
  const primaryName = vars.lb_ingress ?? ing[0]?.service;
  const ordered = [...ing].sort((a, b) => Number(b.service === primaryName) - Number(a.service === primaryName));
  const specs = ordered.map((i, n) => ingressSpec(vars, i, n === 0));
  const name = vars.lb_frontend_name;
  if (cluster.enable_seldon) {
    specs.push(simpleSpec(`${name}-seldon`, 'seldon-mesh', vars.lb_seldon_port,
      { mode: 'tcp', nodePort: cluster.seldon_mesh_nodeport, health: { type: 'tcp' }, proxyProtocol: false }, 'nodes', 'main'));
  }
  if (vars.lb_api_frontend) {
    specs.push(simpleSpec(`${name}-api`, 'kube-apiserver', vars.lb_api_listen_port ?? cluster.api_port,
      { mode: 'tcp', nodePort: cluster.api_port, health: { type: 'tcp' }, proxyProtocol: false }, 'servers', 'api'));
  }
  for (const svc of vars.lb_extra_services) specs.push(extraSpec(vars, svc));
  return specs;
}
