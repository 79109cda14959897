/**
 * The real control plane (lib/lab/cluster) as the cluster the k3s STAND-IN's nodes join, and a k3s
 * lab on it in one call (tests, `npm run demo`, benches):
 *
 *   const k = await startK3sLabOnCluster({ servers: 1, agents: 2, version: 'v1.31.4+k3s1' });
 *   await k.play(['--tags', 'k3s']);
 *   await k.controlPlane.nodes();                   // the Node objects, as the admin reads them
 *   k.controlPlane.cluster;                         // the Cluster handle: api, auditWrites('capstan'), kubeconfig, ...
 *   await k.down();                        // stand-in, cluster and lab
 *
 * The cluster is started with the lab's gateway address (it listens there too, with that address
 * in its serving certificate) and no fake Nodes of its own: the stand-in's servers and agents are
 * its Nodes, registered with kwok's annotation so kwok makes them Ready and runs the pods
 * scheduled to them, each with its lab host's address (the lab subnet, a test-owned range) as
 * InternalIP and kwok's kubelet server (loopback) as ExternalIP, which the API server dials for
 * logs, exec and port-forward, as for the cluster's own fake Nodes.
 * A server's k3s.yaml is what k3s writes: `https://127.0.0.1:6443`, the cluster's CA and a client
 * certificate of user `capstan` (so the audit log tells capstan's requests apart); the server
 * relays its 127.0.0.1:6443 to the API server, so `cluster_access: ssh` tunnels through it. The
 * stand-in registers Nodes as its own user, `k3s-standin` (a certificate issued by the cluster's CA).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { sh } from '../../shell.ts';
import { startCluster, type Cluster } from '../cluster/index.ts';
import type { Pki } from '../cluster/certs.ts';
import { kubeconfigText } from '../cluster/manifests.ts';
import { KUBELET_ADDRESS } from '../cluster/port-forward.ts';
import { K3S_API_PORT } from './paths.ts';
import { startK3sLab, type K3sLab, type K3sLabOptions, type LabApiServer } from './k3s-lab.ts';

export interface LabCluster extends LabApiServer {
  readonly cluster: Cluster;
  /** Every Node (admin's view). */
  nodes(): Promise<any[]>;
}

export interface LabClusterOptions {
  /** Run the cluster's LoadBalancer-IP stand-in (default true). */
  lbIps?: boolean;
  log?: (line: string) => void;
  /** See ClusterOptions.handleSignals (false: the caller handles Ctrl-C, as `npm run demo` does). */
  handleSignals?: boolean;
  /** See ClusterOptions.signal: stops the cluster's start-up under way. */
  signal?: AbortSignal;
}

/** A client certificate for `cn` in group `o`, signed by the cluster's CA (openssl, as lib/lab/cluster does). */
async function issueClientCert(pki: Pki, dir: string, cn: string, o: string): Promise<{ cert: string; key: string }> {
  const [key, csr, cert, ext] = ['key', 'csr', 'crt', 'ext'].map((s) => join(dir, `${cn}.${s}`)) as [string, string, string, string];
  writeFileSync(ext, 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  const script = sh`openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ${key} -out ${csr} -subj ${`/O=${o}/CN=${cn}`} 2>&1 && \
    openssl x509 -req -in ${csr} -CA ${pki.ca} -CAkey ${pki.caKey} -CAcreateserial -CAserial ${join(dir, 'ca.srl')} -out ${cert} -days 30 -extfile ${ext} 2>&1`;
  await $({ quiet: true })`bash -c ${script.text}`;
  return { cert, key };
}

/** `startApi` for startK3sLab: a real control plane on the lab's gateway address. */
export function realControlPlane(o: LabClusterOptions = {}): (a: { host: string }) => Promise<LabCluster> {
  return async ({ host }) => {
    const cluster = await startCluster({
      labGatewayIp: host, nodeNames: [], lbIps: o.lbIps ?? true, ...(o.log ? { log: o.log } : {}),
      ...(o.handleSignals !== undefined ? { handleSignals: o.handleSignals } : {}), ...(o.signal ? { signal: o.signal } : {}),
    });
    const dir = mkdtempSync(join(tmpdir(), 'capstan-k3s-standin-pki-'));
    try {
      const url = cluster.labServer!;
      const standin = await issueClientCert(cluster.pki, dir, 'k3s-standin', 'system:masters');
      return {
        url, cluster, apiRelay: new URL(url).host, kubeletAddress: KUBELET_ADDRESS,
        writeKubeconfig: (path) => writeFileSync(path, kubeconfigText(url, cluster.caFile, { name: 'k3s-standin', ...standin }), { mode: 0o600 }),
        writeK3sYaml: (path) => writeFileSync(path, kubeconfigText(`https://127.0.0.1:${K3S_API_PORT}`, cluster.caFile, { name: 'default', ...cluster.pki.client('capstan') }, 'default'), { mode: 0o600 }),
        nodes: async () => (await cluster.api.must('GET', '/api/v1/nodes')).items as any[],
        async close() {
          rmSync(dir, { recursive: true, force: true });
          await cluster.down();
        },
      };
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      await cluster.down();
      throw err;
    }
  };
}

/** A k3s lab on a real control plane: lab hosts, the cluster on the lab bridge, and the k3s stand-in. */
export function startK3sLabOnCluster(o: Omit<K3sLabOptions, 'startApi'> & { cluster?: LabClusterOptions }): Promise<K3sLab<LabCluster>> {
  const { cluster, ...rest } = o;
  return startK3sLab({ ...rest, startApi: realControlPlane(cluster) });
}
