/**
 * Watch streams: chunked JSON events (one per line) for a resource, filtered by namespace and
 * selectors. Resumes from a resourceVersion through the store's history (410 Gone when it is too
 * old), sends synthetic ADDED events for resourceVersion "0"/unset, implements the streaming-list
 * form (sendInitialEvents=true ends the initial list with a BOOKMARK annotated
 * k8s.io/initial-events-end), periodic bookmarks, and timeoutSeconds.
 */
import type { SimContext } from './context.ts';
import type { ResourceType } from './registry.ts';
import type { Matcher } from './selectors.ts';
import type { StoreEvent } from './store.ts';

export interface WatchSink {
  write(chunk: string): boolean;
  end(): void;
  onClose(fn: () => void): void;
}

export interface WatchParams {
  t: ResourceType;
  namespace: string | undefined;
  matches: Matcher;
  query: URLSearchParams;
  /** Present objects in the requested version. */
  present: (obj: any) => any;
}

const maxTimeoutSeconds = 1800;
const bookmarkEveryMs = 10_000;

function bookmark(ctx: SimContext, p: WatchParams, rv: number, initialEnd: boolean): string {
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  return `${JSON.stringify({ type: 'BOOKMARK', object: { kind: p.t.kind, apiVersion: ctx.registry.apiVersionOf(p.t), metadata } })}\n`;
}

const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;

export function serveWatch(ctx: SimContext, p: WatchParams, sink: WatchSink): void {
  const key = ctx.registry.storeKey(p.t);
  const q = p.query;
  const inScope = (obj: any): boolean => (p.namespace === undefined || obj.metadata.namespace === p.namespace) && p.matches(obj);
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const rvParam = q.get('resourceVersion');
  if (q.get('sendInitialEvents') === 'true' || !rvParam || rvParam === '0') {
    for (const obj of ctx.store.list(key, p.namespace)) if (p.matches(obj)) sink.write(line('ADDED', p.present(obj)));
    if (q.get('sendInitialEvents') === 'true') sink.write(bookmark(ctx, p, ctx.store.rv, true));
  } else {
    const past = ctx.store.eventsSince(key, Number(rvParam));
    if (!past) {
      sink.write(line('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rvParam} (${ctx.store.rv})`, reason: 'Expired', code: 410 }));
      sink.end();
      return;
    }
    for (const e of past) if (inScope(e.object)) sink.write(line(e.type, p.present(e.object)));
  }
  let lastRv = ctx.store.rv;
  // Objects that matched the selectors: one that stops matching is DELETED for this watch, one
  // that starts matching is ADDED, as a real server's filtered watch reports them.
  const matched = new Set<string>(ctx.store.list(key, p.namespace).filter(p.matches).map((o) => o.metadata.uid));
  const unsubscribe = ctx.store.subscribe(key, (e: StoreEvent) => {
    lastRv = e.rv;
    const uid = e.object.metadata.uid as string;
    const was = matched.has(uid);
    const now = e.type !== 'DELETED' && inScope(e.object);
    if (now) matched.add(uid);
    else matched.delete(uid);
    if (was || now) sink.write(line(!now ? 'DELETED' : was ? e.type : 'ADDED', p.present(e.object)));
  });
  const timers: NodeJS.Timeout[] = [];
  const closeStream = (): void => {
    stop();
    sink.end();
  };
  const stop = (): void => {
    unsubscribe();
    ctx.watchStops.delete(closeStream);
    for (const t of timers) clearTimeout(t);
  };
  const seconds = Math.min(Number(q.get('timeoutSeconds') ?? maxTimeoutSeconds) || maxTimeoutSeconds, maxTimeoutSeconds);
  timers.push(setTimeout(closeStream, seconds * 1000));
  if (bookmarks) timers.push(setInterval(() => sink.write(bookmark(ctx, p, Math.max(lastRv, ctx.store.rv), false)), bookmarkEveryMs));
  for (const t of timers) t.unref();
  sink.onClose(stop);
  ctx.watchStops.add(closeStream);
}
