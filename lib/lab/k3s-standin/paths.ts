/** k3s STAND-IN: where the stand-in keeps its records on a lab host, and its config file shape. */
export const STANDIN_STATE_DIR = '/var/lib/rancher/k3s-standin';

/** What the stand-in programs read (K3S_STANDIN_CONF, a JSON file on the shared /tmp). */
export interface StandinConf {
  /** Kubeconfig of the Kubernetes API simulator (the "cluster" the stand-in joins). */
  kubeconfig: string;
  /** Ports on which every node answers HTTP ("k3s stand-in on <node>"): the gateway NodePorts. */
  nodePorts?: number[];
  /** Node name → InternalIP for the Node objects. */
  nodeIps?: Record<string, string>;
}
