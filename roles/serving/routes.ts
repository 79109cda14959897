/**
 * The serving path's route checks, as a verify table: what a person would check by hand after
 * `kubectl get ingress,virtualservice,endpointslices`. Facts are read once (routeFacts); the rows
 * are a pure function of them (routeRows):
 *
 *   route ingress seldon-mesh/financial-mlops-ingress financial-predictor.local/v2   address, → seldon-mesh:80
 *   route virtualservice seldon-mesh/seldon-vs financial-predictor.local             on the gateway, → seldon-mesh:80
 *   endpoints seldon-mesh/seldon-mesh                                                 ready addresses behind it
 *   path /v2/models/<experiment>/infer, /v2/health/ready                              which routes carry it
 *
 * A backend Service is the one a route names (a VirtualService's short host is in its namespace).
 */
import type { KubeObject } from '../../lib/kube/types.ts';
import type { VerifyRow } from '../../lib/role-kit/index.ts';

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

/** One route: where it is declared, the host, the path prefix it serves, the backend. */
export interface Route {
  readonly what: string;
  readonly host: string;
  readonly match: { type: 'Prefix' | 'Exact'; path: string };
  readonly backend: { namespace: string; name: string; port: number | string };
  /** The Ingress address or the VirtualService's gateways; undefined when it has none yet. */
  readonly via: string | undefined;
}

export interface RouteFacts {
  readonly ingresses: readonly Obj[];
  readonly virtualServices: readonly Obj[];
  /** EndpointSlices by `namespace/service`. */
  readonly slices: Readonly<Record<string, readonly Obj[]>>;
  /** Extra Services whose endpoints are checked (the load balancers' NodePort Service). */
  readonly services: readonly string[];
  /** Inference paths that must be routed (`/v2/models/<name>/infer`, `/v2/health/ready`). */
  readonly paths: readonly string[];
}

export function ingressRoutes(ing: Obj): Route[] {
  const ns = ing.metadata.namespace!;
  const addr = ((ing.status?.['loadBalancer']?.ingress ?? []) as { ip?: string; hostname?: string }[]).map((a) => a.ip ?? a.hostname).filter(Boolean);
  return ((ing.spec?.['rules'] ?? []) as any[]).flatMap((r) => ((r.http?.paths ?? []) as any[]).map((p): Route => ({
    what: `ingress ${ns}/${ing.metadata.name}`, host: r.host ?? '*',
    match: { type: p.pathType === 'Exact' ? 'Exact' : 'Prefix', path: p.path ?? '/' },
    backend: { namespace: ns, name: p.backend?.service?.name, port: p.backend?.service?.port?.number ?? p.backend?.service?.port?.name },
    via: addr.length ? `address ${addr.join(', ')}` : undefined,
  })));
}

export function virtualServiceRoutes(vs: Obj): Route[] {
  const ns = vs.metadata.namespace!;
  const gateways = (vs.spec?.['gateways'] ?? []) as string[];
  return ((vs.spec?.['hosts'] ?? []) as string[]).flatMap((host) => ((vs.spec?.['http'] ?? []) as any[]).flatMap((h) => {
    const uris = ((h.match ?? []) as any[]).map((m) => m.uri).filter(Boolean);
    const matches = uris.length ? uris.map((u: any) => (u.exact ? { type: 'Exact' as const, path: u.exact } : { type: 'Prefix' as const, path: u.prefix ?? '/' })) : [{ type: 'Prefix' as const, path: '/' }];
    return ((h.route ?? []) as any[]).flatMap((d) => matches.map((match: Route['match']): Route => {
      const [name, dns] = String(d.destination?.host ?? '').split('.');
      return {
        what: `virtualservice ${ns}/${vs.metadata.name}`, host, match,
        backend: { namespace: dns && dns !== 'svc' ? dns : ns, name: name!, port: d.destination?.port?.number ?? '-' },
        via: gateways.length ? `gateway ${gateways.join(', ')}` : undefined,
      };
    }));
  }));
}

/** Ready endpoint addresses (ip:port) of a Service's EndpointSlices. */
export function readyEndpoints(slices: readonly Obj[]): string[] {
  return slices.flatMap((s) => {
    const ports = ((s as any).ports ?? []) as { port?: number }[];
    return (((s as any).endpoints ?? []) as any[])
      .filter((e) => e.conditions?.ready !== false)
      .flatMap((e) => (e.addresses as string[]).map((a) => `${a}:${ports.map((p) => p.port).join('/') || '-'}`));
  }).sort();
}

/** Whether a request path is served by a match (Ingress Prefix: whole path elements). */
export function pathMatches(m: Route['match'], path: string): boolean {
  if (m.type === 'Exact') return path === m.path;
  const prefix = m.path.replace(/\/+$/, '');
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

const row = (check: string, expected: string, actual: string, ok: boolean): VerifyRow => ({ check, expected, actual, result: ok ? 'ok' : 'FAIL' });

function endpointRow(facts: RouteFacts, key: string): VerifyRow {
  const eps = readyEndpoints(facts.slices[key] ?? []);
  const shown = eps.length > 3 ? `${eps.slice(0, 3).join(', ')}, ... (${eps.length})` : eps.join(', ');
  return row(`endpoints ${key}`, '>= 1 ready', eps.length ? `${eps.length} ready: ${shown}` : 'none ready', eps.length > 0);
}

export function routeRows(facts: RouteFacts): VerifyRow[] {
  const routes = [...facts.ingresses.flatMap(ingressRoutes), ...facts.virtualServices.flatMap(virtualServiceRoutes)];
  const backendKey = (r: Route) => `${r.backend.namespace}/${r.backend.name}`;
  const hasEndpoints = (k: string) => readyEndpoints(facts.slices[k] ?? []).length > 0;
  const routeChecks = routes.map((r) => {
    const k = backendKey(r);
    const target = `${k}:${r.backend.port}`;
    return row(`route ${r.what} ${r.host}${r.match.path}`, `${r.what.startsWith('ingress') ? 'an address' : 'a gateway'}, → ${target} with endpoints`,
      `${r.via ?? 'no address yet'}, → ${target} ${hasEndpoints(k) ? 'with endpoints' : 'WITHOUT ready endpoints'}`, r.via !== undefined && hasEndpoints(k));
  });
  const keys = [...new Set([...routes.map(backendKey), ...facts.services])].sort();
  const pathChecks = facts.paths.map((p) => {
    const by = routes.filter((r) => pathMatches(r.match, p)).map((r) => r.what);
    return row(`path ${p}`, 'routed', by.length ? `by ${[...new Set(by)].join(', ')}` : 'no route matches', by.length > 0);
  });
  return [...routeChecks, ...keys.map((k) => endpointRow(facts, k)), ...pathChecks];
}
