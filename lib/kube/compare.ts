/**
 * Pure comparisons of desired and live objects: whether the live object already holds every
 * field we would apply (read-only check mode), and unified diffs for --diff.
 */
import { unifiedDiff } from '../diff.ts';
import { stringify } from 'yaml';
import type { KubeObject } from './object.ts';

/**
 * True when every field of `desired` is present in `live` with the same value (lists element-wise).
 * An empty desired list counts as present when live has none: the API server omits empty lists
 * (a NetworkPolicy rule's `to: []` is stored without `to`), so applying it changes nothing.
 */
export function containsAll(live: unknown, desired: unknown): boolean {
  if (desired === null || typeof desired !== 'object') return live === desired || (desired === null && live === undefined);
  if (Array.isArray(desired) && desired.length === 0 && (live === undefined || live === null)) return true;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((d, i) => containsAll(live[i], d));
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
  const l = live as Record<string, unknown>;
  return Object.entries(desired as Record<string, unknown>).every(([k, v]) => containsAll(l[k], v));
}

/** `live` cut down to the shape of `desired` (for a diff that shows only what we manage). */
export function project(live: unknown, desired: unknown): unknown {
  if (desired === null || typeof desired !== 'object' || live === null || typeof live !== 'object') return live;
  if (Array.isArray(desired)) return Array.isArray(live) ? live.map((x, i) => project(x, desired[i])) : live;
  if (Array.isArray(live)) return live;
  const l = live as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(desired)) if (k in l) out[k] = project(l[k], (desired as Record<string, unknown>)[k]);
  return out;
}

export function describeObject(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind.toLowerCase()} ${ns}${o.metadata.name}`;
}

/** A unified diff between two texts, or '' when they are equal. */
/** Diff of a live object (only the fields we manage) against the desired one, as YAML. */
export function objectDiff(live: KubeObject | undefined, desired: KubeObject): string {
  const before = live ? stringify(project(live, desired)) : '';
  return unifiedDiff(describeObject(desired), before, stringify(desired));
}
