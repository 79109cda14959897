/**
 * The client-node adapter: the only module that imports @kubernetes/client-node. It gives the
 * rest of capstan plain-JSON objects (no typed model classes), server-side apply with field
 * manager `capstan`, and watches; every request is retried on 429/5xx/connection resets.
 */
import { Writable } from 'node:stream';
import {
  ApiException,
  CoreV1Api,
  HttpMethod,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  PortForward,
  Watch,
  type KubernetesObject,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { KubeError } from '../errors.ts';
import type { KubeObject } from './object.ts';
import { isInvalidApplyBody, isTransient, withRetry, type RetryOptions } from './retry.ts';

import { FIELD_MANAGER } from './applied.ts';
import { profile, type ProfileItem } from '../report/profile.ts';

export { FIELD_MANAGER };

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Only each item's metadata (the server's PartialObjectMetadataList, as `kubectl get
   * --output=name` asks for): labels and names without the bodies, e.g. Helm's release Secrets,
   * whose data is the whole chart. API fakes may answer whole objects.
   */
  metadataOnly?: boolean;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

export type WatchEvent = { type: string; object: KubeObject };

/** The API operations capstan needs, on plain JSON objects. */
export interface KubeApi {
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, q?: ListQuery): Promise<ListResult>;
  /** Server-side apply (field manager capstan). */
  apply(obj: KubeObject, o?: { force?: boolean; dryRun?: boolean }): Promise<KubeObject>;
  /** Create (POST); a KubeError with status 409 when it exists already. */
  create(obj: KubeObject): Promise<KubeObject>;
  /** Replace (PUT); with metadata.resourceVersion set, a KubeError 409 when the object changed since. */
  replace(obj: KubeObject): Promise<KubeObject>;
  /** A JSON merge patch. */
  mergePatch(ref: ObjectRef, patch: unknown): Promise<KubeObject>;
  /** Delete; false when it was already gone. */
  delete(ref: ObjectRef): Promise<boolean>;
  /** The collection path of a kind (for watches). */
  collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string>;
  /** Watch a collection until `signal` aborts or the server closes it (resolves then). */
  watch(path: string, q: ListQuery & { resourceVersion?: string }, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  /**
   * One `kubectl port-forward` connection: the bytes of `socket` to and from `port` of the pod,
   * through pods/portforward on the API server. Resolves once the stream is open; the socket is
   * destroyed when the stream ends. What the kubelet answers on the error stream (e.g. nothing
   * listens on that port) goes to onError. Absent on API fakes that cannot forward.
   */
  portForward?(namespace: string, pod: string, port: number, socket: import('node:stream').Duplex, onError?: (message: string) => void): Promise<void>;
  /**
   * Evict a pod through the Eviction API (what `kubectl drain` does): the server refuses with 429
   * while a PodDisruptionBudget allows no disruption, which is answered as `blocked` with its
   * message (not retried here: the caller decides how long to keep asking). Absent on API fakes.
   */
  evict?(namespace: string, name: string): Promise<EvictResult>;
}

export type EvictResult = { result: 'evicted' | 'gone' } | { result: 'blocked'; message: string };

/** KubernetesObjectApi that hands back the server's JSON as is (no model classes, no renamed fields). */
class RawObjectApi extends KubernetesObjectApi {
  private readonly discovering = new Map<string, Promise<unknown>>();

  /**
   * Discovery of a group/version (client-node caches it per instance): concurrent first requests
   * of one group/version wait for the one discovery request already on its way instead of each
   * sending its own. A kind not found there is looked up again (a CRD's kind served later).
   */
  protected override async resource(apiVersion: string, kind: string): ReturnType<KubernetesObjectApi['resource']> {
    const pending = this.discovering.get(apiVersion);
    if (pending) await pending.catch(() => undefined); // its failure is that request's; this one asks again below
    const found = super.resource(apiVersion, kind);
    if (!pending) {
      this.discovering.set(apiVersion, found);
      const done = () => { if (this.discovering.get(apiVersion) === found) this.discovering.delete(apiVersion); };
      found.then(done, done);
    }
    return found;
  }

  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return JSON.parse(text) as T;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text as the body
    }
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', body, response.headers);
  }

  /**
   * PATCH with the object sent as given. KubernetesObjectApi.patch serialises built-in kinds
   * through its typed models, which drops fields whose model names differ from the JSON names
   * (NetworkPolicy `from` is `_from`, CRD schemas' `enum`/`default`/`x-kubernetes-*`).
   */
  async rawPatch(obj: KubernetesObject, query: Record<string, string>, contentType: string): Promise<KubeObject> {
    return this.rawSend(HttpMethod.PATCH, obj, query, contentType);
  }

  /** POST (create) or PUT (replace) or PATCH with the object sent as given (see rawPatch). */
  async rawSend(method: HttpMethod, obj: KubernetesObject, query: Record<string, string>, contentType = 'application/json'): Promise<KubeObject> {
    const action = method === HttpMethod.POST ? 'create' : method === HttpMethod.PUT ? 'replace' : 'patch';
    const ctx = this.configuration.baseServer.makeRequestContext(await this.specUriPath(obj, action), method);
    ctx.setHeaderParam('Accept', 'application/json, */*;q=0.8');
    ctx.setHeaderParam('Content-Type', contentType);
    for (const [k, v] of Object.entries(query)) ctx.setQueryParam(k, v);
    ctx.setBody(JSON.stringify(obj));
    return this.requestPromise(ctx) as Promise<KubeObject>;
  }

  /** A list of only the items' metadata (PartialObjectMetadataList). */
  async listMetadata(apiVersion: string, kind: string, q: ListQuery): Promise<unknown> {
    const ctx = this.configuration.baseServer.makeRequestContext(await this.path(apiVersion, kind, q.namespace), HttpMethod.GET);
    ctx.setHeaderParam('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json;q=0.9');
    if (q.labelSelector) ctx.setQueryParam('labelSelector', q.labelSelector);
    if (q.fieldSelector) ctx.setQueryParam('fieldSelector', q.fieldSelector);
    return this.requestPromise(ctx);
  }

  path(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    return this.specUriPath({ apiVersion, kind, metadata: namespace ? { namespace } : {} }, 'list');
  }
}

/** The HTTP status of a client-node error, when it has one. */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const code = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** client-node's discovery found the group/version but not the kind. */
function isUnknownKind(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('Unrecognized API version and kind');
}

/** The API server's own message for a failed request. */
export function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body = err.body as { message?: string } | string | undefined;
    if (typeof body === 'object' && body?.message) return body.message;
    if (typeof body === 'string' && body.trim()) return body.trim();
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function describeRef(ref: ObjectRef): string {
  const ns = ref.metadata.namespace ? `${ref.metadata.namespace}/` : '';
  return `${ref.kind.toLowerCase()} ${ns}${ref.metadata.name}`;
}

/**
 * The server serves no such resource: its Status says so for a known group, and a real API server
 * answers a group/version it does not serve at all with a plain-text "404 page not found".
 */
function notServed(err: unknown): boolean {
  const message = apiMessage(err);
  return /could not find the requested resource/.test(message) || (statusOf(err) === 404 && /^404 page not found$/.test(message));
}

/** Wraps an API failure as a KubeError naming the object and carrying the server's message. */
function kubeError(what: string, err: unknown): KubeError {
  if (err instanceof KubeError) return err;
  const status = statusOf(err);
  const hint = status === 409 ? 'another field manager owns these fields; set kube_apply_force: true to take them over'
    : isInvalidApplyBody(err) ? 'the manifest does not fit the schema of its kind (the API server answers this with HTTP 500 for server-side apply)'
    : isUnknownKind(err) || notServed(err) ? 'is the CustomResourceDefinition for this kind installed (and established)?' : undefined;
  return new KubeError(`${what}: ${apiMessage(err)}`, status, { cause: err, ...(hint ? { hint } : {}) });
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * A KubeConfig whose requests share one connection pool per cluster + user. client-node 2.0.1's
 * applySecurityAuthentication builds a new undici Agent for EVERY request (its createDispatcher is
 * called each time), so no connection is ever reused: each request pays a new TCP + TLS handshake
 * with the client certificate (10 ms a GET on the real API server; ~4 ms with the pool). That is
 * client-node's behaviour, not ours; it already caches its https.Agent (WebSockets: port-forward)
 * per cluster + user in agentCache, and this does the same for the fetch dispatcher. The Agent
 * client-node builds is dropped unused (it opens nothing until asked). close() ends the pools.
 */
export class PooledKubeConfig extends KubeConfig {
  private readonly dispatchers = new Map<string, Dispatcher>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const built = context.getDispatcher();
    if (!built) return;
    const key = JSON.stringify([this.getCurrentCluster()?.name ?? '', this.getCurrentCluster()?.server ?? '', this.getCurrentUser()?.name ?? '']);
    let pooled = this.dispatchers.get(key);
    if (!pooled) {
      pooled = built;
      this.dispatchers.set(key, pooled);
    }
    context.setDispatcher(pooled);
  }

  /** How many pools are open (tests: one per cluster + user, however many requests). */
  get pools(): number {
    return this.dispatchers.size;
  }

  /** Ends the pools' connections (watches still open on them are cut). */
  async close(): Promise<void> {
    const pools = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(pools.map((d) => d.destroy()));
  }
}

/** Loads a kubeconfig file (and context) into a client. */
export function loadKubeConfig(path: string, context?: string): PooledKubeConfig {
  const kc = new PooledKubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  if (!kc.getCurrentCluster()) throw new KubeError(`${path}: no cluster for context ${context ?? kc.getCurrentContext() ?? '(none)'}`);
  return kc;
}

/** A connection to one cluster: close() ends its connection pool (when its KubeConfig pools). */
export interface KubeConnection extends KubeApi {
  /** Look these kinds up (discovery of their group/version, cached for the connection) now, so later requests need no first round trip. */
  discover(kinds: readonly (readonly [apiVersion: string, kind: string])[]): Promise<void>;
  close(): Promise<void>;
}

export function connectKube(kc: KubeConfig, retryOptions: RetryOptions = {}): KubeConnection {
  const retry: RetryOptions = { describe: (e) => `${statusOf(e) ? `HTTP ${statusOf(e)}: ` : ''}${apiMessage(e)}`, ...retryOptions };
  const api = kc.makeApiClient(RawObjectApi);
  const watcher = new Watch(kc);
  const forwarder = new PortForward(kc, true);
  const core = kc.makeApiClient(CoreV1Api);
  // every request counted for --profile as a read, a write or a dry run (retries included in its time)
  const counted = <T>(item: ProfileItem, what: string, fn: () => Promise<T>): Promise<T> => profile.time(item, () => withRetry(what, fn, retry));
  const call = <T>(what: string, fn: () => Promise<T>, item: ProfileItem = 'api write'): Promise<T> =>
    counted(item, what, fn).catch((err: unknown) => {
      throw kubeError(what, err);
    });
  return {
    close: () => (kc instanceof PooledKubeConfig ? kc.close() : Promise.resolve()),
    async discover(kinds) {
      await Promise.all(kinds.map(([apiVersion, kind]) => call(`resolve ${apiVersion} ${kind}`, () => api.path(apiVersion, kind), 'api read')));
    },
    async get(ref) {
      try {
        return await counted('api read', `get ${describeRef(ref)}`, () => api.read(ref)) as KubeObject;
      } catch (err) {
        // Not found, or its kind is not served (yet): a CRD's object cannot exist before the CRD.
        if (statusOf(err) === 404 || isUnknownKind(err)) return undefined;
        throw kubeError(`get ${describeRef(ref)}`, err);
      }
    },
    async list(apiVersion, kind, q = {}) {
      const res = await call(`list ${kind}`, (): Promise<unknown> => q.metadataOnly ? api.listMetadata(apiVersion, kind, q)
        : api.list(apiVersion, kind, q.namespace, undefined, undefined, undefined, q.fieldSelector, q.labelSelector), 'api read');
      const raw = res as unknown as { items?: KubeObject[]; metadata?: { resourceVersion?: string } };
      // A real API server's list items carry no apiVersion/kind (only the list does): give them
      // theirs, as kubectl does, so an item can be handed on as an object (to delete, describe, apply).
      return { items: (raw.items ?? []).map((i) => ({ ...i, apiVersion: i.apiVersion ?? apiVersion, kind: i.kind ?? kind })), resourceVersion: raw.metadata?.resourceVersion ?? '' };
    },
    apply(obj, o = {}) {
      const query = { fieldManager: FIELD_MANAGER, force: String(o.force ?? false), ...(o.dryRun ? { dryRun: 'All' } : {}) };
      return call(`apply ${describeRef(obj)}`, () => api.rawPatch(obj as KubernetesObject, query, PatchStrategy.ServerSideApply), o.dryRun ? 'api dry-run' : 'api write');
    },
    create(obj) {
      return call(`create ${describeRef(obj)}`, () => api.rawSend(HttpMethod.POST, obj as KubernetesObject, { fieldManager: FIELD_MANAGER }));
    },
    replace(obj) {
      return call(`replace ${describeRef(obj)}`, () => api.rawSend(HttpMethod.PUT, obj as KubernetesObject, { fieldManager: FIELD_MANAGER }));
    },
    mergePatch(ref, patch) {
      const body = { ...(patch as object), apiVersion: ref.apiVersion, kind: ref.kind, metadata: { ...((patch as { metadata?: object }).metadata ?? {}), ...ref.metadata } };
      return call(`patch ${describeRef(ref)}`, () => api.rawPatch(body as KubernetesObject, { fieldManager: FIELD_MANAGER }, PatchStrategy.MergePatch));
    },
    async delete(ref) {
      try {
        await counted('api write', `delete ${describeRef(ref)}`, () =>
          api.delete(ref as KubernetesObject, undefined, undefined, undefined, undefined, 'Background'));
        return true;
      } catch (err) {
        if (statusOf(err) === 404) return false;
        throw kubeError(`delete ${describeRef(ref)}`, err);
      }
    },
    collectionPath(apiVersion, kind, namespace) {
      return call(`resolve ${apiVersion} ${kind}`, () => api.path(apiVersion, kind, namespace), 'api read');
    },
    async portForward(namespace, pod, port, socket, onError) {
      const what = `port-forward ${namespace}/${pod}:${port}`;
      // The error stream's first frame is only its port header (empty here): report what has text.
      const errors = new Writable({
        write(chunk: Buffer, _enc, done) {
          const text = chunk.toString().trim();
          if (text) onError?.(`${what}: ${text}`);
          done();
        },
      });
      try {
        const ws = await forwarder.portForward(namespace, pod, [port], socket, errors, socket);
        const open = typeof ws === 'function' ? ws() : ws;
        socket.once('close', () => open.close());
        open.once('close', () => socket.destroy());
      } catch (err) {
        socket.destroy();
        throw kubeError(what, err);
      }
    },
    async evict(namespace, name) {
      const what = `evict pod ${namespace}/${name}`;
      const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
      try {
        // 429 here is a PodDisruptionBudget's answer, not overload: answered at once, while 5xx
        // and dropped connections are retried as for every request
        return await counted<EvictResult>('api write', what, () => core.createNamespacedPodEviction({ name, namespace, body }).then(
          () => ({ result: 'evicted' as const }),
          (err: unknown) => { if (statusOf(err) === 429) return { result: 'blocked' as const, message: apiMessage(err) }; throw err; }));
      } catch (err) {
        if (statusOf(err) === 404) return { result: 'gone' };
        throw kubeError(what, err);
      }
    },
    watch(path, q, onEvent, signal) {
      profile.add('api watch', 0);
      return new Promise<void>((resolve, reject) => {
        const query = { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, resourceVersion: q.resourceVersion, allowWatchBookmarks: true };
        // A watch that ends (server close, idle timeout, dropped connection, 410 Gone) resolves:
        // the caller re-lists and watches again. Anything else is an error.
        const ended = (err: unknown) => !err || signal.aborted || isTransient(err) || statusOf(err) === 410 ||
          (err as { name?: string }).name === 'TimeoutError' || (err as { name?: string }).name === 'AbortError';
        const done = (err: unknown) => (ended(err) ? resolve() : reject(kubeError(`watch ${path}`, err)));
        watcher.watch(path, query, (type, object) => onEvent({ type, object: object as KubeObject }), done)
          .then((ctl) => {
            if (signal.aborted) ctl.abort();
            else signal.addEventListener('abort', () => ctl.abort(), { once: true });
          }, done);
      });
    },
  };
}
