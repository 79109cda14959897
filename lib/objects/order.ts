/**
 * Apply order: what others depend on first (Helm's install order): namespaces, then cluster-wide
 * policy and storage, accounts and RBAC, config, storage claims, Services, workloads, and custom
 * resources last (their CRDs come from the roles that run before the objects role). Deletion
 * (prune) runs in the reverse order. Within a kind, the inventory's order is kept.
 */
import type { KubeObject } from '../kube/types.ts';

const ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'ConfigMap',
  'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding',
  'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet',
  'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

const rank = (kind: string): number => {
  const i = ORDER.indexOf(kind);
  return i < 0 ? ORDER.length : i;
};

/** A stable sort by kind rank (custom kinds after every built-in one). */
export function applyOrder<T extends { object: Pick<KubeObject, 'kind'> }>(items: readonly T[]): T[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => rank(a.item.object.kind) - rank(b.item.object.kind) || a.i - b.i).map((x) => x.item);
}

/** The reverse: members of a set are deleted dependents first. */
export function deleteOrder<T extends Pick<KubeObject, 'kind'>>(objects: readonly T[]): T[] {
  return applyOrder(objects.map((object) => ({ object }))).map((x) => x.object).reverse();
}
