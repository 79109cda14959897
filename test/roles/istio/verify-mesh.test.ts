// The verify table's mesh rows on a FAKE in-memory cluster (istioctl analyze's checks): a VirtualService naming a missing Gateway, a host no Gateway serves, a DestinationRule subset no pod matches, and security objects in force per namespace.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { formatTable } from '../../../lib/role-kit/index.ts';
import istio from '../../../roles/istio/index.ts';
import { meshManifests } from '../../../roles/istio/mesh.ts';
import { hostMatches, hostService, meshFacts, meshRows } from '../../../roles/istio/verify-mesh.ts';
import { fakeClusterForTest, pod } from '../../fixtures/istio/fake-cluster.ts';
import { typedVars } from '../../fixtures/istio/role-vars.ts';

const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'virtualservices.networking.istio.io' } };
const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace: 'shop' }, spec: { selector: { app: 'shop' } } };
const vars = typedVars(istio, {
  metallb_state: 'absent',
  istio_gateways: [{ name: 'shop-gateway', namespace: 'shop', hosts: ['*.shop.example.com'] }],
  istio_virtual_services: [
    { name: 'shop', namespace: 'shop', hosts: ['www.shop.example.com'], gateways: ['shop-gateway'], routes: [{ destinations: [{ host: 'shop' }] }] },
    { name: 'no-gateway', namespace: 'shop', hosts: ['www.shop.example.com'], gateways: ['missing-gateway'], routes: [{ destinations: [{ host: 'shop' }] }] },
    { name: 'other-host', namespace: 'shop', hosts: ['other.example.com'], gateways: ['shop/shop-gateway'], routes: [{ destinations: [{ host: 'shop' }] }] },
    { name: 'in-mesh', namespace: 'shop', hosts: ['shop'], routes: [{ destinations: [{ host: 'shop' }] }] },
  ],
  istio_destination_rules: [{ name: 'shop', namespace: 'shop', host: 'shop.shop.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }],
  istio_peer_authentications: [{ namespace: 'shop', mode: 'STRICT' }],
  istio_authorization_policies: [{ name: 'deny-all', namespace: 'shop' }],
});

async function rows(live: KubeObject[]) {
  const declared = meshManifests(vars);
  return meshRows(declared, await meshFacts(fakeClusterForTest([crd, service, ...live]), declared));
}

describe('mesh verify rows', () => {
  const applied = () => meshManifests(vars).filter((o) => o.kind === 'Gateway' || o.kind === 'PeerAuthentication' || o.kind === 'AuthorizationPolicy');
  const v1 = pod('shop', 'shop-v1', { app: 'shop', version: 'v1' }, ['shop', 'istio-proxy']);
  const otherApp = pod('shop', 'cart-v2', { app: 'cart', version: 'v2' }, ['cart', 'istio-proxy']);

  it('one FAIL row with the fix for each problem, ok rows for the rest', async () => {
    const r = await rows([...applied(), v1, otherApp]);
    expect(r.map((x) => [x.check, x.actual, x.result])).toEqual([
      ['security ns shop', 'in force', 'ok'],
      ['vs shop/shop', '1 gateway, 1 host served', 'ok'],
      ['vs shop/no-gateway gateway shop/missing-gateway', 'not found', 'FAIL'],
      ['vs shop/other-host host other.example.com', 'no Gateway serves it', 'FAIL'],
      ['dr shop/shop subset v1', '1 pod', 'ok'],
      ['dr shop/shop subset v2', '0 pods', 'FAIL'],
    ]);
    const table = formatTable(r);
    expect(table).toContain('fix vs shop/no-gateway gateway shop/missing-gateway: IST0101 ReferencedResourceNotFound: add Gateway shop/missing-gateway to istio_gateways');
    expect(table).toContain('fix vs shop/other-host host other.example.com: IST0132 VirtualServiceHostNotFoundInGateway: add other.example.com to the hosts of shop/shop-gateway');
    // cart-v2 carries version=v2 but is not a pod of the shop Service (app=shop): the subset still selects nothing.
    expect(table).toContain("fix dr shop/shop subset v2: no pod of shop/shop carries version=v2: label the workload's pods version=v2, or fix subset v2's labels");
  });

  it('a DestinationRule whose host has no Service yet (the workload is not deployed) is a warning, not a FAIL', async () => {
    const declared = meshManifests(vars);
    const r = meshRows(declared, await meshFacts(fakeClusterForTest([crd, ...applied()]), declared)).filter((x) => x.check.startsWith('dr '));
    expect(r).toEqual([expect.objectContaining({ check: 'dr shop/shop', expected: 'service shop/shop', actual: 'not found', result: 'warn' })]);
  });

  it('security objects missing on the cluster, or a PeerAuthentication of another mode, fail', async () => {
    const permissive = applied().map((o) => (o.kind === 'PeerAuthentication' ? { ...o, spec: { mtls: { mode: 'PERMISSIVE' } } } : o)).filter((o) => o.kind !== 'AuthorizationPolicy');
    const [sec] = await rows([...permissive, v1]);
    expect(sec).toMatchObject({ check: 'security ns shop', expected: 'mTLS default=STRICT, authz deny-all', actual: 'missing: mTLS default=STRICT, authz deny-all', result: 'FAIL' });
  });

  it('without the Istio CRDs: one FAIL row when the vars declare mesh objects', async () => {
    const declared = meshManifests(vars);
    expect(meshRows(declared, await meshFacts(fakeClusterForTest([]), declared))).toEqual([expect.objectContaining({ check: 'mesh config', actual: 'Istio CRDs not installed', result: 'FAIL' })]);
  });

  it('matches hosts as Istio does', () => {
    expect(hostMatches('*.local', 'fraud-api.local')).toBe(true);
    expect(hostMatches('istio-system/*.local', 'fraud-api.local')).toBe(true);
    expect(hostMatches('*', 'anything.example.com')).toBe(true);
    expect(hostMatches('api.example.com', 'www.example.com')).toBe(false);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostService('model-server', 'ml')).toEqual({ namespace: 'ml', name: 'model-server' });
    expect(hostService('model-server.prod.svc.cluster.local', 'ml')).toEqual({ namespace: 'prod', name: 'model-server' });
    expect(hostService('api.example.com', 'ml')).toBeUndefined();
  });
});
