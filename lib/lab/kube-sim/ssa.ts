/**
 * Server-side apply and field ownership. Each manager's fields live in metadata.managedFields
 * (fieldsV1). Apply merges the applied configuration into the live object, removes fields the
 * manager applied before but no longer applies (unless another manager owns them), and refuses
 * with 409 Conflict when it would change a field another manager owns, unless force=true.
 * Non-apply writes (create, update, patch) give the changed fields to their manager.
 */
import type { Schema } from './registry.ts';
import type { SchemaNav } from './schema.ts';
import { ApiError } from './status.ts';
import { clone } from './store.ts';
import { containersOf, displayPath, elementKey, fieldsOf, fromFieldsV1, removeAt, SEP, stableJson, toFieldsV1, valueAt } from './fieldset.ts';

interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  paths: Set<string>;
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readManaged(obj: any): ManagerEntry[] {
  return (obj?.metadata?.managedFields ?? []).map((m: any) => ({
    manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, time: m.time,
    ...(m.subresource ? { subresource: m.subresource } : {}), paths: fromFieldsV1(m.fieldsV1),
  }));
}

function writeManaged(nav: SchemaNav, obj: any, entries: ManagerEntry[]): void {
  const live = fieldsOf(nav, obj, false);
  const out = entries
    .map((e) => ({ ...e, paths: e.operation === 'Apply' ? e.paths : new Set([...e.paths].filter((p) => live.has(p))) }))
    .filter((e) => e.paths.size > 0)
    .map((e) => ({
      manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time,
      fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(e.paths), ...(e.subresource ? { subresource: e.subresource } : {}),
    }));
  obj.metadata.managedFields = out;
}


export interface ApplyInput {
  nav: SchemaNav;
  live: any | undefined;
  applied: Record<string, any>;
  manager: string;
  force: boolean;
  apiVersion: string;
  /** Skip status (types with a status subresource). */
  skipStatus: boolean;
}

/** Server-side apply; returns the new object (live unchanged) or throws 409 Conflict. */
export function serverSideApply(input: ApplyInput): any {
  const { nav, live, applied, manager, force } = input;
  const appliedSet = fieldsOf(nav, applied, input.skipStatus);
  const entries = readManaged(live);
  if (live) {
    const conflicts = findConflicts(entries, appliedSet, live, applied, manager);
    if (conflicts.length && !force) throw conflictError(conflicts, input);
    for (const c of conflicts) c.entry.paths.delete(c.path);
  }
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  const othersOwn = new Set<string>();
  for (const e of entries) if (e !== mine) for (const p of e.paths) othersOwn.add(p);
  const result = clone(live ?? {});
  const dropped = [...(mine?.paths ?? [])].filter((p) => !appliedSet.has(p) && !othersOwn.has(p)).sort((a, b) => b.length - a.length);
  for (const p of dropped) removeAt(result, p);
  const merged = mergeApplied(nav, nav.root, result, stripNulls(applied), true) as any;
  merged.metadata ??= {};
  const unchanged = mine && mine.paths.size === appliedSet.size && [...appliedSet].every((p) => mine.paths.has(p));
  const time = unchanged ? mine.time : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const next = entries.filter((e) => e !== mine);
  next.splice(mine ? entries.indexOf(mine) : next.length, 0, { manager, operation: 'Apply', apiVersion: input.apiVersion, time, paths: appliedSet });
  writeManaged(nav, merged, next);
  return merged;
}

interface Conflict { entry: ManagerEntry; path: string }

function findConflicts(entries: ManagerEntry[], appliedSet: Set<string>, live: any, applied: any, manager: string): Conflict[] {
  const out: Conflict[] = [];
  const containers = containersOf(appliedSet);
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    if (e.manager === manager && e.operation === 'Update') continue;
    for (const p of e.paths) {
      if (!appliedSet.has(p) || containers.has(p)) continue;
      if (stableJson(valueAt(live, p)) !== stableJson(valueAt(applied, p))) out.push({ entry: e, path: p });
    }
  }
  return out;
}

function conflictError(conflicts: Conflict[], input: ApplyInput): ApiError {
  const causes = conflicts.map((c) => ({
    type: 'FieldManagerConflict', message: `conflict with "${c.entry.manager}"${c.entry.operation === 'Update' ? ` using ${c.entry.apiVersion}` : ''}`,
    field: displayPath(c.path),
  }));
  const lines = causes.map((c) => `- ${c.message}: ${c.field}`);
  const message = conflicts.length === 1
    ? `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`
    : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return new ApiError(409, 'Conflict', message, { causes, name: input.applied?.metadata?.name ?? '' });
}

function stripNulls(v: any): any {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isObj(v)) return v;
  const out: Record<string, any> = {};
  for (const [k, cv] of Object.entries(v)) if (cv !== null) out[k] = stripNulls(cv);
  return out;
}

function mergeApplied(nav: SchemaNav, s: Schema | undefined, live: unknown, applied: unknown, atRoot = false): unknown {
  if (Array.isArray(applied)) {
    const lt = nav.listType(s);
    if (lt.type === 'atomic' || !Array.isArray(live)) return clone(applied);
    if (lt.type === 'set') return [...live, ...applied.filter((a) => !live.some((l) => stableJson(l) === stableJson(a)))];
    const out = [...live];
    for (const a of applied) {
      const idx = out.findIndex((l) => elementKey(l, lt.keys) === elementKey(a, lt.keys));
      if (idx >= 0) out[idx] = mergeApplied(nav, nav.items(s), out[idx], a);
      else out.push(clone(a));
    }
    return out;
  }
  if (!isObj(applied)) return applied;
  if (!isObj(live) || (!atRoot && nav.isAtomicMap(s))) return clone(applied);
  const out: Record<string, any> = { ...live };
  for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(nav, nav.child(s, k, atRoot), out[k], v);
  return out;
}

/** A non-apply write by `manager`: it takes the fields whose values changed; others lose them. */
export function recordUpdate(nav: SchemaNav, before: any | undefined, after: any, manager: string, apiVersion: string, skipStatus: boolean, subresource?: string): void {
  const entries = readManaged(before);
  const afterSet = fieldsOf(nav, after, skipStatus);
  const changed = new Set<string>();
  const containers = containersOf(afterSet);
  for (const p of afterSet) {
    if (containers.has(p) && before) continue;
    if (!before || stableJson(valueAt(before, p)) !== stableJson(valueAt(after, p))) changed.add(p);
  }
  if (subresource === 'status') for (const p of [...changed]) if (!p.startsWith(`f:status`)) changed.delete(p);
  if (changed.size === 0 && before) {
    writeManaged(nav, after, entries);
    return;
  }
  for (const e of entries) for (const p of changed) e.paths.delete(p);
  let mine = entries.find((e) => e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (subresource ?? ''));
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  if (!mine) {
    mine = { manager, operation: 'Update', apiVersion, time, paths: new Set(), ...(subresource ? { subresource } : {}) };
    entries.push(mine);
  }
  mine.time = time;
  for (const p of changed) {
    mine.paths.add(p);
    const segs = p.split(SEP);
    for (let i = 1; i < segs.length; i++) if (segs[i]!.startsWith('k:')) mine.paths.add(segs.slice(0, i + 1).join(SEP));
  }
  writeManaged(nav, after, entries);
}
