/**
 * Workload controllers: Deployments (an owned ReplicaSet per template, pods, and the status
 * fields helm 3's legacy wait, helm 4's kstatus and kubectl rollout status read), StatefulSets,
 * DaemonSets (one pod per Node, at least one) and Jobs (complete). Each change is acted on at
 * once (new ReplicaSet, pods pending), and the workload becomes ready controllerDelayMs later,
 * unless fault injection keeps it never ready.
 */
import type { SimContext } from '../context.ts';
import { neverReadyKey } from '../faults.ts';
import type { StoreEvent } from '../store.ts';
import { isPodReady, syncPods } from './pods.ts';
import { condition, internalCreate, internalUpdate, keyOf, ownedBy, ownerRef, Queue, recordEvent, shortHash, withConditionTimes } from './util.ts';

type Reconcile = (ctx: SimContext, obj: any, ready: boolean) => void;

/** When each (uid, generation) was first seen: readiness comes controllerDelayMs later. */
const firstSeen = new WeakMap<SimContext, Map<string, number>>();
/** uid/template hashes that have been ready: a never-ready workload can still roll back to them. */
const readyTemplates = new WeakMap<SimContext, Set<string>>();

function templateKey(obj: any): string {
  return `${obj.metadata.uid}/${shortHash(obj.spec?.template ?? obj.spec)}`;
}

function readyNow(ctx: SimContext, obj: any, queue: Queue, qkey: string): boolean {
  const known = readyTemplates.get(ctx) ?? new Set<string>();
  readyTemplates.set(ctx, known);
  if (ctx.neverReady.has(neverReadyKey(obj.kind, obj.metadata.namespace, obj.metadata.name)) && !known.has(templateKey(obj))) return false;
  const seen = firstSeen.get(ctx) ?? new Map<string, number>();
  firstSeen.set(ctx, seen);
  const k = `${obj.metadata.uid}/${obj.metadata.generation}`;
  const t0 = seen.get(k) ?? Date.now();
  seen.set(k, t0);
  const left = t0 + ctx.controllerDelayMs - Date.now();
  if (left > 0) queue.add(qkey, left + 1);
  else known.add(templateKey(obj));
  return left <= 0;
}

function reconcileDeployment(ctx: SimContext, dep: any, ready: boolean): void {
  const rsKey = keyOf(ctx, 'apps/v1', 'ReplicaSet');
  const hash = shortHash(dep.spec.template);
  const rsName = `${dep.metadata.name}-${hash}`;
  const replicas = dep.spec.replicas ?? 1;
  const owned = ctx.store.list(rsKey, dep.metadata.namespace).filter((rs) => ownedBy(rs, dep));
  for (const old of owned.filter((rs) => rs.metadata.name !== rsName)) {
    const scaled = internalUpdate(ctx, rsKey, old, (o) => {
      o.spec.replicas = 0;
    });
    syncPods(ctx, scaled, scaled.spec.template, 0, false);
    internalUpdate(ctx, rsKey, scaled, (o) => {
      o.status = { replicas: 0, observedGeneration: o.metadata.generation };
    });
  }
  let rs = owned.find((x) => x.metadata.name === rsName);
  const labels = { ...(dep.spec.template?.metadata?.labels ?? {}), 'pod-template-hash': hash };
  if (!rs) {
    rs = internalCreate(ctx, 'apps/v1', 'ReplicaSet', {
      metadata: { name: rsName, namespace: dep.metadata.namespace, labels, ownerReferences: [ownerRef(dep)], annotations: { 'deployment.kubernetes.io/revision': String(owned.length + 1) } },
      spec: { replicas, selector: { matchLabels: { ...(dep.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } }, template: { ...dep.spec.template, metadata: { ...(dep.spec.template?.metadata ?? {}), labels } } },
    });
    recordEvent(ctx, dep, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rsName} from 0 to ${replicas}`, 'deployment-controller');
  }
  rs = internalUpdate(ctx, rsKey, rs, (o) => {
    o.spec.replicas = replicas;
  });
  const pods = syncPods(ctx, rs, rs.spec.template, replicas, ready);
  const readyCount = pods.filter(isPodReady).length;
  rs = internalUpdate(ctx, rsKey, rs, (o) => {
    o.status = { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: readyCount, availableReplicas: readyCount, observedGeneration: o.metadata.generation };
  });
  const available = readyCount >= replicas;
  internalUpdate(ctx, keyOf(ctx, 'apps/v1', 'Deployment'), dep, (o) => {
    o.status = {
      observedGeneration: o.metadata.generation, replicas: pods.length, updatedReplicas: pods.length, readyReplicas: readyCount, availableReplicas: readyCount,
      ...(available ? {} : { unavailableReplicas: replicas - readyCount }),
      conditions: withConditionTimes(o.status?.conditions, [
        available ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        available ? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
          : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
      ]),
    };
  });
}

function reconcileStatefulSet(ctx: SimContext, sts: any, ready: boolean): void {
  const replicas = sts.spec.replicas ?? 1;
  const revision = `${sts.metadata.name}-${shortHash(sts.spec.template)}`;
  const names = Array.from({ length: replicas }, (_, i) => `${sts.metadata.name}-${i}`);
  const template = { ...sts.spec.template, metadata: { ...(sts.spec.template?.metadata ?? {}), labels: { ...(sts.spec.template?.metadata?.labels ?? {}), 'controller-revision-hash': revision } } };
  const pods = syncPods(ctx, sts, template, replicas, ready, names);
  const readyCount = pods.filter(isPodReady).length;
  internalUpdate(ctx, keyOf(ctx, 'apps/v1', 'StatefulSet'), sts, (o) => {
    o.status = {
      observedGeneration: o.metadata.generation, replicas: pods.length, readyReplicas: readyCount, currentReplicas: pods.length,
      updatedReplicas: pods.length, availableReplicas: readyCount, currentRevision: revision, updateRevision: revision, collisionCount: 0,
    };
  });
}

function nodeNames(ctx: SimContext): string[] {
  const nodes = ctx.store.list(keyOf(ctx, 'v1', 'Node')).map((n) => n.metadata.name as string);
  return nodes.length ? nodes : ['kube-sim-node'];
}

function reconcileDaemonSet(ctx: SimContext, ds: any, ready: boolean): void {
  const nodes = nodeNames(ctx);
  const names = nodes.map((n) => `${ds.metadata.name}-${shortHash(n, 5)}`);
  const pods = syncPods(ctx, ds, ds.spec.template, nodes.length, ready, names, nodes);
  const readyCount = pods.filter(isPodReady).length;
  internalUpdate(ctx, keyOf(ctx, 'apps/v1', 'DaemonSet'), ds, (o) => {
    o.status = {
      observedGeneration: o.metadata.generation, desiredNumberScheduled: nodes.length, currentNumberScheduled: pods.length, numberMisscheduled: 0,
      numberReady: readyCount, numberAvailable: readyCount, updatedNumberScheduled: pods.length,
      ...(readyCount < nodes.length ? { numberUnavailable: nodes.length - readyCount } : {}),
    };
  });
}

function reconcileJob(ctx: SimContext, job: any, ready: boolean): void {
  if (job.status?.completionTime) return;
  const completions = job.spec.completions ?? 1;
  const startTime = job.status?.startTime ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  internalUpdate(ctx, keyOf(ctx, 'batch/v1', 'Job'), job, (o) => {
    o.status = ready
      ? { startTime, completionTime: startTime, succeeded: completions, active: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {},
          conditions: [condition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'), condition('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods')].map(({ lastUpdateTime: _u, ...c }) => ({ ...c, lastProbeTime: c.lastTransitionTime })) }
      : { startTime, active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} };
  });
  if (ready) recordEvent(ctx, job, 'Normal', 'Completed', 'Job completed', 'job-controller');
}

const controllers: Array<{ apiVersion: string; kind: string; reconcile: Reconcile }> = [
  { apiVersion: 'apps/v1', kind: 'Deployment', reconcile: reconcileDeployment },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', reconcile: reconcileStatefulSet },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', reconcile: reconcileDaemonSet },
  { apiVersion: 'batch/v1', kind: 'Job', reconcile: reconcileJob },
];

export function startWorkloadControllers(ctx: SimContext): void {
  const queues = new Map<string, Queue>();
  for (const c of controllers) {
    const key = keyOf(ctx, c.apiVersion, c.kind);
    const queue: Queue = new Queue(ctx, (qkey) => {
      const [ns, name] = qkey.split('/');
      const obj = ctx.store.get(key, ns, name!);
      if (!obj || obj.metadata.deletionTimestamp) return;
      c.reconcile(ctx, obj, readyNow(ctx, obj, queue, qkey));
    });
    queues.set(c.kind, queue);
    ctx.store.subscribe(key, (e: StoreEvent) => {
      if (e.type === 'DELETED') return;
      const done = e.object.status?.observedGeneration === e.object.metadata.generation && e.object.metadata.generation !== undefined;
      if (!done || !isSettled(e.object)) queue.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
    });
  }
  ctx.store.subscribe(keyOf(ctx, 'v1', 'Node'), (e: StoreEvent) => {
    if (e.type === 'MODIFIED') return;
    for (const ds of ctx.store.list(keyOf(ctx, 'apps/v1', 'DaemonSet'))) queues.get('DaemonSet')!.add(`${ds.metadata.namespace}/${ds.metadata.name}`);
  });
}

/** Ready as far as this controller is concerned (no further reconcile needed). */
function isSettled(obj: any): boolean {
  const s = obj.status ?? {};
  switch (obj.kind) {
    case 'Deployment': return (s.conditions ?? []).some((c: any) => c.type === 'Available' && c.status === 'True') && s.replicas === (obj.spec.replicas ?? 1);
    case 'StatefulSet': return s.readyReplicas === (obj.spec.replicas ?? 1);
    case 'DaemonSet': return s.numberReady === s.desiredNumberScheduled;
    case 'Job': return Boolean(s.completionTime);
    default: return true;
  }
}
