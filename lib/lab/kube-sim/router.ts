/**
 * Maps a request path to what serves it: version, discovery, OpenAPI, health, or a resource
 * route (group, version, namespace, plural, name, subresource, legacy /watch/ prefix).
 */
import { aggregated, aggregatedContentType, legacyApi, legacyGroups, resourceList, wantsAggregated } from './discovery.ts';
import type { SimContext } from './context.ts';
import { handleResource, type ApiRequest, type ApiResult, type ResourceRoute } from './handlers.ts';
import { openapiDocument, openapiIndex } from './openapi.ts';
import { notFoundPath } from './status.ts';

export interface RoutedRequest extends ApiRequest {
  path: string;
  serverAddress: string;
}

export type RouteResult = ApiResult & { contentType?: string };

export const serverVersion = {
  major: '1', minor: '35', gitVersion: 'v1.35.0', gitCommit: 'kube-sim', gitTreeState: 'clean',
  buildDate: '2025-12-17T00:00:00Z', goVersion: 'go1.25.5', compiler: 'gc', platform: 'linux/amd64',
};

export function route(ctx: SimContext, req: RoutedRequest): RouteResult {
  const path = req.path.replace(/\/+$/, '') || '/';
  if (path === '/version') return { status: 200, body: serverVersion };
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return { status: 200, body: 'ok', contentType: 'text/plain' };
  if (path === '/api' || path === '/apis') {
    if (wantsAggregated(req.accept)) return { status: 200, body: aggregated(ctx.registry, path === '/api'), contentType: aggregatedContentType };
    return { status: 200, body: path === '/api' ? legacyApi(req.serverAddress) : legacyGroups(ctx.registry) };
  }
  if (path === '/openapi/v3') return { status: 200, body: openapiIndex(ctx.registry) };
  if (path.startsWith('/openapi/v3/')) {
    const doc = openapiDocument(ctx.registry, path.slice('/openapi/v3/'.length));
    if (doc === undefined) throw notFoundPath();
    return { status: 200, body: doc, contentType: 'application/json' };
  }
  const resource = resourceRoute(ctx, path);
  if (resource === 'discovery') {
    const [group, version] = groupVersion(path);
    const list = resourceList(ctx.registry, group, version);
    if (!list) throw notFoundPath();
    return { status: 200, body: list };
  }
  if (resource === 'group') return { status: 200, body: apiGroup(ctx, path.split('/')[2]!) };
  if (!resource) throw notFoundPath();
  return handleResource(ctx, req, resource);
}

function groupVersion(path: string): [string, string] {
  const segs = path.split('/').filter(Boolean);
  return segs[0] === 'api' ? ['', segs[1]!] : [segs[1]!, segs[2]!];
}

function apiGroup(ctx: SimContext, group: string): unknown {
  const versions = [...new Set(ctx.registry.types.filter((t) => t.group === group).map((t) => t.version))];
  if (versions.length === 0) throw notFoundPath();
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: vs, preferredVersion: vs[0] };
}

function resourceRoute(ctx: SimContext, path: string): ResourceRoute | 'discovery' | 'group' | undefined {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs[1] === 'v1') [group, version, rest] = ['', 'v1', segs.slice(2)];
  else if (segs[0] === 'apis' && segs.length === 2) return 'group';
  else if (segs[0] === 'apis' && segs.length >= 3) [group, version, rest] = [segs[1]!, segs[2]!, segs.slice(3)];
  else return undefined;
  if (rest.length === 0) return 'discovery';
  const watch = rest[0] === 'watch';
  if (watch) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && ctx.registry.byPath(group, version, rest[2]!)?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const t = ctx.registry.byPath(group, version, rest[0]!);
  if (!t || rest.length > 3) return undefined;
  const name = rest[1];
  if (t.namespaced && namespace === undefined && name !== undefined) return undefined;
  return { t, namespace, name, subresource: rest[2], watch };
}
