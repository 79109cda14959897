/** A Kubernetes object as plain JSON: the one type every layer (client, compare, helm, wait, roles) shares. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}
