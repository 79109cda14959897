/**
 * The few server-side defaults clients look at: list-map keys with a schema default (ports'
 * protocol); Namespace finalizers, phase and name label;
 * Service type, ports' protocol/targetPort and session affinity; workload replicas, strategy
 * and selectors' defaults; Job completions.
 */
import type { ResourceType } from './registry.ts';
import { schemaNav } from './schema.ts';

function defaultService(obj: any): void {
  const spec = (obj.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
}

/** A RollingUpdate strategy gets its rollingUpdate parameters filled in (helm 3's wait dereferences them). */
function rolling(strategy: any, params: Record<string, unknown>): any {
  const s = { type: 'RollingUpdate', ...(strategy ?? {}) };
  if (s.type === 'RollingUpdate') s.rollingUpdate = { ...params, ...(s.rollingUpdate ?? {}) };
  return s;
}

function defaultWorkload(obj: any, kind: string): void {
  const spec = (obj.spec ??= {});
  if (kind !== 'DaemonSet') spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  if (kind === 'Deployment') {
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy = rolling(spec.strategy, { maxSurge: '25%', maxUnavailable: '25%' });
  }
  if (kind === 'StatefulSet') {
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.updateStrategy = rolling(spec.updateStrategy, { partition: 0 });
  }
  if (kind === 'DaemonSet') spec.updateStrategy = rolling(spec.updateStrategy, { maxSurge: 0, maxUnavailable: 1 });
}

export function applyDefaults(t: ResourceType, obj: any): void {
  schemaNav(t).defaultListMapKeys(obj);
  if (t.group === '' && t.kind === 'Namespace') {
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    obj.spec = { finalizers: ['kubernetes'], ...(obj.spec ?? {}) };
    obj.status ??= { phase: 'Active' };
  } else if (t.group === '' && t.kind === 'Service') defaultService(obj);
  else if (t.group === 'apps' && ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(t.kind)) defaultWorkload(obj, t.kind);
  else if (t.group === 'batch' && t.kind === 'Job') {
    obj.spec.completions ??= 1;
    obj.spec.parallelism ??= 1;
    obj.spec.backoffLimit ??= 6;
  } else if (t.group === '' && t.kind === 'Secret') obj.type ??= 'Opaque';
}
