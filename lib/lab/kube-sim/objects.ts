/**
 * Object lifecycle, as the API server's registry does it: create (uid, resourceVersion,
 * creationTimestamp, generation, defaults, admission, validation, managedFields), update
 * (preconditions, status subresource, generation bump on spec changes, no-op detection), and
 * delete (finalizers, propagation policies, garbage collection through ownerReferences,
 * namespace deletion). dryRun=All runs every step but stores nothing.
 */
import { randomUUID } from 'node:crypto';
import { later, now, type SimContext } from './context.ts';
import type { ResourceType } from './registry.ts';
import { schemaNav } from './schema.ts';
import { recordUpdate } from './ssa.ts';
import { ApiError, alreadyExists, conflict, invalid, notFound } from './status.ts';
import { clone } from './store.ts';
import { applyDefaults } from './defaults.ts';
import { validateObject } from './validation.ts';
import { stableJson } from './fieldset.ts';

export interface WriteOptions {
  manager: string;
  dryRun: boolean;
  strict: boolean;
  subresource?: string;
  /** Set when the caller already recorded managedFields (server-side apply). */
  managedFieldsDone?: boolean;
}

const hasStatusSub = (t: ResourceType): boolean => t.subresources.includes('status');
const apiVersion = (ctx: SimContext, t: ResourceType): string => ctx.registry.apiVersionOf(t);

function checkIdentity(ctx: SimContext, t: ResourceType, obj: any, namespace: string | undefined): void {
  obj.apiVersion = apiVersion(ctx, t);
  obj.kind = t.kind;
  obj.metadata ??= {};
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomUUID().slice(0, 5)}`;
  if (!obj.metadata.name) throw invalid(t, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  if (t.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    const ns = ctx.store.get('/namespaces', undefined, obj.metadata.namespace);
    if (!ns) throw notFound({ group: '', plural: 'namespaces' }, obj.metadata.namespace);
    if (ns.status?.phase === 'Terminating') {
      throw new ApiError(403, 'Forbidden', `${t.plural} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns.metadata.name} because it is being terminated`);
    }
  } else delete obj.metadata.namespace;
}

export function createObject(ctx: SimContext, t: ResourceType, input: any, namespace: string | undefined, opts: WriteOptions): any {
  const obj = clone(input);
  checkIdentity(ctx, t, obj, namespace);
  if (ctx.store.get(ctx.registry.storeKey(t), obj.metadata.namespace, obj.metadata.name)) throw alreadyExists(t, obj.metadata.name);
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation', 'selfLink']) delete obj.metadata[k];
  if (hasStatusSub(t)) delete obj.status;
  validateObject(t, obj, opts.strict);
  obj.metadata.uid = randomUUID();
  obj.metadata.creationTimestamp = now();
  if (t.crd || obj.spec !== undefined) obj.metadata.generation = 1;
  applyDefaults(t, obj);
  for (const hook of ctx.admission) hook(ctx, t, obj, undefined);
  if (!opts.managedFieldsDone) recordUpdate(schemaNav(t), undefined, obj, opts.manager, apiVersion(ctx, t), hasStatusSub(t));
  if (opts.dryRun) return obj;
  return clone(ctx.store.put(ctx.registry.storeKey(t), obj));
}

/** Everything but metadata and status: a change here bumps generation. */
function specPart(obj: any): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return stableJson(rest);
}

export function updateObject(ctx: SimContext, t: ResourceType, input: any, namespace: string | undefined, name: string, opts: WriteOptions): any {
  const key = ctx.registry.storeKey(t);
  const old = ctx.store.get(key, namespace, name);
  if (!old) throw notFound(t, name);
  const obj = clone(input);
  checkIdentity(ctx, t, obj, namespace);
  if (obj.metadata.name !== name) throw new ApiError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  const rv = obj.metadata.resourceVersion;
  if (rv && rv !== old.metadata.resourceVersion) throw conflict(t, name);
  if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) throw conflict(t, name);
  for (const k of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp']) {
    if (old.metadata[k] !== undefined) obj.metadata[k] = old.metadata[k];
    else delete obj.metadata[k];
  }
  if (opts.subresource === 'status') {
    const { status } = obj;
    Object.assign(obj, clone({ ...old, status }));
    obj.metadata.managedFields = old.metadata.managedFields;
  } else if (hasStatusSub(t)) {
    if (old.status !== undefined) obj.status = clone(old.status);
    else delete obj.status;
  }
  validateObject(t, obj, opts.strict);
  applyDefaults(t, obj);
  if (specPart(obj) !== specPart(old) && old.metadata.generation !== undefined) obj.metadata.generation = old.metadata.generation + 1;
  for (const hook of ctx.admission) hook(ctx, t, obj, old);
  if (!opts.managedFieldsDone) recordUpdate(schemaNav(t), old, obj, opts.manager, apiVersion(ctx, t), hasStatusSub(t) && opts.subresource !== 'status', opts.subresource);
  obj.metadata.resourceVersion = old.metadata.resourceVersion;
  if (stableJson(obj) === stableJson(old)) return clone(old);
  if (opts.dryRun) return obj;
  if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).length) {
    ctx.store.put(key, obj);
    return finishDelete(ctx, t, obj, 'Background');
  }
  return clone(ctx.store.put(key, obj));
}

export interface DeleteOptions {
  propagationPolicy?: string;
  dryRun: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export function deleteObject(ctx: SimContext, t: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions): any {
  const key = ctx.registry.storeKey(t);
  const old = ctx.store.get(key, namespace, name);
  if (!old) throw notFound(t, name);
  const pre = opts.preconditions;
  if ((pre?.uid && pre.uid !== old.metadata.uid) || (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)) throw conflict(t, name);
  if (opts.dryRun) return clone(old);
  const policy = opts.propagationPolicy ?? 'Background';
  const finalizers: string[] = [...(old.metadata.finalizers ?? [])];
  if (t.kind === 'Namespace' && !old.metadata.deletionTimestamp) return terminateNamespace(ctx, old);
  if (policy === 'Foreground') deleteDependents(ctx, old.metadata.uid, 'Foreground');
  if (finalizers.length) {
    if (old.metadata.deletionTimestamp) return clone(old);
    const marked = clone(old);
    marked.metadata.deletionTimestamp = now();
    marked.metadata.deletionGracePeriodSeconds = 0;
    return clone(ctx.store.put(key, marked));
  }
  return finishDelete(ctx, t, old, policy);
}

function finishDelete(ctx: SimContext, t: ResourceType, obj: any, policy: string): any {
  const gone = ctx.store.remove(ctx.registry.storeKey(t), obj.metadata.namespace, obj.metadata.name);
  if (policy === 'Orphan') orphanDependents(ctx, obj.metadata.uid);
  else if (policy === 'Background') later(ctx, () => deleteDependents(ctx, obj.metadata.uid, 'Background'), 0);
  return clone(gone);
}

/** Every stored object with an ownerReference to this uid. */
function dependentsOf(ctx: SimContext, uid: string): Array<{ t: ResourceType; obj: any }> {
  const out: Array<{ t: ResourceType; obj: any }> = [];
  for (const key of ctx.store.keys()) {
    const t = ctx.registry.types.find((x) => ctx.registry.storeKey(x) === key);
    if (!t) continue;
    for (const obj of ctx.store.list(key)) if ((obj.metadata.ownerReferences ?? []).some((r: any) => r.uid === uid)) out.push({ t, obj });
  }
  return out;
}

function deleteDependents(ctx: SimContext, uid: string, policy: string): void {
  for (const { t, obj } of dependentsOf(ctx, uid)) {
    if (ctx.store.get(ctx.registry.storeKey(t), obj.metadata.namespace, obj.metadata.name)) {
      deleteObject(ctx, t, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: policy, dryRun: false });
    }
  }
}

function orphanDependents(ctx: SimContext, uid: string): void {
  for (const { t, obj } of dependentsOf(ctx, uid)) {
    const next = clone(obj);
    next.metadata.ownerReferences = next.metadata.ownerReferences.filter((r: any) => r.uid !== uid);
    if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
    ctx.store.put(ctx.registry.storeKey(t), next);
  }
}

/** Namespace deletion: Terminating at once, then its contents go, then the namespace. */
function terminateNamespace(ctx: SimContext, old: any): any {
  const ns = clone(old);
  ns.metadata.deletionTimestamp = now();
  ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
  const stored = ctx.store.put('/namespaces', ns);
  later(ctx, () => {
    const seen = new Set<string>();
    for (const type of ctx.registry.types.filter((x) => x.namespaced)) {
      const key = ctx.registry.storeKey(type);
      if (seen.has(key)) continue; // one store key per group/resource, whatever the versions
      seen.add(key);
      for (const obj of ctx.store.list(key, ns.metadata.name)) ctx.store.remove(key, obj.metadata.namespace, obj.metadata.name);
    }
    ctx.store.remove('/namespaces', undefined, ns.metadata.name);
  }, 0);
  return clone(stored);
}
