/**
 * The objects role's steps on the cluster: apply and prune through the ApplySet
 * (lib/objects/applyset-steps.ts, shared with the istio role's mesh config), and wait for each
 * object's health, ending with a verify table.
 */
import { CapstanError } from '../../lib/errors.ts';
import { describeObject } from '../../lib/kube/compare.ts';
import type { KubeObject } from '../../lib/kube/types.ts';
import type { TaskContext, TaskResult } from '../../lib/role.ts';
import type { ObjectsVars } from './vars.ts';

import type { ApplySetVars } from '../../lib/objects/applyset-steps.ts';

export { applySetRef, applyStep, pruneStep, type ApplySetVars } from '../../lib/objects/applyset-steps.ts';

/** What the steps read: the ApplySet, force, and the health timeout (the serving role passes its own). */
export type StepVars = ApplySetVars & Pick<ObjectsVars, 'k8s_objects_wait_timeout'>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface HealthRow { object: string; health: string; ok: boolean }

export function formatHealth(rows: readonly HealthRow[]): string {
  const w = Math.max('OBJECT'.length, ...rows.map((r) => r.object.length));
  return [`${'OBJECT'.padEnd(w)}  HEALTH`, ...rows.map((r) => `${r.object.padEnd(w)}  ${r.ok ? '' : 'PENDING '}${r.health}`)].join('\n');
}

export async function healthStep(ctx: TaskContext, vars: StepVars, objects: readonly KubeObject[]): Promise<TaskResult> {
  if (ctx.check) return { status: 'skipped', msg: 'check mode: nothing was applied to wait for' };
  if (!objects.length) return { status: 'ok', msg: 'no objects declared' };
  const cluster = await ctx.cluster();
  const o = { timeoutSeconds: vars.k8s_objects_wait_timeout, log: (m: string) => ctx.log.progress(m), signal: ctx.signal };
  const settled = await Promise.allSettled(objects.map((obj) => cluster.wait.healthy(obj, o)));
  const rows: HealthRow[] = settled.map((s, i) => ({
    object: describeObject(objects[i]!), ok: s.status === 'fulfilled',
    health: s.status === 'fulfilled' ? s.value : s.reason instanceof Error ? s.reason.message : String(s.reason),
  }));
  const table = formatHealth(rows);
  const pending = rows.filter((r) => !r.ok);
  if (pending.length) throw new CapstanError(`${plural(pending.length, 'object')} not healthy:\n${table}`);
  return { status: 'ok', msg: `${plural(rows.length, 'object')} healthy\n${table}`, data: { health: rows } };
}
