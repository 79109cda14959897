/**
 * The demo's Kubernetes API: the real control plane (lib/lab/cluster: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler; kwok simulates kubelets and containers), listening on
 * the lab's bridge too, so the k3s stand-in inside the lab hosts registers its Nodes there.
 * The demo handles Ctrl-C itself, so the cluster does not tear itself down on a signal; its
 * programs' PIDs are recorded (state.json) and ended by down(), also when the demo exits.
 */
import { writeFileSync } from 'node:fs';
import { startCluster, type Cluster } from '../lab/cluster/index.ts';
import { kubeconfigText } from '../lab/cluster/manifests.ts';
import { ETCD_VERSION, KUBERNETES_VERSION, KWOK_VERSION } from '../lab/cluster/versions.ts';
import type { LabApiServer } from '../lab/k3s-standin/k3s-lab.ts';

/** What the demo says it runs on (docs/demo.md and the output say the same). */
export const REAL_API_SERVER = `real API server (kube-apiserver v${KUBERNETES_VERSION}, etcd, controllers, scheduler; kubelets and containers simulated by kwok)`;
export const CLUSTER_VERSIONS = `kube-apiserver/kube-controller-manager/kube-scheduler v${KUBERNETES_VERSION}, etcd v${ETCD_VERSION}, kwok v${KWOK_VERSION}`;

export interface DemoApi extends LabApiServer {
  readonly cluster: Cluster;
}

/** startK3sLab's startApi: a real control plane reachable on the lab's gateway address `host`. */
export async function startDemoApi({ host, signal }: { host: string; signal?: AbortSignal }): Promise<DemoApi> {
  const cluster = await startCluster({ labGatewayIp: host, handleSignals: false, ...(signal ? { signal } : {}) });
  const url = cluster.labServer!;
  return {
    cluster, url,
    writeKubeconfig(path) {
      writeFileSync(path, kubeconfigText(url, cluster.caFile, { name: 'capstan', ...cluster.pki.client('capstan') }), { mode: 0o600 });
    },
    close: () => cluster.down(),
  };
}
