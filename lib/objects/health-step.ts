/**
 * Waiting for applied objects' health, ending with a verify table: the step the objects role and
 * the serving role share (apply and prune are lib/objects/applyset-steps.ts).
 */
import { CapstanError } from '../errors.ts';
import { describeObject } from '../kube/compare.ts';
import type { KubeObject } from '../kube/types.ts';
import type { TaskContext, TaskResult } from '../role.ts';
import type { ApplySetVars } from './applyset-steps.ts';

/** What the steps read: the ApplySet, force, and the health timeout in seconds. */
export type StepVars = ApplySetVars & { k8s_objects_wait_timeout: number };

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
