// Reading many objects at once (lib/kube/get-all.ts) where a task applies or checks a list: a no-op
// apply of N objects is N gets in one round trip and no write; once something is written the later
// objects are read again (what reading one after another would have seen); a failed read fails its
// object only. Counted on the COUNTING FAKE API (test/support/counting-kube-fake.ts).
import { describe, expect, it } from 'vitest';
import { applyObjects, deleteObjects } from '../../../lib/kube/ops.ts';
import { liveReader } from '../../../lib/kube/get-all.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { countingKubeFake } from '../../support/counting-kube-fake.ts';

const cm = (name: string, value = 'a'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' }, data: { value } });
const five = ['a', 'b', 'c', 'd', 'e'].map((n) => cm(n));
const opts = { check: false, diff: false };

describe('applyObjects reads first, all at once', () => {
  it('a no-op of 5 objects: 5 gets in one round trip, no write', async () => {
    const kube = countingKubeFake(five);
    expect(await applyObjects(kube.api, five, opts)).toEqual({ status: 'ok', msg: '5 objects up to date' });
    expect(kube.count('get')).toBe(5);
    expect(kube.count('apply')).toBe(0);
    expect(kube.waves()).toBe(1);
  });

  it('check mode and delete checks read at once too', async () => {
    const kube = countingKubeFake(five.slice(0, 2));
    expect((await applyObjects(kube.api, five, { ...opts, check: true })).msg).toBe('would create configmap apps/c, create configmap apps/d, create configmap apps/e (2 unchanged)');
    expect(await deleteObjects(kube.api, five, { check: true })).toMatchObject({ msg: 'would delete configmap apps/a, delete configmap apps/b' });
    expect(kube.waves()).toBe(2);
    expect(kube.count('apply') + kube.count('delete')).toBe(0);
  });

  it('after a write, the later objects are read again before they are compared', async () => {
    const kube = countingKubeFake([cm('a', 'old'), ...five.slice(1)]);
    expect((await applyObjects(kube.api, five, opts)).msg).toBe('updated configmap apps/a (4 unchanged)');
    // 5 up front (wave 1), the apply of a (wave 2), then b..e again one after another (waves 3..6)
    expect(kube.requests.map((r) => `${r.verb} ${r.what.split('/').pop()} ${r.wave}`)).toEqual([
      'get a 1', 'get b 1', 'get c 1', 'get d 1', 'get e 1', 'apply a 2', 'get b 3', 'get c 4', 'get d 5', 'get e 6',
    ]);
  });

  it("a failed read fails that object's turn only, after the ones before it", async () => {
    const kube = countingKubeFake(five);
    const api = { ...kube.api, get: async (ref: Parameters<typeof kube.api.get>[0]) => {
      if (ref.metadata.name === 'c') throw new Error('get configmap apps/c: HTTP 500');
      return kube.api.get(ref);
    } };
    const reader = await liveReader(api, five);
    expect((await reader.live(1))?.metadata.name).toBe('b');
    await expect(reader.live(2)).rejects.toThrow('get configmap apps/c: HTTP 500');
    expect((await reader.live(3))?.metadata.name).toBe('d');
  });
});
