/**
 * The shared loop of the lab's STAND-IN controllers (this folder): list a kind, then watch it,
 * calling a handler for each object until stopped, as a controller's informer would; writes go
 * through the lab cluster's admin client (user `capstan-admin`, never `capstan`, so the audit
 * log's count of capstan's writes stays capstan's alone). Each stand-in is named so and says
 * which real controller it stands in for.
 */
import { connectKube, loadKubeConfig, type KubeApi } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { ClusterApi } from '../cluster/api.ts';

/** What a stand-in needs of a lab cluster (lib/lab/cluster's Cluster has both): its admin client and kubeconfig. */
export interface StandInTarget {
  readonly api: ClusterApi;
  readonly adminKubeconfig: string;
}

export interface StandIn {
  /** Ends the watches (errors were reported to the stand-in's log as they happened, and retried). */
  stop(): Promise<void>;
}

export type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any>; data?: Record<string, string> };

/** A watching client as the target's admin. */
export function watchClient(t: StandInTarget): KubeApi {
  return connectKube(loadKubeConfig(t.adminKubeconfig), { minTimeoutMs: 100 });
}

/** A merge patch of an API path as some client sends it (the older stand-ins' writer). */
export type MergePatch = (path: string, body: unknown) => Promise<void>;

/** Merge patch (`application/merge-patch+json`) of an API path, e.g. an object's /status. */
export async function mergePatch(t: StandInTarget, path: string, body: unknown): Promise<void> {
  await t.api.must('PATCH', path, body, { contentType: 'application/merge-patch+json' });
}

/** An object's API path (its /status with sub). */
export async function objectPath(t: StandInTarget, o: KubeObject, sub = ''): Promise<string> {
  return `${await t.api.resourcePath(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)}${sub}`;
}

/** Resolves once a CRD serving `kind` of `apiVersion`'s group is Established (at once for built-in kinds). */
async function kindServed(api: KubeApi, apiVersion: string, kind: string, signal: AbortSignal): Promise<void> {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  if (!group.includes('.') || group.endsWith('.k8s.io')) return;
  const crdV = 'apiextensions.k8s.io/v1';
  const established = (o: Obj) => o.spec?.['group'] === group && o.spec?.['names']?.kind === kind
    && ((o.status?.['conditions'] ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Established' && c.status === 'True');
  const path = await api.collectionPath(crdV, 'CustomResourceDefinition');
  while (!signal.aborted) {
    const listed = await api.list(crdV, 'CustomResourceDefinition');
    if ((listed.items as Obj[]).some(established)) return;
    const found = new AbortController();
    const onAbort = () => found.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let seen = false;
    try {
      await api.watch(path, { resourceVersion: listed.resourceVersion }, (e) => {
        if (e.type !== 'DELETED' && established(e.object as Obj)) { seen = true; found.abort(); }
      }, found.signal);
    } catch (e) {
      if (!found.signal.aborted) throw e; // ended by us (seen, or stopped): not an error
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (seen) return;
  }
}

/** Where a stand-in reports an error it retries after (default: stderr, with its name). */
export type StandInLog = (line: string) => void;
const stderrLog: StandInLog = (line) => { process.stderr.write(`${line}\n`); };

/** List items may come without apiVersion/kind; the handlers build paths from them. */
const withKind = (o: Obj, apiVersion: string, kind: string): Obj => ({ ...o, apiVersion: o.apiVersion ?? apiVersion, kind: o.kind ?? kind });

/** Resolves after ms, or at once when the signal aborts (a retry's back-off, never a fixed wait for state). */
function backOff(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/**
 * Runs `onObject` for each object of a kind as it is listed and then watched, until stopped, as a
 * controller's informer would: a custom kind whose CRD is not installed yet is waited for
 * (watching CRDs) first; a failed list or watch is retried, and an object whose handler failed is
 * handled again, each after a growing back-off (0.2 s to 5 s), with the error reported to `log`.
 */
export function watchKind(api: KubeApi, apiVersion: string, kind: string, onObject: (o: Obj) => Promise<void>, log: StandInLog = stderrLog): StandIn {
  const stop = new AbortController();
  const report = (what: string, e: unknown) => { if (!stop.signal.aborted) log(`stand-in ${kind}: ${what}: ${e instanceof Error ? e.message : String(e)} (retrying)`); };
  const handle = (o: Obj, attempt = 0): void => {
    void onObject(o).catch(async (e: unknown) => {
      report(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, e);
      await backOff(Math.min(5000, 200 * 2 ** attempt), stop.signal);
      if (!stop.signal.aborted) handle(o, attempt + 1);
    });
  };
  const loop: Promise<void> = (async () => {
    for (let attempt = 0; !stop.signal.aborted; attempt++) {
      try {
        await kindServed(api, apiVersion, kind, stop.signal);
        const path = await api.collectionPath(apiVersion, kind);
        const listed = await api.list(apiVersion, kind);
        for (const o of listed.items) handle(withKind(o as Obj, apiVersion, kind));
        attempt = 0;
        await api.watch(path, { resourceVersion: listed.resourceVersion }, (e) => {
          if (e.type !== 'DELETED' && e.object?.metadata?.name) handle(withKind(e.object as Obj, apiVersion, kind));
        }, stop.signal);
      } catch (e) {
        report('list/watch', e);
        await backOff(Math.min(5000, 200 * 2 ** attempt), stop.signal);
      }
    }
  })();
  return {
    async stop() {
      stop.abort();
      await loop;
    },
  };
}

/** Several stand-ins stopped as one. */
export function together(list: readonly StandIn[]): StandIn {
  return {
    async stop() {
      const r = await Promise.allSettled(list.map((s) => s.stop()));
      const failed = r.find((x): x is PromiseRejectedResult => x.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** RFC 3339 without fractions, as the API server writes timestamps. */
export const stamp = (d: Date = new Date()): string => d.toISOString().replace(/\.\d+Z$/, 'Z');
