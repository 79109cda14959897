/**
 * What roles see of the cluster. Implemented in lib/kube (client-node adapter), lib/helm and
 * lib/wait; roles only use these interfaces, so they never know whether the API is reached by
 * kubeconfig or through an SSH tunnel.
 */
import type { TaskResult } from '../results.ts';

export type ChartSource =
  /** A chart repository: repo URL + chart name + pinned version. */
  | { repo: string; name: string; version: string }
  /** An OCI reference, e.g. oci://registry.example/charts/metallb, with a pinned version. */
  | { oci: string; version: string }
  /** A local chart directory or .tgz (air-gapped sites, tests). */
  | { path: string };

export interface HelmReleaseSpec {
  name: string;
  namespace: string;
  chart: ChartSource;
  values: Record<string, unknown>;
  state?: 'present' | 'absent';
  createNamespace?: boolean;
  /** Wait for the release's workloads (translated per Helm major). Default true. */
  wait?: boolean;
  timeoutSeconds?: number;
  /**
   * Apply client-side as helm 3 does, also with helm 4 (whose default is server-side apply):
   * for charts that render `null` for fields of a CRD's schema, which the API server drops on a
   * create but refuses in a server-side apply (Seldon's runtime and servers charts).
   */
  clientSideApply?: boolean;
}

export interface ApplyOptions {
  /** Take over fields owned by another field manager instead of failing. */
  force?: boolean;
}

export type { KubeObject } from './object.ts';
import type { KubeObject } from './object.ts';

export interface Cluster {
  /** Install/upgrade/uninstall one release idempotently; honours check/diff from the task. */
  helmRelease(spec: HelmReleaseSpec, opts: { check: boolean; diff: boolean; log: (m: string) => void }): Promise<TaskResult>;
  /** Server-side apply with field manager `capstan`; ok when nothing changed. */
  apply(objects: KubeObject[], opts: { check: boolean; diff: boolean; force?: boolean }): Promise<TaskResult>;
  /** Ensure a namespace exists with (at least) these labels. */
  ensureNamespace(name: string, labels: Record<string, string>, opts: { check: boolean }): Promise<TaskResult>;
  /** Delete objects (absent state); ok when already gone. */
  delete(objects: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[], opts: { check: boolean }): Promise<TaskResult>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, opts?: { namespace?: string; labelSelector?: string }): Promise<KubeObject[]>;
  rolloutRestart(namespace: string, deploymentNames: string[], opts: { check: boolean }): Promise<TaskResult>;
  /** Bounded, watch-based waits that report what they are waiting for. See lib/wait. */
  readonly wait: Waiter;
  /** The plain-JSON API (get/list/apply with dry-run/delete/watch), for lib/objects. */
  readonly api: import('./client.ts').KubeApi;
}

export interface WaitOptions {
  timeoutSeconds: number;
  log: (message: string) => void;
  signal?: AbortSignal;
}

export interface Waiter {
  rollout(kind: 'Deployment' | 'DaemonSet' | 'StatefulSet', namespace: string, name: string, o: WaitOptions): Promise<void>;
  crdEstablished(name: string, o: WaitOptions): Promise<void>;
  serviceEndpointsReady(namespace: string, name: string, o: WaitOptions): Promise<void>;
  /** Returns the assigned ingress IP; fails when `expectedIp` is set and differs. */
  loadBalancerIp(namespace: string, name: string, o: WaitOptions & { expectedIp?: string }): Promise<string>;
  podsReady(namespace: string, labelSelector: string, o: WaitOptions): Promise<void>;
  jobComplete(namespace: string, name: string, o: WaitOptions): Promise<void>;
  nodesReady(names: string[], o: WaitOptions): Promise<void>;
  /** Waits until these pods (by uid) are gone from `node`: evicted pods terminating (a drain). */
  podsGone(node: string, pods: readonly Pick<KubeObject, 'metadata'>[], o: WaitOptions): Promise<void>;
  /** Waits until the object is healthy by its kind's rule (lib/wait/health.ts); returns its status. */
  healthy(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>, o: WaitOptions): Promise<string>;
}
