/**
 * What a task's cluster does, timed: each Helm release and each health wait becomes a `span`
 * event when it ends (ok or failed), so --report draws them as bars inside the task's bar.
 * Roles see the same Cluster interface; only the runner knows it is timed.
 */
import type { Cluster, HelmReleaseSpec, Waiter } from '../kube/types.ts';

export type SpanSink = (kind: 'helm' | 'wait', name: string, durationMs: number, failed: boolean) => void;

async function timed<T>(sink: SpanSink, kind: 'helm' | 'wait', name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    const out = await run();
    sink(kind, name, Date.now() - started, false);
    return out;
  } catch (err) {
    sink(kind, name, Date.now() - started, true);
    throw err;
  }
}

const at = (namespace: string, name: string): string => `${namespace}/${name}`;

function timedWaiter(w: Waiter, sink: SpanSink): Waiter {
  const t = <T>(name: string, run: () => Promise<T>) => timed(sink, 'wait', name, run);
  return {
    rollout: (kind, ns, name, o) => t(`${kind.toLowerCase()} ${at(ns, name)}`, () => w.rollout(kind, ns, name, o)),
    crdEstablished: (name, o) => t(`crd ${name}`, () => w.crdEstablished(name, o)),
    serviceEndpointsReady: (ns, name, o) => t(`endpoints ${at(ns, name)}`, () => w.serviceEndpointsReady(ns, name, o)),
    loadBalancerIp: (ns, name, o) => t(`load balancer IP of ${at(ns, name)}`, () => w.loadBalancerIp(ns, name, o)),
    podsReady: (ns, selector, o) => t(`pods ${at(ns, selector)}`, () => w.podsReady(ns, selector, o)),
    jobComplete: (ns, name, o) => t(`job ${at(ns, name)}`, () => w.jobComplete(ns, name, o)),
    nodesReady: (names, o) => t(`nodes ${names.join(', ')}`, () => w.nodesReady(names, o)),
    podsGone: (node, pods, o) => t(`pods evicted from ${node}`, () => w.podsGone(node, pods, o)),
    healthy: (obj, o) => t(`${obj.kind.toLowerCase()} ${obj.metadata.namespace ? at(obj.metadata.namespace, obj.metadata.name) : obj.metadata.name}`, () => w.healthy(obj, o)),
  };
}

const releaseName = (s: HelmReleaseSpec): string => `${s.state === 'absent' ? 'uninstall ' : ''}${at(s.namespace, s.name)}`;

/** The cluster with its Helm releases and waits reported to `sink`. */
export function timedCluster(c: Cluster, sink: SpanSink): Cluster {
  return {
    helmRelease: (spec, opts) => timed(sink, 'helm', releaseName(spec), () => c.helmRelease(spec, opts)),
    apply: (objects, opts) => c.apply(objects, opts),
    ensureNamespace: (name, labels, opts) => c.ensureNamespace(name, labels, opts),
    delete: (objects, opts) => c.delete(objects, opts),
    get: (apiVersion, kind, name, namespace) => c.get(apiVersion, kind, name, namespace),
    list: (apiVersion, kind, opts) => c.list(apiVersion, kind, opts),
    rolloutRestart: (namespace, names, opts) => c.rolloutRestart(namespace, names, opts),
    wait: timedWaiter(c.wait, sink),
    api: c.api,
  };
}
