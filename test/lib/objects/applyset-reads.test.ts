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
    expect(secretLists.map((r) => r.wave)).toEqual([2, 2]);
    expect(kube.count('delete')).toBe(1);
  });
});
