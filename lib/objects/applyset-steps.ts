/**
 * ApplySet apply and prune steps (KEP-3659), for any role's computed objects: apply the members
 * (parent first, with the union of old and new group-kinds), prune what left the vars, then record
 * the new set. The objects role and the istio role's mesh config (own parent) both run these.
 */
import { CapstanError } from '../errors.ts';
import { describeObject } from '../kube/compare.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import type { TaskContext, TaskResult } from '../role.ts';
import { applyAll, applyObject } from './apply.ts';
import {
  applySetId, asMember, membersState, parentObject, parentState, sameState, unionState, type ApplySetRef, type ApplySetState,
} from './applyset.ts';
import { listMembers, pruneCandidates, pruneMembers } from './prune.ts';
import { liveReader } from '../kube/get-all.ts';

/** What the apply and prune steps read of the vars (the istio role's mesh config uses them with its own ApplySet). */
export interface ApplySetVars {
  readonly k8s_objects_applyset: string;
  readonly k8s_objects_applyset_namespace: string;
  readonly kube_apply_force: boolean;
}

export const applySetRef = (vars: ApplySetVars): ApplySetRef => ({ name: vars.k8s_objects_applyset, namespace: vars.k8s_objects_applyset_namespace });

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Writes the parent with `state` unless it already records exactly that (check: never). */
async function recordParent(cluster: Cluster, ref: ApplySetRef, live: KubeObject | undefined, state: ApplySetState, check: boolean): Promise<boolean> {
  if (live && sameState(parentState(live), state)) return false;
  if (!check) await applyObject(cluster.api, parentObject(ref, state), { check, diff: false, force: true, newNamespaces: new Set() });
  return true;
}

export async function applyStep(ctx: TaskContext, vars: ApplySetVars, objects: readonly KubeObject[]): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const ref = applySetRef(vars);
  const id = applySetId(ref);
  const members = objects.map((o) => asMember(o, id));
  // the parent and every member read at once (the parent's write below touches no member)
  const [parent, reader] = await Promise.all([cluster.api.get(parentObject(ref, { groupKinds: [], namespaces: [] })), liveReader(cluster.api, members)]);
  if (!objects.length && !parent) return { status: 'ok', msg: 'no objects declared' };
  // KEP-3659: the parent lists every group-kind that may hold members before any is applied.
  await recordParent(cluster, ref, parent, unionState(parentState(parent), membersState(members, ref)), ctx.check);
  const namespaces = await Promise.all(members.map(async (m, i) => (m.kind === 'Namespace' ? [m.metadata.name, await reader.live(i)] as const : undefined)));
  const newNamespaces = new Set(namespaces.filter((n) => n && !n[1]).map((n) => n![0]));
  const report = await applyAll(cluster.api, members, { check: ctx.check, diff: ctx.diff, force: vars.kube_apply_force, newNamespaces }, reader);
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

export async function pruneStep(ctx: TaskContext, vars: ApplySetVars, objects: readonly KubeObject[]): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const ref = applySetRef(vars);
  const id = applySetId(ref);
  const desired = membersState(objects.map((o) => asMember(o, id)), ref);
  // the members of the kinds and namespaces declared now are listed beside the parent's read; only
  // those the parent records beyond them (what left the vars) are listed after
  const [parent, known] = await Promise.all([
    cluster.api.get(parentObject(ref, { groupKinds: [], namespaces: [] })),
    listMembers(cluster.api, ref, id, desired, objects),
  ]);
  if (!parent) return { status: 'ok', msg: ctx.check ? 'nothing applied yet, nothing to prune' : 'no ApplySet yet, nothing to prune' };
  const recorded = parentState(parent);
  const { prune, kept } = await pruneCandidates(cluster.api, ref, id, unionState(recorded, desired), objects, known);
  const gone = await pruneMembers(cluster.api, prune, ctx.check);
  await recordParent(cluster, ref, parent, desired, ctx.check);
  const keptMsg = kept.length ? `; kept (capstan.io/prune: "false"): ${kept.map(describeObject).join(', ')}` : '';
  if (!gone.length) return { status: 'ok', msg: `nothing to prune${keptMsg}` };
  return { status: 'changed', msg: `${ctx.check ? 'would prune' : 'pruned'} ${gone.map(describeObject).join(', ')}${keptMsg}`, data: { pruned: gone.map(describeObject) } };
}

