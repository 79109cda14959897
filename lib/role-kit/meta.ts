/** Object metadata every role's objects carry: the capstan managed-by label, and a name and namespace. */
import type { KubeObject } from '../kube/types.ts';

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'capstan' } as const;

/** `{name, namespace?, labels: managed-by + extra}`; a cluster-scoped object passes no namespace. */
export function objectMeta(name: string, namespace?: string, labels: Readonly<Record<string, string>> = {}): KubeObject['metadata'] {
  return { name, ...(namespace === undefined ? {} : { namespace }), labels: { ...MANAGED_BY, ...labels } };
}
