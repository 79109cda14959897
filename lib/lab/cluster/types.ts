/** The handle of a running lab control plane (what startCluster and attachCluster return). */
import type { ClusterApi } from './api.ts';
import type { AuditWrite } from './audit.ts';
import type { Pki } from './certs.ts';
import type { Ranges } from './flags.ts';

export interface Cluster {
  readonly id: string;
  readonly dir: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** https://<lab gateway>:<port> when started for a lab. */
  readonly labServer: string | undefined;
  /** kubeconfig of user `capstan` (cluster-admin through RBAC). */
  readonly kubeconfig: string;
  /** kubeconfig of user `capstan-admin` (system:masters), for set-up and inspection. */
  readonly adminKubeconfig: string;
  readonly caFile: string;
  readonly pki: Pki;
  readonly ranges: Ranges;
  readonly auditLog: string;
  /** An HTTPS client as capstan-admin. */
  readonly api: ClusterApi;
  readonly startupSeconds: number;
  /** Resident memory per process, MiB. */
  memoryMiB(): Record<string, number>;
  /** Write requests in the audit log (of `user` when given), after the log is flushed to now. */
  auditWrites(user?: string): Promise<AuditWrite[]>;
  /** Keep pods of a workload from becoming Ready (kind as in the manifest: Deployment, StatefulSet, DaemonSet). */
  neverReady(kind: string, namespace: string, name: string): Promise<void>;
  /** Every workload becomes ready again (new pods; pods kept unready so far stay so until replaced or re-staged). */
  clearNeverReady(): Promise<void>;
  down(): Promise<void>;
}
