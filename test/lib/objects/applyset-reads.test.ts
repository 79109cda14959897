// How the ApplySet steps read (lib/objects/applyset-steps.ts) in a no-op: the apply step reads the
// parent and every member in one round trip and writes nothing; the prune step lists the declared
// kinds' members beside the parent's read (one round trip) and lists again only for what the parent
// records beyond them. Counted on the COUNTING FAKE API (test/support/counting-kube-fake.ts).
import { describe, expect, it } from 'vitest';
import { applyStep, pruneStep, applySetRef } from '../../../lib/objects/applyset-steps.ts';
import { applySetId, asMember, membersState, parentObject } from '../../../lib/objects/applyset.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import type { TaskContext } from '../../../lib/role.ts';
import { countingKubeFake, type CountingKubeFake } from '../../support/counting-kube-fake.ts';

const vars = { k8s_objects_applyset: 'capstan-objects', k8s_objects_applyset_namespace: 'kube-system', kube_apply_force: false };
const ref = applySetRef(vars);
const id = applySetId(ref);
const declared: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { a: '1' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', namespace: 'apps' }, data: { b: '2' } },
];
const members = declared.map((o) => asMember(o, id));
const ctx = (kube: CountingKubeFake) => ({ check: false, diff: false, cluster: async () => kube.cluster } as unknown as TaskContext);

describe('ApplySet steps in a no-op', () => {
  it('apply: the parent and every member in one round trip, no write', async () => {
    const kube = countingKubeFake([parentObject(ref, membersState(members, ref)), ...members]);
    expect((await applyStep(ctx(kube), vars, declared)).msg).toBe('3 objects up to date');
    expect(kube.count('get')).toBe(4);
    expect(kube.count('apply')).toBe(0);
    expect(kube.waves()).toBe(1);
  });

  it('prune: the declared kinds listed beside the parent, one round trip, nothing deleted', async () => {
    const kube = countingKubeFake([parentObject(ref, membersState(members, ref)), ...members]);
    expect((await pruneStep(ctx(kube), vars, declared)).msg).toBe('nothing to prune');
    expect(kube.waves()).toBe(1);
    expect(kube.count('delete') + kube.count('apply')).toBe(0);
  });

  it('prune: a kind only the parent records is listed after, and its member pruned', async () => {
    const gone = asMember({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'old', namespace: 'apps' } }, id);
    const kube = countingKubeFake([parentObject(ref, membersState([...members, gone], ref)), ...members, gone]);
    expect((await pruneStep(ctx(kube), vars, declared)).msg).toBe('pruned secret apps/old');
    const secretLists = kube.requests.filter((r) => r.verb === 'list' && r.what.startsWith('v1/Secret'));
    // one list across namespaces for the parent's namespace and apps, not one each
    expect(secretLists.map((r) => [r.wave, r.what])).toEqual([[2, `v1/Secret {"labelSelector":"applyset.kubernetes.io/part-of=${id}"}`]]);
    expect(kube.count('delete')).toBe(1);
  });

  it('prune: members of a namespace the parent does not record are left alone, though the list across namespaces sees them', async () => {
    const gone = asMember({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'old', namespace: 'apps' } }, id);
    const elsewhere = asMember({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other', namespace: 'not-recorded' } }, id);
    const kube = countingKubeFake([parentObject(ref, membersState([...members, gone], ref)), ...members, gone, elsewhere]);
    expect((await pruneStep(ctx(kube), vars, declared)).msg).toBe('pruned secret apps/old');
    expect(kube.count('delete')).toBe(1);
  });

  it('prune: a user who may not list across namespaces (403) lists namespace by namespace, and prunes the same', async () => {
    const gone = asMember({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'old', namespace: 'apps' } }, id);
    const kube = countingKubeFake([parentObject(ref, membersState([...members, gone], ref)), ...members, gone], { forbidListAcrossNamespaces: ['Secret'] });
    expect((await pruneStep(ctx(kube), vars, declared)).msg).toBe('pruned secret apps/old');
    const secretLists = kube.requests.filter((r) => r.verb === 'list' && r.what.startsWith('v1/Secret'));
    expect(secretLists.map((r) => [r.wave, JSON.parse(r.what.slice('v1/Secret '.length)).namespace ?? '(all)'])).toEqual([[2, '(all)'], [3, 'kube-system'], [3, 'apps']]);
    expect(kube.count('delete')).toBe(1);
  });
});
