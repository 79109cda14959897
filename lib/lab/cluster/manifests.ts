/**
 * What the cluster is configured with: the audit policy (every write request, with its user, so
 * tests count the writes of user `capstan`; a marker URL so a reader knows the log is flushed up
 * to a point), the kubeconfig of a user, the fake Nodes, and the RBAC that makes `capstan` a
 * cluster admin (through RBAC, not the system:masters group, so authorization is exercised).
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { KUBELET_ADDRESS } from './port-forward.ts';

export const AUDIT_MARK_PATH = '/capstan-audit-mark';

export function auditPolicy(): string {
  return stringify({
    apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'],
    rules: [
      { level: 'Metadata', verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] },
      { level: 'Metadata', nonResourceURLs: [`${AUDIT_MARK_PATH}*`] },
      { level: 'None' },
    ],
  });
}

export interface KubeconfigUser { name: string; cert: string; key: string }

/** A self-contained kubeconfig (certificates inline) for one user. */
export function kubeconfigText(server: string, caFile: string, user: KubeconfigUser, context = 'capstan-cluster'): string {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  return stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: context, cluster: { server, 'certificate-authority-data': b64(caFile) } }],
    users: [{ name: user.name, user: { 'client-certificate-data': b64(user.cert), 'client-key-data': b64(user.key) } }],
    contexts: [{ name: context, context: { cluster: context, user: user.name } }],
    'current-context': context, preferences: {},
  });
}

export function capstanClusterAdmin(): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'capstan-cluster-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'capstan' }],
  };
}

/**
 * A fake Node for kwok to manage (annotation kwok.x-k8s.io/node=fake), with a test-owned address;
 * its ExternalIP is where the API server reaches kwok's kubelet server (port-forward.ts).
 */
export function fakeNode(name: string, ip: string): any {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name, annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    status: {
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'ExternalIP', address: KUBELET_ADDRESS }, { type: 'Hostname', address: name }],
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
    },
  };
}
