/**
 * Nodes created through the API (the k3s stand-in registers them) report Ready, with node info
 * and capacity, controllerDelayMs later; pods created directly (not by a workload) start too.
 */
import { now, type SimContext } from '../context.ts';
import type { StoreEvent } from '../store.ts';
import { isPodReady, podStatus } from './pods.ts';
import { internalUpdate, keyOf, Queue } from './util.ts';

function nodeReady(ctx: SimContext, name: string): void {
  const key = keyOf(ctx, 'v1', 'Node');
  const node = ctx.store.get(key, undefined, name);
  if (!node) return;
  internalUpdate(ctx, key, node, (o) => {
    const time = now();
    const status = o.status ?? {};
    o.status = {
      ...status,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: time, lastTransitionTime: time }],
      capacity: status.capacity ?? { cpu: '2', memory: '4Gi', pods: '110' },
      allocatable: status.allocatable ?? { cpu: '2', memory: '4Gi', pods: '110' },
      nodeInfo: status.nodeInfo ?? { kubeletVersion: 'v1.35.0+kube-sim', containerRuntimeVersion: 'none://kube-sim', operatingSystem: 'linux', architecture: 'amd64',
        kernelVersion: '', osImage: 'kube-sim', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
    };
  });
}

function podStart(ctx: SimContext, qkey: string): void {
  const key = keyOf(ctx, 'v1', 'Pod');
  const [ns, name] = qkey.split('/');
  const pod = ctx.store.get(key, ns, name!);
  if (!pod || isPodReady(pod) || (pod.metadata.ownerReferences ?? []).length) return;
  internalUpdate(ctx, key, pod, (o) => {
    o.spec.nodeName ??= 'kube-sim-node';
    o.status = podStatus(o, true);
  });
}

export function startNodeController(ctx: SimContext): void {
  const nodes = new Queue(ctx, (name) => nodeReady(ctx, name));
  ctx.store.subscribe(keyOf(ctx, 'v1', 'Node'), (e: StoreEvent) => {
    const ready = (e.object.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
    if (e.type === 'ADDED' && !ready) nodes.add(e.object.metadata.name, ctx.controllerDelayMs);
  });
  const pods = new Queue(ctx, (qkey) => podStart(ctx, qkey));
  ctx.store.subscribe(keyOf(ctx, 'v1', 'Pod'), (e: StoreEvent) => {
    if (e.type === 'ADDED' && !(e.object.metadata.ownerReferences ?? []).length) pods.add(`${e.object.metadata.namespace}/${e.object.metadata.name}`, ctx.controllerDelayMs);
  });
}
