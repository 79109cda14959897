/**
 * Resource requests: get, list (with selectors), watch, create, update, patch (JSON patch, merge,
 * strategic merge, server-side apply), delete and deletecollection, for built-in kinds and
 * custom resources alike. Bodies may be JSON, YAML (apply) or Kubernetes protobuf.
 */
import { parse as parseYaml } from 'yaml';
import type { SimContext } from './context.ts';
import type { ResourceType } from './registry.ts';
import { createObject, deleteObject, updateObject, type WriteOptions } from './objects.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { decodeProtobuf } from './protobuf.ts';
import { schemaNav } from './schema.ts';
import { fieldMatcher, labelMatcher } from './selectors.ts';
import { serverSideApply } from './ssa.ts';
import { ApiError, badRequest, invalid, methodNotAllowed, notFound, unsupportedMediaType } from './status.ts';
import { clone } from './store.ts';
import { checkUnknownFields } from './validation.ts';
import { serveWatch, type WatchSink } from './watch.ts';
import { toTable, wantsTable } from './table.ts';

export interface ApiRequest {
  method: string;
  accept: string;
  query: URLSearchParams;
  contentType: string;
  userAgent: string;
  body: Buffer;
}

export interface ResourceRoute {
  t: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watch: boolean;
}

export type ApiResult = { status: number; body: unknown; contentType?: string } | { watch: (sink: WatchSink) => void };

function present(ctx: SimContext, t: ResourceType, obj: any): any {
  const apiVersion = ctx.registry.apiVersionOf(t);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

export function decodeBody(req: ApiRequest): any {
  if (req.body.length === 0) return undefined;
  if (req.contentType.startsWith('application/vnd.kubernetes.protobuf')) return decodeProtobuf(req.body);
  const text = req.body.toString('utf8');
  try {
    // apply-patch+yaml bodies are JSON from every known client: JSON.parse is many times faster.
    return req.contentType.includes('yaml') && !text.trimStart().startsWith('{') ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}

function writeOptions(req: ApiRequest, route: ResourceRoute): WriteOptions {
  const q = req.query;
  const validation = q.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(validation)) throw badRequest(`fieldValidation must be one of Strict, Warn, Ignore, not "${validation}"`);
  const dryRun = q.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) throw badRequest(`Invalid dry run value "${dryRun.join(',')}": valid values are "All"`);
  return {
    manager: q.get('fieldManager') ?? (req.userAgent.split('/')[0] || 'unknown'),
    dryRun: dryRun.length > 0, strict: validation === 'Strict', subresource: route.subresource,
  };
}

export function handleResource(ctx: SimContext, req: ApiRequest, route: ResourceRoute): ApiResult {
  const { t, namespace, name } = route;
  const key = ctx.registry.storeKey(t);
  if (route.subresource === 'log' && t.kind === 'Pod' && req.method === 'GET' && name) {
    if (!ctx.store.get(key, namespace, name)) throw notFound(t, name);
    return { status: 200, body: `kube-sim: pod ${namespace}/${name} runs no container (this is an API simulator)\n`, contentType: 'text/plain' };
  }
  if (route.subresource && route.subresource !== 'status') throw new ApiError(404, 'NotFound', `the simulator does not serve the ${route.subresource} subresource`);
  switch (req.method) {
    case 'GET': {
      if (name && !route.watch) {
        const obj = ctx.store.get(key, namespace, name);
        if (!obj) throw notFound(t, name);
        if (wantsTable(req.accept)) return { status: 200, body: toTable(t, [present(ctx, t, obj)], obj.metadata.resourceVersion, req.query.get('includeObject')) };
        return { status: 200, body: present(ctx, t, obj) };
      }
      const matches = matcher(req, name);
      if (route.watch || req.query.get('watch') === 'true' || req.query.get('watch') === '1') {
        const table = wantsTable(req.accept);
        const show = (o: any): any => (table ? toTable(t, [present(ctx, t, o)], o.metadata.resourceVersion, req.query.get('includeObject')) : present(ctx, t, o));
        return { watch: (sink) => serveWatch(ctx, { t, namespace, matches, query: req.query, present: show }, sink) };
      }
      const items = ctx.store.list(key, namespace).filter(matches).map((o) => present(ctx, t, o));
      if (wantsTable(req.accept)) return { status: 200, body: toTable(t, items, String(ctx.store.rv), req.query.get('includeObject')) };
      return { status: 200, body: { kind: t.listKind, apiVersion: ctx.registry.apiVersionOf(t), metadata: { resourceVersion: String(ctx.store.rv) }, items } };
    }
    case 'POST':
      if (name) throw methodNotAllowed();
      return { status: 201, body: createObject(ctx, t, requireBody(req), namespace, writeOptions(req, route)) };
    case 'PUT':
      if (!name) throw methodNotAllowed();
      return { status: 200, body: updateObject(ctx, t, requireBody(req), namespace, name, writeOptions(req, route)) };
    case 'PATCH':
      if (!name) throw methodNotAllowed();
      return patchResource(ctx, req, route, name);
    case 'DELETE':
      return deleteResource(ctx, req, route);
    default:
      throw methodNotAllowed();
  }
}

function matcher(req: ApiRequest, name: string | undefined): (obj: any) => boolean {
  const labels = labelMatcher(req.query.get('labelSelector'));
  const fields = fieldMatcher(req.query.get('fieldSelector'));
  return (obj) => labels(obj) && fields(obj) && (!name || obj.metadata.name === name);
}

function requireBody(req: ApiRequest): any {
  const body = decodeBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
  return body;
}

function patchResource(ctx: SimContext, req: ApiRequest, route: ResourceRoute, name: string): ApiResult {
  const { t, namespace } = route;
  const opts = writeOptions(req, route);
  const live = ctx.store.get(ctx.registry.storeKey(t), namespace, name);
  const ct = req.contentType.split(';')[0]!.trim();
  if (ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+json') return applyResource(ctx, req, route, name, live, opts);
  if (!live) throw notFound(t, name);
  const body = decodeBody(req);
  const current = present(ctx, t, clone(live));
  let next: any;
  if (ct === 'application/json-patch+json') next = jsonPatch(current, body);
  else if (ct === 'application/merge-patch+json') next = mergePatch(current, body);
  else if (ct === 'application/strategic-merge-patch+json') {
    if (t.crd) throw unsupportedMediaType(ct);
    next = strategicMergePatch(schemaNav(t), current, body);
  } else throw unsupportedMediaType(ct);
  if (typeof next !== 'object' || next === null) throw badRequest('the patch result is not an object');
  next.metadata ??= {};
  if (!next.metadata.resourceVersion) next.metadata.resourceVersion = live.metadata.resourceVersion;
  return { status: 200, body: updateObject(ctx, t, next, namespace, name, opts) };
}

function applyResource(ctx: SimContext, req: ApiRequest, route: ResourceRoute, name: string, live: any, opts: WriteOptions): ApiResult {
  const { t, namespace } = route;
  if (!req.query.get('fieldManager')) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
  }
  const applied = requireBody(req);
  const apiVersion = ctx.registry.apiVersionOf(t);
  if (applied.apiVersion !== apiVersion || applied.kind !== t.kind) {
    throw badRequest(`the API version in the data (${applied.apiVersion}) and kind (${applied.kind}) do not match the request (${apiVersion}, ${t.kind})`);
  }
  if (applied.metadata?.name !== name) throw badRequest(`the name of the object (${applied.metadata?.name}) does not match the name on the URL (${name})`);
  checkUnknownFields(t, applied, opts.strict);
  schemaNav(t).defaultListMapKeys(applied);
  const merged = serverSideApply({
    nav: schemaNav(t), live: live ? present(ctx, t, live) : undefined, applied, manager: opts.manager,
    force: req.query.get('force') === 'true', apiVersion, skipStatus: t.subresources.includes('status'),
  });
  const done = { ...opts, managedFieldsDone: true };
  if (!live) return { status: 201, body: createObject(ctx, t, merged, namespace, done) };
  merged.metadata.resourceVersion = live.metadata.resourceVersion;
  return { status: 200, body: updateObject(ctx, t, merged, namespace, name, done) };
}

function deleteResource(ctx: SimContext, req: ApiRequest, route: ResourceRoute): ApiResult {
  const { t, namespace, name } = route;
  const body = decodeBody(req) ?? {};
  const dryRun = req.query.getAll('dryRun').length > 0 || (body.dryRun ?? []).length > 0;
  const propagationPolicy = req.query.get('propagationPolicy') ?? body.propagationPolicy ?? (body.orphanDependents ? 'Orphan' : undefined);
  const opts = { dryRun, propagationPolicy, preconditions: body.preconditions };
  if (name) return { status: 200, body: present(ctx, t, deleteObject(ctx, t, namespace, name, opts)) };
  const matches = matcher(req, undefined);
  const items = ctx.store.list(ctx.registry.storeKey(t), namespace).filter(matches)
    .map((o) => present(ctx, t, deleteObject(ctx, t, o.metadata.namespace, o.metadata.name, opts)));
  return { status: 200, body: { kind: t.listKind, apiVersion: ctx.registry.apiVersionOf(t), metadata: { resourceVersion: String(ctx.store.rv) }, items } };
}
