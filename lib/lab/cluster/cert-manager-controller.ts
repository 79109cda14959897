/**
 * cert-manager's real controller (built from its Go module by `npm run cluster -- build`, see
 * cert-manager/main.go) run against a lab cluster as user `cert-manager`: it issues selfSigned
 * and CA Certificates into their Secrets, sets Ready and notAfter, and creates the Certificates
 * Ingress TLS annotations ask for. The chart's own controller Pod is kwok's (nothing runs in it);
 * the webhook is not needed (the API server runs without admission webhooks). The process is
 * one of the cluster's (its PID in the cluster state), so `down` or a crash cleanup ends it too.
 *
 *   const cm = startCertManagerController(cluster); ...; await cm.stop();
 */
import { join } from 'node:path';
import { logFile, startProcess } from './processes.ts';
import { endPids, readState, saveState } from './state.ts';
import type { Cluster } from './types.ts';
import { binaryPath } from './versions.ts';

export const CERT_MANAGER_PROCESS = 'cert-manager-controller';

export interface RunningController {
  readonly pid: number;
  readonly log: string;
  stop(): Promise<void>;
}

/** Start it; throws with the one-line fix when the binary is not built. */
export function startCertManagerController(c: Pick<Cluster, 'dir'>, o: { clusterResourceNamespace?: string } = {}): RunningController {
  const bin = binaryPath(CERT_MANAGER_PROCESS);
  const s = readState(c.dir);
  if (!s) throw new Error(`cert-manager controller: no cluster state in ${c.dir}`);
  const pid = startProcess(s, CERT_MANAGER_PROCESS, bin, [
    `--kubeconfig=${join(c.dir, 'cert-manager.kubeconfig')}`, `--cluster-resource-namespace=${o.clusterResourceNamespace ?? 'cert-manager'}`,
  ]);
  return {
    pid, log: logFile(s, CERT_MANAGER_PROCESS),
    async stop() {
      endPids('cert-manager controller', [pid], 10_000);
      const now = readState(c.dir);
      if (now) saveState({ ...now, processes: now.processes.filter((p) => p.pid !== pid) });
    },
  };
}
