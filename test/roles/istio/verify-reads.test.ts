// How the istio verify reads (roles/istio/verify.ts, verify-mesh.ts): every fact, the mesh lists
// included, in ONE round trip (the mesh lists go out beside the look at Istio's CRD); without the CRD
// there are no mesh facts and the lists' "not served" answers are not errors. On the COUNTING FAKE API.
import { describe, expect, it } from 'vitest';
import { KubeError } from '../../../lib/errors.ts';
import type { Cluster } from '../../../lib/kube/types.ts';
import istio from '../../../roles/istio/index.ts';
import { meshFacts } from '../../../roles/istio/verify-mesh.ts';
import { verifyFacts } from '../../../roles/istio/verify.ts';
import { meshManifests } from '../../../roles/istio/mesh.ts';
import { typedVars } from '../../fixtures/istio/role-vars.ts';
import { countingKubeFake } from '../../support/counting-kube-fake.ts';

const vars = typedVars(istio, { istio_injection_namespaces: ['fraud-detection', 'financial-inference'] });
const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'virtualservices.networking.istio.io' } };

describe('istio verify reads', () => {
  it('every fact in one round trip', async () => {
    const kube = countingKubeFake([crd]);
    const facts = await verifyFacts(kube.cluster, vars);
    expect(facts.mesh).toBeDefined();
    expect(kube.waves()).toBe(1);
    expect(kube.requests.length).toBeGreaterThan(8);
  });

  it("without Istio's CRD: no mesh facts, and the lists' not-served answers are not errors", async () => {
    const kube = countingKubeFake([]);
    const notServed: Cluster = { ...kube.cluster, list: async (apiVersion, kind, q) => {
      if (apiVersion.includes('istio.io')) throw new KubeError(`list ${kind}: the server could not find the requested resource`, 404);
      return kube.cluster.list(apiVersion, kind, q);
    } };
    expect(await meshFacts(notServed, meshManifests(vars))).toBeUndefined();
  });

  it('with the CRD, a failed list is the answer (thrown)', async () => {
    const kube = countingKubeFake([crd]);
    const failing: Cluster = { ...kube.cluster, list: async () => { throw new KubeError('list Gateway: HTTP 500', 500); } };
    await expect(meshFacts(failing, meshManifests(vars))).rejects.toThrow('list Gateway: HTTP 500');
  });
});
