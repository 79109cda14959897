// Helm's release state read from its Secrets (lib/helm/state.ts): one list of every release's labels
// for the run, started early by prefetch() (the cluster's warm-up) and awaited by the first get(),
// then the latest revision of each release asked for read whole; a failed early list fails that get
// as a late one would. On the COUNTING FAKE API (test/support/counting-kube-fake.ts).
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { releaseStore } from '../../../lib/helm/state.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { countingKubeFake } from '../../support/counting-kube-fake.ts';

function releaseSecret(name: string, namespace: string, version: number): KubeObject {
  const release = { name, namespace, version, info: { status: 'deployed' }, chart: { metadata: { name, version: '1.0.0' } }, config: {}, manifest: '' };
  const data = Buffer.from(gzipSync(JSON.stringify(release)).toString('base64')).toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: `sh.helm.release.v1.${name}.v${version}`, namespace, labels: { owner: 'helm', name, version: String(version) } }, data: { release: data } } as KubeObject;
}

describe('release store', () => {
  it('without a warm-up: the one list (labels only) at the first get; a get reads the latest revision of its release whole, once', async () => {
    const kube = countingKubeFake([
      releaseSecret('metallb', 'metallb-system', 1),
      ...[1, 2, 3].map((v) => releaseSecret('istiod', 'istio-system', v)),
      releaseSecret('unasked', 'other', 1),
    ]);
    const store = releaseStore(kube.api);
    expect((await store.get('metallb-system', 'metallb'))?.revision).toBe(1);
    expect(kube.requests[0]!.what).toBe('v1/Secret {"labelSelector":"owner=helm","metadataOnly":true}');
    const [a, b] = await Promise.all([store.get('istio-system', 'istiod'), store.get('istio-system', 'istiod')]);
    expect([a?.revision, b?.revision]).toEqual([3, 3]);
    expect(await store.get('x', 'none')).toBeUndefined();
    expect(kube.count('list')).toBe(1);
    // only the latest revision of each release asked for, each once; no other Secret's body
    expect(kube.requests.filter((r) => r.verb === 'get').map((r) => r.what))
      .toEqual(['v1/Secret/metallb-system/sh.helm.release.v1.metallb.v1', 'v1/Secret/istio-system/sh.helm.release.v1.istiod.v3']);
  });

  it('prefetch reads the latest revision of every release once the labels are in; gets then send nothing', async () => {
    const kube = countingKubeFake([releaseSecret('metallb', 'metallb-system', 1), ...[1, 2].map((v) => releaseSecret('istiod', 'istio-system', v))]);
    const store = releaseStore(kube.api);
    store.prefetch?.();
    for (let i = 0; i < 50 && kube.count('get') < 2; i++) await new Promise((r) => setImmediate(r)); // the background reads (bounded)
    expect(kube.requests.filter((r) => r.verb === 'get').map((r) => [r.what, r.wave]))
      .toEqual([['v1/Secret/metallb-system/sh.helm.release.v1.metallb.v1', 2], ['v1/Secret/istio-system/sh.helm.release.v1.istiod.v2', 2]]);
    const sent = kube.requests.length;
    expect((await store.get('istio-system', 'istiod'))?.revision).toBe(2);
    expect((await store.get('metallb-system', 'metallb'))?.revision).toBe(1);
    expect(kube.requests.length).toBe(sent);
  });

  it('history and refresh read labels, and refresh the latest revision whole', async () => {
    const kube = countingKubeFake([1, 2].map((v) => releaseSecret('istiod', 'istio-system', v)));
    const store = releaseStore(kube.api);
    expect(await store.history('istio-system', 'istiod')).toEqual([{ revision: 1, status: 'unknown' }, { revision: 2, status: 'unknown' }]);
    expect((await store.refresh('istio-system', 'istiod'))?.revision).toBe(2);
    expect((await store.get('istio-system', 'istiod'))?.revision).toBe(2); // kept from the refresh
    expect(kube.requests.filter((r) => r.verb === 'get').map((r) => r.what)).toEqual(['v1/Secret/istio-system/sh.helm.release.v1.istiod.v2']);
    expect(kube.requests.filter((r) => r.verb === 'list').every((r) => r.what.includes('"metadataOnly":true'))).toBe(true);
  });

  it('a failed early list is the first get\'s failure', async () => {
    const kube = countingKubeFake([]);
    const store = releaseStore({ ...kube.api, list: async () => { throw new Error('list Secret: HTTP 500'); } });
    store.prefetch?.();
    await expect(store.get('metallb-system', 'metallb')).rejects.toThrow('list Secret: HTTP 500');
  });
});
