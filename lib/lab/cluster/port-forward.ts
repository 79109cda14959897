/**
 * kwok's kubelet server and its port-forward rules. kwok serves the kubelet API on 127.0.0.1
 * (TLS with the API server's own serving certificate, whose SANs hold 127.0.0.1; the API server
 * checks it against the cluster CA). Each fake Node carries 127.0.0.1 as its ExternalIP, which
 * the API server prefers for kubelet connections, and kwok's port as its kubelet endpoint, so
 * `pods/portforward` (kubectl port-forward, `npm run dashboard`) goes API server → kwok → the
 * target a PortForward object names: a test-owned address, e.g. a stand-in server on 127.0.0.1.
 *
 *   await c.api.create('/apis/kwok.x-k8s.io/v1alpha1/namespaces/istio-system/portforwards',
 *     portForwardObject('istio-system', 'kiali-7d9f-x2', [{ ports: [20001], address: '127.0.0.1', port: 41234 }]));
 *
 * A PortForward's name is the pod's; a ClusterPortForward selects pods by namespace and name.
 * kwok would also run a forward's `command` as the cluster's user (root): only targets here.
 */

/** kwok's CRD files for the objects it reads from the API (copied by the build into share/kwok). */
export const KWOK_CRD_FILES = {
  'stages.kwok.x-k8s.io': 'stages-crd.yaml',
  'portforwards.kwok.x-k8s.io': 'portforwards-crd.yaml',
  'clusterportforwards.kwok.x-k8s.io': 'clusterportforwards-crd.yaml',
} as const;

/** The kinds kwok serves from API objects (its --enable-crds). */
export const KWOK_CRD_KINDS = ['Stage', 'PortForward', 'ClusterPortForward'] as const;

/** The address the API server dials for a fake Node's kubelet (kwok's server listens there). */
export const KUBELET_ADDRESS = '127.0.0.1';

export interface ForwardRule {
  /** Pod ports this rule answers (all ports when left out). */
  readonly ports?: readonly number[];
  /** Where kwok dials: keep it test-owned (loopback). */
  readonly address: string;
  readonly port: number;
}

/** A PortForward for one pod: connections to its ports go to each rule's address:port. */
export function portForwardObject(namespace: string, pod: string, rules: readonly ForwardRule[]): any {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'PortForward', metadata: { name: pod, namespace },
    spec: { forwards: rules.map((r) => ({ ...(r.ports ? { ports: [...r.ports] } : {}), target: { address: r.address, port: r.port } })) },
  };
}
