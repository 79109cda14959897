/**
 * The objects role's steps on the cluster: apply the ApplySet (parent first with the union of
 * old and new group-kinds, then the members), prune what left the inventory (then record the
 * new set), and wait for each object's health, ending with a verify table.
 */
import { CapstanError } from '../../lib/errors.ts';
import { describeObject } from '../../lib/kube/compare.ts';
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import { applyAll, applyObject } from '../../lib/objects/apply.ts';
import {
  applySetId, asMember, membersState, parentObject, parentState, sameState, unionState, type ApplySetRef, type ApplySetState,
} from '../../lib/objects/applyset.ts';
import { pruneCandidates, pruneMembers } from '../../lib/objects/prune.ts';
import type { TaskContext, TaskResult } from '../../lib/role.ts';
import type { ObjectsVars } from './vars.ts';

/** What the steps read: the ApplySet, force, and the health timeout (the serving role passes its own). */
export type StepVars = Pick<ObjectsVars, 'k8s_objects_applyset' | 'k8s_objects_applyset_namespace' | 'kube_apply_force' | 'k8s_objects_wait_timeout'>;

export const applySetRef = (vars: StepVars): ApplySetRef => ({ name: vars.k8s_objects_applyset, namespace: vars.k8s_objects_applyset_namespace });

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Writes the parent with `state` unless it already records exactly that (check: never). */
async function recordParent(cluster: Cluster, ref: ApplySetRef, live: KubeObject | undefined, state: ApplySetState, check: boolean): Promise<boolean> {
  if (live && sameState(parentState(live), state)) return false;
  if (!check) await applyObject(cluster.api, parentObject(ref, state), { check, diff: false, force: true, newNamespaces: new Set() });
  return true;
}

export async function applyStep(ctx: TaskContext, vars: StepVars, objects: readonly KubeObject[]): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const ref = applySetRef(vars);
  const id = applySetId(ref);
  const parent = await cluster.api.get(parentObject(ref, { groupKinds: [], namespaces: [] }));
  if (!objects.length && !parent) return { status: 'ok', msg: 'no objects declared' };
  const members = objects.map((o) => asMember(o, id));
  // KEP-3659: the parent lists every group-kind that may hold members before any is applied.
  await recordParent(cluster, ref, parent, unionState(parentState(parent), membersState(members, ref)), ctx.check);
  const live = await Promise.all(objects.filter((o) => o.kind === 'Namespace').map(async (n) => [n.metadata.name, await cluster.api.get(n)] as const));
  const newNamespaces = new Set(live.filter(([, l]) => !l).map(([n]) => n));
  const report = await applyAll(cluster.api, members, { check: ctx.check, diff: ctx.diff, force: vars.kube_apply_force, newNamespaces });
  if (report.failures.length) {
    throw new CapstanError(`${plural(report.failures.length, 'object')} refused by the API server:\n${report.failures.map((f) => `  - ${f}`).join('\n')}`);
  }
  const changed = report.changes.filter((c) => c.action !== 'unchanged');
  const rows = report.changes.map((c) => ({ object: describeObject(c.object), action: c.action, ...(c.note ? { note: c.note } : {}) }));
  if (!changed.length) return { status: 'ok', msg: `${plural(objects.length, 'object')} up to date`, data: { objects: rows } };
  const verb = (a: string) => (ctx.check ? `would ${a}` : `${a}d`);
  const lines = changed.map((c) => `${verb(c.action)} ${describeObject(c.object)}${c.note ? ` (dry-run skipped: ${c.note})` : ''}`);
  const diff = changed.map((c) => c.diff).filter(Boolean).join('\n');
  return { status: 'changed', msg: `${lines.join(', ')} (${objects.length - changed.length} unchanged)`, ...(diff ? { diff } : {}), data: { objects: rows } };
}

export async function pruneStep(ctx: TaskContext, vars: StepVars, objects: readonly KubeObject[]): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const ref = applySetRef(vars);
  const id = applySetId(ref);
  const parent = await cluster.api.get(parentObject(ref, { groupKinds: [], namespaces: [] }));
  if (!parent) return { status: 'ok', msg: ctx.check ? 'nothing applied yet, nothing to prune' : 'no ApplySet yet, nothing to prune' };
  const desired = membersState(objects.map((o) => asMember(o, id)), ref);
  const recorded = parentState(parent);
  const { prune, kept } = await pruneCandidates(cluster.api, ref, id, unionState(recorded, desired), objects);
  const gone = await pruneMembers(cluster.api, prune, ctx.check);
  await recordParent(cluster, ref, parent, desired, ctx.check);
  const keptMsg = kept.length ? `; kept (capstan.io/prune: "false"): ${kept.map(describeObject).join(', ')}` : '';
  if (!gone.length) return { status: 'ok', msg: `nothing to prune${keptMsg}` };
  return { status: 'changed', msg: `${ctx.check ? 'would prune' : 'pruned'} ${gone.map(describeObject).join(', ')}${keptMsg}`, data: { pruned: gone.map(describeObject) } };
}

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
