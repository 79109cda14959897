/**
 * The compare-first rule of server-side apply, pure: applying `desired` as field manager
 * `manager` would change nothing when the live object already holds every desired value AND
 * every field that manager applied before is still desired (else the apply would remove it).
 * The second half reads the manager's Apply entry in `metadata.managedFields` (fieldsV1: `f:`
 * fields, `k:` list items by key, `v:` set values, `i:` indexes, `.` the item itself).
 */
import { containsAll } from './compare.ts';
import type { KubeObject } from './object.ts';

/** capstan's field manager name for server-side apply (client.ts sends it; defined here, so offline code can use it without loading the client). */
export const FIELD_MANAGER = 'capstan';

type Fields = Record<string, unknown>;

interface ManagedEntry { manager?: string; operation?: string; subresource?: string; fieldsV1?: Fields }

/** The fields `manager` owns through Apply (not a subresource), or undefined when it never applied. */
export function appliedFields(live: KubeObject, manager: string): Fields | undefined {
  const entries = (live.metadata['managedFields'] ?? []) as ManagedEntry[];
  return entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource)?.fieldsV1;
}

/** The item of a desired list a `k:{...}` key names; a key field left out (a server default) matches. */
function itemByKey(list: unknown[], key: Record<string, unknown>): unknown {
  return list.find((item) => item && typeof item === 'object' &&
    Object.entries(key).every(([k, v]) => (item as Fields)[k] === v || (item as Fields)[k] === undefined));
}

/** Whether every field in `owned` is present in `desired` (so applying `desired` removes none). */
export function stillDesired(owned: Fields, desired: unknown, keyFields: readonly string[] = []): boolean {
  for (const [k, sub] of Object.entries(owned)) {
    if (k === '.') continue;
    const rest = (sub ?? {}) as Fields;
    if (k.startsWith('f:')) {
      const name = k.slice(2);
      const value = desired && typeof desired === 'object' && !Array.isArray(desired) ? (desired as Fields)[name] : undefined;
      if (value === undefined || value === null) {
        if (keyFields.includes(name)) continue; // an item's key field the server defaulted
        return false;
      }
      if (!stillDesired(rest, value)) return false;
    } else if (k.startsWith('k:')) {
      const key = JSON.parse(k.slice(2)) as Record<string, unknown>;
      const item = Array.isArray(desired) ? itemByKey(desired, key) : undefined;
      if (item === undefined || !stillDesired(rest, item, Object.keys(key))) return false;
    } else if (k.startsWith('v:')) {
      const value = JSON.parse(k.slice(2)) as unknown;
      if (!Array.isArray(desired) || !desired.some((d) => JSON.stringify(d) === JSON.stringify(value))) return false;
    } else if (k.startsWith('i:')) {
      const i = Number(k.slice(2));
      if (!Array.isArray(desired) || i >= desired.length || !stillDesired(rest, desired[i])) return false;
    }
  }
  return true;
}

/** True when a server-side apply of `desired` by `manager` would change nothing on `live`. */
export function applyWouldChange(live: KubeObject | undefined, desired: KubeObject, manager: string): boolean {
  if (!live || !containsAll(live, desired)) return true;
  const owned = appliedFields(live, manager);
  return owned !== undefined && !stillDesired(owned, desired);
}
