/**
 * Pods as the workload controllers make them: created from a template with an owner, Running
 * and Ready (or Pending and not ready for a workload kept never-ready), with a pod IP.
 */
import { now, type SimContext } from '../context.ts';
import { clone } from '../store.ts';
import { internalCreate, internalDelete, internalUpdate, keyOf, ownerRef, ownedBy, randomSuffix } from './util.ts';

let podIpCounter = 0;

function nextPodIp(): string {
  podIpCounter++;
  return `10.42.${(podIpCounter >> 8) & 255}.${podIpCounter & 255}`;
}

export function podStatus(pod: any, ready: boolean): any {
  const time = now();
  const cond = (type: string): Record<string, string> => ({ type, status: ready ? 'True' : 'False', lastTransitionTime: time });
  const containers = (pod.spec?.containers ?? []).map((c: any) => ({
    name: c.name, image: c.image, imageID: '', ready, restartCount: 0, started: ready,
    state: ready ? { running: { startedAt: time } } : { waiting: { reason: 'ContainerCreating' } },
  }));
  return {
    phase: ready ? 'Running' : 'Pending', conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((t) => (t === 'PodScheduled' || t === 'Initialized' ? { ...cond(t), status: 'True' } : cond(t))),
    hostIP: '10.0.0.1', podIP: pod.status?.podIP ?? nextPodIp(), startTime: pod.status?.startTime ?? time, containerStatuses: containers, qosClass: 'BestEffort',
  };
}

export function isPodReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Make the owner's pods match `count` from `template`, each ready or not. Returns the pods. */
export function syncPods(ctx: SimContext, owner: any, template: any, count: number, ready: boolean, names?: string[], nodes?: string[]): any[] {
  const key = keyOf(ctx, 'v1', 'Pod');
  const existing = ctx.store.list(key, owner.metadata.namespace).filter((p) => ownedBy(p, owner));
  const wanted = names ?? [];
  const keep: any[] = [];
  for (const p of existing) {
    const ok = names ? wanted.includes(p.metadata.name) : keep.length < count;
    if (ok) keep.push(p);
    else internalDelete(ctx, key, p);
  }
  for (let i = 0; keep.length < count && i < count * 2; i++) {
    const name = names ? names.find((n) => !keep.some((p) => p.metadata.name === n)) : `${owner.metadata.name}-${randomSuffix()}`;
    if (!name) break;
    const node = nodes?.[keep.length % Math.max(1, nodes.length)] ?? 'kube-sim-node';
    const pod = {
      metadata: { ...clone(template?.metadata ?? {}), name, namespace: owner.metadata.namespace, ownerReferences: [ownerRef(owner)] },
      spec: { ...clone(template?.spec ?? {}), nodeName: node },
    };
    keep.push(internalCreate(ctx, 'v1', 'Pod', { ...pod, status: podStatus(pod, false) }));
  }
  return keep.map((p) => (ready === isPodReady(p) ? p : internalUpdate(ctx, key, p, (o) => {
    o.status = podStatus(o, ready);
  })));
}
