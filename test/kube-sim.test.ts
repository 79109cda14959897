/**
 * The Kubernetes API simulator's API behaviour, through @kubernetes/client-node and raw HTTPS:
 * watch, server-side apply ownership and conflicts, validation, strict fields, dry run,
 * selectors, patches, controllers (Deployments, Services, MetalLB pools), cascade deletion and
 * fault injection.
 */
import { readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, makeInformer, PatchStrategy, Watch, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { rawRequest, startSimulator, type Simulator } from '../lib/lab/kube-sim/index.ts';
import { SHARED_DIR } from '../lib/lab/shared-dir.ts';

let sim: Simulator;
let api: KubernetesObjectApi;
let kc: KubeConfig;

beforeAll(async () => {
  sim = await startSimulator({ controllerDelayMs: 30 });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  api = KubernetesObjectApi.makeApiClient(kc);
});
afterAll(async () => sim?.close());

const ns = (name: string) => api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const configMap = (namespace: string, name: string, data: Record<string, string>, labels?: Record<string, string>): KubernetesObject & { data: Record<string, string> } =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data });
const apply = (obj: KubernetesObject, manager: string, force = false) => api.patch(obj, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

/** Poll the simulator's store until `check` returns a value (bounded: 100 tries, 20 ms apart). */
async function eventually<T>(what: string, check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function deployment(namespace: string, name: string, replicas: unknown = 1): KubernetesObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, name: 'http' }] }] } } },
  } as KubernetesObject;
}

describe('watch', () => {
  it('a client-node watch sees ADDED, MODIFIED and DELETED', async () => {
    await ns('watch');
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      new Watch(kc).watch('/api/v1/namespaces/watch/configmaps', {}, (phase, obj) => {
        seen.push(`${phase} ${obj.metadata.name} ${obj.data?.k ?? ''}`);
        if (phase === 'DELETED') resolve();
      }, (err) => (err ? reject(err) : undefined)).then((ctl) => {
        void (async () => {
          await api.create(configMap('watch', 'w1', { k: 'a' }));
          await api.patch(configMap('watch', 'w1', { k: 'b' }), undefined, undefined, 'test', undefined, PatchStrategy.MergePatch);
          await api.delete(configMap('watch', 'w1', {}));
        })().catch(reject);
        void done.finally(() => ctl.abort());
      }, reject);
    });
    await done;
    expect(seen).toEqual(['ADDED w1 a', 'MODIFIED w1 b', 'DELETED w1 b']);
  });

  it('a label-selector watch reports an object that stops matching as DELETED', async () => {
    const seen: string[] = [];
    let ctl: AbortController | undefined;
    const done = new Promise<void>((resolve, reject) => {
      new Watch(kc).watch('/api/v1/namespaces/watch/configmaps', { labelSelector: 'tier=web' }, (phase, obj) => {
        seen.push(`${phase} ${obj.metadata.name}`);
        if (phase === 'DELETED') resolve();
      }, (err) => (err ? reject(err) : undefined)).then((c) => {
        ctl = c;
        return api.create(configMap('watch', 'sel', {}, { tier: 'web' }))
          .then(() => api.create(configMap('watch', 'other', {}, { tier: 'db' })))
          .then(() => rawRequest(sim, 'PATCH', '/api/v1/namespaces/watch/configmaps/sel', { contentType: 'application/merge-patch+json', body: { metadata: { labels: { tier: 'db' } } } }));
      }).catch(reject);
    });
    await done;
    ctl?.abort();
    expect(seen).toEqual(['ADDED sel', 'DELETED sel']);
  });

  it('a client-node informer lists, then watches from the list resourceVersion', async () => {
    await ns('informer');
    await api.create(configMap('informer', 'before', {}));
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/informer/configmaps', () => core.listNamespacedConfigMap({ namespace: 'informer' }));
    const added: string[] = [];
    const gotAfter = new Promise<void>((resolve) => informer.on('add', (o) => {
      added.push(o.metadata!.name!);
      if (o.metadata!.name === 'after') resolve();
    }));
    await informer.start();
    await api.create(configMap('informer', 'after', {}));
    await gotAfter;
    await informer.stop();
    expect(added).toEqual(['before', 'after']);
    const watchRequest = sim.requests.find((r) => r.path === '/api/v1/namespaces/informer/configmaps' && r.query.includes('watch=true'));
    expect(watchRequest?.query).toMatch(/resourceVersion=\d+/);
  });

  it('the streaming list ends its initial events with the initial-events-end bookmark', async () => {
    const res = await rawRequest(sim, 'GET', '/api/v1/namespaces?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1');
    const events = String(res.body).trim().split('\n').map((l) => JSON.parse(l));
    const last = events.at(-1);
    expect(events.slice(0, -1).every((e) => e.type === 'ADDED')).toBe(true);
    expect(last.type).toBe('BOOKMARK');
    expect(last.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });
});

describe('server-side apply', () => {
  it('refuses a change to a field another manager owns with 409 naming it, and force takes it over', async () => {
    await ns('ssa');
    await apply(configMap('ssa', 'owned', { key: 'alice' }), 'alice');
    const err = await apply(configMap('ssa', 'owned', { key: 'bob' }), 'bob').catch((e: unknown) => e as { code: number; body: string });
    expect((err as { code: number }).code).toBe(409);
    const status = JSON.parse((err as { body: string }).body);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe('Apply failed with 1 conflict: conflict with "alice": .data.key');
    const forced = await apply(configMap('ssa', 'owned', { key: 'bob' }), 'bob', true) as any;
    expect(forced.data.key).toBe('bob');
    const managers = forced.metadata.managedFields.map((m: any) => `${m.manager}:${Object.keys(m.fieldsV1['f:data'] ?? {}).join(',')}`);
    expect(managers).toEqual(['bob:f:key']);
  });

  it('drops fields whose manager stops applying them, unless another manager still owns them', async () => {
    await apply(configMap('ssa', 'drop', { a: '1', b: '2', c: '3' }), 'alice');
    await apply(configMap('ssa', 'drop', { c: '3' }), 'bob');
    const after = await apply(configMap('ssa', 'drop', { a: '1' }), 'alice') as any;
    expect(after.data).toEqual({ a: '1', c: '3' });
  });

  it('a repeated identical apply changes nothing (same resourceVersion)', async () => {
    const first = await apply(configMap('ssa', 'same', { a: '1' }), 'alice') as any;
    const second = await apply(configMap('ssa', 'same', { a: '1' }), 'alice') as any;
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('defaults list-map keys before merging: a re-applied Service port without protocol stays one port', async () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ports', namespace: 'ssa' }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }] } } as KubernetesObject;
    const first = await apply(svc, 'alice') as any;
    const second = await apply(svc, 'alice') as any;
    expect(second.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: first.spec.ports[0].nodePort }]);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('merges list-map elements by key: containers by name', async () => {
    await ns('lists');
    await apply(deployment('lists', 'web'), 'alice');
    const sidecar = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'lists' },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } } as KubernetesObject;
    const merged = await apply(sidecar, 'bob') as any;
    expect(merged.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'sidecar']);
  });
});

describe('validation', () => {
  it('refuses an object with a wrong field type with 422 Invalid and the API message', async () => {
    const res = await rawRequest(sim, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('default', 'bad', 'two') });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, details: { name: 'bad', group: 'apps', kind: 'Deployment' } });
    expect(res.body.message).toBe('Deployment.apps "bad" is invalid: spec.replicas: Invalid value: "two": spec.replicas in body must be of type integer: "two"');
  });

  it('checks names, labels and the annotation size like the API server', async () => {
    const bad = await rawRequest(sim, 'POST', '/api/v1/namespaces/default/services', { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/^Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters/);
    const label = await rawRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('default', 'labelled', {}, { tier: 'x'.repeat(64) }) });
    expect(label.body.message).toBe(`ConfigMap "labelled" is invalid: metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`);
    const big = { ...configMap('default', 'big', {}), metadata: { name: 'big', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(262145) } } };
    const annotations = await rawRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: big });
    expect(annotations.body.message).toBe('ConfigMap "big" is invalid: metadata.annotations: Too long: must have at most 262144 bytes');
    const rbac = await rawRequest(sim, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'metallb:controller' }, rules: [] } });
    expect(rbac.status).toBe(201);
  });

  it('refuses two containers with one name', async () => {
    const dep = deployment('default', 'twins') as any;
    dep.spec.template.spec.containers.push({ name: 'web', image: 'busybox' });
    const res = await rawRequest(sim, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: dep });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('Deployment.apps "twins" is invalid: spec.template.spec.containers[1].name: Duplicate value: "web"');
  });

  it('fieldValidation=Strict refuses unknown fields; otherwise they are dropped', async () => {
    const obj = { ...configMap('default', 'strict', { a: '1' }), bogus: true };
    const strict = await rawRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { body: obj });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('strict decoding error: unknown field "bogus"');
    const lax = await rawRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: obj });
    expect(lax.status).toBe(201);
    expect(lax.body.bogus).toBeUndefined();
  });

  it('checks custom resources against their CRD schema', async () => {
    await api.create(JSON.parse(JSON.stringify(widgetCrd)));
    const res = await rawRequest(sim, 'POST', '/apis/example.com/v1/namespaces/default/widgets', { body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 'big' } } });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('Widget.example.com "w" is invalid: spec.size: Invalid value: "big": spec.size in body must be of type integer: "big"');
  });
});

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }] },
};

describe('requests', () => {
  it('dryRun=All writes nothing', async () => {
    const res = await rawRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: configMap('default', 'dry', { a: '1' }) });
    expect(res.status).toBe(201);
    expect(sim.store.get('v1', 'ConfigMap', 'default', 'dry')).toBeUndefined();
  });

  it('serves CRD types in aggregated discovery and the OpenAPI index once the CRD exists', async () => {
    const agg = await rawRequest(sim, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(agg.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const group = agg.body.items.find((g: any) => g.metadata.name === 'example.com');
    expect(group.versions[0].resources[0]).toMatchObject({ resource: 'widgets', scope: 'Namespaced', responseKind: { kind: 'Widget' } });
    const index = await rawRequest(sim, 'GET', '/openapi/v3');
    expect(index.body.paths['apis/example.com/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/example.com\/v1\?hash=/);
  });

  it('filters lists by label and field selectors', async () => {
    await ns('sel');
    for (const [name, tier] of [['a', 'web'], ['b', 'db'], ['c', 'web']]) await api.create(configMap('sel', name!, {}, { tier: tier! }));
    const names = async (q: string) => (await rawRequest(sim, 'GET', `/api/v1/namespaces/sel/configmaps?${q}`)).body.items.map((i: any) => i.metadata.name);
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['a', 'c']);
    expect(await names('labelSelector=tier+in+(db)')).toEqual(['b']);
    expect(await names('labelSelector=tier!%3Dweb')).toEqual(['b']);
    expect(await names('fieldSelector=metadata.name%3Dc')).toEqual(['c']);
  });

  it('applies strategic merge patches by patch key and JSON patches', async () => {
    await ns('smp');
    await api.create(deployment('smp', 'app'));
    const smp = await rawRequest(sim, 'PATCH', '/apis/apps/v1/namespaces/smp/deployments/app', {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } },
    });
    expect(smp.status).toBe(200);
    expect(smp.body.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }] }]);
    expect(smp.body.metadata.generation).toBe(2);
    const jp = await rawRequest(sim, 'PATCH', '/apis/apps/v1/namespaces/smp/deployments/app', {
      contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    expect(jp.body.spec.replicas).toBe(3);
  });

  it('answers 404 and 409 with Status bodies shaped like a real server', async () => {
    const missing = await rawRequest(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(missing.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404 });
    const dup = await rawRequest(sim, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe('namespaces "default" already exists');
  });
});

describe('controllers', () => {
  it('makes a Deployment available with an owned ReplicaSet and pods, and cascades its deletion', async () => {
    await ns('ctl');
    await api.create(deployment('ctl', 'web', 2));
    const dep = await eventually('deployment available', () => {
      const d = sim.store.get('apps/v1', 'Deployment', 'ctl', 'web');
      return d?.status?.availableReplicas === 2 ? d : undefined;
    });
    expect(dep.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 });
    expect(dep.status.conditions.map((c: any) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable']);
    const [rs] = sim.store.list('apps/v1', 'ReplicaSet', 'ctl');
    expect(rs.metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: dep.metadata.uid, controller: true });
    expect(sim.store.list('v1', 'Pod', 'ctl')).toHaveLength(2);
    await api.delete(deployment('ctl', 'web'));
    await eventually('pods and replica set gone', () => sim.store.list('v1', 'Pod', 'ctl').length === 0 && sim.store.list('apps/v1', 'ReplicaSet', 'ctl').length === 0);
  });

  it('gives Services a ClusterIP and NodePorts, honours explicit ones and refuses a clash with 422', async () => {
    const svc = (name: string, nodePort?: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }] } });
    const auto = (await rawRequest(sim, 'POST', '/api/v1/namespaces/default/services', { body: svc('np-auto') })).body;
    expect(auto.spec.clusterIP).toMatch(/^10\.43\./);
    expect(auto.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const fixed = (await rawRequest(sim, 'POST', '/api/v1/namespaces/default/services', { body: svc('np-fixed', 31080) })).body;
    expect(fixed.spec.ports[0].nodePort).toBe(31080);
    const clash = await rawRequest(sim, 'POST', '/api/v1/namespaces/default/services', { body: svc('np-clash', 31080) });
    expect(clash.status).toBe(422);
    expect(clash.body.message).toBe('Service "np-clash" is invalid: spec.ports[0].nodePort: Invalid value: 31080: provided port is already allocated');
  });

  it('assigns LoadBalancer IPs from a MetalLB IPAddressPool, honouring loadBalancerIP, and leaves an IP outside every pool pending', async () => {
    const crds = parseAllDocuments(readFileSync(`${SHARED_DIR}/charts/metallb/charts/crds/templates/crds.yaml`, 'utf8')).map((d) => d.toJSON());
    await api.create(crds.find((c) => c.metadata.name === 'ipaddresspools.metallb.io'));
    await ns('metallb-system');
    await api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'lab', namespace: 'metallb-system' }, spec: { addresses: ['10.9.0.10-10.9.0.20'] } } as KubernetesObject);
    const lb = (name: string, extra: Record<string, unknown> = {}) => api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' },
      spec: { type: 'LoadBalancer', ports: [{ port: 443 }], ...extra } } as KubernetesObject);
    await api.create({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'reserved', namespace: 'metallb-system' }, spec: { addresses: ['10.7.0.0/30'], autoAssign: false } } as KubernetesObject);
    await lb('lb-auto');
    await lb('lb-fixed', { loadBalancerIP: '10.9.0.15' });
    await lb('lb-outside', { loadBalancerIP: '10.8.0.1' });
    await api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-annotated', namespace: 'default', annotations: { 'metallb.io/loadBalancerIPs': '10.9.0.12' } }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } as KubernetesObject);
    await api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-pool', namespace: 'default', annotations: { 'metallb.io/address-pool': 'reserved' } }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } as KubernetesObject);
    const ip = (name: string) => sim.store.get('v1', 'Service', 'default', name)?.status?.loadBalancer?.ingress?.[0]?.ip;
    expect(await eventually('lb-auto IP', () => ip('lb-auto'))).toBe('10.9.0.10');
    expect(await eventually('lb-fixed IP', () => ip('lb-fixed'))).toBe('10.9.0.15');
    expect(await eventually('lb-annotated IP', () => ip('lb-annotated'))).toBe('10.9.0.12');
    expect(await eventually('lb-pool IP', () => ip('lb-pool'))).toBe('10.7.0.0');
    const event = await eventually('allocation failure event', () => sim.store.list('v1', 'Event', 'default').find((e) => e.involvedObject.name === 'lb-outside'));
    expect(event).toMatchObject({ type: 'Warning', reason: 'AllocationFailed' });
    expect(ip('lb-outside')).toBeUndefined();
  });

  it('completes Jobs and makes StatefulSets ready with ordinal pods; Endpoints list ready pods', async () => {
    await ns('batch');
    const template = { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres', ports: [{ name: 'pg', containerPort: 5432 }] }] } };
    await api.create({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'batch' }, spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template } } as KubernetesObject);
    await api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'batch' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432, targetPort: 'pg' }] } } as KubernetesObject);
    await api.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'batch' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox' }] } } } } as KubernetesObject);
    const sts = await eventually('statefulset ready', () => {
      const o = sim.store.get('apps/v1', 'StatefulSet', 'batch', 'db');
      return o?.status?.readyReplicas === 2 ? o : undefined;
    });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(sim.store.list('v1', 'Pod', 'batch').map((p) => p.metadata.name)).toEqual(['db-0', 'db-1']);
    const job = await eventually('job complete', () => sim.store.get('batch/v1', 'Job', 'batch', 'migrate')?.status?.completionTime && sim.store.get('batch/v1', 'Job', 'batch', 'migrate'));
    expect(job.status.conditions.find((c: any) => c.type === 'Complete').status).toBe('True');
    const ep = await eventually('endpoints', () => sim.store.get('v1', 'Endpoints', 'batch', 'db')?.subsets?.[0]?.addresses?.length === 2 && sim.store.get('v1', 'Endpoints', 'batch', 'db'));
    expect(ep.subsets[0].ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
  });

  it('makes Nodes created through the API Ready, and runs a DaemonSet pod on each', async () => {
    for (const name of ['node-a', 'node-b']) await api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await eventually('nodes ready', () => sim.store.list('v1', 'Node').every((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')));
    await ns('ds');
    await api.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'ds' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }] } } } } as KubernetesObject);
    const ds = await eventually('daemonset ready', () => {
      const d = sim.store.get('apps/v1', 'DaemonSet', 'ds', 'agent');
      return d?.status?.numberReady === 2 ? d : undefined;
    });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, observedGeneration: 1 });
    expect(sim.store.list('v1', 'Pod', 'ds').map((p) => p.spec.nodeName).sort()).toEqual(['node-a', 'node-b']);
  });

  it('deleting a namespace removes what is in it', async () => {
    await ns('gone');
    await api.create(configMap('gone', 'x', {}));
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
    await eventually('namespace gone', () => !sim.store.get('v1', 'Namespace', undefined, 'gone'));
    expect(sim.store.get('v1', 'ConfigMap', 'gone', 'x')).toBeUndefined();
  });
});

describe('fault injection', () => {
  it('fails the next N matching requests with the given status, then serves normally', async () => {
    sim.faults.failNext(2, 503, { method: 'GET', pathPrefix: '/api/v1/namespaces/default/configmaps' });
    const path = '/api/v1/namespaces/default/configmaps';
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await rawRequest(sim, 'GET', path)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('delays matching responses', async () => {
    sim.faults.delay(150, { pathPrefix: '/api/v1/namespaces/default/secrets' });
    const t0 = performance.now();
    await rawRequest(sim, 'GET', '/api/v1/namespaces/default/secrets');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    sim.faults.clear();
  });

  it('keeps a workload never ready', async () => {
    await ns('stuck');
    sim.faults.neverReady('Deployment', 'stuck', 'web');
    await api.create(deployment('stuck', 'web'));
    const dep = await eventually('deployment observed', () => {
      const d = sim.store.get('apps/v1', 'Deployment', 'stuck', 'web');
      return d?.status?.observedGeneration === 1 ? d : undefined;
    });
    await new Promise((r) => setTimeout(r, 100));
    const later = sim.store.get('apps/v1', 'Deployment', 'stuck', 'web');
    expect(later.status.availableReplicas).toBe(0);
    expect(later.status.conditions.find((c: any) => c.type === 'Available').status).toBe('False');
    expect(dep.metadata.uid).toBe(later.metadata.uid);
    sim.faults.clear();
  });

  it('refuses requests without the bearer token', async () => {
    const res = await rawRequest({ ...sim, token: 'wrong' }, 'GET', '/api/v1/namespaces');
    expect(res.status).toBe(401);
  });
});
