/**
 * What the cluster exposes, as frontend/backend pairs: the ingresses the enabled roles expose
 * (HTTP + HTTPS), their TCP services, the Kubernetes API and any lb_extra_services. Pure: vars
 * in, specs out; model.ts adds the members.
 */
import type { ExposedService } from '../role.ts';
import type { ClusterVars } from './cluster-vars.ts';
import type { Backend, Frontend, HealthCheck } from './types.ts';
import type { ExtraService, LbVars } from './vars.ts';

export interface BackendSpec extends Omit<Backend, 'balance' | 'members'> {
  readonly nodePort: number;
}

export interface ServiceSpec {
  readonly members: 'nodes' | 'servers';
  readonly frontends: readonly Omit<Frontend, 'address'>[];
  readonly backends: readonly BackendSpec[];
}

type Ingress = Extract<ExposedService, { kind: 'ingress' }>;

const HTTP_OK = 200;

export const ingresses = (cluster: ClusterVars): Ingress[] => cluster.services.filter((s): s is Ingress => s.kind === 'ingress');

function httpCheck(vars: LbVars, ready: { path: string; port: number } | undefined): HealthCheck {
  return vars.lb_health_check === 'http' && ready
    ? { type: 'http', path: ready.path, port: ready.port, expectStatus: HTTP_OK }
    : { type: 'tcp' };
}

/** An ingress on its ports: the primary one keeps the plain names (financial-mlops, financial-mlops-frontend). */
function ingressSpec(vars: LbVars, ing: Ingress, primary: boolean): ServiceSpec {
  const base = primary ? vars.lb_frontend_name : `${vars.lb_frontend_name}-${ing.name}`;
  const httpPort = primary ? vars.lb_http_port : vars.lb_secondary_http_port;
  const httpsPort = primary ? vars.lb_https_port : vars.lb_secondary_https_port;
  const health = httpCheck(vars, { path: ing.ready.path, port: ing.ready.nodePort });
  const proxyProtocol = vars.lb_proxy_protocol;
  const http: BackendSpec = { name: base, service: `${ing.name}-http`, mode: 'http', nodePort: ing.http.nodePort, health, proxyProtocol };
  const common = { service: ing.name, mode: 'http' as const, redirectToHttps: vars.lb_http_redirect, vip: 'main' as const };
  if (vars.lb_https_mode === 'terminate') {
    const binds = [{ port: httpPort }, { port: httpsPort, certificate: vars.lb_tls_certificate ?? '' }];
    return { members: 'nodes', backends: [http], frontends: [{ ...common, name: `${base}-frontend`, binds, backend: base }] };
  }
  const https: BackendSpec = { name: `${base}-https`, service: `${ing.name}-https`, mode: 'tcp', nodePort: ing.https.nodePort, health, proxyProtocol };
  return {
    members: 'nodes',
    backends: [http, https],
    frontends: [
      { ...common, name: `${base}-frontend`, binds: [{ port: httpPort }], backend: base },
      { service: `${ing.name}-https`, mode: 'tcp', redirectToHttps: false, vip: 'main', name: `${base}-https-frontend`, binds: [{ port: httpsPort }], backend: https.name },
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

/** Every service to balance, in a stable order: ingresses, the roles' TCP services, API, extras. */
export function serviceSpecs(vars: LbVars, cluster: ClusterVars): ServiceSpec[] {
  const ing = ingresses(cluster);
  const primaryName = vars.lb_ingress ?? ing[0]?.name;
  const ordered = [...ing].sort((a, b) => Number(b.name === primaryName) - Number(a.name === primaryName));
  const specs = ordered.map((i, n) => ingressSpec(vars, i, n === 0));
  const name = vars.lb_frontend_name;
  for (const svc of cluster.services) {
    if (svc.kind !== 'tcp') continue;
    specs.push(simpleSpec(`${name}-${svc.name}`, svc.service, svc.port,
      { mode: 'tcp', nodePort: svc.nodePort.nodePort, health: { type: 'tcp' }, proxyProtocol: false }, 'nodes', 'main'));
  }
  if (vars.lb_api_frontend) {
    specs.push(simpleSpec(`${name}-api`, 'kube-apiserver', vars.lb_api_listen_port ?? cluster.api_port,
      { mode: 'tcp', nodePort: cluster.api_port, health: { type: 'tcp' }, proxyProtocol: false }, 'servers', 'api'));
  }
  for (const svc of vars.lb_extra_services) specs.push(extraSpec(vars, svc));
  return specs;
}
