// Helm's release state read from its Secrets (lib/helm/state.ts): one list for every release of the
// run, started early by prefetch() (the cluster's warm-up) and awaited by the first get(); a failed
// early list fails that get as a late one would. On the COUNTING FAKE API (test/support/counting-kube-fake.ts).
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
  it('prefetch starts the one list; later gets of every release use it', async () => {
    const kube = countingKubeFake([releaseSecret('metallb', 'metallb-system', 1), releaseSecret('istiod', 'istio-system', 2)]);
    const store = releaseStore(kube.api);
    store.prefetch?.();
    expect(kube.count('list')).toBe(1);
    expect((await store.get('metallb-system', 'metallb'))?.revision).toBe(1);
    expect((await store.get('istio-system', 'istiod'))?.revision).toBe(2);
    expect(await store.get('x', 'none')).toBeUndefined();
    expect(kube.count('list')).toBe(1);
  });

  it('a failed early list is the first get\'s failure', async () => {
    const kube = countingKubeFake([]);
    const store = releaseStore({ ...kube.api, list: async () => { throw new Error('list Secret: HTTP 500'); } });
    store.prefetch?.();
    await expect(store.get('metallb-system', 'metallb')).rejects.toThrow('list Secret: HTTP 500');
  });
});
