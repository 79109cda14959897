// The whole platform, in the order Ansible's site.yml would run it.
// `npm run play -- --inventory production --tags istio` runs only the Istio role's tasks.
import { play, playbook } from '../lib/playbook.ts';

export default playbook('site', [
  // Bare metal to k3s (homelab bootstrap); skipped on an existing cluster with --tags.
  play('k3s cluster', 'k3s_cluster', ['k3s']),
  // Cluster services, applied once through the first server (kubeconfig or SSH tunnel); then the
  // inventory's own objects (after the roles whose CRDs they use).
  play('cluster services', 'server[0]', ['metallb', 'cert-manager', 'istio', 'nginx-ingress', 'seldon', 'serving', 'observability', 'objects']),
  // External load balancers: config generated offline from the inventory, then deployed.
  play('load balancer config', 'server[0]', ['lb-config']),
  play('load balancers', 'loadbalancers', ['haproxy']),
]);
