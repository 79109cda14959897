/**
 * The wait engine: list, then watch from the list's resourceVersion, re-evaluating readiness on
 * every event, until ready, failed or the deadline. A watch the server closes early is re-listed
 * and re-opened (bounded by the deadline). Progress lines are throttled; a timeout reports the
 * last status and the objects' recent Events.
 */
import { HealthTimeoutError, KubeError } from '../errors.ts';
import type { KubeApi, ListQuery } from '../kube/client.ts';
import type { KubeObject, WaitOptions } from '../kube/types.ts';
import type { Readiness } from './status.ts';

export interface WaitSpec<T> {
  /** "deployment istio-system/istiod" */
  resource: string;
  apiVersion: string;
  kind: string;
  query: ListQuery;
  evaluate(items: KubeObject[]): Readiness & { value?: T };
  /** Names of the objects whose Events explain a timeout. */
  eventNames?: string[];
}

const LOG_EVERY_MS = 10_000;
const MIN_LOG_GAP_MS = 1_000;

/** Backoff before re-listing after a watch ended early (bounded by the deadline). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, Math.max(0, ms));
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export async function waitFor<T>(api: KubeApi, spec: WaitSpec<T>, o: WaitOptions): Promise<T | undefined> {
  const started = Date.now();
  const deadline = started + o.timeoutSeconds * 1000;
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;
  let last: Readiness = { ready: false, status: 'not observed yet' };
  let lastLogged = '';
  let lastLogAt = 0;
  const report = (force = false) => {
    const now = Date.now();
    if ((last.status !== lastLogged && now - lastLogAt >= MIN_LOG_GAP_MS) || now - lastLogAt >= LOG_EVERY_MS || force) {
      o.log(`${spec.resource}: ${last.status}, ${elapsed()}`);
      lastLogged = last.status;
      lastLogAt = now;
    }
  };
  const path = await api.collectionPath(spec.apiVersion, spec.kind, spec.query.namespace);
  for (let round = 0; Date.now() < deadline; round++) {
    if (round > 0) await pause(Math.min(200 * round, 2000, deadline - Date.now()), o.signal);
    if (o.signal?.aborted) throw o.signal.reason instanceof Error ? o.signal.reason : new Error('wait aborted');
    const listed = await api.list(spec.apiVersion, spec.kind, spec.query);
    const items = new Map(listed.items.map((i) => [keyOf(i), i]));
    const outcome = await watchUntilSettled(api, path, spec, listed.resourceVersion, items, deadline, o.signal, (r) => {
      last = r;
      report();
    });
    if (outcome) {
      if (outcome.failed) throw new KubeError(`${spec.resource} ${outcome.failed}`);
      report(true);
      return outcome.value;
    }
  }
  throw new HealthTimeoutError(spec.resource, o.timeoutSeconds, last.status, await recentEvents(api, spec));
}

/** Watches until ready/failed (returns it), the deadline, or the server closing the watch (returns undefined). */
async function watchUntilSettled<T>(
  api: KubeApi, path: string, spec: WaitSpec<T>, resourceVersion: string, items: Map<string, KubeObject>,
  deadline: number, signal: AbortSignal | undefined, seen: (r: Readiness) => void,
): Promise<(Readiness & { value?: T }) | undefined> {
  const first = spec.evaluate([...items.values()]);
  seen(first);
  if (first.ready || first.failed) return first;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now()));
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let settled: (Readiness & { value?: T }) | undefined;
  try {
    await api.watch(path, { ...spec.query, resourceVersion }, (e) => {
      if (e.type === 'BOOKMARK' || e.type === 'ERROR' || !e.object?.metadata) return;
      if (e.type === 'DELETED') items.delete(keyOf(e.object));
      else items.set(keyOf(e.object), e.object);
      const r = spec.evaluate([...items.values()]);
      seen(r);
      if (r.ready || r.failed) {
        settled = r;
        stop.abort();
      }
    }, stop.signal);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  return settled;
}

interface EventObj extends KubeObject {
  involvedObject?: { name?: string; kind?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
}

/** The last few Events about the waited-for objects, "Warning FailedScheduling: 0/1 nodes are available". */
async function recentEvents(api: KubeApi, spec: WaitSpec<unknown>): Promise<string[]> {
  const names = new Set(spec.eventNames ?? []);
  if (!names.size || !spec.query.namespace) return [];
  const { items } = await api.list('v1', 'Event', { namespace: spec.query.namespace });
  return (items as EventObj[])
    .filter((e) => names.has(e.involvedObject?.name ?? ''))
    .slice(-5)
    .map((e) => `${e.type ?? 'Normal'} ${e.reason ?? ''}: ${e.message ?? ''}${e.count && e.count > 1 ? ` (x${e.count})` : ''}`);
}
