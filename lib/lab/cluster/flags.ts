/**
 * Command lines of the cluster's programs, as data (one function per program). Every address
 * they may dial is loopback or inside the cluster's own 10.<n>.0.0/16 (unreachable route):
 * pods 10.<n>.0.0/18, fake nodes 10.<n>.64.x, services 10.<n>.128.0/18; kwok's kubelet server
 * on 127.0.0.1 (port-forward.ts).
 */
import { join } from 'node:path';
import type { Pki } from './certs.ts';
import { KUBELET_ADDRESS, KWOK_CRD_KINDS } from './port-forward.ts';

export interface Ranges { pods: string; nodeIp: (i: number) => string; services: string; advertise: string }

export function ranges(n: number, labGatewayIp?: string): Ranges {
  return {
    pods: `10.${n}.0.0/18`, nodeIp: (i) => `10.${n}.64.${i}`, services: `10.${n}.128.0/18`,
    // The `kubernetes` Service's endpoint: Endpoints reject loopback, so an owned address (the lab's gateway when there is one).
    advertise: labGatewayIp ?? `10.${n}.64.254`,
  };
}

export function etcdArgs(dir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    '--name=capstan', `--data-dir=${join(dir, 'etcd')}`, `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=capstan=${peer}`,
    '--unsafe-no-fsync', '--log-level=warn', '--quota-backend-bytes=4294967296',
  ];
}

/**
 * The two webhook admission plugins are off: nothing serves the charts' webhooks here
 * (docs/cluster.md says which tests that leaves out and why).
 */
export function apiserverArgs(dir: string, pki: Pki, o: { etcdPort: number; port: number; ranges: Ranges }): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${o.etcdPort}`, '--bind-address=127.0.0.1', `--secure-port=${o.port}`, `--advertise-address=${o.ranges.advertise}`,
    `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.ca}`, `--cert-dir=${join(dir, 'apiserver')}`,
    '--authorization-mode=RBAC', '--allow-privileged=true', '--profiling=false',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local', `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
    `--service-cluster-ip-range=${o.ranges.services}`,
    '--disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook',
    // Kubelet connections (pods/portforward, logs, exec) go to a Node's ExternalIP first: the fake
    // Nodes' is kwok's server on 127.0.0.1, whose certificate is checked against the cluster CA.
    '--kubelet-preferred-address-types=ExternalIP,InternalIP,Hostname', `--kubelet-certificate-authority=${pki.ca}`,
    `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`, `--audit-log-path=${join(dir, 'audit.log')}`, '--audit-log-maxsize=0',
  ];
}

/** A fake Node's Lease duration: kwok renews it as a kubelet does (a kubelet's default). */
export const NODE_LEASE_SECONDS = 40;

/** No client-side rate limits (as kwokctl runs them): a busy test would wait on the limiter, not the server. */
const UNLIMITED = ['--kube-api-qps=5000', '--kube-api-burst=10000'];

/**
 * A fake Node's heartbeat (kwok's Lease renewals, kwokArgs) can lag on a loaded machine; past the
 * grace period the node lifecycle controller would mark the node NotReady and its pods unready,
 * which no kwok stage undoes. Five minutes keeps that for nodes that really stop (a k3s stand-in's).
 */
export function controllerManagerArgs(dir: string, pki: Pki): string[] {
  return [
    `--kubeconfig=${join(dir, 'kube-controller-manager.kubeconfig')}`, '--secure-port=0', '--leader-elect=false', ...UNLIMITED,
    '--node-monitor-grace-period=5m',
    `--service-account-private-key-file=${pki.saKey}`, `--root-ca-file=${pki.ca}`, '--use-service-account-credentials=true',
    `--cluster-signing-cert-file=${pki.ca}`, `--cluster-signing-key-file=${pki.caKey}`,
  ];
}

export function schedulerArgs(dir: string): string[] {
  return [`--kubeconfig=${join(dir, 'kube-scheduler.kubeconfig')}`, '--secure-port=0', '--leader-elect=false', ...UNLIMITED];
}

/**
 * kwok with its kubelet server on 127.0.0.1:kubeletPort (the Nodes' kubelet endpoint), TLS with the
 * API server's certificate. --node-lease-duration-seconds: kwok renews each fake Node's Lease in
 * kube-node-lease as a kubelet does (40 s, a kubelet's default; kwokctl sets it too). Without it
 * kwok renews no Lease and refreshes a Node's status only every ~5 minutes, so each cycle the node
 * lifecycle controller saw the nodes lost past its grace period and marked every pod unready, and
 * nothing marked them ready again: a lab kept up for 5 minutes broke (pods of a no-op rerun never Ready).
 */
export function kwokArgs(dir: string, r: Ranges, pki: Pki, kubeletPort: number): string[] {
  return [
    `--kubeconfig=${join(dir, 'kwok.kubeconfig')}`, '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    `--cidr=${r.pods}`, `--node-ip=${r.nodeIp(1)}`, `--node-port=${kubeletPort}`, `--server-address=${KUBELET_ADDRESS}:${kubeletPort}`,
    `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--enable-crds=${KWOK_CRD_KINDS.join(',')}`,
    `--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`,
  ];
}
