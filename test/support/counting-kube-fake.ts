/**
 * A FAKE Kubernetes API over an in-memory object list that counts requests and the round trips
 * they take one after another: each request's `wave` is 1 + the highest wave of the requests that
 * had answered when it was sent, so requests sent together share a wave and a request sent after
 * another's answer is the next one. Every answer comes on a later turn of the event loop, as a
 * server's would. For tests that pin how a task reads ("a no-op verify is 2 waves, 10 requests"),
 * not what a real API server answers (that is the *.int.test.ts suites' job). A `metadataOnly` list
 * answers each item's metadata only, as a PartialObjectMetadataList does.
 *
 *   const kube = countingKubeFake([deployment, service]);
 *   await verifyFacts(kube.cluster, vars);
 *   expect(kube.waves()).toBe(1);
 */
import { KubeError } from '../../lib/errors.ts';
import type { KubeApi, ListQuery, ObjectRef } from '../../lib/kube/client.ts';
import { applyObjects, deleteObjects, ensureNamespace } from '../../lib/kube/ops.ts';
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';

export interface CountedRequest {
  readonly verb: 'get' | 'list' | 'apply' | 'delete' | 'other';
  readonly what: string;
  readonly wave: number;
}

export interface CountingKubeFake {
  readonly api: KubeApi;
  /** The Cluster facade on the fake API (apply/ensureNamespace/delete through lib/kube/ops.ts; no helm, no waits). */
  readonly cluster: Cluster;
  readonly requests: CountedRequest[];
  /** Round trips one after another: the highest wave. */
  waves(): number;
  count(verb: CountedRequest['verb']): number;
}

const refKey = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => `${apiVersion}/${kind}/${namespace ?? ''}/${name}`;
const keyOf = (o: ObjectRef) => refKey(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);

/** `a=b,c=d` equality selectors, as the fake understands them. */
function matches(o: KubeObject, q: ListQuery): boolean {
  if (q.namespace && o.metadata.namespace !== q.namespace) return false;
  const pairs = (s: string | undefined) => (s ? s.split(',').map((p) => p.split('=') as [string, string]) : []);
  if (!pairs(q.labelSelector).every(([k, v]) => o.metadata.labels?.[k] === v)) return false;
  return pairs(q.fieldSelector).every(([k, v]) => k !== 'metadata.name' || o.metadata.name === v);
}

export interface CountingKubeFakeOptions {
  /** Kinds this fake's user may list only namespace by namespace: a list across namespaces answers 403. */
  readonly forbidListAcrossNamespaces?: readonly string[];
}

export function countingKubeFake(objects: readonly KubeObject[], o: CountingKubeFakeOptions = {}): CountingKubeFake {
  const store = new Map(objects.map((o) => [keyOf(o), structuredClone(o)]));
  const requests: CountedRequest[] = [];
  let answered = 0;
  const send = <T>(verb: CountedRequest['verb'], what: string, answer: () => T): Promise<T> => {
    const wave = answered + 1;
    requests.push({ verb, what, wave });
    return new Promise<T>((resolve, reject) => setImmediate(() => {
      answered = Math.max(answered, wave);
      try {
        resolve(answer());
      } catch (err) {
        reject(err as Error);
      }
    }));
  };
  let version = 1;
  const api: KubeApi = {
    get: (ref) => send('get', keyOf(ref), () => structuredClone(store.get(keyOf(ref)))),
    list: (apiVersion, kind, q = {}) => send('list', `${apiVersion}/${kind} ${JSON.stringify(q)}`, () => {
      if (!q.namespace && o.forbidListAcrossNamespaces?.includes(kind)) throw new KubeError(`list ${kind}: forbidden at the cluster scope`, 403);
      return {
      items: [...store.values()].filter((o) => o.apiVersion === apiVersion && o.kind === kind && matches(o, q))
        .map((o) => (q.metadataOnly ? { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: structuredClone(o.metadata) } : structuredClone(o))),
      resourceVersion: String(version),
      };
    }),
    apply: (obj) => send('apply', keyOf(obj), () => {
      const next = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++version) } };
      store.set(keyOf(obj), next);
      return structuredClone(next);
    }),
    create: (obj) => send('other', `create ${keyOf(obj)}`, () => obj),
    replace: (obj) => send('other', `replace ${keyOf(obj)}`, () => obj),
    mergePatch: (ref) => send('other', `patch ${keyOf(ref)}`, () => store.get(keyOf(ref))!),
    delete: (ref) => send('delete', keyOf(ref), () => store.delete(keyOf(ref))),
    collectionPath: (apiVersion, kind) => send('other', `resolve ${apiVersion} ${kind}`, () => `/${apiVersion}/${kind}`),
    watch: () => Promise.reject(new Error('the counting fake does not watch')),
  };
  const cluster = {
    api,
    get: (apiVersion: string, kind: string, name: string, namespace?: string) => api.get({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }),
    list: async (apiVersion: string, kind: string, q?: ListQuery) => (await api.list(apiVersion, kind, q)).items,
    apply: (objs: KubeObject[], o: { check: boolean; diff: boolean; force?: boolean }) => applyObjects(api, objs, o),
    ensureNamespace: (name: string, labels: Record<string, string>, o: { check: boolean }) => ensureNamespace(api, name, labels, o),
    delete: (objs: KubeObject[], o: { check: boolean }) => deleteObjects(api, objs, o),
  } as unknown as Cluster;
  return {
    api, cluster, requests,
    waves: () => Math.max(0, ...requests.map((r) => r.wave)),
    count: (verb) => requests.filter((r) => r.verb === verb).length,
  };
}
