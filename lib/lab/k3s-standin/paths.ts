/** k3s STAND-IN: where the stand-in keeps its records on a lab host, and its config file shape. */
export const STANDIN_STATE_DIR = '/var/lib/rancher/k3s-standin';

/** The port a k3s server serves its API on (what k3s.yaml names on 127.0.0.1). */
export const K3S_API_PORT = 6443;

/** What the stand-in programs read (K3S_STANDIN_CONF, a JSON file on the shared /tmp). */
export interface StandinConf {
  /** Kubeconfig (path) the stand-in itself uses to register Nodes and keep its bootstrap record. */
  kubeconfig: string;
  /** Kubeconfig (path) a server writes as /etc/rancher/k3s/k3s.yaml (default: `kubeconfig`'s file). */
  k3sYaml?: string;
  /** host:port a server relays 127.0.0.1:6443 to (k3s's own API listener), when set. */
  apiRelay?: string;
  /** Each Node's ExternalIP: where the API server reaches its kubelet (kwok's server), for logs, exec and port-forward. */
  kubeletAddress?: string;
  /** Ports on which every node answers HTTP ("k3s stand-in on <node>"): the gateway NodePorts. */
  nodePorts?: number[];
  /** Node name → InternalIP for the Node objects. */
  nodeIps?: Record<string, string>;
}
