/**
 * Cluster operations as idempotent tasks: each reads what is there first and reports ok or
 * changed with a reason. Check mode only reads (GET), never writes, not even dry-run requests;
 * a run sends no PATCH for an object whose live state already holds what capstan applies.
 */
import { KubeError } from '../errors.ts';
import type { TaskResult } from '../results.ts';
import type { KubeApi } from './client.ts';
import { applyWouldChange, FIELD_MANAGER } from './applied.ts';
import { containsAll, describeObject, objectDiff } from './compare.ts';
import { getAll, liveReader } from './get-all.ts';
import type { KubeObject } from './types.ts';

function result(changed: string[], unchanged: number, diffs: string[], check: boolean, okMsg: string): TaskResult {
  if (!changed.length) return { status: 'ok', msg: okMsg };
  const more = unchanged ? ` (${unchanged} unchanged)` : '';
  const res: TaskResult = { status: 'changed', msg: `${check ? 'would ' : ''}${changed.join(', ')}${more}` };
  const diff = diffs.filter(Boolean).join('\n');
  if (diff) res.diff = diff;
  return res;
}

export async function applyObjects(api: KubeApi, objects: KubeObject[], o: { check: boolean; diff: boolean; force?: boolean }): Promise<TaskResult> {
  const changed: string[] = [];
  const diffs: string[] = [];
  const reader = await liveReader(api, objects);
  for (const [i, obj] of objects.entries()) {
    const what = describeObject(obj);
    const live = await reader.live(i);
    // no PATCH when nothing capstan manages differs (lib/kube/applied.ts, the one compare-first rule)
    if (!applyWouldChange(live, obj, FIELD_MANAGER)) continue;
    if (o.check) {
      changed.push(`${live ? 'update' : 'create'} ${what}`);
    } else {
      reader.wrote();
      const after = await api.apply(obj, { force: o.force ?? false });
      if (live && live.metadata['resourceVersion'] === after.metadata['resourceVersion']) continue;
      changed.push(`${live ? 'updated' : 'created'} ${what}`);
    }
    if (o.diff) diffs.push(objectDiff(live, obj));
  }
  return result(changed, objects.length - changed.length, diffs, o.check, `${objects.length} object${objects.length === 1 ? '' : 's'} up to date`);
}

export async function ensureNamespace(api: KubeApi, name: string, labels: Record<string, string>, o: { check: boolean }): Promise<TaskResult> {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
  const live = await api.get(ns);
  if (live && containsAll(live.metadata.labels ?? {}, labels)) return { status: 'ok', msg: `namespace ${name} exists with its labels` };
  const verb = live ? 'label' : 'create';
  if (!o.check) await api.apply(ns);
  const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  return { status: 'changed', msg: `${o.check ? 'would ' : ''}${verb} namespace ${name}${shown ? ` (${shown})` : ''}` };
}

export async function deleteObjects(api: KubeApi, objects: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[], o: { check: boolean }): Promise<TaskResult> {
  const gone: string[] = [];
  const present = o.check ? await getAll(api, objects) : [];
  for (const [i, obj] of objects.entries()) {
    if (o.check ? !present[i] : !(await api.delete(obj))) continue;
    gone.push(`delete ${describeObject(obj)}`);
  }
  if (!gone.length) return { status: 'ok', msg: `${objects.length} object${objects.length === 1 ? '' : 's'} already absent` };
  return { status: 'changed', msg: `${o.check ? 'would ' : ''}${gone.join(', ')}` };
}

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** `kubectl rollout restart`: stamps the pod template so the Deployment rolls its pods. */
export async function rolloutRestart(api: KubeApi, namespace: string, names: string[], o: { check: boolean; now?: () => Date }): Promise<TaskResult> {
  for (const name of names) {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } };
    if (!(await api.get(ref))) throw new KubeError(`rollout restart: deployment ${namespace}/${name} not found`, 404);
    if (o.check) continue;
    const at = (o.now?.() ?? new Date()).toISOString();
    await api.mergePatch(ref, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } });
  }
  const list = names.map((n) => `${namespace}/${n}`).join(', ');
  return names.length ? { status: 'changed', msg: `${o.check ? 'would restart' : 'restarted'} deployment ${list}` } : { status: 'ok', msg: 'nothing to restart' };
}
