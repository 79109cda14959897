/**
 * Applying inventory objects: server-side apply as field manager `capstan`, compare first (no
 * PATCH when the live object already holds everything capstan applies), server-side dry-run in
 * check mode (admission and CEL rules run, nothing persists), conflicts named with the other
 * field manager unless forced, and a field-level diff of what capstan manages.
 */
import { KubeError } from '../errors.ts';
import type { KubeApi } from '../kube/client.ts';
import { applyWouldChange, FIELD_MANAGER } from '../kube/applied.ts';
import { describeObject, objectDiff } from '../kube/compare.ts';
import { liveReader, type LiveReader } from '../kube/get-all.ts';
import type { KubeObject } from '../kube/types.ts';
import { roleOfGroup } from './bundle/index.ts';
import { groupOf } from './validate.ts';

export type ApplyAction = 'create' | 'update' | 'unchanged';

export interface ObjectChange {
  readonly object: KubeObject;
  readonly action: ApplyAction;
  /** Why the server was not asked (check mode: its namespace or CRD comes earlier in the run). */
  readonly note?: string;
  readonly diff?: string;
}

export interface ApplyOptions {
  readonly check: boolean;
  readonly diff: boolean;
  readonly force: boolean;
  /** Namespaces this run creates (check mode cannot dry-run objects inside them). */
  readonly newNamespaces: ReadonlySet<string>;
}

/** Why check mode cannot dry-run this object yet, or undefined. */
function notYetServable(desired: KubeObject, o: ApplyOptions, err?: unknown): string | undefined {
  const ns = desired.metadata.namespace;
  if (ns && o.newNamespaces.has(ns)) return `namespace ${ns} is created by this run`;
  if (err instanceof KubeError && err.hint?.includes('CustomResourceDefinition')) {
    const role = roleOfGroup(groupOf(desired.apiVersion));
    return `its CRD is not installed yet${role ? ` (the ${role} role installs it)` : ''}`;
  }
  return undefined;
}

/** One object: compare with its live state (`live`: read already; absent: read now), then apply or dry-run. */
export async function applyObject(api: KubeApi, desired: KubeObject, o: ApplyOptions, live?: { object: KubeObject | undefined }): Promise<ObjectChange> {
  const found = live ? live.object : await api.get(desired);
  return applyFound(api, desired, o, found);
}

async function applyFound(api: KubeApi, desired: KubeObject, o: ApplyOptions, live: KubeObject | undefined): Promise<ObjectChange> {
  if (!applyWouldChange(live, desired, FIELD_MANAGER)) return { object: desired, action: 'unchanged' };
  const action: ApplyAction = live ? 'update' : 'create';
  const diff = o.diff ? { diff: objectDiff(live, desired) } : {};
  if (o.check) {
    const early = live ? undefined : notYetServable(desired, o);
    if (early) return { object: desired, action, note: early, ...diff };
    try {
      await api.apply(desired, { force: o.force, dryRun: true });
    } catch (err) {
      const note = notYetServable(desired, o, err);
      if (!note) throw err;
      return { object: desired, action, note, ...diff };
    }
    return { object: desired, action, ...diff };
  }
  await api.apply(desired, { force: o.force });
  return { object: desired, action, ...diff };
}

export interface ApplyReport {
  readonly changes: ObjectChange[];
  /** `what: server message` for each object the server refused. */
  readonly failures: string[];
}

/**
 * Applies each object in order; a refused object does not stop the others. Live states are read
 * all at once first (lib/kube/get-all.ts; read again after a write, as one after another would),
 * or come from `read` (made for these objects).
 */
export async function applyAll(api: KubeApi, objects: readonly KubeObject[], o: ApplyOptions, read?: LiveReader): Promise<ApplyReport> {
  const changes: ObjectChange[] = [];
  const failures: string[] = [];
  const reader = read ?? await liveReader(api, objects);
  for (const [i, obj] of objects.entries()) {
    try {
      const change = await applyObject(api, obj, o, { object: await reader.live(i) });
      if (change.action !== 'unchanged' && !o.check) reader.wrote();
      changes.push(change);
    } catch (err) {
      if (!o.check) reader.wrote();
      if (!(err instanceof KubeError)) throw err;
      failures.push(`${describeObject(obj)}: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
    }
  }
  return { changes, failures };
}
