// lib/kube against the real control plane (the run's shared cluster): server-side apply as `capstan` with ok/changed,
// read-only check mode, API validation and conflict errors, namespaces, delete, rollout restart,
// and retries (5xx retried, 4xx not).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeError } from '../../../lib/errors.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { clusterFixture, type ClusterFixture } from '../../fixtures/helm/cluster-fixture.ts';

let f: ClusterFixture;
beforeAll(async () => {
  f = await clusterFixture({ shared: true });
});
afterAll(async () => f?.close());

const cm = (data: Record<string, string>, name = 'settings'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' }, data });
const deployment = (replicas: unknown): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
});
const opts = { check: false, diff: false };

describe('namespaces', () => {
  it('creates with labels, then ok; check mode writes nothing', async () => {
    expect(await f.cluster.ensureNamespace('apps', { team: 'ml' }, { check: false })).toEqual({ status: 'changed', msg: 'create namespace apps (team=ml)' });
    expect((await f.cluster.ensureNamespace('apps', { team: 'ml' }, { check: false })).status).toBe('ok');
    const mark = f.kube.requests.length;
    expect(await f.cluster.ensureNamespace('apps', { 'istio-injection': 'enabled' }, { check: true })).toEqual({ status: 'changed', msg: 'would label namespace apps (istio-injection=enabled)' });
    expect(f.writesSince(mark)).toEqual([]);
    expect((await f.kube.get('v1', 'Namespace', undefined, 'apps')).metadata.labels).toMatchObject({ team: 'ml' });
  });
});

describe('apply', () => {
  it('creates, then ok, then updates, with field manager capstan', async () => {
    expect(await f.cluster.apply([cm({ a: '1' })], opts)).toMatchObject({ status: 'changed', msg: 'created configmap apps/settings' });
    expect(f.kube.requests.some((r) => r.method === 'PATCH' && r.query.includes('fieldManager=capstan'))).toBe(true);
    expect(await f.cluster.apply([cm({ a: '1' })], opts)).toEqual({ status: 'ok', msg: '1 object up to date' });
    const res = await f.cluster.apply([cm({ a: '2' }), cm({ x: 'y' }, 'other')], { check: false, diff: true });
    expect(res.msg).toBe('updated configmap apps/settings, created configmap apps/other');
    expect(res.diff).toContain('-  a: "1"');
    expect(res.diff).toContain('+  a: "2"');
  });

  it('sends objects as written: fields the typed client models rename survive (NetworkPolicy from, CRD enum/default)', async () => {
    const np: KubeObject = {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'apps' },
      spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ml' } } }] }], policyTypes: ['Ingress'] },
    };
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: {
          spec: { type: 'object', properties: { size: { type: 'string', enum: ['s', 'm'], default: 's' } }, 'x-kubernetes-preserve-unknown-fields': true } } } } }] },
    };
    expect((await f.cluster.apply([np, crd], opts)).status).toBe('changed');
    expect((await f.kube.get('networking.k8s.io/v1', 'NetworkPolicy', 'apps', 'np')).spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { team: 'ml' } } }]);
    const size = (await f.kube.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'gadgets.example.com')).spec.versions[0].schema.openAPIV3Schema.properties.spec;
    expect(size.properties.size).toEqual({ type: 'string', enum: ['s', 'm'], default: 's' });
    expect(size['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect((await f.cluster.apply([np, crd], { check: true, diff: false })).status).toBe('ok');
  });

  it('check mode compares read-only and sends no write request', async () => {
    const mark = f.kube.requests.length;
    expect((await f.cluster.apply([cm({ a: '2' })], { check: true, diff: false })).status).toBe('ok');
    const res = await f.cluster.apply([cm({ a: '3' }), cm({ n: '1' }, 'new')], { check: true, diff: true });
    expect(res).toMatchObject({ status: 'changed', msg: 'would update configmap apps/settings, create configmap apps/new' });
    expect(res.diff).toContain('+  a: "3"');
    expect(f.writesSince(mark)).toEqual([]);
    expect((await f.kube.get('v1', 'ConfigMap', 'apps', 'new'))).toBeUndefined();
  });

  it('an object whose CRD is not installed yet: would create in check mode, a clear error otherwise', async () => {
    const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'apps' }, spec: {} };
    expect(await f.cluster.apply([widget], { check: true, diff: false })).toMatchObject({ status: 'changed', msg: 'would create widget apps/w' });
    const err = await f.cluster.apply([widget], opts).catch((e: unknown) => e) as KubeError;
    expect(err).toBeInstanceOf(KubeError);
    expect(err.hint).toMatch(/CustomResourceDefinition/);
  });

  it('refuses an invalid manifest with the API server message, without retrying', async () => {
    const mark = f.kube.requests.length;
    const err = await f.cluster.apply([deployment('two')], opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    // A real API server answers a type error in an apply body with 500, not 422 (the simulator said 422).
    expect((err as KubeError).status).toBe(500);
    expect((err as KubeError).message).toMatch(/^apply deployment apps\/web: failed to create typed patch object .*\.spec\.replicas: expected numeric/);
    expect((err as KubeError).hint).toMatch(/does not fit the schema/);
    expect(f.kube.requests.slice(mark).filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('a field owned by another manager is a conflict naming it, unless forced', async () => {
    const mark = f.kube.requests.length;
    await f.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'apps' }, data: { k: 'theirs' } });
    expect(f.writesSince(mark)).toEqual([]);
    const err = await f.cluster.apply([cm({ k: 'ours' }, 'owned')], opts).catch((e: unknown) => e) as KubeError;
    expect(err).toBeInstanceOf(KubeError);
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/conflict.*seed.*\.data\.k/s);
    expect(err.hint).toMatch(/kube_apply_force/);
    expect((await f.cluster.apply([cm({ k: 'ours' }, 'owned')], { ...opts, force: true })).status).toBe('changed');
    expect((await f.kube.get('v1', 'ConfigMap', 'apps', 'owned')).data).toEqual({ k: 'ours' });
  });
});

describe('get, list, delete, rollout restart', () => {
  it('gets and lists plain objects', async () => {
    expect((await f.cluster.get('v1', 'ConfigMap', 'settings', 'apps'))?.['data']).toEqual({ a: '2' });
    expect(await f.cluster.get('v1', 'ConfigMap', 'missing', 'apps')).toBeUndefined();
    expect((await f.cluster.list('v1', 'ConfigMap', { namespace: 'apps' })).map((o) => o.metadata.name)).toContain('other');
  });

  it('deletes, then ok', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'apps' } };
    expect(await f.cluster.delete([ref], { check: true })).toEqual({ status: 'changed', msg: 'would delete configmap apps/other' });
    expect(await f.cluster.delete([ref], { check: false })).toEqual({ status: 'changed', msg: 'delete configmap apps/other' });
    expect(await f.cluster.delete([ref], { check: false })).toEqual({ status: 'ok', msg: '1 object already absent' });
  });

  it('restarts a deployment by stamping its pod template', async () => {
    await f.cluster.apply([deployment(1)], opts);
    expect(await f.cluster.rolloutRestart('apps', ['web'], { check: false })).toEqual({ status: 'changed', msg: 'restarted deployment apps/web' });
    const d = await f.kube.get('apps/v1', 'Deployment', 'apps', 'web');
    expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);
    await expect(f.cluster.rolloutRestart('apps', ['nope'], { check: false })).rejects.toThrow(/deployment apps\/nope not found/);
  });
});

describe('retries', () => {
  it('retries a burst of 503s on writes and reads', async () => {
    f.kube.faults.failNext(3, 503, { method: 'PATCH', pathPrefix: '/api/v1/namespaces/apps/configmaps' });
    f.kube.faults.failNext(2, 503, { method: 'GET', pathPrefix: '/api/v1/namespaces/apps/configmaps/burst' });
    expect((await f.cluster.apply([cm({ b: '1' }, 'burst')], opts)).status).toBe('changed');
    expect(f.kube.requests.filter((r) => r.status === 503)).toHaveLength(5);
  });

  it('does not retry a 4xx', async () => {
    f.kube.faults.failNext(1, 403, { method: 'GET', pathPrefix: '/api/v1/namespaces/apps/configmaps/forbidden' });
    const mark = f.kube.requests.length;
    await expect(f.cluster.get('v1', 'ConfigMap', 'forbidden', 'apps')).rejects.toThrow(/injected fault: 403/);
    expect(f.kube.requests.slice(mark).filter((r) => r.path.endsWith('/forbidden'))).toHaveLength(1);
  });
});
