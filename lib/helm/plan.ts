/**
 * The idempotence rule, as a pure function: deployed release (facts) + wanted chart and values
 * → what to do and why. Equal chart name+version and values and status `deployed` means nothing
 * to do: no helm upgrade, no new revision. `failed` and `pending-*` releases are acted on.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HelmReleaseSpec } from '../kube/types.ts';
import type { ChartId } from './chart.ts';
import type { DeployedRelease } from './state.ts';

export type HelmPlan =
  | { action: 'none'; reason: string }
  | { action: 'install' | 'upgrade'; reason: string }
  | { action: 'uninstall'; reason: string };

/** Values as helm stores them: JSON (undefined dropped), null/absent as {}. */
export function normalizeValues(v: unknown): Record<string, unknown> {
  return v === null || v === undefined ? {} : JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
}

/** Dotted paths whose values differ between two value trees (at most `limit`). */
export function changedPaths(a: unknown, b: unknown, limit = 5, prefix = ''): string[] {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(a) || !isObj(b)) return isDeepStrictEqual(a, b) ? [] : [prefix || '(all)'];
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (out.length >= limit) break;
    out.push(...changedPaths(a[k], b[k], limit - out.length, prefix ? `${prefix}.${k}` : k));
  }
  return out;
}

export function planRelease(spec: HelmReleaseSpec, want: ChartId | undefined, deployed: DeployedRelease | undefined): HelmPlan {
  const rel = `${spec.namespace}/${spec.name}`;
  if (spec.state === 'absent') {
    return deployed ? { action: 'uninstall', reason: `release ${rel} is installed (revision ${deployed.revision})` }
      : { action: 'none', reason: `release ${rel} is not installed` };
  }
  if (!want) throw new Error('planRelease: chart identity is required for state present');
  const chart = `${want.name} ${want.version}`;
  if (!deployed) return { action: 'install', reason: `${chart} is not installed` };
  const reasons: string[] = [];
  if (deployed.chart.name !== want.name || deployed.chart.version !== want.version) {
    reasons.push(`chart ${deployed.chart.name} ${deployed.chart.version} -> ${chart}`);
  }
  const values = normalizeValues(spec.values);
  const was = normalizeValues(deployed.values);
  if (!isDeepStrictEqual(was, values)) reasons.push(`values changed (${changedPaths(was, values).join(', ')})`);
  if (deployed.status !== 'deployed') reasons.push(`release status is ${deployed.status}`);
  if (!reasons.length) return { action: 'none', reason: `${spec.name} ${want.version} already deployed with these values` };
  return { action: 'upgrade', reason: `revision ${deployed.revision}: ${reasons.join('; ')}` };
}
